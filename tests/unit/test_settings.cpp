// The settings model (config/settings.hpp): defaults, the TOML file, the environment and the flags, with
// precedence flag > environment > file > default (issue 4), validation of every layer with all errors at
// once, and the aliases users bring from other images (issue 3).
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/settings.hpp"

namespace jvminit::config {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kFile = "jvminit.toml";

SettingsResult resolve(std::optional<std::string> toml, Pairs environment = {}, Pairs flags = {}) {
    SettingsInput input;
    if (toml) input.file = ConfigFile{kFile, *toml};
    Environment variables;  // views of `environment`, which outlives the call below
    for (const auto& [name, value] : environment) variables.push_back({name, value});
    input.environment = variables;
    input.flags = std::move(flags);
    return resolve_settings(input);
}

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += "  " + line + "\n";
    return text;
}

const SettingSpec& spec_named(std::string_view name) {
    for (const auto& spec : setting_specs())
        if (spec.name() == name) return spec;
    ADD_FAILURE() << "no setting " << name;
    return setting_specs().front();
}

std::string shown(const SettingsResult& result, std::string_view name) {
    return spec_named(name).show(result.settings.values);
}

// ---------------------------------------------------------------------------------------------------------
// Defaults

TEST(Settings, NothingSetGivesTheDocumentedDefaults) {
    SettingsResult result = resolve(std::nullopt);
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_TRUE(result.settings.notes.empty());
    const Settings& v = result.settings.values;
    EXPECT_FALSE(v.debug);
    EXPECT_EQ(v.debug_port, 5005);
    EXPECT_FALSE(v.debug_suspend);
    EXPECT_EQ(v.debug_bind, "*");
    EXPECT_EQ(v.on_oom, OomAction::Exit);
    EXPECT_EQ(v.heap_dump_dir, "");
    EXPECT_EQ(v.heap_dump_keep, 3);
    EXPECT_FALSE(v.gc_log);
    EXPECT_EQ(v.gc_log_dir, "");
    EXPECT_EQ(v.max_ram_percentage, 75);
    EXPECT_EQ(v.stop_timeout, std::chrono::milliseconds(8000));
    EXPECT_EQ(v.log_level, LogLevel::Info);
}

TEST(Settings, EverySettingHasADefaultSourceWhenNothingIsSet) {
    SettingsResult result = resolve(std::nullopt);
    ASSERT_EQ(result.settings.sources.size(), setting_specs().size());
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        ASSERT_EQ(result.settings.sources.count(spec.name()), 1u);
        const Source& source = result.settings.sources.at(spec.name());
        EXPECT_EQ(source.kind, SourceKind::Default);
        EXPECT_EQ(source.where, "");
        EXPECT_EQ(source.describe(), "default");
    }
}

TEST(Settings, EmptyFileChangesNothing) {
    SettingsResult result = resolve(std::string(""));
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        EXPECT_EQ(result.settings.sources.at(spec.name()).kind, SourceKind::Default);
        EXPECT_EQ(spec.show(result.settings.values), spec.show(Settings{}));
    }
}

TEST(Settings, EveryDefaultIsInTheFormItsOwnParserAccepts) {
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        Settings settings;
        std::string text = spec.show(settings);
        EXPECT_TRUE(spec.apply(settings, text)) << "show() gave '" << text << "'";
        EXPECT_EQ(spec.show(settings), text);
    }
}

TEST(Settings, LookupByVariableAndFlagFindsTheSameSetting) {
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        EXPECT_EQ(find_setting_by_env(spec.env), &spec);
        EXPECT_EQ(find_setting_by_flag(spec.flag), &spec);
        EXPECT_TRUE(spec.env.starts_with("JVMINIT_"));
        EXPECT_TRUE(spec.flag.starts_with("--"));
    }
    EXPECT_EQ(find_setting_by_env("JVMINIT_DEBUG_PROT"), nullptr);
    EXPECT_EQ(find_setting_by_env(kConfigEnv), nullptr) << "JVMINIT_CONFIG names the file; it is not a setting";
    EXPECT_EQ(find_setting_by_flag("--debug-prot"), nullptr);
    EXPECT_EQ(find_setting_by_flag("debug-port"), nullptr);
}

TEST(Settings, HasNameMatchesExactlyTheDottedName) {
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        EXPECT_TRUE(spec.has_name(spec.name()));
        const std::string name = spec.name();
        for (const std::string& other :
             {std::string(spec.table), std::string(spec.key), std::string(spec.table) + "_" + std::string(spec.key),
              name + "x", name.substr(0, name.size() - 1), "x" + name, std::string(spec.table) + ".",
              "." + std::string(spec.key), std::string()})
            EXPECT_FALSE(spec.has_name(other)) << other;
        for (const auto& other : setting_specs())
            EXPECT_EQ(spec.has_name(other.name()), &other == &spec) << other.name();
    }
}

