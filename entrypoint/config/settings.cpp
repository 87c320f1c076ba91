#include "config/settings.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <map>
#include <sstream>

#include "config/values.hpp"

namespace jvminit::config {

namespace {

std::string bool_text(bool value) {
    return value ? "true" : "false";
}

// Stores a boolean setting. One helper per value kind keeps the table below one line per setting.
template <bool Settings::*Member>
bool apply_bool(Settings& s, std::string_view text) {
    auto value = parse_bool(text);
    if (!value) return false;
    s.*Member = *value;
    return true;
}
template <bool Settings::*Member>
std::string show_bool(const Settings& s) {
    return bool_text(s.*Member);
}

template <int Settings::*Member, int Min, int Max>
bool apply_int(Settings& s, std::string_view text) {
    auto value = parse_integer(text, Min, Max);
    if (!value) return false;
    s.*Member = static_cast<int>(*value);
    return true;
}
template <int Settings::*Member>
std::string show_int(const Settings& s) {
    return std::to_string(s.*Member);
}

template <std::string Settings::*Member>
bool apply_path(Settings& s, std::string_view text) {
    // Absolute paths only: the JVM resolves relative ones against its own working directory, which may
    // differ. No '%' (HotSpot expands %p in ErrorFile and -Xlog file names), no ':' or '"' (they end or
    // quote the file name in -Xlog), no control characters.
    if (!text.empty() && text.front() != '/') return false;
    for (char c : text)
        if (c == '%' || c == ':' || c == '"' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;
    s.*Member = std::string(text);
    return true;
}
template <std::string Settings::*Member>
std::string show_text(const Settings& s) {
    return s.*Member;
}

// A host name: RFC 1123 labels of letters, digits and '-', not starting or ending with '-', and '_', which
// Docker Compose service names have and getaddrinfo(3), which the JDWP agent asks, resolves.
bool is_host_name(std::string_view text) {
    if (text.empty() || text.size() > 253) return false;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('.', start);
        std::string_view label = text.substr(start, end == std::string_view::npos ? text.npos : end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    // All-numeric names are addresses: they must then be a valid IPv4 address (checked by the caller).
    return !std::all_of(text.begin(), text.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

bool apply_bind(Settings& s, std::string_view text) {
    // JDWP's address=HOST:PORT host part: "*" (all interfaces), an IPv4 or IPv6 address ("::1" or "[::1]"),
    // or a host name. Never HOST:PORT: the port is its own setting.
    std::string host(text);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    in_addr v4{};
    in6_addr v6{};
    bool ok = text == "*" || ::inet_pton(AF_INET, host.c_str(), &v4) == 1 ||
              ::inet_pton(AF_INET6, host.c_str(), &v6) == 1 || (host == std::string(text) && is_host_name(text));
    if (!ok) return false;
    s.debug_bind = std::string(text);
    return true;
}

// Enumerated values in any letter case, as booleans are (EXIT, Info).
bool apply_on_oom(Settings& s, std::string_view text) {
    for (OomAction action : {OomAction::Exit, OomAction::Crash, OomAction::None}) {
        if (iequals(text, to_string(action))) {
            s.on_oom = action;
            return true;
        }
    }
    return false;
}
std::string show_on_oom(const Settings& s) {
    return std::string(to_string(s.on_oom));
}

bool apply_stop_timeout(Settings& s, std::string_view text) {
    auto value = parse_duration(text);
    if (!value) return false;
    s.stop_timeout = *value;
    return true;
}
std::string show_stop_timeout(const Settings& s) {
    return format_duration(s.stop_timeout);
}

bool apply_signal_rewrite(Settings& s, std::string_view text) {
    auto rules = parse_signal_rewrite(text);
    if (!rules) return false;
    s.signal_rewrite = std::move(*rules);
    return true;
}
std::string show_signal_rewrite(const Settings& s) {
    return format_signal_rewrite(s.signal_rewrite);
}
std::string why_signal_rewrite_refused(std::string_view text) {
    std::string why;
    parse_signal_rewrite(text, &why);
    return why;
}

bool apply_log_level(Settings& s, std::string_view text) {
    if (iequals(text, "warning")) {  // spdlog's name of the level, as jvminit's own lines show it
        s.log_level = LogLevel::Warn;
        return true;
    }
    for (LogLevel level :
         {LogLevel::Trace, LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error, LogLevel::Off}) {
        if (iequals(text, to_string(level))) {
            s.log_level = level;
            return true;
        }
    }
    return false;
}
std::string show_log_level(const Settings& s) {
    return std::string(to_string(s.log_level));
}

constexpr std::string_view kOomActions[] = {"exit", "crash", "none"};
constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off"};

// The one table of settings. A row is added together with the feature it controls.
const std::array kSpecs = {
    SettingSpec{"debug", "enabled", "JVMINIT_DEBUG", "--debug", ValueType::Bool, kBoolForm,
                "start the JDWP debug agent in the JVM", &apply_bool<&Settings::debug>, &show_bool<&Settings::debug>},
    SettingSpec{"debug", "port", "JVMINIT_DEBUG_PORT", "--debug-port", ValueType::Integer, "an integer from 1 to 65535",
                "TCP port of the JDWP agent", &apply_int<&Settings::debug_port, 1, 65535>,
                &show_int<&Settings::debug_port>},
    SettingSpec{"debug", "suspend", "JVMINIT_DEBUG_SUSPEND", "--debug-suspend", ValueType::Bool, kBoolForm,
                "JVM waits before main until a debugger attaches (JDWP suspend=y)",
                &apply_bool<&Settings::debug_suspend>, &show_bool<&Settings::debug_suspend>},
    SettingSpec{"debug", "bind", "JVMINIT_DEBUG_BIND", "--debug-bind", ValueType::String,
                "* (all interfaces), an IP address or a host name",
                "interface the JDWP agent listens on; anyone who reaches it can run code in the JVM", &apply_bind,
                &show_text<&Settings::debug_bind>},
    SettingSpec{"oom", "action", "JVMINIT_ON_OOM", "--on-oom", ValueType::String, "exit, crash or none",
                "on the first OutOfMemoryError: exit (-XX:+ExitOnOutOfMemoryError), crash "
                "(-XX:+CrashOnOutOfMemoryError, hs_err file) or none",
                &apply_on_oom, &show_on_oom, nullptr, kOomActions},
    SettingSpec{"heap_dump", "dir", "JVMINIT_HEAP_DUMP_DIR", "--heap-dump-dir", ValueType::String,
                "an absolute directory path without %, :, \" or control characters, or empty for no heap dumps",
                "directory for heap dumps on OutOfMemoryError (one unique file per JVM start) and hs_err files",
                &apply_path<&Settings::heap_dump_dir>, &show_text<&Settings::heap_dump_dir>},
    SettingSpec{"heap_dump", "keep", "JVMINIT_HEAP_DUMP_KEEP", "--heap-dump-keep", ValueType::Integer,
                "an integer from 1 to 1000",
                "heap dumps kept in the directory; older ones are deleted when the JVM has been launched",
                &apply_int<&Settings::heap_dump_keep, 1, 1000>, &show_int<&Settings::heap_dump_keep>},
    SettingSpec{"gc_log", "enabled", "JVMINIT_GC_LOG", "--gc-log", ValueType::Bool, kBoolForm, "write a rotated GC log",
                &apply_bool<&Settings::gc_log>, &show_bool<&Settings::gc_log>},
    SettingSpec{"gc_log", "dir", "JVMINIT_GC_LOG_DIR", "--gc-log-dir", ValueType::String,
                "an absolute directory path without %, :, \" or control characters, or empty",
                "directory for GC logs; empty: the heap dump directory, else the working directory",
                &apply_path<&Settings::gc_log_dir>, &show_text<&Settings::gc_log_dir>},
    SettingSpec{"memory", "max_ram_percentage", "JVMINIT_MAX_RAM_PERCENTAGE", "--max-ram-percentage",
                ValueType::Integer, "an integer from 0 to 100 (0: leave the heap size to the JVM)",
                "maximum heap as a percentage of the container memory limit (-XX:MaxRAMPercentage), "
                "unless the user sizes the heap; 0: not added",
                &apply_int<&Settings::max_ram_percentage, 0, 100>, &show_int<&Settings::max_ram_percentage>},
    SettingSpec{"stop", "timeout", "JVMINIT_STOP_TIMEOUT", "--stop-timeout", ValueType::String, kDurationForm,
                "grace period after a stop signal or the main child's exit before remaining processes get SIGKILL",
                &apply_stop_timeout, &show_stop_timeout},
    SettingSpec{"stop", "exit_zero", "JVMINIT_STOP_EXIT_ZERO", "--stop-exit-zero", ValueType::Bool, kBoolForm,
                "exit 0 instead of the child's status when the child ended by a stop jvminit forwarded "
                "(SIGTERM/SIGINT: a JVM's 143/130), the grace period did not end in SIGKILL and no other process "
                "failed during the stop",
                &apply_bool<&Settings::stop_exit_zero>, &show_bool<&Settings::stop_exit_zero>},
    SettingSpec{"signals", "rewrite", "JVMINIT_SIGNAL_REWRITE", "--signal-rewrite", ValueType::String,
                kSignalRewriteForm,
                "signals forwarded as another signal or dropped (FROM:TO, TO drop), e.g. HUP:drop,USR2:drop",
                &apply_signal_rewrite, &show_signal_rewrite, &why_signal_rewrite_refused},
    SettingSpec{"log", "level", "JVMINIT_LOG_LEVEL", "--log-level", ValueType::String,
                "trace, debug, info, warn (or warning), error or off", "jvminit's own log level (stderr)",
                &apply_log_level, &show_log_level, nullptr, kLogLevels},
};

// An alias's boolean as the image it comes from reads it, in the words `apply` takes.
//  - run-java.sh: JAVA_DEBUG set to anything switches debugging on, JAVA_DEBUG_SUSPEND anything but false, n,
//    no or 0 suspends. Here those four words are false in any letter case (run-java.sh compares them as
//    written), also for JAVA_DEBUG: a JDWP port opened by JAVA_DEBUG=false is no one's intent (a note says so).
//  - Paketo parses with Go's strconv.ParseBool, which also takes t and f in either case.
std::string alias_boolean(const EnvAlias& alias, const std::string& value, std::vector<std::string>& notes) {
    if (alias.origin == "run-java.sh") {
        const bool no = iequals(value, "false") || iequals(value, "n") || iequals(value, "no") || value == "0";
        if (no && alias.alias == "JAVA_DEBUG")
            notes.push_back("JAVA_DEBUG=" + value +
                            " is read as false; run-java.sh switches debugging on for any value");
        return no ? "false" : "true";
    }
    if (alias.origin == "Paketo" && (value == "t" || value == "T" || value == "f" || value == "F"))
        return value == "t" || value == "T" ? "true" : "false";
    return value;
}

const std::array kAliases = {
    EnvAlias{"JAVA_DEBUG", "debug.enabled", "run-java.sh"},
    EnvAlias{"JAVA_DEBUG_PORT", "debug.port", "run-java.sh"},
    EnvAlias{"JAVA_DEBUG_SUSPEND", "debug.suspend", "run-java.sh"},
    EnvAlias{"BPL_DEBUG_ENABLED", "debug.enabled", "Paketo"},
    EnvAlias{"BPL_DEBUG_PORT", "debug.port", "Paketo"},
    EnvAlias{"BPL_DEBUG_SUSPEND", "debug.suspend", "Paketo"},
    EnvAlias{"BPL_HEAP_DUMP_PATH", "heap_dump.dir", "Paketo"},
    EnvAlias{"JAVA_MAX_MEM_RATIO", "memory.max_ram_percentage", "run-java.sh"},
};

const SettingSpec* find_by_name(std::string_view name) {
    for (const auto& spec : kSpecs)
        if (spec.has_name(name)) return &spec;
    return nullptr;
}

std::string with_hint(std::string message, const std::optional<std::string>& hint) {
    if (hint) message += "; did you mean " + *hint + "?";
    return message;
}

// ": expected FORM", with the reason first when the setting can tell which part is wrong, and a "did you
// mean" when the value is a misspelt one of the setting's words (closest_match's rule: `exitt`, `crahs`).
std::string expected_form(const SettingSpec& spec, std::string_view text) {
    std::string why = spec.why_refused != nullptr ? spec.why_refused(text) : std::string();
    std::string message = (why.empty() ? ": expected " : ": " + why + "; expected ") + std::string(spec.accepted);
    if (spec.choices.empty()) return message;
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return with_hint(std::move(message),
                     closest_match(lower, std::vector<std::string>(spec.choices.begin(), spec.choices.end())));
}

std::string toml_position(const std::string& path, const toml::source_region& where) {
    return path + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
}

// The accepted form of a key in the file: TOML has typed values, so booleans are bare true/false there.
std::string file_form(const SettingSpec& spec) {
    switch (spec.type) {
        case ValueType::Bool: return "a TOML boolean: true or false, without quotes";
        case ValueType::Integer: return "a TOML integer: " + std::string(spec.accepted);
        case ValueType::String: return "a TOML string in quotes: " + std::string(spec.accepted);
    }
    return std::string(spec.accepted);
}

// Bytes reported here, before toml++ sees them:
//  - control characters but tab, LF and CR, and invalid UTF-8 (TOML v1.0.0 allows neither);
//  - non-ASCII characters outside comments: toml++ 3.3 (Debian 12) classifies some of them through a table
//    that reaches __builtin_unreachable (undefined behaviour; upstream issues marzer/tomlplusplus#190 and
//    #295, found here by tests/fuzz/fuzz_settings_toml), in strings too. jvminit's keys and values are ASCII;
//    a path with other characters is written with \uXXXX escapes in a "basic string".
std::optional<std::string> find_invalid_byte(const ConfigFile& file) {
    enum class State { Normal, Comment, BasicString, LiteralString, MultiLineString };
    State state = State::Normal;
    std::size_t line = 1, column = 1;
    const std::string& text = file.content;
    auto at = [&](const std::string& what) {
        return file.path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": invalid TOML: " + what;
    };
    for (std::size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        bool valid = length != 0 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k)
            valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        if (valid && length == 1 && ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)) valid = false;
        if (!valid) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", c);
            return at(std::string("byte ") + hex + " (a control character or invalid UTF-8)");
        }
        if (length > 1 && state != State::Comment)
            return at("a non-ASCII character outside a comment (write it as \\uXXXX in a \"string\")");
        std::string_view rest(text.data() + i, text.size() - i);
        switch (state) {
            case State::Normal:
                if (c == '#')
                    state = State::Comment;
                else if (rest.substr(0, 3) == "\"\"\"" || rest.substr(0, 3) == "'''") {
                    state = State::MultiLineString;
                    length = 3;
                } else if (c == '"')
                    state = State::BasicString;
                else if (c == '\'')
                    state = State::LiteralString;
                break;
            case State::Comment:
                if (c == '\n') state = State::Normal;
                break;
            case State::BasicString:
                if (c == '\\' && i + 1 < text.size() && text[i + 1] != '\n')
                    length = 2;  // an escape
                else if (c == '"' || c == '\n')
                    state = State::Normal;
                break;
            case State::LiteralString:
                if (c == '\'' || c == '\n') state = State::Normal;
                break;
            case State::MultiLineString:
                if (rest.substr(0, 3) == "\"\"\"" || rest.substr(0, 3) == "'''") {
                    state = State::Normal;
                    length = 3;
                }
                break;
        }
        for (std::size_t k = 0; k < length && i + k < text.size(); ++k) {
            if (text[i + k] == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
                ++column;
            }
        }
        i += length;
    }
    return std::nullopt;
}

// "[signals] rewrite" when exactly one table has a key `key`; nullopt for none or several ([debug] enabled and
// [gc_log] enabled: no guess).
std::optional<std::string> table_of_key(std::string_view key) {
    std::optional<std::string> found;
    for (const auto& spec : kSpecs) {
        if (spec.key != key) continue;
        if (found) return std::nullopt;
        found = "[" + std::string(spec.table) + "] " + std::string(key);
    }
    return found;
}

// The TOML layer: every key must be known and of the right TOML type; its text then takes the same parser
// as the environment and the flags.
void apply_file(const ConfigFile& file, ResolvedSettings& out, std::vector<std::string>& errors,
                std::vector<std::string>& refused) {
    ConfigFile without_bom = file;
    if (without_bom.content.rfind("\xEF\xBB\xBF", 0) == 0) without_bom.content.erase(0, 3);  // a UTF-8 BOM
    if (auto invalid = find_invalid_byte(without_bom)) {
        errors.push_back(*invalid);
        return;
    }
    toml::table root;
    try {
        root = toml::parse(without_bom.content, file.path);
    } catch (const toml::parse_error& e) {
        errors.push_back(toml_position(file.path, e.source()) + ": invalid TOML: " + std::string(e.description()));
        return;
    }
    std::vector<std::string> tables;
    for (const auto& spec : kSpecs)
        if (std::find(tables.begin(), tables.end(), spec.table) == tables.end()) tables.emplace_back(spec.table);

    for (auto&& [table_key, table_node] : root) {
        std::string table_name(table_key.str());
        std::string where = toml_position(file.path, table_key.source());
        if (std::find(tables.begin(), tables.end(), table_name) == tables.end()) {
            auto hint = closest_match(table_name, tables);
            if (!hint) hint = table_of_key(table_name);  // a key without its [table] line: rewrite = ...
            errors.push_back(with_hint(where + ": unknown table or key '" + table_name + "'", hint));
            continue;
        }
        const toml::table* table = table_node.as_table();
        if (!table) {
            errors.push_back(where + ": '" + table_name + "' must be a table: [" + table_name + "]");
            continue;
        }
        std::vector<std::string> keys;
        for (const auto& spec : kSpecs)
            if (spec.table == table_name) keys.emplace_back(spec.key);
        for (auto&& [key, node] : *table) {
            std::string key_name(key.str());
            std::string key_where = toml_position(file.path, key.source());
            const SettingSpec* spec = find_by_name(table_name + "." + key_name);
            if (!spec) {
                // A typo of this table's keys; else where a key of that name is, without claiming it was meant
                // ([gc_log] keep is no [heap_dump] keep).
                std::string message = key_where + ": unknown key '" + key_name + "' in [" + table_name + "]";
                if (auto hint = closest_match(key_name, keys))
                    message = with_hint(message, hint);
                else if (auto elsewhere = table_of_key(key_name))
                    message += " (" + *elsewhere + " is a key of another table)";
                errors.push_back(message);
                continue;
            }
            std::optional<std::string> text;
            if (spec->type == ValueType::Bool && node.is_boolean()) text = bool_text(**node.as_boolean());
            if (spec->type == ValueType::Integer && node.is_integer()) text = std::to_string(**node.as_integer());
            if (spec->type == ValueType::String && node.is_string()) text = **node.as_string();
            std::string setting = "[" + table_name + "] " + key_name;
            if (!text) {
                errors.push_back(key_where + ": " + setting + " must be " + file_form(*spec));
                refused.push_back(spec->name());
                continue;
            }
            if (!spec->apply(out.values, *text)) {
                errors.push_back(key_where + ": " + setting + " = " + *text + expected_form(*spec, *text));
                refused.push_back(spec->name());
                continue;
            }
            out.sources[spec->name()] = Source{SourceKind::File, key_where};
        }
    }
}

void apply_environment(std::span<const EnvironmentVariable> environment, ResolvedSettings& out,
                       std::vector<std::string>& errors, std::vector<std::string>& refused) {
    auto known_names = [] {  // for a "did you mean" hint: only built for an unknown name
        std::vector<std::string> known{std::string(kConfigEnv)};
        for (const auto& spec : kSpecs) known.emplace_back(spec.env);
        return known;
    };

    // Aliases first, so that the JVMINIT_ name, applied next, wins when both are set. Two aliases of one
    // setting (run-java.sh's and Paketo's) must mean the same value: which one was meant cannot be told.
    struct Applied {
        const EnvAlias* alias;
        std::string_view value;  // as set
        std::string shown;       // as the setting reads it (SettingSpec::show)
    };
    std::map<std::string_view, Applied> applied;  // by setting name
    for (const auto& alias : kAliases) {
        // A name set twice (a process that builds its own environment) counts once, with its last value:
        // what get_env reads and what the child is given (app/preparation.hpp).
        auto last = std::find_if(environment.rbegin(), environment.rend(),
                                 [&](const auto& variable) { return variable.name == alias.alias; });
        if (last == environment.rend() || last->value.empty()) continue;  // empty means unset in those images
        const auto& it = last;
        const SettingSpec* spec = find_by_name(alias.setting);
        // The JVMINIT_ name wins when set: its last value not empty (an empty one counts as not set).
        auto own = std::find_if(environment.rbegin(), environment.rend(),
                                [&](const auto& variable) { return variable.name == spec->env; });
        if (own != environment.rend() && !own->value.empty()) {
            out.notes.push_back(std::string(alias.alias) + " (from " + std::string(alias.origin) +
                                ") is ignored: " + std::string(spec->env) + " is set and wins");
            continue;
        }
        std::string value(it->value);
        if (spec->type == ValueType::Bool) value = alias_boolean(alias, value, out.notes);
        if (!spec->apply(out.values, value)) {
            // Paketo's booleans take t and f too (alias_boolean); run-java.sh's booleans take any value.
            const std::string form = spec->type == ValueType::Bool && alias.origin == "Paketo"
                                         ? ": expected true, false, t, f, 1, 0, yes or no"
                                         : expected_form(*spec, value);
            errors.push_back(std::string(alias.alias) + "=" + std::string(it->value) + form + " (alias of " +
                             std::string(spec->env) + ")");
            refused.push_back(spec->name());
            continue;
        }
        std::string shown = spec->show(out.values);
        const auto other = applied.find(alias.setting);
        if (other != applied.end() && other->second.shown != shown) {
            const Applied& first = other->second;
            errors.push_back(std::string(first.alias->alias) + "=" + std::string(first.value) + " (from " +
                             std::string(first.alias->origin) + ") and " + std::string(alias.alias) + "=" +
                             std::string(it->value) + " (from " + std::string(alias.origin) + ") both set " +
                             std::string(alias.setting) + ", to different values: keep one, or set " +
                             std::string(spec->env) + ", which wins over both");
            continue;  // an error: the value applied last no longer matters
        }
        applied.emplace(alias.setting, Applied{&alias, it->value, std::move(shown)});
        out.sources[spec->name()] = Source{SourceKind::Environment, std::string(alias.alias)};
        out.notes.push_back(std::string(alias.alias) + " (from " + std::string(alias.origin) + ") is read as " +
                            std::string(spec->env) + "; the JVMINIT_ name is preferred");
    }
    for (auto it = environment.begin(); it != environment.end(); ++it) {
        const std::string_view name = it->name;
        const std::string_view value = it->value;
        if (!name.starts_with("JVMINIT_") || name == kConfigEnv) continue;
        if (std::any_of(std::next(it), environment.end(), [&](const auto& other) { return other.name == name; }))
            continue;  // set again further on: only the last value counts (see the aliases above)
        // An empty variable counts as not set (e.g. `-e JVMINIT_DEBUG=`, a manifest's `value: ""`), an
        // unknown name too: it sets nothing either way.
        if (value.empty()) continue;
        const SettingSpec* spec = find_setting_by_env(name);
        if (!spec) {
            auto hint = name_from_toml_key(name);  // JVMINIT_OOM_ACTION, from [oom] action
            if (!hint) hint = closest_match(name, known_names());
            errors.push_back(
                with_hint(std::string(name) + ": unknown jvminit variable (jvminit --help lists them)", hint));
            continue;
        }
        if (!spec->apply(out.values, value)) {
            errors.push_back(std::string(name) + "=" + std::string(value) + expected_form(*spec, value));
            refused.push_back(spec->name());
            continue;
        }
        out.sources[spec->name()] = Source{SourceKind::Environment, std::string(name)};
    }
}

void apply_flags(const std::vector<std::pair<std::string, std::string>>& flags, ResolvedSettings& out,
                 std::vector<std::string>& errors, std::vector<std::string>& refused) {
    for (const auto& [flag, value] : flags) {
        const SettingSpec* spec = find_setting_by_flag(flag);
        if (!spec) {
            errors.push_back(flag + ": unknown option (jvminit --help lists them)");
            continue;
        }
        if (!spec->apply(out.values, value)) {
            // An empty value as it was written, `--debug-port=`, not "--debug-port : ...".
            // As it was written: a boolean's value only follows '='.
            const bool with_equals = value.empty() || spec->type == ValueType::Bool;
            std::string error = (with_equals ? flag + "=" + value : flag + " " + value) + expected_form(*spec, value);
            // The same bad value given twice is one line.
            if (std::find(errors.begin(), errors.end(), error) == errors.end()) errors.push_back(std::move(error));
            refused.push_back(spec->name());
            continue;
        }
        out.sources[spec->name()] = Source{SourceKind::Flag, flag};
    }
}

}  // namespace

std::string SettingSpec::name() const {
    return std::string(table) + "." + std::string(key);
}

std::span<const SettingSpec> setting_specs() {
    return kSpecs;
}
std::span<const EnvAlias> env_aliases() {
    return kAliases;
}

const SettingSpec* find_setting_by_env(std::string_view env) {
    for (const auto& spec : kSpecs)
        if (spec.env == env) return &spec;
    return nullptr;
}

const SettingSpec* find_setting_by_flag(std::string_view flag) {
    for (const auto& spec : kSpecs)
        if (spec.flag == flag) return &spec;
    return nullptr;
}

std::string Source::describe() const {
    switch (kind) {
        case SourceKind::Default: return where.empty() ? "default" : "default of " + where;
        case SourceKind::File: return "file " + where;
        case SourceKind::Environment: return "environment " + where;
        case SourceKind::Flag: return "flag " + where;
    }
    return "default";
}

SettingsResult resolve_settings(const SettingsInput& input) {
    SettingsResult result;
    for (const auto& spec : kSpecs) result.settings.sources[spec.name()] = Source{};
    if (input.file) {
        apply_file(*input.file, result.settings, result.errors, result.refused);
        // toml++ iterates keys in name order; report in file order ("PATH:LINE:COLUMN: ...").
        const std::size_t prefix = input.file->path.size() + 1;
        auto position = [&](const std::string& error) {
            unsigned line = 0, column = 0;
            std::sscanf(error.c_str() + std::min(prefix, error.size()), "%u:%u", &line, &column);
            return std::pair(line, column);
        };
        std::stable_sort(result.errors.begin(), result.errors.end(),
                         [&](const std::string& a, const std::string& b) { return position(a) < position(b); });
    }
    apply_environment(input.environment, result.settings, result.errors, result.refused);
    apply_flags(input.flags, result.settings, result.errors, result.refused);
    ResolvedSettings& settings = result.settings;
    // Settings given a value that depends on one that is off.
    const auto note_without_effect = [&](std::string_view setting, std::string_view needs, bool needed_on) {
        const Source& source = settings.sources[std::string(setting)];
        if (needed_on || source.kind == SourceKind::Default) return;
        settings.without_effect.push_back(std::string(setting) + " (" + source.describe() +
                                          ") has no effect: " + std::string(needs));
    };
    // Paketo's debug port is 8000 where nothing else sets one (its libjvm debug helper).
    if (settings.values.debug && settings.sources["debug.enabled"].where == "BPL_DEBUG_ENABLED" &&
        settings.sources["debug.port"].kind == SourceKind::Default) {
        settings.values.debug_port = kPaketoDebugPort;
        settings.sources["debug.port"].where = "BPL_DEBUG_ENABLED (Paketo's port)";
    }
    for (const char* setting : {"debug.port", "debug.suspend", "debug.bind"})
        note_without_effect(setting, "debug.enabled is false", settings.values.debug);
    note_without_effect("gc_log.dir", "gc_log.enabled is false", settings.values.gc_log);
    note_without_effect("heap_dump.keep", "heap_dump.dir is empty", !settings.values.heap_dump_dir.empty());
    for (auto& error : result.errors) error = one_line(error);
    return result;
}

namespace {

// The length of the well-formed UTF-8 sequence at the start of `text` (RFC 3629 section 4: no overlong
// form, no surrogate, nothing above U+10FFFF), 0 when it does not start with one. `text` is not empty.
std::size_t utf8_sequence_length(std::string_view text) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
        if (lead == 0xED) high = 0x9F;  // surrogates U+D800-U+DFFF
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong below U+10000
        if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
    for (std::size_t i = 2; i < length; ++i)
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    return length;
}

void append_escaped(std::string& out, unsigned char u) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "\\x%02X", u);
    out += hex;
}

}  // namespace

