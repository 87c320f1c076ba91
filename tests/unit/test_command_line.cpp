// The command line (cli/command_line.hpp): `jvminit [OPTIONS] [--] PROGRAM [ARGS...]` and
// `jvminit [OPTIONS] explain [--json] [-- PROGRAM...]` (issues 2 and 4).
#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cli/command_line.hpp"
#include "config/settings.hpp"

namespace jvminit::cli {
namespace {

using Args = std::vector<std::string>;
using Flags = std::vector<std::pair<std::string, std::string>>;

std::string shown(const Args& argv) {
    std::string text;
    for (const auto& arg : argv) text += (text.empty() ? "" : " ") + ("'" + arg + "'");
    return text;
}

struct RunCase {
    const char* scenario;
    Args argv;
    Args program;
    Flags flags;
};

TEST(CommandLine, ProgramAndItsArgumentsAreKeptAsGiven) {
    const std::vector<RunCase> cases = {
        {"program after --", {"jvminit", "--", "java", "-jar", "app.jar"}, {"java", "-jar", "app.jar"}, {}},
        {"program without --", {"jvminit", "java", "-jar", "app.jar"}, {"java", "-jar", "app.jar"}, {}},
        {"program alone", {"jvminit", "--", "true"}, {"true"}, {}},
        {"program options like -c are untouched",
         {"jvminit", "sh", "-c", "echo hi; exit 3"},
         {"sh", "-c", "echo hi; exit 3"},
         {}},
        {"program options like -c after -- are untouched",
         {"jvminit", "--", "sh", "-c", "exit 3"},
         {"sh", "-c", "exit 3"},
         {}},
        {"a -- after PROGRAM is PROGRAM's argument", {"jvminit", "sh", "--", "x"}, {"sh", "--", "x"}, {}},
        {"a second -- is PROGRAM's argument", {"jvminit", "--", "sh", "--", "x"}, {"sh", "--", "x"}, {}},
        {"jvminit's own flags after PROGRAM are PROGRAM's",
         {"jvminit", "java", "--debug", "--help"},
         {"java", "--debug", "--help"},
         {}},
        {"jvminit's own flags after -- are PROGRAM's",
         {"jvminit", "--", "java", "--debug-port", "6000"},
         {"java", "--debug-port", "6000"},
         {}},
        {"a program name starting with a dash after --", {"jvminit", "--", "-weird", "a"}, {"-weird", "a"}, {}},
        {"the word explain after -- is a program", {"jvminit", "--", "explain", "x"}, {"explain", "x"}, {}},
        {"empty arguments are kept", {"jvminit", "--", "printf", "", "x"}, {"printf", "", "x"}, {}},
        {"flags before the program",
         {"jvminit", "--debug-port", "6000", "--on-oom", "crash", "--", "java", "Main"},
         {"java", "Main"},
         {{"--debug-port", "6000"}, {"--on-oom", "crash"}}},
        {"flags with = before the program",
         {"jvminit", "--debug-port=6000", "java", "Main"},
         {"java", "Main"},
         {{"--debug-port", "6000"}}},
        {"boolean flag alone means true",
         {"jvminit", "--debug", "--", "java", "Main"},
         {"java", "Main"},
         {{"--debug", "true"}}},
        {"boolean flag alone before a program without --",
         {"jvminit", "--debug", "java", "Main"},
         {"java", "Main"},
         {{"--debug", "true"}}},
        {"boolean flag =false", {"jvminit", "--debug=false", "--", "java"}, {"java"}, {{"--debug", "false"}}},
        {"boolean flag =yes is passed on for the settings to check",
         {"jvminit", "--gc-log=yes", "--", "java"},
         {"java"},
         {{"--gc-log", "yes"}}},
        {"repeated flag: each value in order (the settings check each, the last counts)",
         {"jvminit", "--debug-port", "6000", "--debug-port", "7000", "--", "java"},
         {"java"},
         {{"--debug-port", "6000"}, {"--debug-port", "7000"}}},
        {"repeated flag around another, in both forms, a boolean too",
         {"jvminit", "--stop-timeout=abc", "--debug", "--stop-timeout", "5s", "--debug=false", "--", "java"},
         {"java"},
         {{"--stop-timeout", "abc"}, {"--debug", "true"}, {"--stop-timeout", "5s"}, {"--debug", "false"}}},
        {"repeated flag with an empty value first",
         {"jvminit", "--log-level=", "--log-level", "info", "--", "java"},
         {"java"},
         {{"--log-level", ""}, {"--log-level", "info"}}},
        {"a value that looks like a program",
         {"jvminit", "--log-level", "debug", "java"},
         {"java"},
         {{"--log-level", "debug"}}},
        {"boolean flag =true then a program named true",
         {"jvminit", "--debug=true", "--", "true"},
         {"true"},
         {{"--debug", "true"}}},
        {"after -- everything is PROGRAM's, a boolean flag and a word too",
         {"jvminit", "--", "--debug", "true"},
         {"--debug", "true"},
         {}},
        {"a boolean flag followed by a non-boolean word is the flag then PROGRAM",
         {"jvminit", "--debug", "java", "-jar", "a.jar"},
         {"java", "-jar", "a.jar"},
         {{"--debug", "true"}}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + ": " + shown(c.argv));
        ParseResult result = parse_command_line(c.argv);
        ASSERT_FALSE(result.error.has_value()) << *result.error;
        EXPECT_EQ(result.command_line.command, Command::Run);
        EXPECT_EQ(result.command_line.program, c.program);
        EXPECT_EQ(result.command_line.flags, c.flags);
        EXPECT_FALSE(result.command_line.json);
        EXPECT_FALSE(result.command_line.config_path.has_value());
    }
}

// The parse with its shortcuts (no CLI11 without options, CLI11 with only the named options) gives what
// CLI11 with every option gives.
void expect_the_whole_parsers_result(const Args& argv) {
    ParseResult fast = parse_command_line(argv);
    ParseResult whole = parse_command_line(argv, /*allow_shortcut=*/false);
    EXPECT_EQ(fast.error, whole.error) << shown(argv);
    EXPECT_EQ(fast.program_missing, whole.program_missing) << shown(argv);
    EXPECT_EQ(fast.command_line.command, whole.command_line.command) << shown(argv);
    EXPECT_EQ(fast.command_line.program, whole.command_line.program) << shown(argv);
    EXPECT_EQ(fast.command_line.flags, whole.command_line.flags) << shown(argv);
    EXPECT_EQ(fast.command_line.config_path, whole.command_line.config_path) << shown(argv);
    EXPECT_EQ(fast.command_line.json, whole.command_line.json) << shown(argv);
}

// Without options (`jvminit [--] PROGRAM...`) the parse skips CLI11; its result must be CLI11's for every
// argv, including those that only look like the shortcut and must take the full path.
TEST(CommandLine, TheNoOptionShortcutGivesWhatCli11Gives) {
    const std::vector<Args> cases = {
        {"jvminit", "--", "java", "-jar", "app.jar"},
        {"jvminit", "java", "-jar", "app.jar"},
        {"jvminit", "sh", "--", "x"},
        {"jvminit", "--", "sh", "--", "x"},
        {"jvminit", "sh", "explain"},
        {"jvminit", "java", "--debug", "--help"},
        {"jvminit", "--", "--help"},
        {"jvminit", "--", "explain", "x"},
        {"jvminit", "--", "printf", "", "x"},
        {"jvminit", "--", "-weird"},
        {"jvminit", "--", ""},
        {"jvminit", "--"},
        {"jvminit"},
        {"jvminit", ""},
        {"jvminit", "explain"},
        {"jvminit", "-", "x"},
        {"jvminit", "--help"},
        {"jvminit", "--debug", "--", "java"},
        {"jvminit", "java", "--", "--", "x"},
    };
    for (const auto& argv : cases) expect_the_whole_parsers_result(argv);
}

// With options, CLI11's parser has only those the command line names (and `explain` when named): its result
// must be that of the parser with every option, for every setting flag in each form, and for argvs where a
// named option is a value, follows an unknown one, comes after `explain` or after PROGRAM.
TEST(CommandLine, TheParserWithOnlyTheNamedOptionsGivesWhatTheWholeParserGives) {
    std::vector<Args> cases = {
        {"jvminit", "--bogus", "--debug-port", "5005", "--", "java"},
        {"jvminit", "--debug-port", "5005", "--bogus", "--log-level=debug", "--", "java"},
        {"jvminit", "--log-level", "--debug-port", "--", "java"},
        {"jvminit", "--log-level", "-h", "--", "java"},
        {"jvminit", "--log-level", "explain", "--", "java"},
        {"jvminit", "--debug-port", "explain"},
        {"jvminit", "explain", "--json", "--debug", "--", "java"},
        {"jvminit", "--debug", "explain", "--json"},
        {"jvminit", "--json", "--", "java"},
        {"jvminit", "--bogus", "explain", "--json", "--", "java"},
        {"jvminit", "--config", "/x.toml", "explain", "--config=/y.toml"},
        {"jvminit", "--config=", "--", "java"},
        {"jvminit", "--debug-port=", "--", "java"},
        {"jvminit", "--debug=", "--", "java"},
        {"jvminit", "--debug-port", "6000", "--debug-port=7000", "--", "java"},
        {"jvminit", "--debug-port", "6000", "java", "--log-level", "debug"},
        {"jvminit", "--debug", "sh", "explain", "--debug-port", "1"},
        {"jvminit", "--debug", "--", "explain", "--json"},
        {"jvminit", "--debug", "-", "x"},
        {"jvminit", "--debug", "--version"},
        {"jvminit", "--debug", "--help"},
        {"jvminit", "--debug-port", "5005"},
        {"jvminit", "-x", "--", "java"},
        {"jvminit", "--debug", "-h"},
        // found by a trial: CLI11 reads -hx as -h then -x; and it reads on past an unknown option, where the
        // pre-pass takes the word after a flag's value for PROGRAM
        {"jvminit", "-hx", "--", "/bin/true"},
        {"jvminit", "-hh"},
        {"jvminit", "explain", "-hfoo"},
        {"jvminit", "--debug", "-hv", "--", "/bin/true"},
        {"jvminit", "--he", "-hh"},
        {"jvminit", "--bogus", "--log-level", "debug", "--version"},
        {"jvminit", "--bogus", "--log-level", "debug", "-h", "--", "/bin/true"},
        {"jvminit", "--bogus", "--log-level", "debug", "-h=1"},
        {"jvminit", "--bogus", "--log-level", "debug", "--debug-port", "--", "/bin/true"},
        {"jvminit", "--bogus", "--log-level", "debug", "explain", "--json=maybe", "--", "/bin/true"},
        {"jvminit", "--bogus", "--version=1"},
        {"jvminit", "--bogus", "--helpme"},
    };
    for (const auto& spec : config::setting_specs()) {
        const std::string flag(spec.flag);
        const std::string value = spec.type == config::ValueType::Bool ? "false" : "1";
        cases.push_back({"jvminit", flag + "=" + value, "--", "java"});
        cases.push_back({"jvminit", flag, value, "--", "java"});
        cases.push_back({"jvminit", flag, "--", "java"});
        cases.push_back({"jvminit", "explain", flag + "=" + value, "--json"});
        cases.push_back({"jvminit", "--stop-timeout=5s", flag + "=" + value, "--stop-timeout", "6s", "app", flag});
    }
    for (const auto& argv : cases) expect_the_whole_parsers_result(argv);
}

// The same over command lines drawn at random (a fixed seed: the same 5,000 at every run) from every setting
// flag in each form, values that are flags, words, `explain`, `--json`, `--`, -h groups and unknown options.
// A trial compared 700,000 such lines; this keeps a sample of them in the suite.
TEST(CommandLine, TheParserWithOnlyTheNamedOptionsGivesWhatTheWholeParserGivesOnRandomLines) {
    // scope_of finds short options only as -h: no setting flag may have a short form.
    for (const auto& spec : config::setting_specs()) EXPECT_TRUE(spec.flag.starts_with("--")) << spec.flag;
    std::vector<std::string> words = {"explain",
                                      "--json",
                                      "--json=true",
                                      "--",
                                      "-h",
                                      "--help",
                                      "--version",
                                      "-hx",
                                      "-h=1",
                                      "--help=1",
                                      "--version=",
                                      "/bin/echo",
                                      "--bogus",
                                      "-x",
                                      "-",
                                      "",
                                      "true",
                                      "--config",
                                      "--config=/nonexistent.toml",
                                      "-hdebug",
                                      "--=",
                                      "---debug",
                                      "--debug-port=5=6",
                                      "Explain",
                                      "--JSON",
                                      "-5",
                                      "\xff"};
    const std::vector<std::string> values = {"1", "0", "true", "no", "x", "", "-h", "--debug", "explain", "--", "5s"};
    for (const auto& spec : config::setting_specs()) {
        words.emplace_back(spec.flag);
        for (const auto& value : values) words.push_back(std::string(spec.flag) + "=" + value);
    }
    std::mt19937 random(20261130);
    const auto pick = [&](const std::vector<std::string>& from) { return from[random() % from.size()]; };
    for (int n = 0; n < 5000; ++n) {
        Args argv{"jvminit"};
        for (auto i = random() % 7; i > 0; --i) {
            argv.push_back(pick(words));
            if (random() % 3 == 0) argv.push_back(pick(values));
        }
        if (random() % 2) argv.insert(argv.end(), {"--", "/bin/echo", "-h"});
        expect_the_whole_parsers_result(argv);
        if (::testing::Test::HasFailure()) break;  // the first line that differs is enough to see
    }
}

TEST(CommandLine, EverySettingFlagIsAccepted) {
    for (const auto& spec : config::setting_specs()) {
        SCOPED_TRACE(std::string(spec.flag));
        std::string value = spec.show(config::Settings{});
        if (value.empty()) value = "/some/dir";
        ParseResult result = parse_command_line({"jvminit", std::string(spec.flag) + "=" + value, "--", "java"});
        ASSERT_FALSE(result.error.has_value()) << *result.error;
        EXPECT_EQ(result.command_line.flags, (Flags{{std::string(spec.flag), value}}));
    }
}

// An option's value is not PROGRAM: after `--config /x` and `--stop-timeout -5s` jvminit's own options go on.
TEST(CommandLine, AnOptionsValueDoesNotStartTheProgram) {
    ParseResult ambiguous = parse_command_line({"jvminit", "--config", "/x", "--debug", "true", "--", "app"});
    ASSERT_TRUE(ambiguous.error.has_value());
    EXPECT_NE(ambiguous.error->find("--debug=true"), std::string::npos) << *ambiguous.error;

    ParseResult dashed = parse_command_line({"jvminit", "--stop-timeout", "-5s", "--debug", "app"});
    ASSERT_FALSE(dashed.error.has_value()) << *dashed.error;
    EXPECT_EQ(dashed.command_line.flags, (Flags{{"--stop-timeout", "-5s"}, {"--debug", "true"}}));
    EXPECT_EQ(dashed.command_line.program, (Args{"app"}));
}

TEST(CommandLine, ConfigPathIsNotASettingFlag) {
    for (const Args& argv :
         {Args{"jvminit", "--config", "/etc/x.toml", "--", "java"}, Args{"jvminit", "--config=/etc/x.toml", "java"}}) {
        SCOPED_TRACE(shown(argv));
        ParseResult result = parse_command_line(argv);
        ASSERT_FALSE(result.error.has_value()) << *result.error;
        EXPECT_EQ(result.command_line.config_path, "/etc/x.toml");
        EXPECT_TRUE(result.command_line.flags.empty());
        EXPECT_EQ(result.command_line.program, Args{"java"});
    }
}

TEST(CommandLine, FlagsBeforeAndAfterExplainMeanTheSame) {
    const std::vector<Args> forms = {
        {"jvminit", "--debug-port", "6000", "explain", "--", "java", "-version"},
        {"jvminit", "explain", "--debug-port", "6000", "--", "java", "-version"},
        {"jvminit", "--debug-port=6000", "explain", "--", "java", "-version"},
        {"jvminit", "explain", "--debug-port=6000", "--", "java", "-version"},
    };
    for (const auto& argv : forms) {
        SCOPED_TRACE(shown(argv));
        ParseResult result = parse_command_line(argv);
        ASSERT_FALSE(result.error.has_value()) << *result.error;
        EXPECT_EQ(result.command_line.command, Command::Explain);
        EXPECT_EQ(result.command_line.flags, (Flags{{"--debug-port", "6000"}}));
        EXPECT_EQ(result.command_line.program, (Args{"java", "-version"}));
        EXPECT_FALSE(result.command_line.json);
    }
}

TEST(CommandLine, RepeatedFlagAcrossExplainGivesEachValueInOrder) {
    ParseResult result =
        parse_command_line({"jvminit", "--debug-port", "6000", "explain", "--debug-port", "7000", "--", "java"});
    ASSERT_FALSE(result.error.has_value()) << *result.error;
    EXPECT_EQ(result.command_line.flags, (Flags{{"--debug-port", "6000"}, {"--debug-port", "7000"}}));
}

// `--config` repeated: the last one counts, as for a repeated setting flag (CLI11 refused it with "At Most 1
// required but received 2").
TEST(CommandLine, RepeatedConfigTheLastOneCounts) {
    for (const Args& argv : {Args{"jvminit", "--config", "a.toml", "explain", "--config", "b.toml"},
                             Args{"jvminit", "--config=a.toml", "--config=b.toml", "--", "java"}}) {
        SCOPED_TRACE(shown(argv));
        ParseResult result = parse_command_line(argv);
        ASSERT_FALSE(result.error.has_value()) << *result.error;
        EXPECT_EQ(result.command_line.config_path, "b.toml");
    }
}

// `explain` after PROGRAM is PROGRAM's argument; after `--` it is PROGRAM.
TEST(CommandLine, ExplainAsProgramOrItsArgumentIsNotASecondExplain) {
    ParseResult argument = parse_command_line({"jvminit", "explain", "sh", "explain"});
    ASSERT_FALSE(argument.error.has_value()) << *argument.error;
    EXPECT_EQ(argument.command_line.program, (Args{"sh", "explain"}));
    ParseResult program = parse_command_line({"jvminit", "explain", "--", "explain"});
    ASSERT_FALSE(program.error.has_value()) << *program.error;
    EXPECT_EQ(program.command_line.command, Command::Explain);
    EXPECT_EQ(program.command_line.program, (Args{"explain"}));
}

TEST(CommandLine, BooleanFlagAfterExplainMeansTrue) {
    ParseResult result = parse_command_line({"jvminit", "explain", "--debug", "--", "java"});
    ASSERT_FALSE(result.error.has_value()) << *result.error;
    EXPECT_EQ(result.command_line.command, Command::Explain);
    EXPECT_EQ(result.command_line.flags, (Flags{{"--debug", "true"}}));
}

struct ExplainCase {
    Args argv;
    bool json;
    Args program;
};

TEST(CommandLine, ExplainTakesJsonAndAnOptionalProgram) {
    const std::vector<ExplainCase> cases = {
        {{"jvminit", "explain"}, false, {}},
        {{"jvminit", "explain", "--json"}, true, {}},
        {{"jvminit", "explain", "--json", "--", "java", "-jar", "a.jar"}, true, {"java", "-jar", "a.jar"}},
        {{"jvminit", "explain", "--", "java", "--json"}, false, {"java", "--json"}},
        {{"jvminit", "explain", "java", "-jar", "a.jar"}, false, {"java", "-jar", "a.jar"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(shown(c.argv));
        ParseResult result = parse_command_line(c.argv);
        ASSERT_FALSE(result.error.has_value()) << *result.error;
        EXPECT_EQ(result.command_line.command, Command::Explain);
        EXPECT_EQ(result.command_line.json, c.json);
        EXPECT_EQ(result.command_line.program, c.program);
    }
}

struct InfoCase {
    Args argv;
    Command command;
};

TEST(CommandLine, HelpAndVersionNeedNoProgram) {
    const std::vector<InfoCase> cases = {
        {{"jvminit", "--help"}, Command::Help},
        {{"jvminit", "-h"}, Command::Help},
        {{"jvminit", "--debug", "--help"}, Command::Help},
        {{"jvminit", "explain", "--help"}, Command::Help},
        {{"jvminit", "--version"}, Command::Version},
        {{"jvminit", "--version", "--", "java"}, Command::Version},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(shown(c.argv));
        ParseResult result = parse_command_line(c.argv);
        EXPECT_FALSE(result.error.has_value()) << *result.error;
        EXPECT_EQ(result.command_line.command, c.command);
    }
}

struct ErrorCase {
    const char* scenario;
    Args argv;
    std::string must_contain;
};

TEST(CommandLine, BadArgumentsAreOneLineErrorsNamingThem) {
    const std::vector<ErrorCase> cases = {
        {"unknown option before --", {"jvminit", "--bogus", "--", "java"}, "--bogus"},
        {"unknown option without --", {"jvminit", "--bogus", "java"}, "--bogus"},
        {"misspelt setting flag", {"jvminit", "--debug-prot", "6000", "--", "java"}, "--debug-prot"},
        {"unknown short option", {"jvminit", "-x", "--", "java"}, "-x"},
        {"unknown option after explain", {"jvminit", "explain", "--bogus"}, "--bogus"},
        // CLI11 reads "{}" as no value, which a boolean flag made true (a trial).
        {"a boolean flag ={}", {"jvminit", "--debug={}", "--", "java"}, "--debug={}: expected true, false, 1, 0"},
        {"a boolean flag ={} after explain", {"jvminit", "explain", "--gc-log={}"}, "--gc-log={}: expected true"},
        // A missing value names what the flag takes (CLI11 said "1 required VALUE missing"; a trial).
        {"missing value at the end",
         {"jvminit", "--debug-port"},
         "--debug-port: the value is missing: expected an integer from 1 to 65535"},
        {"missing value before --",
         {"jvminit", "--debug-port", "--", "java"},
         "--debug-port: the value is missing: expected an integer from 1 to 65535"},
        {"missing value after explain",
         {"jvminit", "explain", "--log-level"},
         "--log-level: the value is missing: expected trace, debug, info, warn (or warning), error or off"},
        {"missing config path",
         {"jvminit", "--config", "--", "java"},
         "--config: the value is missing: expected the path"},
        {"empty config path", {"jvminit", "--config", "", "--", "java"}, "--config"},
        // `--debug true` would run /bin/true instead of the application: refused, naming the right form.
        {"boolean flag with a separate value before --", {"jvminit", "--debug", "true", "--", "x"}, "--debug=true"},
        {"boolean flag with a separate value, no --", {"jvminit", "--gc-log", "yes"}, "--gc-log=yes"},
        {"boolean flag with a separate value before a program",
         {"jvminit", "--debug", "true", "java", "Main"},
         "--debug=true"},
        {"boolean flag with a separate 0", {"jvminit", "--debug-suspend", "0", "--", "java"}, "--debug-suspend=0"},
        {"boolean flag with a separate value after explain", {"jvminit", "explain", "--gc-log", "no"}, "--gc-log=no"},
        {"no program at all", {"jvminit"}, "no PROGRAM given"},
        {"nothing after --", {"jvminit", "--"}, "no PROGRAM given"},
        {"only flags", {"jvminit", "--debug"}, "no PROGRAM given"},
        {"only flags and --", {"jvminit", "--debug-port", "6000", "--"}, "no PROGRAM given"},
        // It was taken for one `explain`, and the second word dropped.
        {"explain twice", {"jvminit", "explain", "explain"}, "explain given twice"},
        {"explain as a flag", {"jvminit", "--explain", "--", "java"}, "--explain: explain is a command"},
        {"a variable's TOML spelling as a flag",
         {"jvminit", "--oom-action=crash", "--", "java"},
         "did you mean --on-oom?"},
        {"explain twice around a flag",
         {"jvminit", "explain", "--debug", "explain", "--", "java"},
         "explain given twice"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + ": " + shown(c.argv));
        ParseResult result = parse_command_line(c.argv);
        ASSERT_TRUE(result.error.has_value()) << "accepted; program: " << shown(result.command_line.program);
        EXPECT_NE(result.error->find(c.must_contain), std::string::npos) << *result.error;
        EXPECT_EQ(result.error->find('\n'), std::string::npos) << "one line: " << *result.error;
        // Only the missing PROGRAM may give way to a flag's bad value (run.cpp), no other error.
        EXPECT_EQ(result.program_missing, std::string_view(c.must_contain) == "no PROGRAM given");
    }
    // `--debug-port explain`: the port took the subcommand; the missing PROGRAM is flagged so.
    const ParseResult taken = parse_command_line({"jvminit", "--debug-port", "explain"});
    ASSERT_TRUE(taken.error.has_value());
    EXPECT_TRUE(taken.program_missing) << *taken.error;
}

TEST(CommandLine, UnknownOptionsGetADidYouMean) {
    struct Case {
        Args argv;
        std::string hint;
    };
    for (const Case& c : {Case{{"jvminit", "--debug-prot=5", "--", "java"}, "did you mean --debug-port?"},
                          Case{{"jvminit", "--debug-prot", "5", "java"}, "did you mean --debug-port?"},
                          Case{{"jvminit", "--gc-logs", "--", "java"}, "did you mean --gc-log?"},
                          Case{{"jvminit", "--heap-dump-kep=2", "--", "java"}, "did you mean --heap-dump-keep?"}}) {
        SCOPED_TRACE(shown(c.argv));
        ParseResult result = parse_command_line(c.argv);
        ASSERT_TRUE(result.error.has_value()) << "accepted";
        EXPECT_NE(result.error->find(c.hint), std::string::npos) << *result.error;
        EXPECT_TRUE(result.error->starts_with("unknown option " + c.argv[1])) << *result.error;
    }
}

TEST(CommandLine, AnEmptyValueAfterEqualsDoesNotTakeTheNextArgument) {
    // `--config=` is `--config ""` (an error), never `--config NEXT`; `--heap-dump-dir=` is an empty value
    // (no heap dumps) or an error, never the next argument.
    ParseResult config = parse_command_line({"jvminit", "--config=", "java", "-jar", "app.jar"});
    ASSERT_TRUE(config.error.has_value());
    EXPECT_NE(config.error->find("--config"), std::string::npos) << *config.error;
    EXPECT_NE(config.command_line.config_path, std::optional<std::string>("java"));
    // An empty --config followed by a good one is still an error (the last one no longer hides it).
    ParseResult twice = parse_command_line({"jvminit", "--config=", "--config", "/x.toml", "--", "java"});
    ASSERT_TRUE(twice.error.has_value());
    EXPECT_NE(twice.error->find("--config: expected the path of a TOML file"), std::string::npos) << *twice.error;

    ParseResult dir = parse_command_line({"jvminit", "--heap-dump-dir=", "--gc-log", "--", "java"});
    if (!dir.error) {
        EXPECT_EQ(dir.command_line.flags, (Flags{{"--heap-dump-dir", ""}, {"--gc-log", "true"}}));
    }
}

TEST(CommandLine, BooleanFlagWithASeparateValueSaysHowToWriteIt) {
    ParseResult result = parse_command_line({"jvminit", "--debug", "true", "--", "java", "Main"});
    ASSERT_TRUE(result.error.has_value());
    EXPECT_EQ(*result.error,
              "--debug true: write --debug=true (a boolean flag takes its value after '='); a PROGRAM "
              "named true goes after --");
    EXPECT_TRUE(result.command_line.program.empty()) << "nothing to run";
}

TEST(CommandLine, JvminitsFlagsAfterProgramAreProgramsEvenBooleanOnesWithAWord) {
    // Without --, PROGRAM starts at the first argument that is not an option: what follows is PROGRAM's, so
    // `jvminit java --debug true` runs `java --debug true` (an application's own --debug flag).
    for (const Args& argv : {Args{"jvminit", "java", "--debug", "true"}, Args{"jvminit", "myapp", "--gc-log", "yes"},
                             Args{"jvminit", "--on-oom", "crash", "myapp", "--debug", "false"}}) {
        SCOPED_TRACE(shown(argv));
        ParseResult result = parse_command_line(argv);
        ASSERT_FALSE(result.error.has_value()) << *result.error;
        const std::size_t first = argv[1] == "--on-oom" ? 3 : 1;
        EXPECT_EQ(result.command_line.program, Args(argv.begin() + static_cast<std::ptrdiff_t>(first), argv.end()));
    }
}

TEST(CommandLine, NoProgramErrorShowsTheUsage) {
    ParseResult result = parse_command_line({"jvminit"});
    ASSERT_TRUE(result.error.has_value());
    EXPECT_EQ(*result.error, "no PROGRAM given: usage: jvminit [OPTIONS] -- PROGRAM [ARGS...]");
}

TEST(CommandLine, UnknownOptionErrorSaysWhereProgramGoes) {
    ParseResult result = parse_command_line({"jvminit", "--bogus", "java"});
    ASSERT_TRUE(result.error.has_value());
    EXPECT_EQ(*result.error,
              "unknown option --bogus (jvminit --help lists the accepted options; PROGRAM goes after --)");
}

// Options are read in order, as getopt(3) does: an unknown option before --help or --version is bad input
// (exit 2); --help or --version before it wins, as in GNU tools.
TEST(CommandLine, AnUnknownOptionBeforeHelpOrVersionIsAnError) {
    struct Case {
        std::vector<std::string> argv;
        std::optional<Command> command;  // nullopt: an error naming `unknown`
        std::string unknown;
    };
    const std::vector<Case> cases = {
        {{"jvminit", "--bogus", "--help"}, std::nullopt, "--bogus"},
        {{"jvminit", "--bogus=1", "-h"}, std::nullopt, "--bogus=1"},
        {{"jvminit", "--debgu-port=5", "--version"}, std::nullopt, "--debgu-port=5"},
        {{"jvminit", "--debug", "--bogus", "--help", "--", "java"}, std::nullopt, "--bogus"},
        {{"jvminit", "explain", "--bogus", "--help"}, std::nullopt, "--bogus"},
        {{"jvminit", "--help", "--bogus"}, Command::Help, ""},
        {{"jvminit", "--version", "--bogus"}, Command::Version, ""},
        {{"jvminit", "--debug", "--help"}, Command::Help, ""},
        {{"jvminit", "--config", "--bogus", "--help"}, Command::Help, ""},   // --bogus is the path here
        {{"jvminit", "--", "java", "--bogus", "--help"}, Command::Run, ""},  // PROGRAM's own arguments
        {{"jvminit", "java", "--bogus", "--help"}, Command::Run, ""},
        // a known option with its value after '=' is not unknown (a regression of the first version)
        {{"jvminit", "--debug-port=6000", "--help"}, Command::Help, ""},
        {{"jvminit", "--heap-dump-dir=/tmp/x", "--version"}, Command::Version, ""},
        {{"jvminit", "--debug=true", "-h"}, Command::Help, ""},
        {{"jvminit", "--log-level=off", "--bogus", "--help"}, std::nullopt, "--bogus"},
        // the first of --help and --version decides; what follows it is not read
        {{"jvminit", "--version", "--help"}, Command::Version, ""},
        {{"jvminit", "--help", "--version"}, Command::Help, ""},
        {{"jvminit", "--version", "--bogus", "--help"}, Command::Version, ""},
        // nothing after them is read, not even an option missing its value (second review)
        {{"jvminit", "--help", "--config"}, Command::Help, ""},
        {{"jvminit", "--help", "--log-level"}, Command::Help, ""},
        {{"jvminit", "--version", "--config"}, Command::Version, ""},
        {{"jvminit", "--help", "--debug="}, Command::Help, ""},
        {{"jvminit", "--help", "--debug", "true"}, Command::Help, ""},
        // an unknown option comes first even when a malformed one follows it
        {{"jvminit", "--bogus", "--debug", "true"}, std::nullopt, "--bogus"},
        {{"jvminit", "--bogus", "--debug="}, std::nullopt, "--bogus"},
    };
    for (const auto& c : cases) {
        std::string joined;
        for (const auto& arg : c.argv) joined += arg + " ";
        SCOPED_TRACE(joined);
        ParseResult result = parse_command_line(c.argv);
        if (c.command) {
            EXPECT_FALSE(result.error.has_value()) << *result.error;
            EXPECT_EQ(result.command_line.command, *c.command);
        } else {
            ASSERT_TRUE(result.error.has_value());
            EXPECT_TRUE(result.error->starts_with("unknown option " + c.unknown + " (")) << *result.error;
        }
    }
}

TEST(CommandLine, HelpAndVersionTakeNoValueAndALoneDashIsAWord) {
    for (const char* text : {"--help=foo", "-h=1", "--version=", "--version=false"}) {
        const std::string arg = text;
        ParseResult result = parse_command_line({"jvminit", arg, "--", "true"});
        ASSERT_TRUE(result.error.has_value()) << arg;
        EXPECT_EQ(*result.error, arg + ": " + arg.substr(0, arg.find('=')) + " takes no value");
    }
    ParseResult dash = parse_command_line({"jvminit", "-", "--help"});  // getopt(3): "-" is not an option
    EXPECT_FALSE(dash.error.has_value()) << *dash.error;
    EXPECT_EQ(dash.command_line.command, Command::Run);
    EXPECT_EQ(dash.command_line.program, (std::vector<std::string>{"-", "--help"}));
}

TEST(CommandLine, JsonWithoutExplainSaysWhereItBelongs) {
    ParseResult with_help = parse_command_line({"jvminit", "--json", "--help"});
    ASSERT_TRUE(with_help.error.has_value());
    EXPECT_TRUE(with_help.error->starts_with("--json is an option of explain")) << *with_help.error;
    for (const std::vector<std::string>& argv :
         {std::vector<std::string>{"jvminit", "--json", "--", "true"},
          std::vector<std::string>{"jvminit", "--json", "explain", "--", "true"}}) {
        ParseResult result = parse_command_line(argv);
        ASSERT_TRUE(result.error.has_value());
        EXPECT_EQ(*result.error,
                  "--json is an option of explain: jvminit [OPTIONS] explain --json [-- PROGRAM [ARGS...]]");
    }
    ParseResult explain = parse_command_line({"jvminit", "explain", "--json", "--", "true"});
    EXPECT_FALSE(explain.error.has_value()) << *explain.error;
    EXPECT_TRUE(explain.command_line.json);
}

TEST(CommandLine, EmptyArgvIsAnErrorNotACrash) {
    ParseResult result = parse_command_line({});
    ASSERT_TRUE(result.error.has_value());
    EXPECT_NE(result.error->find("no PROGRAM given"), std::string::npos) << *result.error;
}

TEST(CommandLine, HelpListsEverySettingFlagWithItsVariable) {
    std::string help = help_text();
    for (const auto& spec : config::setting_specs()) {
        SCOPED_TRACE(spec.name());
        EXPECT_NE(help.find(std::string(spec.flag)), std::string::npos);
        EXPECT_NE(help.find(std::string(spec.env)), std::string::npos);
    }
    EXPECT_NE(help.find("explain"), std::string::npos);
    EXPECT_NE(help.find("--config"), std::string::npos);
    EXPECT_NE(help.find("--version"), std::string::npos);
    EXPECT_NE(help.find("127"), std::string::npos) << "exit codes are listed";
}

// own_options_in: what the report of bad input reads when parse_command_line refused the command line (found
// by a fresh user: `--config bad.toml --bogus` reported --bogus and nothing of the file, nor of --debug-port=99999).
struct OwnOptionsCase {
    std::vector<std::string> argv;
    std::optional<std::string> path;
    std::vector<std::pair<std::string, std::string>> flags;
};

TEST(CommandLine, TheSettingsOfARefusedCommandLineAreStillFound) {
    const std::vector<OwnOptionsCase> cases = {
        {{"jvminit", "--config", "a.toml", "--bogus", "--", "java"}, "a.toml", {}},
        {{"jvminit", "--bogus", "--config=b.toml", "java"}, "b.toml", {}},
        {{"jvminit", "--config", "a.toml", "--config", "c.toml", "--bogus"}, "c.toml", {}},  // the last one
        {{"jvminit", "--debug-port=99999", "--bogus"}, std::nullopt, Flags{{"--debug-port", "99999"}}},
        {{"jvminit", "--debug-port", "--config", "--bogus"}, std::nullopt, Flags{{"--debug-port", "--config"}}},
        // Found by a fresh user: `--signal-rewrite -- true` also reported '--' as a bad rule, and `--config -- x`
        // tried to read a file named --.
        {{"jvminit", "--signal-rewrite", "--", "true"}, std::nullopt, {}},
        {{"jvminit", "--config", "--", "true"}, std::nullopt, {}},
        {{"jvminit", "--debug", "--debug-port", "7", "--debug-port", "8", "--bogus"},
         std::nullopt,
         Flags{{"--debug", "true"}, {"--debug-port", "7"}, {"--debug-port", "8"}}},
        {{"jvminit", "--debug=", "--debug-port=", "--bogus"}, std::nullopt, {}},  // parse_command_line's errors
        {{"jvminit", "explain", "--config", "e.toml", "--bogus"}, "e.toml", {}},
        {{"jvminit", "--bogus", "--", "app", "--config", "app.toml"}, std::nullopt, {}},  // PROGRAM's own
        {{"jvminit", "--bogus", "app", "--debug-port=1"}, std::nullopt, {}},
        {{"jvminit", "--config"}, std::nullopt, {}},
        {{"jvminit"}, std::nullopt, {}},
    };
    for (const auto& c : cases) {
        std::string shown;
        for (const auto& arg : c.argv) shown += arg + " ";
        SCOPED_TRACE(shown);
        const CommandLine own = own_options_in(c.argv);
        EXPECT_EQ(own.config_path, c.path);
        EXPECT_EQ(own.flags, c.flags);
    }
}

// own_options_in's PROGRAM: only what follows a `--` that ends jvminit's own arguments (a review: the first
// `--` anywhere was taken, so `--debug={} sh -c x -- y` reported a PROGRAM 'y' not found).
TEST(CommandLine, TheProgramOfARefusedCommandLineIsWhatFollowsItsSeparator) {
    const std::vector<std::pair<Args, Args>> cases = {
        {{"jvminit", "--bogus", "--", "app", "x"}, {"app", "x"}},
        {{"jvminit", "--debug={}", "--", "java", "--", "y"}, {"java", "--", "y"}},
        {{"jvminit", "--debug={}", "sh", "-c", "echo hi", "--", "y"}, {}},  // PROGRAM sh, after no `--`
        {{"jvminit", "--bogus", "app", "--", "y"}, {}},
        {{"jvminit", "--config", "--", "app"}, {"app"}},  // a value never takes the `--`
        {{"jvminit", "--debug-port", "1", "--", "app"}, {"app"}},
        {{"jvminit", "explain", "--bogus", "--", "app"}, {"app"}},
        {{"jvminit", "--bogus", "--"}, {}},
        {{"jvminit", "--bogus"}, {}},
    };
    for (const auto& [argv, program] : cases) EXPECT_EQ(own_options_in(argv).program, program) << argv.back();
}

}  // namespace
}  // namespace jvminit::cli