TEST(Settings, NamesFollowTheTableOfIssue4) {
    struct Row {
        const char* name;
        const char* env;
        const char* flag;
    };
    const std::vector<Row> rows = {
        {"debug.enabled", "JVMINIT_DEBUG", "--debug"},
        {"debug.port", "JVMINIT_DEBUG_PORT", "--debug-port"},
        {"debug.suspend", "JVMINIT_DEBUG_SUSPEND", "--debug-suspend"},
        {"debug.bind", "JVMINIT_DEBUG_BIND", "--debug-bind"},
        {"oom.action", "JVMINIT_ON_OOM", "--on-oom"},
        {"heap_dump.dir", "JVMINIT_HEAP_DUMP_DIR", "--heap-dump-dir"},
        {"heap_dump.keep", "JVMINIT_HEAP_DUMP_KEEP", "--heap-dump-keep"},
        {"gc_log.enabled", "JVMINIT_GC_LOG", "--gc-log"},
        {"gc_log.dir", "JVMINIT_GC_LOG_DIR", "--gc-log-dir"},
        {"memory.max_ram_percentage", "JVMINIT_MAX_RAM_PERCENTAGE", "--max-ram-percentage"},
        {"stop.timeout", "JVMINIT_STOP_TIMEOUT", "--stop-timeout"},
        {"stop.exit_zero", "JVMINIT_STOP_EXIT_ZERO", "--stop-exit-zero"},
        {"signals.rewrite", "JVMINIT_SIGNAL_REWRITE", "--signal-rewrite"},
        {"log.level", "JVMINIT_LOG_LEVEL", "--log-level"},
    };
    ASSERT_EQ(rows.size(), setting_specs().size());
    for (const auto& row : rows) {
        SCOPED_TRACE(row.name);
        const SettingSpec* spec = find_setting_by_env(row.env);
        ASSERT_NE(spec, nullptr);
        EXPECT_EQ(spec->name(), row.name);
        EXPECT_EQ(spec->flag, row.flag);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Precedence: flag > environment > file > default, for every setting and every pair of layers.

// Two distinct values per setting, in each layer's spelling.
struct TwoValues {
    const char* setting;
    const char* a_text;  // environment / flag spelling
    const char* a_toml;  // TOML literal
    const char* a_shown;
    const char* b_text;
    const char* b_toml;
    const char* b_shown;
};

const std::vector<TwoValues>& two_values() {
    static const std::vector<TwoValues> rows = {
        {"debug.enabled", "true", "true", "true", "false", "false", "false"},
        {"debug.port", "6000", "6000", "6000", "7000", "7000", "7000"},
        {"debug.suspend", "yes", "true", "true", "no", "false", "false"},
        {"debug.bind", "0.0.0.0", "\"0.0.0.0\"", "0.0.0.0", "localhost", "\"localhost\"", "localhost"},
        {"oom.action", "crash", "\"crash\"", "crash", "none", "\"none\"", "none"},
        {"heap_dump.dir", "/dumps", "\"/dumps\"", "/dumps", "/var/dumps", "\"/var/dumps\"", "/var/dumps"},
        {"heap_dump.keep", "5", "5", "5", "7", "7", "7"},
        {"gc_log.enabled", "1", "true", "true", "0", "false", "false"},
        {"gc_log.dir", "/gc", "\"/gc\"", "/gc", "/logs/gc", "\"/logs/gc\"", "/logs/gc"},
        {"memory.max_ram_percentage", "50", "50", "50", "60", "60", "60"},
        {"stop.timeout", "1500ms", "\"1500ms\"", "1500ms", "2m", "\"2m\"", "2m"},
        {"stop.exit_zero", "yes", "true", "true", "0", "false", "false"},
        {"signals.rewrite", "sighup:drop, 12:term", "\"HUP:drop,USR2:TERM\"", "HUP:drop,USR2:TERM", "WINCH:drop",
         "\"WINCH:drop\"", "WINCH:drop"},
        {"log.level", "debug", "\"debug\"", "debug", "warn", "\"warn\"", "warn"},
    };
    return rows;
}

enum class Layer { File, Environment, Flag };

const char* layer_name(Layer layer) {
    switch (layer) {
        case Layer::File: return "file";
        case Layer::Environment: return "environment";
        case Layer::Flag: return "flag";
    }
    return "?";
}

SourceKind kind_of(Layer layer) {
    switch (layer) {
        case Layer::File: return SourceKind::File;
        case Layer::Environment: return SourceKind::Environment;
        case Layer::Flag: return SourceKind::Flag;
    }
    return SourceKind::Default;
}

// Puts `value_text` / `value_toml` for `spec` into `layer` of `file`, `env`, `flags`.
void put(Layer layer, const SettingSpec& spec, const char* text, const char* toml, std::string& file, Pairs& env,
         Pairs& flags) {
    switch (layer) {
        case Layer::File:
            file += "[" + std::string(spec.table) + "]\n" + std::string(spec.key) + " = " + toml + "\n";
            break;
        case Layer::Environment: env.emplace_back(spec.env, text); break;
        case Layer::Flag: flags.emplace_back(spec.flag, text); break;
    }
}

TEST(Settings, TheTableOfTwoValuesCoversEverySetting) {
    ASSERT_EQ(two_values().size(), setting_specs().size());
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        EXPECT_EQ(std::count_if(two_values().begin(), two_values().end(),
                                [&](const TwoValues& row) { return row.setting == spec.name(); }),
                  1);
    }
}

TEST(Settings, EachLayerAloneOverridesTheDefault) {
    for (const auto& row : two_values()) {
        const SettingSpec& spec = spec_named(row.setting);
        for (Layer layer : {Layer::File, Layer::Environment, Layer::Flag}) {
            SCOPED_TRACE(std::string(row.setting) + " in the " + layer_name(layer));
            std::string file;
            Pairs env, flags;
            put(layer, spec, row.a_text, row.a_toml, file, env, flags);
            SettingsResult result = resolve(file, env, flags);
            EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
            EXPECT_EQ(shown(result, row.setting), row.a_shown);
            EXPECT_EQ(result.settings.sources.at(row.setting).kind, kind_of(layer));
        }
    }
}

TEST(Settings, HigherLayerWinsForEveryPairOfLayersAndEverySetting) {
    const std::vector<std::pair<Layer, Layer>> pairs = {
        {Layer::File, Layer::Environment},  // environment > file
        {Layer::File, Layer::Flag},         // flag > file
        {Layer::Environment, Layer::Flag},  // flag > environment
    };
    for (const auto& row : two_values()) {
        const SettingSpec& spec = spec_named(row.setting);
        for (auto [low, high] : pairs) {
            // Both ways round, so that neither value can win by being the default.
            for (bool swap : {false, true}) {
                SCOPED_TRACE(std::string(row.setting) + ": " + layer_name(high) + " over " + layer_name(low) +
                             (swap ? " (values swapped)" : ""));
                std::string file;
                Pairs env, flags;
                put(low, spec, swap ? row.b_text : row.a_text, swap ? row.b_toml : row.a_toml, file, env, flags);
                put(high, spec, swap ? row.a_text : row.b_text, swap ? row.a_toml : row.b_toml, file, env, flags);
                SettingsResult result = resolve(file, env, flags);
                EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
                EXPECT_EQ(shown(result, row.setting), swap ? row.a_shown : row.b_shown);
                EXPECT_EQ(result.settings.sources.at(row.setting).kind, kind_of(high));
            }
        }
    }
}

TEST(Settings, FlagWinsOverEnvironmentAndFileTogether) {
    for (const auto& row : two_values()) {
        SCOPED_TRACE(row.setting);
        const SettingSpec& spec = spec_named(row.setting);
        std::string file;
        Pairs env, flags;
        put(Layer::File, spec, row.b_text, row.b_toml, file, env, flags);
        put(Layer::Environment, spec, row.b_text, row.b_toml, file, env, flags);
        put(Layer::Flag, spec, row.a_text, row.a_toml, file, env, flags);
        SettingsResult result = resolve(file, env, flags);
        EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        EXPECT_EQ(shown(result, row.setting), row.a_shown);
        EXPECT_EQ(result.settings.sources.at(row.setting).kind, SourceKind::Flag);
        EXPECT_EQ(result.settings.sources.at(row.setting).where, std::string(spec.flag));
    }
}

TEST(Settings, FlagWinsOverEnvironment) {
    SettingsResult result = resolve(std::nullopt, {{"JVMINIT_DEBUG_PORT", "7000"}}, {{"--debug-port", "6000"}});
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_EQ(result.settings.values.debug_port, 6000);
    EXPECT_EQ(result.settings.sources.at("debug.port").describe(), "flag --debug-port");
}

TEST(Settings, EnvironmentWinsOverFile) {
    SettingsResult result = resolve("[debug]\nport = 7000\n", {{"JVMINIT_DEBUG_PORT", "6000"}});
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_EQ(result.settings.values.debug_port, 6000);
    EXPECT_EQ(result.settings.sources.at("debug.port").describe(), "environment JVMINIT_DEBUG_PORT");
}

TEST(Settings, LayersOnlyTouchTheSettingsTheyName) {
    SettingsResult result =
        resolve("[debug]\nport = 7000\n", {{"JVMINIT_ON_OOM", "crash"}}, {{"--log-level", "debug"}});
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        SourceKind expected = spec.name() == "debug.port"   ? SourceKind::File
                              : spec.name() == "oom.action" ? SourceKind::Environment
                              : spec.name() == "log.level"  ? SourceKind::Flag
                                                            : SourceKind::Default;
        EXPECT_EQ(result.settings.sources.at(spec.name()).kind, expected);
        if (expected == SourceKind::Default) {
            EXPECT_EQ(spec.show(result.settings.values), spec.show(Settings{}));
        }
    }
}

TEST(Settings, RepeatedFlagTheLastOneWins) {
    SettingsResult result = resolve(std::nullopt, {}, {{"--debug-port", "6000"}, {"--debug-port", "7000"}});
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_EQ(result.settings.values.debug_port, 7000);
}

// ---------------------------------------------------------------------------------------------------------
// Sources

TEST(Settings, FileSourceNamesFileLineAndColumnOfTheKey) {
    const std::string toml =
        "# jvminit settings\n"
        "[debug]\n"
        "port = 6000\n"
        "\n"
        "[stop]\n"
        "   timeout = \"2m\"\n";
    SettingsResult result = resolve(toml);
    ASSERT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_EQ(result.settings.sources.at("debug.port").where, "jvminit.toml:3:1");
    EXPECT_EQ(result.settings.sources.at("debug.port").describe(), "file jvminit.toml:3:1");
    EXPECT_EQ(result.settings.sources.at("stop.timeout").where, "jvminit.toml:6:4");
    EXPECT_EQ(result.settings.sources.at("stop.timeout").describe(), "file jvminit.toml:6:4");
}

TEST(Settings, SourceDescriptionsNameTheLayerAndWhere) {
    SettingsResult result =
        resolve("[oom]\naction = \"none\"\n", {{"JVMINIT_DEBUG_PORT", "6000"}}, {{"--log-level", "warn"}});
    ASSERT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_EQ(result.settings.sources.at("oom.action").describe(), "file jvminit.toml:2:1");
    EXPECT_EQ(result.settings.sources.at("debug.port").describe(), "environment JVMINIT_DEBUG_PORT");
    EXPECT_EQ(result.settings.sources.at("log.level").describe(), "flag --log-level");
    EXPECT_EQ(result.settings.sources.at("debug.enabled").describe(), "default");
}

TEST(Settings, DottedKeysAndInlineTablesWorkLikeTables) {
    SettingsResult result = resolve("debug.port = 6000\noom = { action = \"crash\" }\n");
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_EQ(result.settings.values.debug_port, 6000);
    EXPECT_EQ(result.settings.values.on_oom, OomAction::Crash);
}

// ---------------------------------------------------------------------------------------------------------
// Errors: every class, with its exact message.

struct ErrorCase {
    const char* scenario;
    std::optional<std::string> toml;
    Pairs environment;
    Pairs flags;
    std::string expected;  // the one error line
};