std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char u = static_cast<unsigned char>(text[i]);
        if (u >= 0x80) {
            const std::size_t length = utf8_sequence_length(text.substr(i));
            // C1 controls (U+0080-U+009F, 0xC2 0x80-0x9F: a terminal takes 0x9B as CSI) are escaped as bytes.
            const bool c1_control = length == 2 && u == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
            if (length == 0 || c1_control) {
                append_escaped(out, u);  // one byte that is not UTF-8: a path's Latin-1 byte, say
                ++i;
            } else {
                out.append(text.substr(i, length));
                i += length;
            }
            continue;
        }
        if (u == '\n')
            out += "\\n";
        else if (u == '\r')
            out += "\\r";
        else if (u == '\t')
            out += "\\t";
        else if (u < 0x20 || u == 0x7F)
            append_escaped(out, u);
        else
            out += static_cast<char>(u);
        ++i;
    }
    return out;
}

namespace {
bool is_separator(char c) {
    return c == '_' || c == '-';
}

// The length of the words `a` and `b` start with alike: their common prefix, cut back to just after a
// separator ("JVMINIT_DEBUG_PROT", "JVMINIT_DEBUG_PORT" -> 14).
std::size_t shared_words(std::string_view a, std::string_view b) {
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    if (n == a.size() && n == b.size()) return n;
    while (n > 0 && !is_separator(a[n - 1])) --n;
    return n;
}

// The words of `text` split at separators, in order.
std::vector<std::string_view> words_of(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || is_separator(text[i])) {
            if (i > start) words.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    return words;
}

std::string without_separators(std::string_view text) {
    std::string out;
    for (char c : text)
        if (!is_separator(c)) out += c;
    return out;
}

// The words of `text` split at separators, sorted: the same words in another order compare equal.
std::vector<std::string_view> sorted_words(std::string_view text) {
    auto words = words_of(text);
    std::sort(words.begin(), words.end());
    return words;
}

}  // namespace

