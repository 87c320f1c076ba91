#include "config/values.hpp"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <variant>
#include <vector>

namespace jvminit::config {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

namespace {
// 'text' in quotes for a message. Built by appending: GCC 12 warns falsely (-Wrestrict, GCC bug 105329)
// about "literal" + std::string&& at -O2.
std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    out += text;
    out += '\'';
    return out;
}

// Without the spaces and tabs around it.
std::string_view trim_spaces(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Names kill(1) and bash take besides sigabbrev_np(3)'s (which gives POLL for 29 and ABRT for 6).
constexpr std::pair<std::string_view, int> kSignalAliases[] = {{"IO", SIGIO}, {"IOT", SIGABRT}, {"CLD", SIGCHLD}};

// The name of a signal without "SIG".
std::string short_signal_name(int sig) {
    return signal_name(sig).substr(3);
}

// " (did you mean TERM?)" when exactly one name is a typo away from `word` (rule below), else "".
std::string signal_hint(std::string_view word, bool drop_too) {
    std::string upper;
    for (char c : word) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper.size() > 3 && upper.rfind("SIG", 0) == 0) upper.erase(0, 3);
    std::vector<std::string> names;
    for (int sig = 1; sig <= 31; ++sig)
        if (const char* abbrev = ::sigabbrev_np(sig)) names.emplace_back(abbrev);
    for (const auto& [alias, sig] : kSignalAliases) names.emplace_back(alias);
    names.emplace_back("RTMIN");
    names.emplace_back("RTMAX");
    if (drop_too) names.emplace_back("DROP");
    // Signal names are short: in up to four letters one edit is a typo (INFO is no INT, LOST no CONT), in
    // longer ones two. Two names as close: no guess (USR3 is USR1 or USR2).
    std::string best;
    std::size_t best_distance = SIZE_MAX;
    bool tie = false;
    for (const auto& name : names) {
        const std::size_t distance = edit_distance(upper, name);
        const bool close =
            std::max(upper.size(), name.size()) <= 4 ? distance == 1 && upper.size() >= 3 : distance <= 2;
        if (!close) continue;
        if (distance < best_distance) {
            best_distance = distance;
            best = name;
            tie = false;
        } else if (distance == best_distance) {
            tie = true;
        }
    }
    if (tie || best.empty()) return "";
    return std::string(" (did you mean ").append(best == "DROP" ? std::string("drop") : best) + "?)";
}

// Why `text` is no signal: the numbers' ranges for a number, a "did you mean" for a misspelt name.
std::string not_a_signal(std::string_view text, bool drop_too) {
    const bool number =
        !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (number) return quoted(text) + " is not a signal number (1-31 or 34-64; 32 and 33 are glibc's own)";
    std::string reason =
        quoted(text) + (drop_too ? " is not a signal name or number, nor drop" : " is not a signal name or number");
    if (text.find(' ') != std::string_view::npos) return reason + " (entries are separated by commas)";
    std::string_view name = text;
    if (name.size() > 3 && iequals(name.substr(0, 3), "SIG")) name.remove_prefix(3);
    if (name.size() >= 5 && (iequals(name.substr(0, 5), "RTMIN") || iequals(name.substr(0, 5), "RTMAX")))
        return reason + " (RTMIN+N and RTMAX-N take N from 0 to " + std::to_string(SIGRTMAX - SIGRTMIN) + ")";
    return reason + signal_hint(text, drop_too);
}

}  // namespace

std::string signal_name(int sig) {
    if (sig >= SIGRTMIN && sig <= SIGRTMAX) {  // as kill -l names them
        if (sig - SIGRTMIN <= (SIGRTMAX - SIGRTMIN) / 2)
            return sig == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
        return sig == SIGRTMAX ? "SIGRTMAX" : "SIGRTMAX-" + std::to_string(SIGRTMAX - sig);
    }
    if (sig == SIGIO) return "SIGIO";  // as bash's kill -l and Docker name it; sigabbrev_np(3) gives POLL
    std::string name("SIG");
    if (const char* abbrev = ::sigabbrev_np(sig))
        name += abbrev;
    else
        name += std::to_string(sig);
    return name;
}

std::optional<int> parse_signal(std::string_view text) {
    auto valid = [](std::int64_t sig) -> std::optional<int> {
        if (sig < 1 || sig > SIGRTMAX || (sig > 31 && sig < SIGRTMIN)) return std::nullopt;
        return static_cast<int>(sig);
    };
    if (auto number = parse_integer(text, 1, 64)) return valid(*number);
    if (text.size() > 3 && iequals(text.substr(0, 3), "SIG")) text.remove_prefix(3);
    for (auto [base, sign] : {std::pair{std::string_view("RTMIN"), 1}, std::pair{std::string_view("RTMAX"), -1}}) {
        if (text.size() < base.size() || !iequals(text.substr(0, base.size()), base)) continue;
        std::string_view rest = text.substr(base.size());
        const int anchor = sign > 0 ? SIGRTMIN : SIGRTMAX;
        if (rest.empty()) return anchor;
        if (rest.front() != (sign > 0 ? '+' : '-')) return std::nullopt;
        auto offset = parse_integer(rest.substr(1), 0, 64);
        if (!offset) return std::nullopt;
        const std::int64_t sig = anchor + sign * *offset;
        if (sig < SIGRTMIN || sig > SIGRTMAX) return std::nullopt;
        return valid(sig);
    }
    for (int sig = 1; sig <= 31; ++sig) {
        const char* abbrev = ::sigabbrev_np(sig);
        if (abbrev != nullptr && iequals(text, abbrev)) return sig;
    }
    for (const auto& [alias, sig] : kSignalAliases)
        if (iequals(text, alias)) return sig;
    return std::nullopt;
}