TEST(Settings, EachErrorClassHasItsExactMessage) {
    const std::vector<ErrorCase> cases = {
        // TOML layer
        {"unknown table with a close name",
         "[debugg]\nport = 6000\n",
         {},
         {},
         "jvminit.toml:1:2: unknown table or key 'debugg'; did you mean debug?"},
        {"unknown table far from every name",
         "[zzzzzzzz]\n",
         {},
         {},
         "jvminit.toml:1:2: unknown table or key 'zzzzzzzz'"},
        {"unknown top-level key", "colour = true\n", {}, {}, "jvminit.toml:1:1: unknown table or key 'colour'"},
        {"unknown key with a close name",
         "[debug]\nprot = 6000\n",
         {},
         {},
         "jvminit.toml:2:1: unknown key 'prot' in [debug]; did you mean port?"},
        {"unknown key far from every name",
         "[debug]\nfavourite_colour = 1\n",
         {},
         {},
         "jvminit.toml:2:1: unknown key 'favourite_colour' in [debug]"},
        {"key of another table",
         "[debug]\naction = \"exit\"\n",
         {},
         {},
         "jvminit.toml:2:1: unknown key 'action' in [debug] ([oom] action is a key of another table)"},
        {"a key two other tables have: no guess",
         "[heap_dump]\nenabled = true\n",
         {},
         {},
         "jvminit.toml:2:1: unknown key 'enabled' in [heap_dump]"},
        {"a key without its table line",
         "rewrite = \"HUP:drop\"\n",
         {},
         {},
         "jvminit.toml:1:1: unknown table or key 'rewrite'; did you mean [signals] rewrite?"},
        {"key of another table (found by a fresh user)",
         "[stop]\nrewrite = \"HUP:drop\"\n",
         {},
         {},
         "jvminit.toml:2:1: unknown key 'rewrite' in [stop] ([signals] rewrite is a key of another table)"},
        {"signal rules: the entry and the reason",
         "[signals]\nrewrite = \"HUP:drop,TREM:INT\"\n",
         {},
         {},
         "jvminit.toml:2:1: [signals] rewrite = HUP:drop,TREM:INT: 'TREM:INT': 'TREM' is not a signal name or number "
         "(did you "
         "mean TERM?); expected comma-separated FROM:TO pairs of signal names or numbers, TO may be drop, each FROM "
         "once and not KILL, STOP, CHLD or PIPE (e.g. HUP:drop,USR2:TERM), or empty"},
        {"table given as a value", "debug = true\n", {}, {}, "jvminit.toml:1:1: 'debug' must be a table: [debug]"},
        {"string for an integer",
         "[debug]\nport = \"6000\"\n",
         {},
         {},
         "jvminit.toml:2:1: [debug] port must be a TOML integer: an integer from 1 to 65535"},
        {"float for an integer",
         "[heap_dump]\nkeep = 1.5\n",
         {},
         {},
         "jvminit.toml:2:1: [heap_dump] keep must be a TOML integer: an integer from 1 to 1000"},
        {"string for a boolean",
         "[debug]\nenabled = \"yes\"\n",
         {},
         {},
         "jvminit.toml:2:1: [debug] enabled must be a TOML boolean: true or false, without quotes"},
        {"integer for a boolean",
         "[gc_log]\nenabled = 1\n",
         {},
         {},
         "jvminit.toml:2:1: [gc_log] enabled must be a TOML boolean: true or false, without quotes"},
        {"integer for a string",
         "[oom]\naction = 1\n",
         {},
         {},
         "jvminit.toml:2:1: [oom] action must be a TOML string in quotes: exit, crash or none"},
        {"integer for a duration",
         "[stop]\ntimeout = 10\n",
         {},
         {},
         "jvminit.toml:2:1: [stop] timeout must be a TOML string in quotes: a whole number with a unit ms, s, m or h, "
         "at most 24h (e.g. 500ms, 10s, 2m)"},
        {"port out of range in the file",
         "[debug]\nport = 70000\n",
         {},
         {},
         "jvminit.toml:2:1: [debug] port = 70000: expected an integer from 1 to 65535"},
        {"negative port in the file",
         "[debug]\nport = -1\n",
         {},
         {},
         "jvminit.toml:2:1: [debug] port = -1: expected an integer from 1 to 65535"},
        {"percentage above 100 in the file",
         "[memory]\nmax_ram_percentage = 101\n",
         {},
         {},
         "jvminit.toml:2:1: [memory] max_ram_percentage = 101: expected an integer from 0 to 100 (0: leave the heap "
         "size to the JVM)"},
        {"duration without a unit in the file",
         "[stop]\ntimeout = \"10\"\n",
         {},
         {},
         "jvminit.toml:2:1: [stop] timeout = 10: expected a whole number with a unit ms, s, m or h, "
         "at most 24h (e.g. 500ms, 10s, 2m)"},
        {"unknown OOM action in the file",
         "[oom]\naction = \"explode\"\n",
         {},
         {},
         "jvminit.toml:2:1: [oom] action = explode: expected exit, crash or none"},
        {"relative heap dump dir in the file",
         "[heap_dump]\ndir = \"dumps\"\n",
         {},
         {},
         "jvminit.toml:2:1: [heap_dump] dir = dumps: expected an absolute directory path without %, :, \" or control "
         "characters, or "
         "empty for no heap dumps"},
        // Environment layer
        {"boolean variable 'maybe'",
         std::nullopt,
         {{"JVMINIT_DEBUG", "maybe"}},
         {},
         "JVMINIT_DEBUG=maybe: expected true, false, 1, 0, yes or no"},
        {"port variable not a number",
         std::nullopt,
         {{"JVMINIT_DEBUG_PORT", "abc"}},
         {},
         "JVMINIT_DEBUG_PORT=abc: expected an integer from 1 to 65535"},
        {"port variable out of range",
         std::nullopt,
         {{"JVMINIT_DEBUG_PORT", "70000"}},
         {},
         "JVMINIT_DEBUG_PORT=70000: expected an integer from 1 to 65535"},
        {"port variable zero",
         std::nullopt,
         {{"JVMINIT_DEBUG_PORT", "0"}},
         {},
         "JVMINIT_DEBUG_PORT=0: expected an integer from 1 to 65535"},
        {"duration variable 'forever'",
         std::nullopt,
         {{"JVMINIT_STOP_TIMEOUT", "forever"}},
         {},
         "JVMINIT_STOP_TIMEOUT=forever: expected a whole number with a unit ms, s, m or h, at most 24h (e.g. 500ms, "
         "10s, 2m)"},
        {"percentage variable 101",
         std::nullopt,
         {{"JVMINIT_MAX_RAM_PERCENTAGE", "101"}},
         {},
         "JVMINIT_MAX_RAM_PERCENTAGE=101: expected an integer from 0 to 100 (0: leave the heap size to the JVM)"},
        {"keep variable 0",
         std::nullopt,
         {{"JVMINIT_HEAP_DUMP_KEEP", "0"}},
         {},
         "JVMINIT_HEAP_DUMP_KEEP=0: expected an integer from 1 to 1000"},
        {"keep variable 1001",
         std::nullopt,
         {{"JVMINIT_HEAP_DUMP_KEEP", "1001"}},
         {},
         "JVMINIT_HEAP_DUMP_KEEP=1001: expected an integer from 1 to 1000"},
        {"relative GC log dir variable",
         std::nullopt,
         {{"JVMINIT_GC_LOG_DIR", "logs"}},
         {},
         "JVMINIT_GC_LOG_DIR=logs: expected an absolute directory path without %, :, \" or control characters, or "
         "empty"},
        {"log level variable",
         std::nullopt,
         {{"JVMINIT_LOG_LEVEL", "verbose"}},
         {},
         "JVMINIT_LOG_LEVEL=verbose: expected trace, debug, info, warn (or warning), error or off"},
        {"log level variable, misspelt",
         std::nullopt,
         {{"JVMINIT_LOG_LEVEL", "DEBGU"}},
         {},
         "JVMINIT_LOG_LEVEL=DEBGU: expected trace, debug, info, warn (or warning), error or off; did you mean debug?"},
        {"oom action flag, misspelt",
         std::nullopt,
         {},
         {{"--on-oom", "crahs"}},
         "--on-oom crahs: expected exit, crash or none; did you mean crash?"},
        {"oom action in the file, misspelt",
         "[oom]\naction = \"exitt\"\n",
         {},
         {},
         "jvminit.toml:2:1: [oom] action = exitt: expected exit, crash or none; did you mean exit?"},
        {"bind variable with a space",
         std::nullopt,
         {{"JVMINIT_DEBUG_BIND", "a b"}},
         {},
         "JVMINIT_DEBUG_BIND=a b: expected * (all interfaces), an IP address or a host name"},
        {"unknown variable with a close name",
         std::nullopt,
         {{"JVMINIT_DEBUG_PROT", "5005"}},
         {},
         "JVMINIT_DEBUG_PROT: unknown jvminit variable (jvminit --help lists them); did you mean "
         "JVMINIT_DEBUG_PORT?"},
        {"misspelt JVMINIT_CONFIG is suggested too",
         std::nullopt,
         {{"JVMINIT_CONFG", "/x.toml"}},
         {},
         "JVMINIT_CONFG: unknown jvminit variable (jvminit --help lists them); did you mean JVMINIT_CONFIG?"},
        {"unknown variable far from every name",
         std::nullopt,
         {{"JVMINIT_XYZ", "1"}},
         {},
         "JVMINIT_XYZ: unknown jvminit variable (jvminit --help lists them)"},
        {"alias with a bad value",
         std::nullopt,
         {{"JAVA_DEBUG_PORT", "abc"}},
         {},
         "JAVA_DEBUG_PORT=abc: expected an integer from 1 to 65535 (alias of JVMINIT_DEBUG_PORT)"},
        {"boolean alias with a bad value",
         std::nullopt,
         {{"BPL_DEBUG_ENABLED", "maybe"}},
         {},
         "BPL_DEBUG_ENABLED=maybe: expected true, false, t, f, 1, 0, yes or no (alias of JVMINIT_DEBUG)"},
        // Flag layer
        {"unknown flag",
         std::nullopt,
         {},
         {{"--debug-prot", "5005"}},
         "--debug-prot: unknown option (jvminit --help lists them)"},
        {"port flag not a number",
         std::nullopt,
         {},
         {{"--debug-port", "abc"}},
         "--debug-port abc: expected an integer from 1 to 65535"},
        {"boolean flag 'maybe'",
         std::nullopt,
         {},
         {{"--debug", "maybe"}},
         "--debug=maybe: expected true, false, 1, 0, yes or no"},  // a boolean flag takes its value after =
        {"duration flag with a fraction",
         std::nullopt,
         {},
         {{"--stop-timeout", "1.5s"}},
         "--stop-timeout 1.5s: expected a whole number with a unit ms, s, m or h, at most 24h (e.g. 500ms, 10s, 2m)"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        SettingsResult result = resolve(c.toml, c.environment, c.flags);
        ASSERT_EQ(result.errors.size(), 1u) << joined(result.errors);
        EXPECT_EQ(result.errors.front(), c.expected);
    }
}

TEST(Settings, InvalidTomlNamesTheFileAndLine) {
    SettingsResult result = resolve("[debug]\nport = = 1\n");
    ASSERT_EQ(result.errors.size(), 1u) << joined(result.errors);
    EXPECT_TRUE(result.errors.front().starts_with("jvminit.toml:2:")) << result.errors.front();
    EXPECT_NE(result.errors.front().find(": invalid TOML: "), std::string::npos) << result.errors.front();
}

TEST(Settings, BadValueLeavesTheLowerLayersValue) {
    // JVMINIT_DEBUG_PORT=abc is an error; the value stays the file's, whose source stays the file.
    SettingsResult result = resolve("[debug]\nport = 6000\n", {{"JVMINIT_DEBUG_PORT", "abc"}});
    EXPECT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.settings.values.debug_port, 6000);
    EXPECT_EQ(result.settings.sources.at("debug.port").kind, SourceKind::File);
}