std::optional<std::string> name_from_toml_key(std::string_view word) {
    const bool flag = word.starts_with("--");
    if (!flag && !word.starts_with("JVMINIT_")) return std::nullopt;
    for (const auto& spec : kSpecs) {
        std::string derived = flag ? "--" : "JVMINIT_";
        for (std::string_view part : {spec.table, std::string_view("_"), spec.key})
            for (char c : part)
                derived += flag ? (c == '_' ? '-' : c) : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (derived == word && derived != (flag ? spec.flag : spec.env))
            return std::string(flag ? spec.flag : spec.env);
    }
    return std::nullopt;
}

std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    // 1. A typo in the words after the ones both names start with (the prefix JVMINIT_ or -- alone would let
    //    unrelated endings through): within one edit in up to 4 letters, two, or a third of longer ones.
    //    Word by word: one word may be misspelt (MIN for MAX is no typo but another flag), or the separators
    //    between them (heapdump for heap_dump).
    std::optional<std::string> best;
    std::size_t best_distance = SIZE_MAX;
    for (const auto& candidate : candidates) {
        const std::size_t shared = shared_words(word, candidate);
        const std::string_view rest = word.substr(shared);
        const std::string_view other = std::string_view(candidate).substr(shared);
        const auto rest_words = words_of(rest);
        const auto other_words = words_of(other);
        std::size_t distance = SIZE_MAX;
        if (rest_words.size() == other_words.size()) {
            std::size_t differing = 0;
            for (std::size_t i = 0; i < rest_words.size(); ++i) {
                if (rest_words[i] == other_words[i]) continue;
                ++differing;
                const std::size_t d = edit_distance(rest_words[i], other_words[i]);
                const std::size_t length = std::max(rest_words[i].size(), other_words[i].size());
                if (d <= (length <= 4 ? 1 : std::max<std::size_t>(2, length / 3))) distance = d;
            }
            if (differing != 1) distance = SIZE_MAX;
        }
        if (distance == SIZE_MAX && !rest.empty() && without_separators(rest) == without_separators(other))
            distance = 1;  // heapdump for heap_dump, gclog for gc_log
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    }
    if (best) return best;
    // 2. A whole word too many, too few or out of place, when exactly one candidate fits:
    //    - "enabled" added at the end (the TOML keys [debug] enabled, [gc_log] enabled): JVMINIT_DEBUG_ENABLED;
    //    - words left out at the end: JVMINIT_MAX_RAM for JVMINIT_MAX_RAM_PERCENTAGE;
    //    - words left out in front: --exit-zero for --stop-exit-zero, JVMINIT_TIMEOUT for JVMINIT_STOP_TIMEOUT
    //      (the rest at least 4 letters);
    //    - the same words in another order: JVMINIT_PORT_DEBUG.
    std::size_t fits = 0;
    for (const auto& candidate_text : candidates) {
        const std::string_view candidate = candidate_text;
        const std::size_t shared = shared_words(word, candidate);
        const std::string_view rest = word.substr(shared);
        const bool enabled_added = word.size() > candidate.size() + 1 && word.starts_with(candidate) &&
                                   is_separator(word[candidate.size()]) &&
                                   (iequals(word.substr(candidate.size() + 1), "enabled") ||
                                    iequals(word.substr(candidate.size() + 1), "enable"));
        const bool words_left_out_at_end = candidate.size() > word.size() + 1 && candidate.starts_with(word) &&
                                           is_separator(candidate[word.size()]) && !word.empty() &&
                                           !is_separator(word.back());
        const bool words_left_out_in_front = rest.size() >= 4 && candidate.size() > word.size() &&
                                             candidate.ends_with(rest) &&
                                             is_separator(candidate[candidate.size() - rest.size() - 1]);
        const bool reordered = rest.find_first_of("_-") != std::string_view::npos &&
                               sorted_words(rest) == sorted_words(candidate.substr(shared));
        if (!(enabled_added || words_left_out_at_end || words_left_out_in_front || reordered)) continue;
        if (++fits > 1) return std::nullopt;  // more than one: no guess
        best = candidate_text;
    }
    return best;
}

std::string_view to_string(OomAction action) {
    switch (action) {
        case OomAction::Exit: return "exit";
        case OomAction::Crash: return "crash";
        case OomAction::None: return "none";
    }
    return "exit";
}

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::Trace: return "trace";
        case LogLevel::Debug: return "debug";
        case LogLevel::Info: return "info";
        case LogLevel::Warn: return "warn";
        case LogLevel::Error: return "error";
        case LogLevel::Off: return "off";
    }
    return "info";
}

}  // namespace jvminit::config
