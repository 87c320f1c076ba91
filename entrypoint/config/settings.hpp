// jvminit's settings: one model, reachable as a TOML key, an environment variable and a command-line flag.
// Precedence: flag > environment > TOML file > built-in default (ccache's order).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/values.hpp"

namespace jvminit::config {

// What the JVM does on its first OutOfMemoryError (HotSpot flags ExitOnOutOfMemoryError, CrashOnOutOfMemoryError).
enum class OomAction { Exit, Crash, None };
enum class LogLevel { Trace, Debug, Info, Warn, Error, Off };

struct Settings {
    bool debug = false;            // start the JDWP agent
    int debug_port = 5005;         // 1-65535 (kPaketoDebugPort when BPL_DEBUG_ENABLED turns debugging on)
    bool debug_suspend = false;    // JDWP suspend=y: the JVM waits for a debugger before main
    std::string debug_bind = "*";  // JDWP host part; "*" = all interfaces (JDK 9+)
    OomAction on_oom = OomAction::Exit;
    std::string heap_dump_dir;  // empty: no heap dumps
    int heap_dump_keep = 3;     // 1-1000 dumps kept in heap_dump_dir
    bool gc_log = false;
    std::string gc_log_dir;                        // empty: heap_dump_dir, else the working directory
    int max_ram_percentage = 75;                   // 1-100, -XX:MaxRAMPercentage
    std::chrono::milliseconds stop_timeout{8000};  // grace period, 0 ms to 24 h
    bool stop_exit_zero = false;  // exit 0 when the child obeyed a requested stop (a JVM's 143 after SIGTERM)
    std::vector<SignalRewrite> signal_rewrite;  // what to forward instead of a received signal (values.hpp)
    LogLevel log_level = LogLevel::Info;
};

// Paketo's default JDWP port (its libjvm debug helper): taken when BPL_DEBUG_ENABLED switches debugging on
// and no source sets the port.
inline constexpr int kPaketoDebugPort = 8000;

// The TOML type a key takes in the file; durations and paths are strings.
enum class ValueType { Bool, Integer, String };

struct SettingSpec {
    std::string_view table;  // TOML table, e.g. "debug"
    std::string_view key;    // TOML key in the table, e.g. "port"
    std::string_view env;    // e.g. "JVMINIT_DEBUG_PORT"
    std::string_view flag;   // e.g. "--debug-port"
    ValueType type;
    std::string_view accepted;  // the accepted form, for error messages
    std::string_view meaning;   // one line for --help, the README and the reference file
    // Parses `text` and stores it; false when `text` is not in the accepted form.
    bool (*apply)(Settings& settings, std::string_view text);
    // The current value as text, in a form `apply` accepts.
    std::string (*show)(const Settings& settings);
    // Why `apply` refused `text`, for a form with parts (a list): which part and what is wrong with it.
    // nullptr: the accepted form says enough.
    std::string (*why_refused)(std::string_view text) = nullptr;
    // The words a value is one of (oom.action, log.level), for a "did you mean" on a misspelt one; empty
    // for other forms.
    std::span<const std::string_view> choices = {};