TEST(Settings, AllErrorsOfAllLayersAreReportedAtOnce) {
    const std::string toml =
        "[debug]\n"
        "prot = 6000\n"
        "enabled = \"yes\"\n"
        "[memory]\n"
        "max_ram_percentage = 150\n"
        "[colour]\n";
    const Pairs environment = {
        {"PATH", "/usr/bin"},
        {"JVMINIT_DEBUG", "maybe"},
        {"JVMINIT_DEBUG_PROT", "5005"},
        {"JVMINIT_STOP_TIMEOUT", "forever"},
    };
    const Pairs flags = {{"--debug-port", "70000"}, {"--bogus", "1"}};
    SettingsResult result = resolve(toml, environment, flags);
    const std::vector<std::string> expected = {
        "jvminit.toml:2:1: unknown key 'prot' in [debug]; did you mean port?",
        "jvminit.toml:3:1: [debug] enabled must be a TOML boolean: true or false, without quotes",
        "jvminit.toml:5:1: [memory] max_ram_percentage = 150: expected an integer from 0 to 100 (0: leave the heap "
        "size to the JVM)",
        "jvminit.toml:6:2: unknown table or key 'colour'",
        "JVMINIT_DEBUG=maybe: expected true, false, 1, 0, yes or no",
        "JVMINIT_DEBUG_PROT: unknown jvminit variable (jvminit --help lists them); did you mean JVMINIT_DEBUG_PORT?",
        "JVMINIT_STOP_TIMEOUT=forever: expected a whole number with a unit ms, s, m or h, at most 24h (e.g. 500ms, "
        "10s, 2m)",
        "--debug-port 70000: expected an integer from 1 to 65535",
        "--bogus: unknown option (jvminit --help lists them)",
    };
    std::vector<std::string> got = result.errors;
    std::vector<std::string> want = expected;
    std::sort(got.begin(), got.end());
    std::sort(want.begin(), want.end());
    EXPECT_EQ(got, want) << joined(result.errors);
}

// The settings given a refused value, from every layer, so that a report of bad input does not check the value
// the refused one left in place (the user replaced it; a review).
TEST(Settings, RefusedSettingsAreNamed) {
    SettingsResult result =
        resolve("[gc_log]\ndir = \"relative\"\n[debug]\nport = \"5005\"\n",
                {{"JVMINIT_HEAP_DUMP_DIR", "/ok"}, {"JVMINIT_STOP_TIMEOUT", "soon"}},
                {{"--heap-dump-dir", "/ok2"}, {"--heap-dump-dir", "rel"}, {"--debug-port", "6000"}});
    std::vector<std::string> refused = result.refused;
    std::sort(refused.begin(), refused.end());
    EXPECT_EQ(refused, (std::vector<std::string>{"debug.port", "gc_log.dir", "heap_dump.dir", "stop.timeout"}));
    EXPECT_EQ(result.settings.values.heap_dump_dir, "/ok2");  // the value before the refused one
    EXPECT_EQ(result.settings.values.debug_port, 6000);
    EXPECT_TRUE(resolve(std::nullopt, {{"JVMINIT_HEAP_DUMP_DIR", "/ok"}}).refused.empty());
}

// one_line: what quotes user input in an error line. Well-formed UTF-8 stays; control characters and bytes that
// are not UTF-8 are escaped (an invalid byte was printed raw: a terminal showed garbage, a log collector U+FFFD).
TEST(Settings, OneLineEscapesControlsAndWhatIsNotUtf8) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"plain /app/dumps", "plain /app/dumps"},
        {"a\nb\rc\td", "a\\nb\\rc\\td"},
        {std::string("nul\0x", 5), "nul\\x00x"},
        {"esc\x1b[31m del\x7f", "esc\\x1B[31m del\\x7F"},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},  // é € 😀 kept
        {"caf\xe9", "caf\\xE9"},                                                                     // Latin-1 é
        {"\xc3", "\\xC3"},                                                 // cut short at the end
        {"\xc3(", "\\xC3("},                                               // cut short before ASCII
        {"\xe2\x82", "\\xE2\\x82"},                                        // cut short, three bytes
        {"\x80\xbf", "\\x80\\xBF"},                                        // lone continuation bytes
        {"\xc0\xaf \xc1\xbf", "\\xC0\\xAF \\xC1\\xBF"},                    // overlong two-byte forms
        {"\xe0\x80\xaf", "\\xE0\\x80\\xAF"},                               // overlong three-byte form
        {"\xf0\x80\x80\xaf", "\\xF0\\x80\\x80\\xAF"},                      // overlong four-byte form
        {"\xed\xa0\x80", "\\xED\\xA0\\x80"},                               // a surrogate, U+D800
        {"\xed\x9f\xbf", "\xed\x9f\xbf"},                                  // U+D7FF, just below: kept
        {"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},                          // U+10FFFF: kept
        {"\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80"},                      // above U+10FFFF
        {"\xf5\x80\x80\x80 \xff\xfe", "\\xF5\\x80\\x80\\x80 \\xFF\\xFE"},  // bytes never in UTF-8
        {"csi\xc2\x9b"
         "31m \xc2\x80",
         "csi\\xC2\\x9B31m \\xC2\\x80"},   // C1 controls as bytes
        {"\xc2\xa0nbsp", "\xc2\xa0nbsp"},  // U+00A0, just above C1: kept
    };
    for (const auto& [text, expected] : cases) EXPECT_EQ(one_line(text), expected) << expected;
}