std::optional<std::vector<SignalRewrite>> parse_signal_rewrite(std::string_view text, std::string* why) {
    std::vector<SignalRewrite> rules;
    // Every entry whose FROM is a signal, as written, with that signal: a FROM given twice is a problem also
    // when one of the two has a bad TO (`HUP:x,HUP:drop` would otherwise fail again once `x` is fixed).
    std::vector<std::pair<std::string_view, int>> froms;
    std::vector<std::string> problems;  // every bad entry, in order: one report for all
    if (text.empty()) return rules;
    // One entry: a rule, or the reason it is none.
    const auto rule_of = [&](std::string_view entry) -> std::variant<SignalRewrite, std::string> {
        if (entry.empty()) return std::string("an empty entry (two commas in a row, or one at an end)");
        const std::size_t colon = entry.find(':');
        if (colon == std::string_view::npos) return quoted(entry) + " is not FROM:TO";
        const std::string_view from = trim_spaces(entry.substr(0, colon));
        const std::string_view to = trim_spaces(entry.substr(colon + 1));
        auto received = parse_signal(from);
        if (!received && iequals(from, "drop")) return quoted(entry) + ": drop is only a TO (FROM:drop, e.g. HUP:drop)";
        if (!received) return quoted(entry) + ": " + not_a_signal(from, false);
        if (*received == SIGKILL || *received == SIGSTOP || *received == SIGCHLD || *received == SIGPIPE)
            return quoted(entry) + ": " + short_signal_name(*received) +
                   " cannot be rewritten (KILL and STOP cannot be caught, CHLD is jvminit's own, PIPE is never "
                   "forwarded)";
        for (const auto& [earlier, signal] : froms)
            if (signal == *received)
                return quoted(earlier) + " and " + quoted(entry) + " are two rules for " + short_signal_name(signal);
        froms.emplace_back(entry, *received);
        int forwarded = 0;
        if (!iequals(to, "drop")) {
            auto sig = parse_signal(to);
            if (!sig) {
                for (std::string_view nothing : {"0", "none", "ignore", "nothing", "null"})
                    if (iequals(to, nothing))
                        return quoted(entry) + ": write " + std::string(from) + ":drop to drop " + std::string(from);
                return quoted(entry) + ": " + not_a_signal(to, true);
            }
            forwarded = *sig;
        }
        return SignalRewrite{*received, forwarded};
    };
    bool empty_entry_said = false;  // "a,,b,": one line for the empty entries
    const auto add = [&](std::string_view entry) {
        auto rule = rule_of(entry);
        if (auto* found = std::get_if<SignalRewrite>(&rule)) {
            rules.push_back(*found);
        } else if (!entry.empty() || !empty_entry_said) {
            problems.push_back(std::get<std::string>(std::move(rule)));
            empty_entry_said = empty_entry_said || entry.empty();
        }
    };
    if (trim_spaces(text).empty()) {
        problems.emplace_back("only spaces (leave it empty for no rule)");
    } else {
        std::size_t start = 0;
        for (std::size_t comma; (comma = text.find(',', start)) != std::string_view::npos; start = comma + 1)
            add(trim_spaces(text.substr(start, comma - start)));
        add(trim_spaces(text.substr(start)));
    }
    if (problems.empty()) return rules;
    if (why != nullptr) {
        why->clear();
        for (const auto& problem : problems) *why += (why->empty() ? "" : "; ") + problem;
    }
    return std::nullopt;
}

std::string format_signal_rewrite(const std::vector<SignalRewrite>& rules) {
    std::string text;
    for (const auto& rule : rules) {
        if (!text.empty()) text += ',';
        text += short_signal_name(rule.received) + ":" +
                (rule.forwarded == 0 ? std::string("drop") : short_signal_name(rule.forwarded));
    }
    return text;
}

int rewritten_signal(int received, const std::vector<SignalRewrite>& rules) {
    for (const auto& rule : rules)
        if (rule.received == received) return rule.forwarded;
    return received;
}

std::optional<bool> parse_bool(std::string_view text) {
    for (std::string_view yes : {"true", "1", "yes"})
        if (iequals(text, yes)) return true;
    for (std::string_view no : {"false", "0", "no"})
        if (iequals(text, no)) return false;
    return std::nullopt;
}

std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (value < min || value > max) return std::nullopt;
    return value;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 9) return std::nullopt;
    auto number = parse_integer(text.substr(0, digits), 0, 999'999'999);
    if (!number) return std::nullopt;
    std::string_view unit = text.substr(digits);
    std::int64_t factor = 0;
    if (unit == "ms")
        factor = 1;
    else if (unit == "s")
        factor = 1000;
    else if (unit == "m")
        factor = 60'000;
    else if (unit == "h")
        factor = 3'600'000;
    else
        return std::nullopt;
    std::int64_t ms = *number * factor;
    if (ms > 24LL * 3'600'000) return std::nullopt;
    return std::chrono::milliseconds(ms);
}

std::string format_duration(std::chrono::milliseconds duration) {
    auto ms = duration.count();
    if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
    if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rows of the optimal string alignment table: the one before the previous is for transpositions.
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            row[j] = std::min({previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                row[j] = std::min(row[j], before[j - 2] + 1);
        }
        std::swap(before, previous);
        std::swap(previous, row);
    }
    return previous[b.size()];
}

}  // namespace jvminit::config