    std::string name() const;  // "debug.port"
    // Whether `dotted` is name(), without building it.
    bool has_name(std::string_view dotted) const {
        return dotted.size() == table.size() + 1 + key.size() && dotted.substr(0, table.size()) == table &&
               dotted[table.size()] == '.' && dotted.substr(table.size() + 1) == key;
    }
};

// Every setting, in documentation order.
std::span<const SettingSpec> setting_specs();
const SettingSpec* find_setting_by_env(std::string_view env);
const SettingSpec* find_setting_by_flag(std::string_view flag);

// Environment variables of other images accepted for a setting, with a log note that the JVMINIT_ name is preferred.
struct EnvAlias {
    std::string_view alias;    // e.g. "JAVA_DEBUG_PORT" (run-java.sh), "BPL_DEBUG_PORT" (Paketo)
    std::string_view setting;  // SettingSpec::name()
    std::string_view origin;   // where users know it from
};
std::span<const EnvAlias> env_aliases();

// JVMINIT_CONFIG names the TOML file; it is not a setting itself.
inline constexpr std::string_view kConfigEnv = "JVMINIT_CONFIG";
inline constexpr std::string_view kDefaultConfigPath = "/etc/jvminit/jvminit.toml";

enum class SourceKind { Default, File, Environment, Flag };
struct Source {
    SourceKind kind = SourceKind::Default;
    std::string where;  // "JVMINIT_DEBUG_PORT", "/etc/jvminit/jvminit.toml:3:8", "--debug-port"; empty for defaults
    std::string describe()
        const;  // "default", "environment JVMINIT_DEBUG_PORT", "file jvminit.toml:3:8", "flag --debug-port"
};

struct ConfigFile {
    std::string path;     // as shown in messages
    std::string content;  // the whole file
};

// One variable of a process's environment, as views of the caller's storage (jvminit's: its environment
// block, which lives as long as the process). `entry` is the whole "NAME=value" string, NUL-terminated, as
// execve(2) takes it, when the variable was read from such a block; nullptr when it was given in parts.
struct EnvironmentVariable {
    std::string_view name;
    std::string_view value;
    const char* entry = nullptr;
};
using Environment = std::vector<EnvironmentVariable>;

struct SettingsInput {
    std::optional<ConfigFile> file;
    // All of the process's variables, in their order. A view of the caller's list (no copy), which must
    // outlive resolve_settings.
    std::span<const EnvironmentVariable> environment;
    std::vector<std::pair<std::string, std::string>> flags;  // "--debug-port", "6000" in command-line order
};

struct ResolvedSettings {
    Settings values;
    std::map<std::string, Source> sources;  // by SettingSpec::name(); every setting has an entry
    std::vector<std::string> notes;         // things worth a log line (aliases used)
    // Settings given a value that has no effect, as the settings they depend on are off (debug.port without
    // debug.enabled, gc_log.dir without gc_log.enabled, heap_dump.keep without heap_dump.dir): explain shows
    // them, a run logs them at debug level (an image may well set a port for the day debugging is on).
    std::vector<std::string> without_effect;
};

struct SettingsResult {
    ResolvedSettings settings;
    std::vector<std::string> errors;  // one line each; empty when valid
    // SettingSpec::name() of each setting given a value it refused (a wrong TOML type too), once per value: such a
    // setting keeps the value before it (an earlier layer's, or the default), not the one the user meant.
    std::vector<std::string> refused;
};

// Applies the defaults, then the file, the environment and the flags. Every problem of every layer is
// collected (unknown TOML keys and JVMINIT_ variables with a "did you mean", wrong TOML types, values
// outside their accepted form), so the user sees them all at once. Pure: no I/O.
SettingsResult resolve_settings(const SettingsInput& input);

// The candidate a misspelt name most likely meant, for "did you mean" hints; nullopt when none is close
// enough or several are. Names are words joined by '_' or '-': after the words both start with, one word
// may be off by an edit (two, or a third, in words longer than four letters) or the separators may differ;
// else exactly one candidate with "enabled" added, words left out at either end, or the words reordered.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// The variable or flag of the setting whose TOML name `word` spells as a variable or a flag
// (JVMINIT_OOM_ACTION or --oom-action for [oom] action: JVMINIT_ON_OOM, --on-oom); nullopt otherwise.
std::optional<std::string> name_from_toml_key(std::string_view word);

// `text` with control characters written as \n, \r, \t, \xNN (C0, DEL, and the C1 controls U+0080-U+009F as
// their two bytes) and every byte that is not part of well-formed UTF-8 (RFC 3629) as \xNN: user input quoted
// in a message stays one line, and a path in another encoding shows its bytes instead of what a terminal or a
// log collector (which replaces them with U+FFFD) makes of them. Well-formed UTF-8 is kept as it is.
std::string one_line(std::string_view text);

std::string_view to_string(OomAction action);
std::string_view to_string(LogLevel level);

}  // namespace jvminit::config