// A flag given twice: every value is checked, and the last good one counts (an earlier bad value was dropped
// unseen, so an image with `--stop-timeout=10 --stop-timeout=30s` started with no word on the first one).
TEST(Settings, EveryValueOfARepeatedFlagIsChecked) {
    struct Case {
        Pairs flags;
        std::vector<std::string> errors;
        std::string stop_timeout;  // as explain shows it, when valid
    };
    const std::vector<Case> cases = {
        {{{"--stop-timeout", "10"}, {"--stop-timeout", "30s"}},
         {"--stop-timeout 10: expected a whole number with a unit ms, s, m or h, at most 24h (e.g. 500ms, 10s, 2m)"},
         ""},
        {{{"--stop-timeout", "30s"}, {"--stop-timeout", "10"}},
         {"--stop-timeout 10: expected a whole number with a unit ms, s, m or h, at most 24h (e.g. 500ms, 10s, 2m)"},
         ""},
        {{{"--stop-timeout", "30s"}, {"--stop-timeout", "2m"}}, {}, "2m"},
        {{{"--stop-timeout", "2m"}, {"--stop-timeout", "30s"}}, {}, "30s"},
        {{{"--debug", "maybe"}, {"--debug", "true"}}, {"--debug=maybe: expected true, false, 1, 0, yes or no"}, ""},
        // The same bad value twice: one line.
        {{{"--stop-timeout", "10"}, {"--stop-timeout", "10"}, {"--stop-timeout", "5s"}},
         {"--stop-timeout 10: expected a whole number with a unit ms, s, m or h, at most 24h (e.g. 500ms, 10s, 2m)"},
         ""},
    };
    for (const auto& c : cases) {
        SettingsResult result = resolve(std::nullopt, {}, c.flags);
        EXPECT_EQ(result.errors, c.errors) << joined(result.errors);
        EXPECT_EQ(result.refused.empty(), c.errors.empty()) << joined(result.refused);
        if (c.errors.empty()) {
            const SettingSpec* spec = find_setting_by_flag("--stop-timeout");
            ASSERT_NE(spec, nullptr);
            EXPECT_EQ(spec->show(result.settings.values), c.stop_timeout);
            EXPECT_EQ(result.settings.sources["stop.timeout"].describe(), "flag --stop-timeout");
        }
    }
}

TEST(Settings, ValuesAtTheEdgesOfTheirRangesAreAccepted) {
    const std::vector<std::pair<std::string, std::string>> accepted = {
        {"JVMINIT_DEBUG_PORT", "1"},
        {"JVMINIT_DEBUG_PORT", "65535"},
        {"JVMINIT_MAX_RAM_PERCENTAGE", "0"},
        {"JVMINIT_MAX_RAM_PERCENTAGE", "100"},
        {"JVMINIT_HEAP_DUMP_KEEP", "1"},
        {"JVMINIT_HEAP_DUMP_KEEP", "1000"},
        {"JVMINIT_STOP_TIMEOUT", "0ms"},
        {"JVMINIT_STOP_TIMEOUT", "24h"},
        {"JVMINIT_HEAP_DUMP_DIR", "/my dumps"},
        {"JVMINIT_GC_LOG_DIR", "/gc"},
        {"JVMINIT_DEBUG_BIND", "*"},
        {"JVMINIT_DEBUG_BIND", "[::1]"},
        {"JVMINIT_DEBUG_BIND", "127.0.0.1"},
        {"JVMINIT_DEBUG_BIND", "host-1.example.com"},
        {"JVMINIT_DEBUG_BIND", "::1"},
        {"JVMINIT_DEBUG_BIND", "0.0.0.0"},
        {"JVMINIT_DEBUG", "YES"},
        {"JVMINIT_DEBUG", "False"},
        {"JVMINIT_LOG_LEVEL", "off"},
        {"JVMINIT_LOG_LEVEL", "trace"},
        {"JVMINIT_LOG_LEVEL", "INFO"},     // enumerated values in any case, as booleans (a fresh user)
        {"JVMINIT_LOG_LEVEL", "warning"},  // spdlog's name, as jvminit's lines show it: [jvminit warning]
        {"JVMINIT_LOG_LEVEL", "Warn"},
        {"JVMINIT_ON_OOM", "Exit"},
        {"JVMINIT_ON_OOM", "CRASH"},
        {"JVMINIT_DEBUG_BIND", "my_service"},  // a Docker Compose service name (a fresh user)
    };
    for (const auto& [name, value] : accepted) {
        SCOPED_TRACE(name + "=" + value);
        SettingsResult result = resolve(std::nullopt, {{name, value}});
        EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        const SettingSpec* spec = find_setting_by_env(name);
        ASSERT_NE(spec, nullptr);
        EXPECT_EQ(result.settings.sources.at(spec->name()).kind, SourceKind::Environment);
    }
}

// Docker's `-e NAME=` and images that use an empty value for "unset": an empty variable is not set.
TEST(Settings, AnEmptyVariableCountsAsNotSet) {
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.env);
        SettingsResult result = resolve(std::nullopt, {{std::string(spec.env), ""}});
        EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        EXPECT_EQ(result.settings.sources.at(spec.name()).kind, SourceKind::Default);
    }
    for (const auto& alias : env_aliases()) {
        SCOPED_TRACE(alias.alias);
        SettingsResult result = resolve(std::nullopt, {{std::string(alias.alias), ""}});
        EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        EXPECT_TRUE(result.settings.notes.empty());
    }
}

TEST(Settings, ValuesOutsideTheirRangesAreRefused) {
    const std::vector<std::pair<std::string, std::string>> refused = {
        {"JVMINIT_DEBUG_PORT", "65536"},
        {"JVMINIT_DEBUG_PORT", "-1"},
        {"JVMINIT_DEBUG_PORT", "0"},
        {"JVMINIT_MAX_RAM_PERCENTAGE", "-1"},
        {"JVMINIT_MAX_RAM_PERCENTAGE", "75%"},
        {"JVMINIT_STOP_TIMEOUT", "25h"},
        {"JVMINIT_STOP_TIMEOUT", "10"},
        {"JVMINIT_DEBUG", "y"},
        {"JVMINIT_DEBUG", "on"},
        {"JVMINIT_ON_OOM", "kill"},
        {"JVMINIT_ON_OOM", "exit "},
        {"JVMINIT_DEBUG_BIND", "localhost:5005"},
        {"JVMINIT_DEBUG_BIND", "*.example.com"},
        {"JVMINIT_HEAP_DUMP_DIR", "./dumps"},
        {"JVMINIT_HEAP_DUMP_DIR", "/a\nb"},
        {"JVMINIT_LOG_LEVEL", "verbose"},
        {"JVMINIT_HEAP_DUMP_DIR", "/dumps/%p"},
        {"JVMINIT_GC_LOG_DIR", "/gc:logs"},
        {"JVMINIT_GC_LOG_DIR", "/gc\"x"},
        {"JVMINIT_DEBUG_BIND", "999.999.999.999"},
        {"JVMINIT_DEBUG_BIND", "a..b"},
        {"JVMINIT_DEBUG_BIND", "-"},
    };
    for (const auto& [name, value] : refused) {
        SCOPED_TRACE(name + "=" + value);
        SettingsResult result = resolve(std::nullopt, {{name, value}});
        ASSERT_EQ(result.errors.size(), 1u) << joined(result.errors);
        EXPECT_TRUE(result.errors.front().starts_with(name + "=")) << result.errors.front();
        EXPECT_NE(result.errors.front().find(": expected "), std::string::npos) << result.errors.front();
        EXPECT_EQ(result.errors.front().find('\n'), std::string::npos) << "one line: " << result.errors.front();
    }
}

TEST(Settings, DebugBindWithAPortIsRefused) {
    // The accepted form is a host part: "*", an IP address or a host name. "localhost:5005" is none of these
    // and would become address=localhost:5005:5005.
    SettingsResult result = resolve(std::nullopt, {{"JVMINIT_DEBUG_BIND", "localhost:5005"}});
    EXPECT_EQ(result.errors.size(), 1u) << "localhost:5005 was accepted as debug bind "
                                        << result.settings.values.debug_bind;
}

// ---------------------------------------------------------------------------------------------------------
// Other variables and JVMINIT_CONFIG

TEST(Settings, JvminitConfigIsNotAnUnknownVariable) {
    SettingsResult result = resolve(std::nullopt, {{std::string(kConfigEnv), "/etc/other.toml"}});
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    for (const auto& spec : setting_specs())
        EXPECT_EQ(result.settings.sources.at(spec.name()).kind, SourceKind::Default);
}

TEST(Settings, VariablesNotStartingWithJvminitAreIgnored) {
    SettingsResult result = resolve(std::nullopt, {{"PATH", "/usr/bin"},
                                                   {"JAVA_HOME", "/usr/lib/jvm/java-17"},
                                                   {"JAVA_TOOL_OPTIONS", "-Xmx1g"},
                                                   {"jvminit_debug", "maybe"},
                                                   {"XJVMINIT_DEBUG", "maybe"},
                                                   {"JVMINIT", "x"}});
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_FALSE(result.settings.values.debug);
}

