// Parsers for the value forms every setting uses, one accepted form each, shared by all layers
// (TOML file, environment, flags). Pure functions: no I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jvminit::config {

// Whether `a` and `b` are equal but for the letter case of ASCII letters (tolower(3) in the "C" locale).
bool iequals(std::string_view a, std::string_view b);

// A boolean: true/false/1/0/yes/no in any letter case, nothing else (no surrounding spaces).
std::optional<bool> parse_bool(std::string_view text);
inline constexpr std::string_view kBoolForm = "true, false, 1, 0, yes or no";

// A decimal integer in [min, max], digits only (no sign, no spaces, no leading '+').
std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max);

// A duration: a non-negative integer followed by one unit, `ms`, `s`, `m` or `h` ("500ms", "10s", "2m").
// Returns milliseconds; nullopt for a missing unit, a fraction, a sign or a value above 24 hours.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
inline constexpr std::string_view kDurationForm =
    "a whole number with a unit ms, s, m or h, at most 24h (e.g. 500ms, 10s, 2m)";

// Formats milliseconds back into the shortest exact form parse_duration accepts ("8s", "1500ms").
std::string format_duration(std::chrono::milliseconds duration);

// "SIGTERM" for 15: sigabbrev_np(3)'s name (SIGIO for 29, as bash's kill -l and Docker name it; glibc says
// POLL); real-time signals as kill -l names them ("SIGRTMIN+3", "SIGRTMAX-2", "SIGRTMAX"); "SIG<n>" for a
// number without a name. Pure.
std::string signal_name(int signal_number);

// A signal: its name with or without "SIG" in any letter case ("HUP", "SIGTERM", "usr2"; sigabbrev_np(3)'s
// names and kill(1)'s IO, IOT and CLD), "RTMIN+N" / "RTMAX-N" for real-time signals (glibc's SIGRTMIN, 34;
// a musl program's is 35), or its number: 1-31 and 34-64, as kill -l lists them (32 and 33 are glibc's
// own, signal(7)).
std::optional<int> parse_signal(std::string_view text);

// One rule of signals.rewrite (pid1-behaviour.md scenario 9, dumb-init's --rewrite): the signal jvminit
// receives and the one it forwards instead; `forwarded` 0 means dropped (forwarded to nobody).
struct SignalRewrite {
    int received = 0;   // a signal jvminit forwards: not SIGKILL/SIGSTOP (cannot be caught), SIGCHLD (jvminit
                        // reaps on it) or SIGPIPE (ignored, never forwarded)
    int forwarded = 0;  // any signal parse_signal accepts, or 0 for drop
    bool operator==(const SignalRewrite&) const = default;
};

// "FROM:TO,FROM:TO": FROM and TO as parse_signal takes them (plus the aliases IO, IOT and CLD), TO also
// `drop`; spaces around entries, FROM and TO are ignored, each FROM appears once; the empty text is no
// rule, one of spaces only is refused. Nullopt when the text is not in that form; then `why` (if given)
// names the entry and the reason, with a "did you mean" for a misspelt name.
std::optional<std::vector<SignalRewrite>> parse_signal_rewrite(std::string_view text, std::string* why = nullptr);
inline constexpr std::string_view kSignalRewriteForm =
    "comma-separated FROM:TO pairs of signal names or numbers, TO may be drop, each FROM once and not KILL, STOP, "
    "CHLD or PIPE (e.g. HUP:drop,USR2:TERM), or empty";
// The rules back in the form parse_signal_rewrite takes, names without "SIG" ("HUP:drop,USR2:TERM"),
// real-time signals as kill -l names them (RTMIN+N in the lower half, RTMAX-N in the upper one).
std::string format_signal_rewrite(const std::vector<SignalRewrite>& rules);
// The signal to forward when `received` comes in: its rule's, else `received` itself; 0 when dropped.
int rewritten_signal(int received, const std::vector<SignalRewrite>& rules);

// Edit distance between two ASCII strings (case-sensitive), for "did you mean" hints: insertions,
// deletions, substitutions and swaps of two neighbours ("PROT" for "PORT") count one each (optimal string
// alignment, a restricted Damerau-Levenshtein distance).
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace jvminit::config