TEST(Settings, AnyVariableWithTheJvminitPrefixIsChecked) {
    SettingsResult result = resolve(std::nullopt, {{"JVMINIT_", "x"}});
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_TRUE(result.errors.front().starts_with("JVMINIT_: unknown jvminit variable")) << result.errors.front();
}

// "An empty environment variable counts as not set" (README), an unknown name too: a manifest's empty
// `value: ""` sets nothing (found by a fresh user: JVMINIT_FOO= exited 2).
TEST(Settings, AnEmptyUnknownVariableCountsAsNotSet) {
    SettingsResult result = resolve(std::nullopt, {{"JVMINIT_FOO", ""}, {"JVMINIT_DEBUG_PROT", ""}});
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    SettingsResult set = resolve(std::nullopt, {{"JVMINIT_FOO", "1"}});
    EXPECT_EQ(set.errors.size(), 1u) << "the same name with a value is still refused";
}

// ---------------------------------------------------------------------------------------------------------
// Aliases from other images

struct AliasCase {
    const char* alias;
    const char* value;
    const char* setting;
    const char* expected_shown;
    const char* jvminit_name;
    const char* origin;
};

TEST(Settings, AliasesOfOtherImagesSetTheirSettingWithANote) {
    const std::vector<AliasCase> cases = {
        {"JAVA_DEBUG", "true", "debug.enabled", "true", "JVMINIT_DEBUG", "run-java.sh"},
        {"JAVA_DEBUG_PORT", "6000", "debug.port", "6000", "JVMINIT_DEBUG_PORT", "run-java.sh"},
        {"JAVA_DEBUG_SUSPEND", "y", "debug.suspend", "true", "JVMINIT_DEBUG_SUSPEND", "run-java.sh"},
        {"JAVA_DEBUG_SUSPEND", "n", "debug.suspend", "false", "JVMINIT_DEBUG_SUSPEND", "run-java.sh"},
        {"JAVA_DEBUG_SUSPEND", "true", "debug.suspend", "true", "JVMINIT_DEBUG_SUSPEND", "run-java.sh"},
        {"BPL_DEBUG_ENABLED", "true", "debug.enabled", "true", "JVMINIT_DEBUG", "Paketo"},
        {"BPL_DEBUG_PORT", "8000", "debug.port", "8000", "JVMINIT_DEBUG_PORT", "Paketo"},
        {"BPL_DEBUG_SUSPEND", "true", "debug.suspend", "true", "JVMINIT_DEBUG_SUSPEND", "Paketo"},
        {"BPL_HEAP_DUMP_PATH", "/dumps", "heap_dump.dir", "/dumps", "JVMINIT_HEAP_DUMP_DIR", "Paketo"},
        {"JAVA_MAX_MEM_RATIO", "50", "memory.max_ram_percentage", "50", "JVMINIT_MAX_RAM_PERCENTAGE", "run-java.sh"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.alias) + "=" + c.value);
        SettingsResult result = resolve(std::nullopt, {{c.alias, c.value}});
        EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        EXPECT_EQ(shown(result, c.setting), c.expected_shown);
        const Source& source = result.settings.sources.at(c.setting);
        EXPECT_EQ(source.kind, SourceKind::Environment);
        EXPECT_EQ(source.where, c.alias);
        EXPECT_EQ(source.describe(), std::string("environment ") + c.alias);
        ASSERT_EQ(result.settings.notes.size(), 1u);
        EXPECT_EQ(result.settings.notes.front(), std::string(c.alias) + " (from " + c.origin + ") is read as " +
                                                     c.jvminit_name + "; the JVMINIT_ name is preferred");
    }
}

TEST(Settings, EveryAliasNamesAnExistingSetting) {
    ASSERT_EQ(env_aliases().size(), 8u);
    for (const auto& alias : env_aliases()) {
        SCOPED_TRACE(alias.alias);
        EXPECT_FALSE(alias.alias.starts_with("JVMINIT_"));
        EXPECT_EQ(std::count_if(setting_specs().begin(), setting_specs().end(),
                                [&](const SettingSpec& spec) { return spec.name() == alias.setting; }),
                  1);
    }
}

// Alias values as their images read them (found by a fresh user): run-java.sh switches debugging on for
// any JAVA_DEBUG and suspends for any JAVA_DEBUG_SUSPEND but false, n, no, 0; Paketo takes Go's t/f and
// listens on 8000 unless a port is set.
TEST(Settings, AliasValuesAreReadAsTheirImagesReadThem) {
    struct Case {
        Pairs environment;
        bool debug;
        bool suspend;
        int port;
        std::string port_source;
        bool note_about_false;
    };
    const std::vector<Case> cases = {
        {{{"JAVA_DEBUG", "on"}}, true, false, 5005, "default", false},
        {{{"JAVA_DEBUG", "1"}}, true, false, 5005, "default", false},
        {{{"JAVA_DEBUG", "enabled"}}, true, false, 5005, "default", false},
        {{{"JAVA_DEBUG", "false"}}, false, false, 5005, "default", true},  // run-java.sh: on; here: off, said
        {{{"JAVA_DEBUG", "NO"}}, false, false, 5005, "default", true},
        {{{"JAVA_DEBUG", "0"}}, false, false, 5005, "default", true},
        {{{"JAVA_DEBUG", "1"}, {"JAVA_DEBUG_SUSPEND", "Y"}}, true, true, 5005, "default", false},
        {{{"JAVA_DEBUG", "1"}, {"JAVA_DEBUG_SUSPEND", "on"}}, true, true, 5005, "default", false},
        {{{"JAVA_DEBUG", "1"}, {"JAVA_DEBUG_SUSPEND", "N"}}, true, false, 5005, "default", false},
        {{{"JAVA_DEBUG", "1"}, {"JAVA_DEBUG_SUSPEND", "no"}}, true, false, 5005, "default", false},
        {{{"BPL_DEBUG_ENABLED", "true"}}, true, false, 8000, "default of BPL_DEBUG_ENABLED (Paketo's port)", false},
        {{{"BPL_DEBUG_ENABLED", "T"}, {"BPL_DEBUG_SUSPEND", "t"}},
         true,
         true,
         8000,
         "default of BPL_DEBUG_ENABLED (Paketo's port)",
         false},
        {{{"BPL_DEBUG_ENABLED", "f"}}, false, false, 5005, "default", false},
        {{{"BPL_DEBUG_ENABLED", "true"}, {"BPL_DEBUG_PORT", "9000"}},
         true,
         false,
         9000,
         "environment BPL_DEBUG_PORT",
         false},
        {{{"BPL_DEBUG_ENABLED", "true"}, {"JVMINIT_DEBUG_PORT", "9001"}},
         true,
         false,
         9001,
         "environment JVMINIT_DEBUG_PORT",
         false},
        {{{"BPL_DEBUG_ENABLED", "true"}, {"JVMINIT_DEBUG", "true"}}, true, false, 5005, "default", false},
        {{{"JVMINIT_DEBUG", "true"}}, true, false, 5005, "default", false},
    };
    for (const auto& c : cases) {
        std::string trace;
        for (const auto& [name, value] : c.environment) trace += name + "=" + value + " ";
        SCOPED_TRACE(trace);
        SettingsResult result = resolve(std::nullopt, c.environment);
        EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        EXPECT_EQ(result.settings.values.debug, c.debug);
        EXPECT_EQ(result.settings.values.debug_suspend, c.suspend);
        EXPECT_EQ(result.settings.values.debug_port, c.port);
        EXPECT_EQ(result.settings.sources.at("debug.port").describe(), c.port_source);
        const bool noted = std::any_of(result.settings.notes.begin(), result.settings.notes.end(), [](const auto& n) {
            return n.find("run-java.sh switches debugging on for any value") != std::string::npos;
        });
        EXPECT_EQ(noted, c.note_about_false);
    }
    // A port from the file is the user's too.
    SettingsResult from_file = resolve("[debug]\nport = 7000\n", {{"BPL_DEBUG_ENABLED", "true"}});
    EXPECT_EQ(from_file.settings.values.debug_port, 7000);
}

// A setting given a value that depends on one that is off is named (found by a fresh user: --debug-port
// without --debug was silently ignored, even in explain); defaults are not.
TEST(Settings, SettingsWithoutEffectAreNamed) {
    struct Case {
        Pairs environment;
        Pairs flags;
        std::vector<std::string> without_effect;
    };
    const std::vector<Case> cases = {
        {{}, {}, {}},
        {{}, {{"--debug-port", "6000"}}, {"debug.port (flag --debug-port) has no effect: debug.enabled is false"}},
        {{{"JVMINIT_DEBUG_SUSPEND", "true"}, {"JVMINIT_DEBUG_BIND", "127.0.0.1"}},
         {},
         {"debug.suspend (environment JVMINIT_DEBUG_SUSPEND) has no effect: debug.enabled is false",
          "debug.bind (environment JVMINIT_DEBUG_BIND) has no effect: debug.enabled is false"}},
        {{{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_PORT", "6000"}}, {}, {}},
        {{{"JVMINIT_GC_LOG_DIR", "/gc"}},
         {},
         {"gc_log.dir (environment JVMINIT_GC_LOG_DIR) has no effect: gc_log.enabled is false"}},
        {{{"JVMINIT_GC_LOG_DIR", "/gc"}, {"JVMINIT_GC_LOG", "true"}}, {}, {}},
        {{{"JVMINIT_HEAP_DUMP_KEEP", "5"}},
         {},
         {"heap_dump.keep (environment JVMINIT_HEAP_DUMP_KEEP) has no effect: heap_dump.dir is empty"}},
        {{{"JVMINIT_HEAP_DUMP_KEEP", "5"}, {"JVMINIT_HEAP_DUMP_DIR", "/d"}}, {}, {}},
    };
    for (const auto& c : cases) {
        SettingsResult result = resolve(std::nullopt, c.environment, c.flags);
        EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        EXPECT_EQ(result.settings.without_effect, c.without_effect);
    }
}

TEST(Settings, JvminitNameWinsOverItsAliasInEitherOrder) {
    const std::vector<Pairs> orders = {
        {{"JAVA_DEBUG_PORT", "6000"}, {"JVMINIT_DEBUG_PORT", "7000"}},
        {{"JVMINIT_DEBUG_PORT", "7000"}, {"JAVA_DEBUG_PORT", "6000"}},
        {{"BPL_DEBUG_PORT", "6000"}, {"JVMINIT_DEBUG_PORT", "7000"}, {"JAVA_DEBUG_PORT", "6001"}},
    };
    for (const auto& environment : orders) {
        SCOPED_TRACE(environment.front().first + " first");
        SettingsResult result = resolve(std::nullopt, environment);
        EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        EXPECT_EQ(result.settings.values.debug_port, 7000);
        EXPECT_EQ(result.settings.sources.at("debug.port").where, "JVMINIT_DEBUG_PORT");
    }
}

// run-java.sh's and Paketo's names for one setting, both set: the same meaning is fine, different ones are
// an error naming both (before: Paketo's won without a word, and both were noted as read).
TEST(Settings, TwoAliasesOfOneSettingMustAgree) {
    struct Case {
        const char* scenario;
        Pairs environment;
        std::string error;  // empty: none
    };
    const std::vector<Case> cases = {
        {"two ports",
         {{"JAVA_DEBUG_PORT", "9000"}, {"BPL_DEBUG_PORT", "9100"}},
         "JAVA_DEBUG_PORT=9000 (from run-java.sh) and BPL_DEBUG_PORT=9100 (from Paketo) both set debug.port, to "
         "different values: keep one, or set JVMINIT_DEBUG_PORT, which wins over both"},
        {"the same port, either order", {{"BPL_DEBUG_PORT", "9000"}, {"JAVA_DEBUG_PORT", "9000"}}, ""},
        {"the same port, written differently", {{"JAVA_DEBUG_PORT", "09000"}, {"BPL_DEBUG_PORT", "9000"}}, ""},
        {"on and off", {{"JAVA_DEBUG", "true"}, {"BPL_DEBUG_ENABLED", "false"}}, "both set debug.enabled"},
        // run-java.sh takes any value but false/n/no/0 as true: "off" means on there, as "t" does for Paketo.
        {"both on, in each image's words", {{"JAVA_DEBUG", "off"}, {"BPL_DEBUG_ENABLED", "t"}}, ""},
        {"suspend yes and f", {{"JAVA_DEBUG_SUSPEND", "yes"}, {"BPL_DEBUG_SUSPEND", "f"}}, "both set debug.suspend"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        SettingsResult result = resolve(std::nullopt, c.environment);
        if (c.error.empty()) {
            EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
        } else {
            ASSERT_EQ(result.errors.size(), 1u) << joined(result.errors);
            EXPECT_NE(result.errors.front().find(c.error), std::string::npos) << result.errors.front();
        }
    }
    // The JVMINIT_ name settles it: no error, both aliases noted as ignored.
    SettingsResult settled = resolve(
        std::nullopt, {{"JAVA_DEBUG_PORT", "9000"}, {"BPL_DEBUG_PORT", "9100"}, {"JVMINIT_DEBUG_PORT", "7000"}});
    EXPECT_TRUE(settled.errors.empty()) << joined(settled.errors);
    EXPECT_EQ(settled.settings.values.debug_port, 7000);
}

TEST(Settings, JvminitBooleanWinsOverItsAliasEvenWhenFalse) {
    SettingsResult result = resolve(std::nullopt, {{"JAVA_DEBUG", "true"}, {"JVMINIT_DEBUG", "false"}});
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_FALSE(result.settings.values.debug);
    EXPECT_EQ(result.settings.sources.at("debug.enabled").where, "JVMINIT_DEBUG");
}

TEST(Settings, AliasWinsOverFileAndLosesToFlag) {
    SettingsResult over_file = resolve("[debug]\nport = 7000\n", {{"JAVA_DEBUG_PORT", "6000"}});
    EXPECT_TRUE(over_file.errors.empty()) << joined(over_file.errors);
    EXPECT_EQ(over_file.settings.values.debug_port, 6000);
    EXPECT_EQ(over_file.settings.sources.at("debug.port").where, "JAVA_DEBUG_PORT");

    SettingsResult under_flag = resolve(std::nullopt, {{"JAVA_DEBUG_PORT", "6000"}}, {{"--debug-port", "7000"}});
    EXPECT_TRUE(under_flag.errors.empty()) << joined(under_flag.errors);
    EXPECT_EQ(under_flag.settings.values.debug_port, 7000);
    EXPECT_EQ(under_flag.settings.sources.at("debug.port").kind, SourceKind::Flag);
}

// A name set twice (a process that builds its own environment with execve) counts once, with its last value:
// the one get_env reads and the child is given (ChildEnvironment in test_preparation.cpp).
TEST(Settings, ARepeatedVariableCountsOnceWithItsLastValue) {
    struct Case {
        const char* scenario;
        Pairs environment;
        int port;            // debug.port afterwards (0: an error is expected)
        std::string source;  // its source, described
        std::size_t errors;
    };
    const std::vector<Case> cases = {
        {"bad, then good",
         {{"JVMINIT_DEBUG_PORT", "70000"}, {"JVMINIT_DEBUG_PORT", "6000"}},
         6000,
         "environment JVMINIT_DEBUG_PORT",
         0},
        {"good, then bad", {{"JVMINIT_DEBUG_PORT", "6000"}, {"JVMINIT_DEBUG_PORT", "70000"}}, 0, "", 1},
        {"good, then empty (unset)", {{"JVMINIT_DEBUG_PORT", "6000"}, {"JVMINIT_DEBUG_PORT", ""}}, 5005, "default", 0},
        {"an alias, last value",
         {{"JAVA_DEBUG_PORT", "70000"}, {"JAVA_DEBUG_PORT", "6001"}},
         6001,
         "environment JAVA_DEBUG_PORT",
         0},
        {"an alias, last value empty", {{"JAVA_DEBUG_PORT", "6001"}, {"JAVA_DEBUG_PORT", ""}}, 5005, "default", 0},
        {"an unknown name twice: one error", {{"JVMINIT_DEBUG_PROT", "1"}, {"JVMINIT_DEBUG_PROT", "2"}}, 0, "", 1},
        {"an empty JVMINIT_ name does not hide the alias",
         {{"JVMINIT_DEBUG_PORT", ""}, {"JAVA_DEBUG_PORT", "6002"}},
         6002,
         "environment JAVA_DEBUG_PORT",
         0},
        {"nor does one whose last value is empty",
         {{"JVMINIT_DEBUG_PORT", "7000"}, {"JVMINIT_DEBUG_PORT", ""}, {"JAVA_DEBUG_PORT", "6002"}},
         6002,
         "environment JAVA_DEBUG_PORT",
         0},
        {"a set JVMINIT_ name wins over the alias",
         {{"JAVA_DEBUG_PORT", "6002"}, {"JVMINIT_DEBUG_PORT", "7000"}},
         7000,
         "environment JVMINIT_DEBUG_PORT",
         0},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        SettingsResult result = resolve(std::nullopt, c.environment);
        EXPECT_EQ(result.errors.size(), c.errors) << (result.errors.empty() ? "" : result.errors.front());
        if (c.port == 0) continue;
        EXPECT_EQ(result.settings.values.debug_port, c.port);
        EXPECT_EQ(result.settings.sources.at("debug.port").describe(), c.source);
    }
}

TEST(Settings, AliasesAreNotReportedAsUnknownVariables) {
    Pairs environment;
    for (const auto& alias : env_aliases()) {
        std::string value = alias.setting == "heap_dump.dir"               ? "/dumps"
                            : alias.setting == "debug.port"                ? "6000"
                            : alias.setting == "memory.max_ram_percentage" ? "50"
                                                                           : "true";
        environment.emplace_back(alias.alias, value);
    }
    SettingsResult result = resolve(std::nullopt, environment);
    EXPECT_TRUE(result.errors.empty()) << joined(result.errors);
    EXPECT_EQ(result.settings.notes.size(), env_aliases().size());
}

// ---------------------------------------------------------------------------------------------------------
// Suggestions and names

struct MatchCase {
    const char* word;
    std::vector<std::string> candidates;
    std::optional<std::string> expected;
};

// Found by a fresh user: the distance was measured over the whole name, so after JVMINIT_ or -- unrelated
// endings passed (JVMINIT_DEBUG_ENABLED -> JVMINIT_DEBUG_BIND, --keep -> --help).
TEST(ClosestMatch, AllVariablesAndFlags) {
    std::vector<std::string> variables{std::string(kConfigEnv)};
    std::vector<std::string> flags{"--help", "--version", "--config", "--json"};
    for (const auto& spec : setting_specs()) {
        variables.emplace_back(spec.env);
        flags.emplace_back(spec.flag);
    }
    const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
        {"JVMINIT_DEBUG_ENABLED", "JVMINIT_DEBUG"},
        {"JVMINIT_GC_LOG_ENABLED", "JVMINIT_GC_LOG"},
        {"JVMINIT_TIMEOUT", "JVMINIT_STOP_TIMEOUT"},
        {"JVMINIT_MAX_RAM", "JVMINIT_MAX_RAM_PERCENTAGE"},
        {"JVMINIT_LEVEL", "JVMINIT_LOG_LEVEL"},
        {"JVMINIT_PORT_DEBUG", "JVMINIT_DEBUG_PORT"},
        {"JVMINIT_DEBUG_PROT", "JVMINIT_DEBUG_PORT"},
        {"JVMINIT_GC_LOGS", "JVMINIT_GC_LOG"},
        {"JVMINIT_STOP_TIMEOT", "JVMINIT_STOP_TIMEOUT"},
        {"JVMINIT_KEEP", "JVMINIT_HEAP_DUMP_KEEP"},
        {"JVMINIT_HELP", std::nullopt},
        {"JVMINIT_DEBUG_HOST", std::nullopt},  // not PORT (two letters of four), not DEBUG
        {"JVMINIT_DEBUG_ADDRESS", std::nullopt},
        {"JVMINIT_GC", std::nullopt},  // GC_LOG or GC_LOG_DIR: no guess
        {"JVMINIT_SIGNALS_REWRITE", "JVMINIT_SIGNAL_REWRITE"},
        // Found by a fresh user: another flag of the JVM's, not a typo.
        {"JVMINIT_MIN_RAM_PERCENTAGE", std::nullopt},
        {"JVMINIT_INITIAL_RAM_PERCENTAGE", std::nullopt},
        {"JVMINIT_GC_LOG_LEVEL", std::nullopt},
        {"JVMINIT_STOP_LEVEL", std::nullopt},
        {"JVMINIT_DEBUG_ENABLE", "JVMINIT_DEBUG"},
        {"JVMINIT_HEAPDUMP_DIR", "JVMINIT_HEAP_DUMP_DIR"},
    };
    for (const auto& [word, expected] : cases) {
        SCOPED_TRACE(word);
        EXPECT_EQ(closest_match(word, variables), expected);
    }
    const std::vector<std::pair<std::string, std::optional<std::string>>> flag_cases = {
        {"--debug-enabled", "--debug"},
        {"--keep", "--heap-dump-keep"},
        {"--debug-json", std::nullopt},
        {"--cofnig", "--config"},
        {"--stop-exit-zeor", "--stop-exit-zero"},
        {"--exit-zero", "--stop-exit-zero"},
        {"--signal-rewrites", "--signal-rewrite"},
        {"--dir", std::nullopt},
        {"--min-ram-percentage", std::nullopt},
        {"--stop-level", std::nullopt},
        {"--debug-enable", "--debug"},
    };
    for (const auto& [word, expected] : flag_cases) {
        SCOPED_TRACE(word);
        EXPECT_EQ(closest_match(word, flags), expected);
    }
}

// A name spelt from the TOML table and key: JVMINIT_OOM_ACTION for [oom] action (found by a fresh user).
TEST(NameFromTomlKey, FindsTheVariableOrFlagOfTheSetting) {
    const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
        {"JVMINIT_OOM_ACTION", "JVMINIT_ON_OOM"},
        {"--oom-action", "--on-oom"},
        {"JVMINIT_DEBUG_ENABLED", "JVMINIT_DEBUG"},
        {"--gc-log-enabled", "--gc-log"},
        {"JVMINIT_MEMORY_MAX_RAM_PERCENTAGE", "JVMINIT_MAX_RAM_PERCENTAGE"},
        {"JVMINIT_SIGNALS_REWRITE", "JVMINIT_SIGNAL_REWRITE"},
        {"--stop-timeout", std::nullopt},  // the flag itself
        {"JVMINIT_LOG_LEVEL", std::nullopt},
        {"JVMINIT_NOTHING", std::nullopt},
        {"oom_action", std::nullopt},
    };
    for (const auto& [word, expected] : cases) {
        SCOPED_TRACE(word);
        EXPECT_EQ(name_from_toml_key(word), expected);
    }
}

TEST(ClosestMatch, SuggestsOnlyCloseCandidates) {
    const std::vector<MatchCase> cases = {
        {"prot", {"enabled", "port", "suspend", "bind"}, "port"},
        {"enable", {"enabled", "port", "suspend", "bind"}, "enabled"},
        {"suspnd", {"enabled", "port", "suspend", "bind"}, "suspend"},
        {"colour", {"enabled", "port", "suspend", "bind"}, std::nullopt},
        {"heapdump", {"debug", "oom", "heap_dump", "gc_log", "memory", "stop", "log"}, "heap_dump"},
        {"gclog", {"debug", "oom", "heap_dump", "gc_log", "memory", "stop", "log"}, "gc_log"},
        {"JVMINIT_GC_LOGS", {"JVMINIT_GC_LOG", "JVMINIT_GC_LOG_DIR"}, "JVMINIT_GC_LOG"},
        {"anything", {}, std::nullopt},
        // A word left out in front (found by a fresh user: --exit-zero had no hint).
        {"--exit-zero", {"--stop-timeout", "--stop-exit-zero", "--debug"}, "--stop-exit-zero"},
        {"JVMINIT_EXIT_ZERO", {"JVMINIT_STOP_TIMEOUT", "JVMINIT_STOP_EXIT_ZERO"}, "JVMINIT_STOP_EXIT_ZERO"},
        {"--rewrite", {"--signal-rewrite", "--debug"}, "--signal-rewrite"},
        {"--dir", {"--heap-dump-dir", "--gc-log-dir"}, std::nullopt},  // two candidates: no guess
        {"--zero", {"--stop-exit-zero"}, "--stop-exit-zero"},
        {"--ero", {"--stop-exit-zero"}, std::nullopt},       // "ero": too short a rest
        {"--xit-zero", {"--stop-exit-zero"}, std::nullopt},  // not from a word's start
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.word);
        EXPECT_EQ(closest_match(c.word, c.candidates), c.expected);
    }
}

TEST(Settings, EnumNamesAreTheAcceptedWords) {
    EXPECT_EQ(to_string(OomAction::Exit), "exit");
    EXPECT_EQ(to_string(OomAction::Crash), "crash");
    EXPECT_EQ(to_string(OomAction::None), "none");
    EXPECT_EQ(to_string(LogLevel::Trace), "trace");
    EXPECT_EQ(to_string(LogLevel::Debug), "debug");
    EXPECT_EQ(to_string(LogLevel::Info), "info");
    EXPECT_EQ(to_string(LogLevel::Warn), "warn");
    EXPECT_EQ(to_string(LogLevel::Error), "error");
    EXPECT_EQ(to_string(LogLevel::Off), "off");
}

}  // namespace
}  // namespace jvminit::config
