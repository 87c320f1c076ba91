// The child's JAVA_TOOL_OPTIONS (jvm/java_tool_options.hpp): the user's value first and unchanged, then what
// jvminit adds, never an option the user already decided (issue 2 point 8, issue 3 point 2), in the form
// the JDK in the image reads (../shared/docs/jvm-facts.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/settings.hpp"
#include "jvm/java_options_tokenizer.hpp"
#include "jvm/java_tool_options.hpp"

namespace jvminit::jvm {
namespace {

using Options = std::vector<std::string>;
using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kExit = "-XX:+ExitOnOutOfMemoryError";
constexpr const char* kCrash = "-XX:+CrashOnOutOfMemoryError";
constexpr const char* kMaxRam75 = "-XX:MaxRAMPercentage=75";
constexpr const char* kJdwp9 = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005";
constexpr const char* kJdwp8 = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5005";
constexpr const char* kHeapDumpOn = "-XX:+HeapDumpOnOutOfMemoryError";
constexpr const char* kAllInterfacesWarning =
    "the JDWP agent listens on all interfaces at port 5005: anyone who can reach that port can run code in the JVM";
constexpr const char* kSuspendWarning = "JDWP suspend=y: the JVM waits before main until a debugger attaches";

// Settings as jvminit resolves them, so that every source is filled in.
config::ResolvedSettings settings_from(const Pairs& environment, const Pairs& flags = {},
                                       std::optional<std::string> toml = std::nullopt) {
    config::SettingsInput input;
    if (toml) input.file = config::ConfigFile{"jvminit.toml", *toml};
    config::Environment variables;  // views of `environment`, which outlives the call below
    for (const auto& [name, value] : environment) variables.push_back({name, value});
    input.environment = variables;
    input.flags = flags;
    config::SettingsResult result = config::resolve_settings(input);
    EXPECT_TRUE(result.errors.empty()) << (result.errors.empty() ? "" : result.errors.front());
    return result.settings;
}

JavaToolOptionsInput input_for(const Pairs& environment = {}, int jdk_major = 17, int jdk_update = 0) {
    JavaToolOptionsInput input;
    input.settings = settings_from(environment);
    input.jdk_major = jdk_major;
    input.jdk_update = jdk_update;
    return input;
}

Options added_options(const JavaToolOptionsPlan& plan) {
    Options options;
    for (const auto& added : plan.added) options.push_back(added.option);
    return options;
}

Options suppressed_options(const JavaToolOptionsPlan& plan) {
    Options options;
    for (const auto& suppressed : plan.suppressed) options.push_back(suppressed.option);
    return options;
}

std::string text_of(const Options& options) {
    std::string text;
    for (const auto& option : options) text += (text.empty() ? "" : " ") + option;
    return text;
}

// The value the child gets must read back, with the JVM's own rules, as the user's options then the added ones.
void expect_reads_back(const JavaToolOptionsPlan& plan, const std::optional<std::string>& user, int jdk_major) {
    ASSERT_TRUE(plan.value.has_value());
    Options expected;
    if (user) expected = tokenize_java_options(*user, jdk_major).options;
    for (const auto& added : plan.added) expected.push_back(added.option);
    TokenizeResult read = tokenize_java_options(*plan.value, jdk_major);
    ASSERT_FALSE(read.error.has_value()) << *read.error << " in " << *plan.value;
    EXPECT_EQ(read.options, expected) << "value: " << *plan.value;
}

// ---------------------------------------------------------------------------------------------------------
// Merge rules: which options are added and which suppressed, one row per situation.

struct MergeCase {
    const char* scenario;
    std::optional<std::string> java_tool_options;
    Pairs environment;
    int jdk_major;
    int jdk_update;
    Options added;
    Options suppressed;
};

TEST(JavaToolOptions, UserOptionsSuppressOnlyWhatTheyDecide) {
    const std::vector<MergeCase> cases = {
        {"defaults on JDK 17", std::nullopt, {}, 17, 0, {kExit, kMaxRam75}, {}},
        {"defaults on JDK 25", std::nullopt, {}, 25, 0, {kExit, kMaxRam75}, {}},
        {"defaults on JDK 11", std::nullopt, {}, 11, 0, {kExit, kMaxRam75}, {}},
        {"defaults on JDK 10", std::nullopt, {}, 10, 0, {kExit, kMaxRam75}, {}},
        {"user -XX:-ExitOnOutOfMemoryError", "-XX:-ExitOnOutOfMemoryError", {}, 17, 0, {kMaxRam75}, {kExit}},
        {"user -XX:+ExitOnOutOfMemoryError is not repeated",
         "-XX:+ExitOnOutOfMemoryError",
         {},
         17,
         0,
         {kMaxRam75},
         {kExit}},
        {"user -XX:+CrashOnOutOfMemoryError", "-XX:+CrashOnOutOfMemoryError", {}, 17, 0, {kMaxRam75}, {kExit}},
        {"user -XX:-CrashOnOutOfMemoryError", "-XX:-CrashOnOutOfMemoryError", {}, 17, 0, {kMaxRam75}, {kExit}},
        {"user -XX:-ExitOnOutOfMemoryError with on_oom crash",
         "-XX:-ExitOnOutOfMemoryError",
         {{"JVMINIT_ON_OOM", "crash"}},
         17,
         0,
         {kMaxRam75},
         {kCrash}},
        {"user -Xmx", "-Xmx512m", {}, 17, 0, {kExit}, {kMaxRam75}},
        {"user -XX:MaxRAM", "-XX:MaxRAM=2g", {}, 17, 0, {kExit}, {kMaxRam75}},
        {"user -XX:MaxRAMPercentage", "-XX:MaxRAMPercentage=50", {}, 17, 0, {kExit}, {kMaxRam75}},
        {"user -XX:MaxHeapSize", "-XX:MaxHeapSize=536870912", {}, 17, 0, {kExit}, {kMaxRam75}},
        {"user -XX:MaxRAMFraction", "-XX:MaxRAMFraction=2", {}, 17, 0, {kExit}, {kMaxRam75}},
        {"user -Xmx among other options", "-Dapp.mode=prod -Xmx1g -XX:+UseG1GC", {}, 17, 0, {kExit}, {kMaxRam75}},
        {"unrelated -XX:+UseG1GC suppresses nothing", "-XX:+UseG1GC", {}, 17, 0, {kExit, kMaxRam75}, {}},
        {"-Xms suppresses nothing", "-Xms512m", {}, 17, 0, {kExit, kMaxRam75}, {}},
        {"-Xss suppresses nothing", "-Xss1m", {}, 17, 0, {kExit, kMaxRam75}, {}},
        {"-XX:InitialRAMPercentage suppresses nothing",
         "-XX:InitialRAMPercentage=10",
         {},
         17,
         0,
         {kExit, kMaxRam75},
         {}},
        {"-XX:MinRAMPercentage suppresses nothing", "-XX:MinRAMPercentage=50", {}, 17, 0, {kExit, kMaxRam75}, {}},
        {"-XX:MaxMetaspaceSize suppresses nothing", "-XX:MaxMetaspaceSize=256m", {}, 17, 0, {kExit, kMaxRam75}, {}},
        {"-XX:MaxDirectMemorySize suppresses nothing", "-XX:MaxDirectMemorySize=1g", {}, 17, 0, {kExit, kMaxRam75}, {}},
        {"-XX:+HeapDumpOnOutOfMemoryError suppresses neither OOM flag nor sizing",
         "-XX:+HeapDumpOnOutOfMemoryError",
         {},
         17,
         0,
         {kExit, kMaxRam75},
         {}},
        {"-XX:OnOutOfMemoryError suppresses nothing",
         "-XX:OnOutOfMemoryError=\"kill -9 %p\"",
         {},
         17,
         0,
         {kExit, kMaxRam75},
         {}},
        {"a property whose value looks like a flag suppresses nothing",
         "-Dx=-Xmx1g -Dy=-XX:-ExitOnOutOfMemoryError",
         {},
         17,
         0,
         {kExit, kMaxRam75},
         {}},
        {"on_oom crash", std::nullopt, {{"JVMINIT_ON_OOM", "crash"}}, 17, 0, {kCrash, kMaxRam75}, {}},
        {"on_oom none", std::nullopt, {{"JVMINIT_ON_OOM", "none"}}, 17, 0, {kMaxRam75}, {}},
        {"max RAM percentage from the environment",
         std::nullopt,
         {{"JVMINIT_MAX_RAM_PERCENTAGE", "50"}},
         17,
         0,
         {kExit, "-XX:MaxRAMPercentage=50"},
         {}},
        {"JDK 8u191 has MaxRAMPercentage", std::nullopt, {}, 8, 191, {kExit, kMaxRam75}, {}},
        {"JDK 8u392 has MaxRAMPercentage", std::nullopt, {}, 8, 392, {kExit, kMaxRam75}, {}},
        {"JDK 8u181 lacks MaxRAMPercentage", std::nullopt, {}, 8, 181, {kExit}, {kMaxRam75}},
        {"JDK 9 lacks MaxRAMPercentage", std::nullopt, {}, 9, 0, {kExit}, {kMaxRam75}},
        {"debug on JDK 17 listens on all interfaces",
         std::nullopt,
         {{"JVMINIT_DEBUG", "true"}},
         17,
         0,
         {kExit, kMaxRam75, kJdwp9},
         {}},
        {"debug on JDK 9 uses the *:PORT form",
         std::nullopt,
         {{"JVMINIT_DEBUG", "true"}},
         9,
         0,
         {kExit, kJdwp9},
         {kMaxRam75}},
        {"debug on JDK 8 uses address=PORT",
         std::nullopt,
         {{"JVMINIT_DEBUG", "true"}},
         8,
         392,
         {kExit, kMaxRam75, kJdwp8},
         {}},
        {"debug port, bind and suspend on JDK 17",
         std::nullopt,
         {{"JVMINIT_DEBUG", "true"},
          {"JVMINIT_DEBUG_PORT", "6000"},
          {"JVMINIT_DEBUG_BIND", "127.0.0.1"},
          {"JVMINIT_DEBUG_SUSPEND", "true"}},
         17,
         0,
         {kExit, kMaxRam75, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:6000"},
         {}},
        {"debug bind on JDK 8 keeps the host",
         std::nullopt,
         {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_PORT", "6000"}, {"JVMINIT_DEBUG_BIND", "localhost"}},
         8,
         392,
         {kExit, kMaxRam75, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=localhost:6000"},
         {}},
        {"user -agentlib:jdwp suppresses the JDWP agent",
         "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:8000",
         {{"JVMINIT_DEBUG", "true"}},
         17,
         0,
         {kExit, kMaxRam75},
         {kJdwp9}},
        {"user -Xrunjdwp suppresses the JDWP agent",
         "-Xdebug -Xrunjdwp:transport=dt_socket,server=y,address=8000",
         {{"JVMINIT_DEBUG", "true"}},
         8,
         392,
         {kExit, kMaxRam75},
         {kJdwp8}},
        {"user -agentpath to libjdwp suppresses the JDWP agent",
         "-agentpath:/usr/lib/jvm/java-17/lib/libjdwp.so=transport=dt_socket,server=y",
         {{"JVMINIT_DEBUG", "true"}},
         17,
         0,
         {kExit, kMaxRam75},
         {kJdwp9}},
        {"-Xdebug alone does not suppress the JDWP agent",
         "-Xdebug",
         {{"JVMINIT_DEBUG", "true"}},
         17,
         0,
         {kExit, kMaxRam75, kJdwp9},
         {}},
        {"an agent whose name starts with jdwp is not the JDWP agent",
         "-agentlib:jdwpx",
         {{"JVMINIT_DEBUG", "true"}},
         17,
         0,
         {kExit, kMaxRam75, kJdwp9},
         {}},
        {"-agentlib:jdwp without options is the JDWP agent",
         "-agentlib:jdwp",
         {{"JVMINIT_DEBUG", "true"}},
         17,
         0,
         {kExit, kMaxRam75},
         {kJdwp9}},
        {"another agent does not suppress the JDWP agent",
         "-agentlib:hprof=cpu=samples",
         {{"JVMINIT_DEBUG", "true"}},
         17,
         0,
         {kExit, kMaxRam75, kJdwp9},
         {}},
        {"user -agentlib:jdwp without JVMINIT_DEBUG: nothing to suppress",
         "-agentlib:jdwp=transport=dt_socket,server=y,address=8000",
         {},
         17,
         0,
         {kExit, kMaxRam75},
         {}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + " (JAVA_TOOL_OPTIONS=" + c.java_tool_options.value_or("<unset>") +
                     ", JDK " + std::to_string(c.jdk_major) + "u" + std::to_string(c.jdk_update) + ")");
        JavaToolOptionsInput input = input_for(c.environment, c.jdk_major, c.jdk_update);
        input.user.java_tool_options = c.java_tool_options;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        EXPECT_EQ(added_options(plan), c.added);
        EXPECT_EQ(suppressed_options(plan), c.suppressed);
        std::string expected_value = c.java_tool_options.value_or("");
        if (!c.added.empty()) expected_value += (expected_value.empty() ? "" : " ") + text_of(c.added);
        EXPECT_EQ(plan.value, expected_value) << "the user's value first, unchanged, then the added options";
    }
}

TEST(JavaToolOptions, DefaultsAddExitOnOomAndMaxRamPercentageWithTheirReasons) {
    JavaToolOptionsPlan plan = plan_java_tool_options(input_for());
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    EXPECT_EQ(plan.value, "-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75");
    ASSERT_EQ(plan.added.size(), 2u);
    EXPECT_EQ(plan.added[0].reason, "JVMINIT_ON_OOM=exit (default)");
    EXPECT_EQ(plan.added[1].reason, "JVMINIT_MAX_RAM_PERCENTAGE=75 (default)");
    EXPECT_TRUE(plan.suppressed.empty());
    EXPECT_TRUE(plan.warnings.empty());
}

struct ReasonCase {
    const char* scenario;
    Pairs environment;
    Pairs flags;
    std::optional<std::string> toml;
    std::string option;
    std::string reason;
};

TEST(JavaToolOptions, ReasonsNameTheVariableValueAndSource) {
    const std::vector<ReasonCase> cases = {
        {"environment",
         {{"JVMINIT_MAX_RAM_PERCENTAGE", "50"}},
         {},
         std::nullopt,
         "-XX:MaxRAMPercentage=50",
         "JVMINIT_MAX_RAM_PERCENTAGE=50 (environment JVMINIT_MAX_RAM_PERCENTAGE)"},
        {"flag", {}, {{"--on-oom", "crash"}}, std::nullopt, kCrash, "JVMINIT_ON_OOM=crash (flag --on-oom)"},
        {"file",
         {},
         {},
         "[memory]\nmax_ram_percentage = 60\n",
         "-XX:MaxRAMPercentage=60",
         "JVMINIT_MAX_RAM_PERCENTAGE=60 (file jvminit.toml:2:1)"},
        {"alias", {{"JAVA_DEBUG", "true"}}, {}, std::nullopt, kJdwp9, "JVMINIT_DEBUG=true (environment JAVA_DEBUG)"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        JavaToolOptionsInput input;
        input.settings = settings_from(c.environment, c.flags, c.toml);
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        bool found = false;
        for (const auto& added : plan.added) {
            if (added.option != c.option) continue;
            found = true;
            EXPECT_EQ(added.reason, c.reason);
        }
        EXPECT_TRUE(found) << c.option << " not added: " << plan.value.value_or("<unset>");
    }
}

TEST(JavaToolOptions, SuppressedOptionSaysWhichUserOptionAndWhere) {
    JavaToolOptionsInput input = input_for();
    input.user.java_tool_options = "-Xmx512m";
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    ASSERT_EQ(plan.suppressed.size(), 1u);
    EXPECT_EQ(plan.suppressed[0].option, kMaxRam75);
    EXPECT_EQ(plan.suppressed[0].why, "the user set -Xmx512m in JAVA_TOOL_OPTIONS");
}

TEST(JavaToolOptions, UserValueComesFirstExactlyAsWritten) {
    const std::string user = "  -Dgreeting=\"hello world\"\n-Xss1m\t-Dx='a b'  ";
    JavaToolOptionsInput input = input_for();
    input.user.java_tool_options = user;
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    EXPECT_EQ(plan.value, user + " -XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75");
    expect_reads_back(plan, user, 17);
}

// ---------------------------------------------------------------------------------------------------------
// Where the user's options come from

struct SourceCase {
    const char* scenario;
    UserOptions user;
    int jdk_major;
    int jdk_update;
    Options suppressed;
    std::string why;  // of the first suppressed option
};

TEST(JavaToolOptions, EveryPlaceTheJvmReadsOptionsFromCounts) {
    auto user = [](std::optional<std::string> tool, std::optional<std::string> jdk, std::optional<std::string> under,
                   std::vector<std::string> command_line) {
        return UserOptions{std::move(tool), std::move(jdk), std::move(under), std::move(command_line), {}};
    };
    const std::vector<SourceCase> cases = {
        {"java command line before -jar",
         user(std::nullopt, std::nullopt, std::nullopt, {"-Xmx1g", "-jar", "app.jar"}),
         17,
         0,
         {kMaxRam75},
         "the user set -Xmx1g in the java command line"},
        {"java command line before the main class",
         user(std::nullopt, std::nullopt, std::nullopt, {"-cp", "/app", "-XX:+CrashOnOutOfMemoryError", "Main"}),
         17,
         0,
         {kExit},
         "the user set -XX:+CrashOnOutOfMemoryError in the java command line"},
        {"java command line before -m",
         user(std::nullopt, std::nullopt, std::nullopt, {"-XX:MaxRAM=1g", "-m", "app/com.example.Main"}),
         17,
         0,
         {kMaxRam75},
         "the user set -XX:MaxRAM=1g in the java command line"},
        {"after -jar it is the application's argument",
         user(std::nullopt, std::nullopt, std::nullopt, {"-jar", "app.jar", "-Xmx1g"}),
         17,
         0,
         {},
         ""},
        {"after the main class it is the application's argument",
         user(std::nullopt, std::nullopt, std::nullopt, {"-cp", "/app", "Main", "-XX:-ExitOnOutOfMemoryError"}),
         17,
         0,
         {},
         ""},
        {"the value of -cp is not an option",
         user(std::nullopt, std::nullopt, std::nullopt, {"-cp", "-Xmx1g", "Main"}),
         17,
         0,
         {},
         ""},
        {"JDK_JAVA_OPTIONS on JDK 17",
         user(std::nullopt, "-Xmx1g", std::nullopt, {}),
         17,
         0,
         {kMaxRam75},
         "the user set -Xmx1g in JDK_JAVA_OPTIONS"},
        {"JDK_JAVA_OPTIONS is not read by JDK 8", user(std::nullopt, "-Xmx1g", std::nullopt, {}), 8, 392, {}, ""},
        {"_JAVA_OPTIONS",
         user(std::nullopt, std::nullopt, "-Xmx1g", {}),
         17,
         0,
         {kMaxRam75},
         "the user set -Xmx1g in _JAVA_OPTIONS"},
        {"_JAVA_OPTIONS on JDK 8",
         user(std::nullopt, std::nullopt, "-XX:-ExitOnOutOfMemoryError", {}),
         8,
         392,
         {kExit},
         "the user set -XX:-ExitOnOutOfMemoryError in _JAVA_OPTIONS"},
        {"the last setting is the one the JVM obeys",
         user("-XX:+ExitOnOutOfMemoryError", std::nullopt, "-XX:-ExitOnOutOfMemoryError", {}),
         17,
         0,
         {kExit},
         "the user set -XX:-ExitOnOutOfMemoryError in _JAVA_OPTIONS"},
        {"command line comes after JAVA_TOOL_OPTIONS",
         user("-Xmx1g", std::nullopt, std::nullopt, {"-Xmx2g", "Main"}),
         17,
         0,
         {kMaxRam75},
         "the user set -Xmx2g in the java command line"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        JavaToolOptionsInput input = input_for({}, c.jdk_major, c.jdk_update);
        input.user = c.user;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        EXPECT_EQ(suppressed_options(plan), c.suppressed);
        if (!c.suppressed.empty() && !plan.suppressed.empty()) {
            EXPECT_EQ(plan.suppressed.front().why, c.why);
        }
        // The command line and the other variables are not copied into JAVA_TOOL_OPTIONS.
        if (!c.user.java_tool_options) {
            EXPECT_EQ(plan.value, text_of(added_options(plan)));
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// JDWP warnings

struct WarningCase {
    const char* scenario;
    Pairs environment;
    std::optional<std::string> java_tool_options;
    int jdk_major;
    Options warnings;
};

TEST(JavaToolOptions, JdwpOnAllInterfacesOrSuspendedIsWarnedAbout) {
    const std::vector<WarningCase> cases = {
        {"debug off", {}, std::nullopt, 17, {}},
        {"bind * on JDK 17", {{"JVMINIT_DEBUG", "true"}}, std::nullopt, 17, {kAllInterfacesWarning}},
        {"address=PORT on JDK 8 is all interfaces too",
         {{"JVMINIT_DEBUG", "true"}},
         std::nullopt,
         8,
         {kAllInterfacesWarning}},
        {"bind 0.0.0.0",
         {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_BIND", "0.0.0.0"}},
         std::nullopt,
         17,
         {kAllInterfacesWarning}},
        {"bind ::",
         {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_BIND", "::"}},
         std::nullopt,
         17,
         {kAllInterfacesWarning}},
        {"bind 127.0.0.1", {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_BIND", "127.0.0.1"}}, std::nullopt, 17, {}},
        {"bind localhost", {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_BIND", "localhost"}}, std::nullopt, 17, {}},
        {"suspend on loopback",
         {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_BIND", "localhost"}, {"JVMINIT_DEBUG_SUSPEND", "true"}},
         std::nullopt,
         17,
         {kSuspendWarning}},
        {"suspend on all interfaces",
         {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_SUSPEND", "true"}},
         std::nullopt,
         17,
         {kAllInterfacesWarning, kSuspendWarning}},
        {"port in the warning",
         {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_PORT", "6000"}},
         std::nullopt,
         17,
         {"the JDWP agent listens on all interfaces at port 6000: anyone who can reach that port can run code in "
          "the JVM"}},
        {"user's own agent: jvminit adds none and warns of none",
         {{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_SUSPEND", "true"}},
         "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=localhost:8000",
         17,
         {}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        JavaToolOptionsInput input = input_for(c.environment, c.jdk_major, c.jdk_major == 8 ? 392 : 0);
        input.user.java_tool_options = c.java_tool_options;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        EXPECT_EQ(plan.warnings, c.warnings);
    }
}

// ---------------------------------------------------------------------------------------------------------
// GC logs

struct GcCase {
    const char* scenario;
    std::optional<std::string> java_tool_options;
    int jdk_major;
    bool added;  // jvminit's GC log options added (true) or suppressed (false)
};

TEST(JavaToolOptions, GcLogFormFollowsTheJdkAndYieldsToTheUsersGcLogging) {
    const std::string path = "/logs/gc-20261129T114355.123Z-1-pid%p.log";
    const Options jdk9 = {"-Xlog:gc*:file=" + path + ":time,uptime,level,tags:filecount=5,filesize=10m"};
    const Options jdk8 = {"-Xloggc:" + path,           "-XX:+PrintGCDetails",      "-XX:+PrintGCDateStamps",
                          "-XX:+UseGCLogFileRotation", "-XX:NumberOfGCLogFiles=5", "-XX:GCLogFileSize=10M"};
    const std::vector<GcCase> cases = {
        {"JDK 17 unified logging", std::nullopt, 17, true},
        {"JDK 9 unified logging", std::nullopt, 9, true},
        {"JDK 8 -Xloggc with rotation", std::nullopt, 8, true},
        {"user -Xlog:gc", "-Xlog:gc", 17, false},
        {"user -Xlog:gc* to a file", "-Xlog:gc*:file=/tmp/gc.log", 17, false},
        {"user -Xlog:gc+heap=debug", "-Xlog:gc+heap=debug", 17, false},
        {"user -Xlog:gc:stdout", "-Xlog:gc:stdout", 17, false},
        {"user -Xlog with gc among other tags", "-Xlog:safepoint,gc=info", 17, false},
        {"user -Xlog alone (all tags)", "-Xlog", 17, false},
        {"user -Xlog:all", "-Xlog:all", 17, false},
        {"user -Xlog:disable", "-Xlog:disable", 17, false},
        // all at a level that includes GC's info lines: the user's GC logging.
        {"user -Xlog:all=info to a file", "-Xlog:all=info:file=/tmp/jvm.log", 17, false},
        {"user -Xlog:all=debug", "-Xlog:all=debug", 17, false},
        {"user -Xlog:all=trace", "-Xlog:all=trace", 17, false},
        // A selector at off quiets its own output only (stdout here): jvminit's GC log file is still written.
        {"user -Xlog:all=off is not GC logging", "-Xlog:all=off", 17, true},
        {"user -Xlog:gc=off is not GC logging", "-Xlog:gc=off", 17, true},
        {"user -Xlog:gc*=off to a file is not GC logging", "-Xlog:gc*=off:file=/tmp/gc.log", 17, true},
        {"user -Xlog:ALL=Info (case-insensitive)", "-Xlog:ALL=Info", 17, false},
        {"user -Xlog with no selection (all=info) to a file", "-Xlog::file=/tmp/jvm.log", 17, false},
        {"user -Xlog with all=info after another selector", "-Xlog:safepoint,all=info", 17, false},
        // The gc tag anywhere in the tag set, in any case.
        {"user -Xlog:heap+gc (tags in any order)", "-Xlog:heap+gc=debug", 17, false},
        {"user -Xlog:safepoint+gc*", "-Xlog:safepoint+gc*", 17, false},
        {"user -Xlog:GC=INFO (case-insensitive)", "-Xlog:GC=INFO", 17, false},
        // all at warning or error (the JVM's default is all=warning) holds no GC line: jvminit's log is added.
        {"user -Xlog:all=warning is not GC logging", "-Xlog:all=warning:file=/tmp/jvm.log", 17, true},
        {"user -Xlog:all=error is not GC logging", "-Xlog:all=error", 17, true},
        {"user -Xlog:heap* is not GC logging", "-Xlog:heap*", 17, true},
        {"user -Xlog:gcx is not the gc tag", "-Xlog:gcx+heap", 17, true},
        {"user -Xlog:help is not GC logging", "-Xlog:help", 17, true},
        {"user -verbose:gc", "-verbose:gc", 17, false},
        {"user -Xloggc on JDK 8", "-Xloggc:/tmp/gc.log", 8, false},
        {"user -XX:+PrintGCDetails on JDK 8", "-XX:+PrintGCDetails", 8, false},
        {"user -XX:+PrintGC on JDK 8", "-XX:+PrintGC", 8, false},
        {"user -XX:+UseGCLogFileRotation on JDK 8", "-XX:+UseGCLogFileRotation", 8, false},
        // Every -XX:+/-PrintGC... flag and JDK 8's rotation settings are the user's GC logging: jvminit's
        // -Xloggc with its own -XX:+PrintGCDateStamps would override or repeat them.
        {"user -XX:+PrintGCDateStamps on JDK 8", "-XX:+PrintGCDateStamps", 8, false},
        {"user -XX:-PrintGCDateStamps on JDK 8", "-XX:-PrintGCDateStamps", 8, false},
        {"user -XX:+PrintGCTimeStamps on JDK 8", "-XX:+PrintGCTimeStamps", 8, false},
        {"user -XX:+PrintGCApplicationStoppedTime on JDK 8", "-XX:+PrintGCApplicationStoppedTime", 8, false},
        {"user -XX:-PrintGCDetails on JDK 8", "-XX:-PrintGCDetails", 8, false},
        {"user -XX:GCLogFileSize on JDK 8", "-XX:GCLogFileSize=20M", 8, false},
        {"user -XX:NumberOfGCLogFiles on JDK 8", "-XX:NumberOfGCLogFiles=10", 8, false},
        {"user -XX:+PrintGCDateStamps in JAVA_TOOL_OPTIONS on JDK 17", "-XX:+PrintGCDateStamps", 17, false},
        {"user -XX:+PrintFlagsFinal is not GC logging", "-XX:+PrintFlagsFinal", 8, true},
        {"user -XX:+UseG1GC is not GC logging on JDK 8", "-XX:+UseG1GC", 8, true},
        {"user -Xlog:safepoint is not GC logging", "-Xlog:safepoint", 17, true},
        {"user -Xlog:safepoint to a file is not GC logging", "-Xlog:safepoint:file=/tmp/safepoint.log", 17, true},
        {"user -Xlog:jit+compilation is not GC logging", "-Xlog:jit+compilation=debug", 17, true},
        {"user -XX:+UseG1GC is not GC logging", "-XX:+UseG1GC", 17, true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + " (JDK " + std::to_string(c.jdk_major) + ")");
        JavaToolOptionsInput input = input_for({{"JVMINIT_GC_LOG", "true"}}, c.jdk_major, c.jdk_major == 8 ? 392 : 0);
        input.user.java_tool_options = c.java_tool_options;
        input.files.gc_log_path = path;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        const Options& gc = c.jdk_major >= 9 ? jdk9 : jdk8;
        Options added = added_options(plan);
        Options suppressed = suppressed_options(plan);
        for (const auto& option : gc) {
            SCOPED_TRACE(option);
            bool in_added = std::find(added.begin(), added.end(), option) != added.end();
            bool in_suppressed = std::find(suppressed.begin(), suppressed.end(), option) != suppressed.end();
            EXPECT_EQ(in_added, c.added);
            EXPECT_EQ(in_suppressed, !c.added);
        }
        // Nothing else changes because of GC logging.
        EXPECT_NE(std::find(added.begin(), added.end(), kExit), added.end());
        if (c.added) {
            for (const auto& a : plan.added) {
                if (a.option.starts_with("-Xlog") || a.option.starts_with("-Xloggc")) {
                    EXPECT_EQ(a.reason, "JVMINIT_GC_LOG=true (environment JVMINIT_GC_LOG)");
                }
            }
            expect_reads_back(plan, c.java_tool_options, c.jdk_major);
        }
    }
}

TEST(JavaToolOptions, NoGcLogWithoutTheSettingOrWithoutAPath) {
    for (bool setting : {false, true}) {
        for (const std::string path : {"", "/logs/gc-S.log"}) {
            if (setting && !path.empty()) continue;
            SCOPED_TRACE("gc_log=" + std::string(setting ? "true" : "false") + " path='" + path + "'");
            JavaToolOptionsInput input = input_for({{"JVMINIT_GC_LOG", setting ? "true" : "false"}});
            input.files.gc_log_path = path;
            JavaToolOptionsPlan plan = plan_java_tool_options(input);
            EXPECT_EQ(added_options(plan), (Options{kExit, kMaxRam75}));
            EXPECT_TRUE(plan.suppressed.empty());
        }
    }
}

TEST(JavaToolOptions, GcLogPathWithASpaceReadsBackExactly) {
    for (int jdk : {8, 17}) {
        SCOPED_TRACE("JDK " + std::to_string(jdk));
        JavaToolOptionsInput input = input_for({{"JVMINIT_GC_LOG", "true"}}, jdk, jdk == 8 ? 392 : 0);
        input.files.gc_log_path = "/my logs/gc-S-pid%p.log";
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        expect_reads_back(plan, std::nullopt, jdk);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Heap dumps and hs_err files

// The start's files in the new layout: HeapDumpPath names the start's run directory (the JVM writes
// java_pid<pid>.hprof in it) and the hs_err file goes beside the dump.
OutputFiles dump_files(const std::string& dir) {
    OutputFiles files;
    files.heap_dump_path = dir + "/run-20261129T114355.123Z-1";
    files.error_file = dir + "/run-20261129T114355.123Z-1/hs_err_pid%p.log";
    return files;
}

TEST(JavaToolOptions, HeapDumpDirectoryAddsDumpPathAndErrorFile) {
    JavaToolOptionsInput input = input_for({{"JVMINIT_HEAP_DUMP_DIR", "/dumps"}});
    input.files = dump_files("/dumps");
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    EXPECT_EQ(added_options(plan),
              (Options{kExit, kHeapDumpOn, "-XX:HeapDumpPath=/dumps/run-20261129T114355.123Z-1",
                       "-XX:ErrorFile=/dumps/run-20261129T114355.123Z-1/hs_err_pid%p.log", kMaxRam75}));
    for (const auto& added : plan.added) {
        if (added.option == kExit || added.option == kMaxRam75) continue;
        SCOPED_TRACE(added.option);
        EXPECT_EQ(added.reason, "JVMINIT_HEAP_DUMP_DIR=/dumps (environment JVMINIT_HEAP_DUMP_DIR)");
    }
}

struct DumpCase {
    const char* scenario;
    std::string java_tool_options;
    Options suppressed;
    std::string why;  // of every suppressed option
};

TEST(JavaToolOptions, UsersHeapDumpAndErrorFileOptionsWin) {
    // Each heap dump flag is decided on its own: a user's path alone still gets dumps switched on, a user's
    // +HeapDumpOnOutOfMemoryError alone still gets jvminit's unique path; the user turning dumps off wins.
    const std::string path = "-XX:HeapDumpPath=/dumps/run-20261129T114355.123Z-1";
    const std::string error_file = "-XX:ErrorFile=/dumps/run-20261129T114355.123Z-1/hs_err_pid%p.log";
    const std::vector<DumpCase> cases = {
        {"user HeapDumpPath: jvminit still switches dumps on",
         "-XX:HeapDumpPath=/var/dumps",
         {path},
         "the user set -XX:HeapDumpPath=/var/dumps in JAVA_TOOL_OPTIONS"},
        {"user +HeapDumpOnOutOfMemoryError: jvminit still gives its path",
         "-XX:+HeapDumpOnOutOfMemoryError",
         {kHeapDumpOn},
         "the user set -XX:+HeapDumpOnOutOfMemoryError in JAVA_TOOL_OPTIONS"},
        {"user -HeapDumpOnOutOfMemoryError: no dumps at all",
         "-XX:-HeapDumpOnOutOfMemoryError",
         {kHeapDumpOn, path},
         "the user set -XX:-HeapDumpOnOutOfMemoryError in JAVA_TOOL_OPTIONS"},
        {"user -HeapDumpOnOutOfMemoryError beside a path: no dumps at all",
         "-XX:HeapDumpPath=/var/dumps -XX:-HeapDumpOnOutOfMemoryError",
         {kHeapDumpOn, path},
         "the user set -XX:-HeapDumpOnOutOfMemoryError in JAVA_TOOL_OPTIONS"},
        {"user +HeapDumpOnOutOfMemoryError and a path: both theirs",
         "-XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=/var/dumps",
         {kHeapDumpOn, path},
         ""},
        {"user ErrorFile",
         "-XX:ErrorFile=/tmp/hs_err_%p.log",
         {error_file},
         "the user set -XX:ErrorFile=/tmp/hs_err_%p.log in JAVA_TOOL_OPTIONS"},
        {"user -XX:+UseG1GC", "-XX:+UseG1GC", {}, ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        JavaToolOptionsInput input = input_for({{"JVMINIT_HEAP_DUMP_DIR", "/dumps"}});
        input.files = dump_files("/dumps");
        input.user.java_tool_options = c.java_tool_options;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        EXPECT_EQ(suppressed_options(plan), c.suppressed);
        EXPECT_EQ(plan.added.size() + plan.suppressed.size(), 5u);
        if (!c.why.empty()) {
            for (const auto& suppressed : plan.suppressed) EXPECT_EQ(suppressed.why, c.why) << suppressed.option;
        }
        // What is not suppressed is added.
        Options added = added_options(plan);
        for (const auto& option : {std::string(kHeapDumpOn), path, error_file}) {
            bool is_suppressed = std::find(c.suppressed.begin(), c.suppressed.end(), option) != c.suppressed.end();
            EXPECT_NE(std::find(added.begin(), added.end(), option) != added.end(), is_suppressed) << option;
        }
        // The user's own path wins and loses every dump after the first: a warning says so, unless dumps are
        // off (found by a fresh user).
        const bool own_path_dumps = c.java_tool_options.find("HeapDumpPath") != std::string::npos &&
                                    c.java_tool_options.find("-HeapDumpOn") == std::string::npos;
        if (own_path_dumps) {
            ASSERT_EQ(plan.warnings.size(), 1u);
            EXPECT_EQ(plan.warnings[0],
                      "your -XX:HeapDumpPath=/var/dumps (JAVA_TOOL_OPTIONS) is used instead of a run directory of "
                      "JVMINIT_HEAP_DUMP_DIR: the JVM refuses to overwrite a dump and its pid repeats after a "
                      "restart, so dumps after the first are lost there; leave it out to get a directory per start");
        } else {
            EXPECT_TRUE(plan.warnings.empty()) << plan.warnings.front();
        }
    }
}

TEST(JavaToolOptions, AUsersLaterPlusHeapDumpOnOutOfMemoryErrorWinsOverAnEarlierMinus) {
    // JAVA_TOOL_OPTIONS (say from the base image) turns dumps off, the java command line (read later: the JVM
    // obeys it) turns them on. The JVM dumps, so it needs jvminit's unique path: without it the dump goes to
    // java_pid<pid>.hprof in the working directory, a name the next start (same pid) cannot reuse.
    JavaToolOptionsInput input = input_for({{"JVMINIT_HEAP_DUMP_DIR", "/dumps"}});
    input.files = dump_files("/dumps");
    input.user.java_tool_options = "-XX:-HeapDumpOnOutOfMemoryError";
    input.user.command_line = {"-XX:+HeapDumpOnOutOfMemoryError", "-jar", "app.jar"};
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    Options added = added_options(plan);
    EXPECT_NE(std::find(added.begin(), added.end(), "-XX:HeapDumpPath=/dumps/run-20261129T114355.123Z-1"), added.end())
        << plan.value.value_or("");
    EXPECT_EQ(std::find(added.begin(), added.end(), kHeapDumpOn), added.end()) << "the user's own flag is not repeated";
}

TEST(JavaToolOptions, HeapDumpFlagsOnTheJavaCommandLineAreDecidedSeparatelyToo) {
    const std::string path = "-XX:HeapDumpPath=/dumps/run-20261129T114355.123Z-1";
    JavaToolOptionsInput input = input_for({{"JVMINIT_HEAP_DUMP_DIR", "/dumps"}});
    input.files = dump_files("/dumps");
    input.user.command_line = {"-XX:HeapDumpPath=/data/oom.hprof", "-jar", "app.jar"};
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    EXPECT_EQ(suppressed_options(plan), Options{path});
    Options added = added_options(plan);
    EXPECT_NE(std::find(added.begin(), added.end(), kHeapDumpOn), added.end());
}

TEST(JavaToolOptions, HeapDumpPathWithASpaceIsQuotedAndReadsBackExactly) {
    for (int jdk : {8, 17, 25}) {
        SCOPED_TRACE("JDK " + std::to_string(jdk));
        const std::optional<std::string> user = "-Dgreeting=\"hello world\"";
        JavaToolOptionsInput input = input_for({{"JVMINIT_HEAP_DUMP_DIR", "/my dumps"}}, jdk, jdk == 8 ? 392 : 0);
        input.files = dump_files("/my dumps");
        input.user.java_tool_options = user;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        ASSERT_TRUE(plan.value.has_value());
        EXPECT_NE(plan.value->find("-XX:HeapDumpPath=\"/my dumps/run-20261129T114355.123Z-1\""), std::string::npos)
            << *plan.value;
        EXPECT_NE(plan.value->find("-XX:ErrorFile=\"/my dumps/run-20261129T114355.123Z-1/hs_err_pid%p.log\""),
                  std::string::npos)
            << *plan.value;
        expect_reads_back(plan, user, jdk);
        TokenizeResult read = tokenize_java_options(*plan.value, jdk);
        EXPECT_NE(std::find(read.options.begin(), read.options.end(),
                            "-XX:HeapDumpPath=/my dumps/run-20261129T114355.123Z-1"),
                  read.options.end());
    }
}

TEST(JavaToolOptions, NoHeapDumpOptionsWithoutADumpPath) {
    JavaToolOptionsInput input = input_for({{"JVMINIT_HEAP_DUMP_DIR", "/dumps"}});
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    EXPECT_EQ(added_options(plan), (Options{kExit, kMaxRam75}));
}

// ---------------------------------------------------------------------------------------------------------
// The value itself

TEST(JavaToolOptions, NothingToSetLeavesTheVariableUnsetNeverEmpty) {
    struct Case {
        const char* scenario;
        std::optional<std::string> java_tool_options;
    };
    for (const Case& c : {Case{"user value unset", std::nullopt}, Case{"user value empty", std::string("")}}) {
        SCOPED_TRACE(c.scenario);
        // on_oom none, and JDK 9 has no MaxRAMPercentage: nothing to add.
        JavaToolOptionsInput input = input_for({{"JVMINIT_ON_OOM", "none"}}, 9);
        input.user.java_tool_options = c.java_tool_options;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        EXPECT_TRUE(plan.added.empty());
        EXPECT_EQ(plan.value, std::nullopt);
    }
}

TEST(JavaToolOptions, EmptyUserValueIsNotFollowedByASpace) {
    JavaToolOptionsInput input = input_for();
    input.user.java_tool_options = "";
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    EXPECT_EQ(plan.value, "-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75");
}

TEST(JavaToolOptions, UserValueAloneIsKeptWhenNothingIsAdded) {
    JavaToolOptionsInput input = input_for({{"JVMINIT_ON_OOM", "none"}});
    input.user.java_tool_options = "-Xmx1g";
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    EXPECT_TRUE(plan.added.empty());
    EXPECT_EQ(plan.value, "-Xmx1g");
}

TEST(JavaToolOptions, UnmatchedQuoteInTheUsersValueIsAnErrorThatDoesNotRepeatTheValue) {
    // The value is not repeated in the message: JAVA_TOOL_OPTIONS can hold secrets.
    for (int jdk : {8, 17}) {
        for (const std::string user : {"-Dx=\"secret", "-Dx='secret b", "-Xmx1g -Dpassword=\"secret"}) {
            SCOPED_TRACE("JDK " + std::to_string(jdk) + ": " + user);
            JavaToolOptionsInput input = input_for({}, jdk, jdk == 8 ? 392 : 0);
            input.user.java_tool_options = user;
            JavaToolOptionsPlan plan = plan_java_tool_options(input);
            ASSERT_TRUE(plan.error.has_value());
            EXPECT_TRUE(plan.error->starts_with("JAVA_TOOL_OPTIONS: ")) << *plan.error;
            EXPECT_NE(plan.error->find("unmatched"), std::string::npos) << *plan.error;
            EXPECT_EQ(plan.error->find("secret"), std::string::npos) << *plan.error;
            EXPECT_EQ(plan.error->find('\n'), std::string::npos) << *plan.error;
            EXPECT_EQ(plan.value, std::nullopt);
            EXPECT_TRUE(plan.added.empty());
        }
    }
}

TEST(JavaToolOptions, MaxRamPercentageSuppressedOnOldJdksSaysWhy) {
    struct Case {
        int major;
        int update;
        std::string why;
    };
    for (const Case& c : {Case{8, 181, "JDK 8u181 has no MaxRAMPercentage (JDK 8u191+ and 10+ have)"},
                          Case{8, 0, "JDK 8u0 has no MaxRAMPercentage (JDK 8u191+ and 10+ have)"},
                          Case{9, 0, "JDK 9 has no MaxRAMPercentage (JDK 8u191+ and 10+ have)"}}) {
        SCOPED_TRACE(c.why);
        JavaToolOptionsPlan plan = plan_java_tool_options(input_for({}, c.major, c.update));
        // (8u0 also lacks ExitOnOutOfMemoryError, which is suppressed too: look for MaxRAMPercentage.)
        auto it = std::find_if(plan.suppressed.begin(), plan.suppressed.end(),
                               [](const SuppressedOption& o) { return o.option == kMaxRam75; });
        ASSERT_NE(it, plan.suppressed.end());
        EXPECT_EQ(it->why, c.why);
    }
}

// "1.8.0" is JDK 8 GA (update 0): ExitOnOutOfMemoryError came with 8u92, an unknown -XX flag stops the JVM.
TEST(JavaToolOptions, Jdk8GaGetsNoOomFlag) {
    JavaToolOptionsPlan plan = plan_java_tool_options(input_for({}, 8, 0));
    auto it = std::find_if(plan.suppressed.begin(), plan.suppressed.end(),
                           [](const SuppressedOption& o) { return o.option == "-XX:+ExitOnOutOfMemoryError"; });
    ASSERT_NE(it, plan.suppressed.end());
    EXPECT_EQ(it->why, "JDK 8u0 has no such flag (8u92+ has)");
    EXPECT_FALSE(plan.value.has_value()) << *plan.value;
}

// _JAVA_OPTIONS comes last, after the command line and its option files, as the JVM applies it.
TEST(UserOptionsInOrder, FollowTheJvmsOrderAndSkipCommentsAndProgramArguments) {
    UserOptions user;
    user.java_tool_options = "-Xmx1g";
    user.jdk_java_options = "-Xmx2g";
    user.java_options = "-Xmx3g";
    user.command_line = {"-Xmx4g", "@/a", "Main", "-Xmx9g"};
    user.option_files = {{"@/a", "# -Xmx64g\n-Xmx5g Other -Xmx8g\n", true}};
    std::vector<std::string> got;
    for (const auto& [option, where] : user_options_in_order(user, 17)) got.push_back(option + " @ " + where);
    EXPECT_EQ(got,
              (std::vector<std::string>{"-Xmx1g @ JAVA_TOOL_OPTIONS", "-Xmx2g @ JDK_JAVA_OPTIONS",
                                        "-Xmx4g @ the java command line", "-Xmx5g @ @/a", "-Xmx3g @ _JAVA_OPTIONS"}));
    got.clear();
    for (const auto& [option, where] : user_options_in_order(user, 8)) got.push_back(option);
    EXPECT_EQ(std::count(got.begin(), got.end(), "-Xmx2g"), 0) << "JDK 8 has no JDK_JAVA_OPTIONS";
}

// The launcher expands an @argfile where it stands, and HotSpot reads a -XX:VMOptionsFile in its place: the
// options after one on the command line come after its options (found by a review: they were read after the
// whole command line, so `java @a -XX:+HeapDumpOnOutOfMemoryError` with -XX:- in a was taken for "off").
TEST(UserOptionsInOrder, OptionFilesCountWhereTheyStand) {
    struct Case {
        const char* scenario;
        UserOptions user;
        int jdk;
        std::vector<std::string> expected;  // option @ where
    };
    const auto line = [](std::vector<std::string> args, std::vector<OptionFile> files) {
        UserOptions user;
        user.command_line = std::move(args);
        user.option_files = std::move(files);
        return user;
    };
    UserOptions jdk_options;
    jdk_options.jdk_java_options = "@/j -Xmx7g";
    jdk_options.option_files = {{"@/j in JDK_JAVA_OPTIONS", "-Xmx6g", true}};
    const std::vector<Case> cases = {
        {"an @argfile, then an option after it",
         line({"@/a", "-XX:+HeapDumpOnOutOfMemoryError", "Main"}, {{"@/a", "-XX:-HeapDumpOnOutOfMemoryError", true}}),
         17,
         {"-XX:-HeapDumpOnOutOfMemoryError @ @/a", "-XX:+HeapDumpOnOutOfMemoryError @ the java command line"}},
        {"an option, then an @argfile",
         line({"-Xmx2g", "@/a", "Main"}, {{"@/a", "-Xmx1g", true}}),
         17,
         {"-Xmx2g @ the java command line", "-Xmx1g @ @/a"}},
        {"an @argfile naming the main class: what follows it is the application's",
         line({"@/a", "-Xmx1g"}, {{"@/a", "-Xss1m\nMain\n", true}}),
         17,
         {"-Xss1m @ @/a"}},
        {"-cp's value in one @argfile, the option after it on the command line",
         line({"@/a", "-Xmx1g", "Main"}, {{"@/a", "-cp /app", true}}),
         17,
         {"-cp @ @/a", "-Xmx1g @ the java command line"}},
        {"-XX:VMOptionsFile's options in its place",
         line({"-XX:VMOptionsFile=/v", "-Xmx2g", "Main"}, {{"-XX:VMOptionsFile=/v", "-Xmx1g", false}}),
         17,
         {"-XX:VMOptionsFile=/v @ the java command line", "-Xmx1g @ -XX:VMOptionsFile=/v",
          "-Xmx2g @ the java command line"}},
        {"an @argfile not read (unreadable): no options from it, the rest still count",
         line({"@/gone", "-Xmx1g", "Main"}, {}),
         17,
         {"-Xmx1g @ the java command line"}},
        {"JDK 8: @/a is the main class", line({"@/a", "-Xmx1g"}, {{"@/a", "-Xmx2g", true}}), 8, {}},
        {"an @argfile in JDK_JAVA_OPTIONS, then an option after it",
         jdk_options,
         17,
         {"-Xmx6g @ @/j in JDK_JAVA_OPTIONS", "-Xmx7g @ JDK_JAVA_OPTIONS"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        std::vector<std::string> got;
        for (const auto& [option, where] : user_options_in_order(c.user, c.jdk)) got.push_back(option + " @ " + where);
        EXPECT_EQ(got, c.expected);
    }
}

TEST(JavaToolOptions, NoPercentageWhenTheUserTurnsContainerSupportOff) {
    // -XX:-UseContainerSupport: the JVM sizes the heap from the host's memory, and 75% of that is not what
    // the percentage is for (found by a fresh user). The last of the user's ± forms decides.
    struct Case {
        const char* scenario;
        std::string tool;
        bool added;
    };
    const std::vector<Case> cases = {
        {"container support off", "-XX:-UseContainerSupport", false},
        {"off, then on again", "-XX:-UseContainerSupport -XX:+UseContainerSupport", true},
        {"on, then off", "-XX:+UseContainerSupport -XX:-UseContainerSupport", false},
        {"an unrelated flag", "-XX:+UseContainerCpuShares", true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        JavaToolOptionsInput input = input_for();
        input.user.java_tool_options = c.tool;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        const Options added = added_options(plan);
        EXPECT_EQ(std::find(added.begin(), added.end(), kMaxRam75) != added.end(), c.added) << text_of(added);
        if (!c.added) {
            const Options suppressed = suppressed_options(plan);
            EXPECT_NE(std::find(suppressed.begin(), suppressed.end(), kMaxRam75), suppressed.end());
        }
    }
}

TEST(JavaToolOptions, TheAddedTextIsTheExportedEndOfTheValue) {
    // The start log shows `added_text`: the additions quoted as the child gets them, without the user's part.
    JavaToolOptionsInput input = input_for();
    input.files.heap_dump_path = "/dumps dir/run-1";
    input.user.java_tool_options = "-Dsecret=x";
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    ASSERT_TRUE(plan.value.has_value());
    EXPECT_EQ(*plan.value, "-Dsecret=x " + plan.added_text);
    EXPECT_NE(plan.added_text.find("-XX:HeapDumpPath=\"/dumps dir/run-1\""), std::string::npos) << plan.added_text;
    JavaToolOptionsInput none = input_for({{"JVMINIT_ON_OOM", "none"}, {"JVMINIT_MAX_RAM_PERCENTAGE", "0"}});
    EXPECT_EQ(plan_java_tool_options(none).added_text, "") << "nothing added";
}

TEST(JavaToolOptions, AnOptionAfterAnArgfileOverridesIt) {
    // `java @a -XX:+HeapDumpOnOutOfMemoryError` with -XX:-HeapDumpOnOutOfMemoryError in a: the JVM dumps, so
    // jvminit must still give it a unique HeapDumpPath (the default name repeats after a restart).
    JavaToolOptionsInput input = input_for();
    input.files.heap_dump_path = "/dumps/run-1";
    input.user.command_line = {"@/a", "-XX:+HeapDumpOnOutOfMemoryError", "Main"};
    input.user.option_files = {{"@/a", "-XX:-HeapDumpOnOutOfMemoryError", true}};
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    const Options added = added_options(plan);
    EXPECT_NE(std::find(added.begin(), added.end(), "-XX:HeapDumpPath=/dumps/run-1"), added.end()) << text_of(added);
}

TEST(JavaToolOptions, Jdk8ValueOverTheLimitGetsAWarning) {
    // Added on 8u392: "-XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75" (52 characters) after a space.
    const std::string added = " -XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75";
    struct Case {
        int jdk;
        std::size_t total;
        bool warned;
    };
    for (const Case& c : {Case{8, 1023, false}, Case{8, 1024, true}, Case{8, 3000, true}, Case{17, 3000, false}}) {
        SCOPED_TRACE("JDK " + std::to_string(c.jdk) + ", " + std::to_string(c.total) + " characters");
        std::string user = "-Dx=" + std::string(c.total - added.size() - 4, 'a');
        JavaToolOptionsInput input = input_for({}, c.jdk, c.jdk == 8 ? 392 : 0);
        input.user.java_tool_options = user;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_TRUE(plan.value.has_value());
        ASSERT_EQ(plan.value->size(), c.total);
        if (c.warned) {
            ASSERT_EQ(plan.warnings.size(), 1u);
            EXPECT_EQ(plan.warnings[0], "JAVA_TOOL_OPTIONS is " + std::to_string(c.total) +
                                            " characters; JDK 8 ignores a value over 1023 characters entirely");
        } else {
            EXPECT_TRUE(plan.warnings.empty());
        }
    }
}

// JDK 8 reads only the first 64 options of JAVA_TOOL_OPTIONS, and jvminit's come after the user's: a warning
// names those of jvminit's it drops (found by a review: only jvminit's own count was checked).
TEST(JavaToolOptions, Jdk8DropsTheOptionsBeyondTheSixtyFourth) {
    struct Case {
        int jdk;
        int user_options;
        std::string warning;  // "" for none
    };
    const std::vector<Case> cases = {
        {8, 62, ""},  // with jvminit's two: exactly 64
        {8, 63,
         "JAVA_TOOL_OPTIONS holds 65 options; JDK 8 reads only the first 64 and drops the rest, among them "
         "jvminit's -XX:MaxRAMPercentage=75"},
        {8, 70,
         "JAVA_TOOL_OPTIONS holds 72 options; JDK 8 reads only the first 64 and drops the rest, among them "
         "jvminit's -XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75"},
        {17, 70, ""},
        {8, 300, "JAVA_TOOL_OPTIONS is"},  // over 1023 characters: ignored entirely, said by that warning alone
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("JDK " + std::to_string(c.jdk) + ", " + std::to_string(c.user_options) + " options of the user's");
        std::string user;
        for (int i = 0; i < c.user_options; ++i) user += (i ? " -D" : "-D") + std::to_string(i);
        JavaToolOptionsInput input = input_for({}, c.jdk, c.jdk == 8 ? 392 : 0);
        input.user.java_tool_options = user;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_EQ(added_options(plan), (Options{kExit, kMaxRam75}));
        if (c.warning.empty()) {
            EXPECT_TRUE(plan.warnings.empty()) << plan.warnings.front();
        } else {
            ASSERT_EQ(plan.warnings.size(), 1u);
            EXPECT_TRUE(plan.warnings[0].starts_with(c.warning)) << plan.warnings[0];
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// JDK 8 before 8u92 has no ExitOnOutOfMemoryError / CrashOnOutOfMemoryError: the JVM would not start

struct OldJdkCase {
    int update;
    config::OomAction action;
    bool added;
};

TEST(JavaToolOptions, OomFlagsOnlyFromJdk8u92) {
    for (const OldJdkCase& c :
         {OldJdkCase{77, config::OomAction::Exit, false}, OldJdkCase{91, config::OomAction::Exit, false},
          OldJdkCase{91, config::OomAction::Crash, false}, OldJdkCase{92, config::OomAction::Exit, true},
          OldJdkCase{92, config::OomAction::Crash, true}, OldJdkCase{392, config::OomAction::Exit, true}}) {
        const bool crash = c.action == config::OomAction::Crash;
        const std::string flag = crash ? kCrash : kExit;
        SCOPED_TRACE("JDK 8u" + std::to_string(c.update) + ", " + flag);
        JavaToolOptionsPlan plan =
            plan_java_tool_options(input_for({{"JVMINIT_ON_OOM", crash ? "crash" : "exit"}}, 8, c.update));
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        Options added = added_options(plan);
        EXPECT_EQ(std::find(added.begin(), added.end(), flag) != added.end(), c.added) << plan.value.value_or("");
        if (!c.added) {
            // (MaxRAMPercentage is suppressed too before 8u191.)
            auto it = std::find_if(plan.suppressed.begin(), plan.suppressed.end(),
                                   [&](const SuppressedOption& s) { return s.option == flag; });
            ASSERT_NE(it, plan.suppressed.end()) << "not among the suppressed options";
            EXPECT_EQ(it->why, "JDK 8u" + std::to_string(c.update) + " has no such flag (8u92+ has)");
            EXPECT_EQ(plan.value.value_or("").find("OutOfMemoryError"), std::string::npos) << *plan.value;
        }
    }
}

// JDK 7 has neither flag either (its release file says JAVA_VERSION="1.7.0_80": major 7, update 80).
TEST(JavaToolOptions, OomFlagsNotForJdk7) {
    JavaToolOptionsPlan plan = plan_java_tool_options(input_for({}, 7, 80));
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    EXPECT_EQ(plan.value.value_or("").find("OutOfMemoryError"), std::string::npos) << *plan.value;
    auto it = std::find_if(plan.suppressed.begin(), plan.suppressed.end(),
                           [](const SuppressedOption& s) { return s.option == kExit; });
    ASSERT_NE(it, plan.suppressed.end()) << "not among the suppressed options";
    EXPECT_EQ(it->why, "JDK 7 has no such flag (8u92+ has)");
}

// ---------------------------------------------------------------------------------------------------------
// max_ram_percentage 0 (run-java.sh's JAVA_MAX_MEM_RATIO=0) leaves the heap to the JVM

TEST(JavaToolOptions, MaxRamPercentageZeroAddsNothing) {
    for (int jdk : {8, 9, 17}) {
        SCOPED_TRACE("JDK " + std::to_string(jdk));
        JavaToolOptionsPlan plan =
            plan_java_tool_options(input_for({{"JVMINIT_MAX_RAM_PERCENTAGE", "0"}}, jdk, jdk == 8 ? 392 : 0));
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        EXPECT_EQ(added_options(plan), Options{kExit});
        EXPECT_TRUE(plan.suppressed.empty()) << plan.suppressed[0].option << ": nothing to suppress";
        EXPECT_EQ(plan.value, std::string(kExit));
    }
    JavaToolOptionsPlan alias = plan_java_tool_options(input_for({{"JAVA_MAX_MEM_RATIO", "0"}}));
    EXPECT_EQ(added_options(alias), Options{kExit}) << "the run-java.sh alias";
}

// ---------------------------------------------------------------------------------------------------------
// JDWP on an IPv6 address

TEST(JavaToolOptions, Ipv6BindIsBracketedInTheJdwpAddress) {
    struct Case {
        std::string bind;
        int jdk;
        std::string address;
    };
    for (const Case& c :
         {Case{"::1", 17, "[::1]:5005"}, Case{"[::1]", 17, "[::1]:5005"}, Case{"fe80::1", 17, "[fe80::1]:5005"},
          Case{"::1", 8, "[::1]:5005"}, Case{"127.0.0.1", 17, "127.0.0.1:5005"}}) {
        SCOPED_TRACE(c.bind + " on JDK " + std::to_string(c.jdk));
        JavaToolOptionsPlan plan = plan_java_tool_options(
            input_for({{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_BIND", c.bind}}, c.jdk, c.jdk == 8 ? 392 : 0));
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        Options added = added_options(plan);
        const std::string jdwp = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=" + c.address;
        EXPECT_NE(std::find(added.begin(), added.end(), jdwp), added.end()) << plan.value.value_or("");
    }
}

// HotSpot writes the hs_err file to the working directory when the expanded -XX:ErrorFile path does not fit
// its 2000-byte buffer (checked with a real JVM: 1999 bytes fit, 2000 do not): a warning says so.
TEST(JavaToolOptions, AnHsErrPathTooLongForHotSpotIsWarnedAbout) {
    const std::string suffix = "/run-20261129T114355.123Z-1/hs_err_pid%p.log";
    for (const std::size_t dir_length : {std::size_t{100}, std::size_t{1950}, std::size_t{1951}, std::size_t{3000}}) {
        const std::string dir = "/" + std::string(dir_length - 1, 'd');
        const std::size_t expanded = dir.size() + suffix.size() - 2 + 7;  // %p: up to 7 digits; 1999 and 2000 here
        SCOPED_TRACE("an ErrorFile of up to " + std::to_string(expanded) + " bytes");
        JavaToolOptionsInput input = input_for({{"JVMINIT_HEAP_DUMP_DIR", dir}});
        input.files.heap_dump_path = dir + "/run-20261129T114355.123Z-1";
        input.files.error_file = dir + suffix;
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        const bool warned = std::any_of(plan.warnings.begin(), plan.warnings.end(), [&](const std::string& w) {
            return w.find("too long for HotSpot's 2000-byte buffer") != std::string::npos &&
                   w.find("up to " + std::to_string(expanded) + " bytes") != std::string::npos;
        });
        EXPECT_EQ(warned, expanded >= 2000);
    }
    // The user's own -XX:ErrorFile wins: no warning about jvminit's.
    JavaToolOptionsInput input = input_for({{"JVMINIT_HEAP_DUMP_DIR", "/d"}});
    input.files.error_file = "/" + std::string(2100, 'd') + suffix;
    input.user.java_tool_options = "-XX:ErrorFile=/tmp/hs_err.log";
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    EXPECT_TRUE(std::none_of(plan.warnings.begin(), plan.warnings.end(),
                             [](const std::string& w) { return w.find("hs_err file path") != std::string::npos; }));
}

// Without IPv6 sockets (a kernel booted with ipv6.disable=1), JDK 12+'s JDWP fails to start the JVM for *:PORT:
// jvminit's * becomes 0.0.0.0, with a warning naming why. A bind the user chose stays, and so do JDK 9-11's *
// and JDK 8's PORT alone (IPv4 there).
TEST(JavaToolOptions, WithoutIpv6SocketsTheJdwpAgentListensOnIpv4) {
    struct Case {
        std::string bind;
        int jdk;
        std::string address;
        bool warned;
    };
    for (const Case& c :
         {Case{"*", 17, "0.0.0.0:5005", true}, Case{"*", 12, "0.0.0.0:5005", true}, Case{"*", 11, "*:5005", false},
          Case{"*", 9, "*:5005", false}, Case{"*", 8, "5005", false}, Case{"127.0.0.1", 17, "127.0.0.1:5005", false},
          Case{"::1", 17, "[::1]:5005", false}, Case{"localhost", 17, "localhost:5005", false}}) {
        SCOPED_TRACE(c.bind + " on JDK " + std::to_string(c.jdk));
        JavaToolOptionsInput input =
            input_for({{"JVMINIT_DEBUG", "true"}, {"JVMINIT_DEBUG_BIND", c.bind}}, c.jdk, c.jdk == 8 ? 392 : 0);
        input.ipv6_socket_error = "Address family not supported by protocol";
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        Options added = added_options(plan);
        const std::string jdwp = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=" + c.address;
        EXPECT_NE(std::find(added.begin(), added.end(), jdwp), added.end()) << plan.value.value_or("");
        const bool warned = std::any_of(plan.warnings.begin(), plan.warnings.end(), [](const std::string& w) {
            return w ==
                   "no IPv6 socket here (socket: Address family not supported by protocol): the JDWP agent "
                   "listens on 0.0.0.0:5005, IPv4 only (with *, the JVM would not start)";
        });
        EXPECT_EQ(warned, c.warned);
    }
    // With IPv6 sockets, * stays.
    JavaToolOptionsPlan plan = plan_java_tool_options(input_for({{"JVMINIT_DEBUG", "true"}}, 17, 0));
    Options added = added_options(plan);
    EXPECT_NE(std::find(added.begin(), added.end(), kJdwp9), added.end());
}

// ---------------------------------------------------------------------------------------------------------
// Option files the user names: java @argfiles and -XX:VMOptionsFile

struct RefCase {
    const char* scenario;
    UserOptions user;
    int jdk_major;
    std::vector<OptionFileRef> refs;
};

std::string shown(const std::vector<OptionFileRef>& refs) {
    std::string text;
    for (const auto& ref : refs)
        text += "{" + ref.where + ", " + ref.path + ", " + (ref.is_argfile ? "argfile" : "options file") + "} ";
    return text;
}

UserOptions command_line(std::vector<std::string> arguments) {
    UserOptions user;
    user.command_line = std::move(arguments);
    return user;
}

TEST(OptionFileRefs, ArgfilesBeforeTheMainClassAndVmOptionsFilesAnywhereTheJvmReadsThem) {
    auto tool = [](std::string text) {
        UserOptions user;
        user.java_tool_options = std::move(text);
        return user;
    };
    const OptionFileRef app_args{"@/app/jvm.args", "/app/jvm.args", true};
    const std::vector<RefCase> cases = {
        {"no options", {}, 17, {}},
        {"@argfile before -jar on JDK 17", command_line({"@/app/jvm.args", "-jar", "app.jar"}), 17, {app_args}},
        {"@argfile before the main class", command_line({"-Xss1m", "@/app/jvm.args", "Main"}), 17, {app_args}},
        // The launcher expands an @argfile given as an option's value too: `java -cp @cp.args Main` (found by a
        // review: -cp @file held -Xmx3g, the JVM took it, jvminit did not read the file).
        {"@argfile as -cp's value",
         command_line({"-cp", "@/app/cp.args", "Main"}),
         17,
         {{"@/app/cp.args", "/app/cp.args", true}}},
        {"relative @argfile", command_line({"@jvm.args", "Main"}), 11, {{"@jvm.args", "jvm.args", true}}},
        {"two @argfiles", command_line({"@a", "@b", "Main"}), 17, {{"@a", "a", true}, {"@b", "b", true}}},
        {"@argfile after the main class is the application's", command_line({"Main", "@/app/jvm.args"}), 17, {}},
        {"@argfile after -jar is the application's", command_line({"-jar", "app.jar", "@/app/jvm.args"}), 17, {}},
        {"@argfile on JDK 8: no such thing", command_line({"@/app/jvm.args", "Main"}), 8, {}},
        {"@@x is the literal argument @x", command_line({"@@x", "Main"}), 17, {}},
        {"a lone @ is not an argfile", command_line({"@", "Main"}), 17, {}},
        {"-XX:VMOptionsFile in JAVA_TOOL_OPTIONS",
         tool("-Xss1m -XX:VMOptionsFile=/app/vm.options"),
         17,
         {{"-XX:VMOptionsFile=/app/vm.options", "/app/vm.options", false}}},
        {"-XX:VMOptionsFile on the command line",
         command_line({"-XX:VMOptionsFile=/app/vm.options", "-jar", "a.jar"}),
         17,
         {{"-XX:VMOptionsFile=/app/vm.options", "/app/vm.options", false}}},
        {"-XX:VMOptionsFile after the main class is the application's",
         command_line({"Main", "-XX:VMOptionsFile=/app/vm.options"}),
         17,
         {}},
        {"-XX:VMOptionsFile in _JAVA_OPTIONS",
         UserOptions{std::nullopt, std::nullopt, "-XX:VMOptionsFile=/v", {}, {}},
         17,
         {{"-XX:VMOptionsFile=/v", "/v", false}}},
        {"-XX:VMOptionsFile in JDK_JAVA_OPTIONS",
         UserOptions{std::nullopt, "-XX:VMOptionsFile=/v", std::nullopt, {}, {}},
         17,
         {{"-XX:VMOptionsFile=/v", "/v", false}}},
        {"a property naming the flag is not the flag", tool("-Dx=-XX:VMOptionsFile=/v"), 17, {}},
        // The launcher reads @argfiles in JDK_JAVA_OPTIONS too (found by a fresh user: `JDK_JAVA_OPTIONS=@args`
        // with -Xmx300m in it gave a 300 MiB heap while explain said jvminit's percentage applied).
        {"@argfile in JDK_JAVA_OPTIONS, before the command line's",
         UserOptions{std::nullopt, "-Xss1m @/app/jdk.args @@literal", std::nullopt, {"@/app/cli.args", "Main"}, {}},
         17,
         {{"@/app/jdk.args in JDK_JAVA_OPTIONS", "/app/jdk.args", true}, {"@/app/cli.args", "/app/cli.args", true}}},
        {"@argfile in JDK_JAVA_OPTIONS on JDK 8: no such variable",
         UserOptions{std::nullopt, "@/app/jdk.args", std::nullopt, {}, {}},
         8,
         {}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + " (JDK " + std::to_string(c.jdk_major) + ")");
        std::vector<OptionFileRef> refs = option_file_refs(c.user, c.jdk_major);
        ASSERT_EQ(refs.size(), c.refs.size()) << shown(refs);
        for (std::size_t i = 0; i < refs.size(); ++i) {
            EXPECT_EQ(refs[i].where, c.refs[i].where);
            EXPECT_EQ(refs[i].path, c.refs[i].path);
            EXPECT_EQ(refs[i].is_argfile, c.refs[i].is_argfile);
        }
    }
}

TEST(OptionFileRefs, AnArgfileAfterTheValueOfAnOptionCounts) {
    // `java -cp /app @/app/jvm.args Main`: the launcher expands every @argfile before the main class, and /app
    // is -cp's value, not the main class.
    for (const auto& arguments :
         {std::vector<std::string>{"-cp", "/app", "@/app/jvm.args", "Main"},
          std::vector<std::string>{"--add-modules", "java.sql", "@/app/jvm.args", "-jar", "a.jar"}}) {
        SCOPED_TRACE("java " + text_of(arguments));
        std::vector<OptionFileRef> refs = option_file_refs(command_line(arguments), 17);
        ASSERT_EQ(refs.size(), 1u) << shown(refs);
        EXPECT_EQ(refs[0].where, "@/app/jvm.args");
        EXPECT_EQ(refs[0].path, "/app/jvm.args");
        EXPECT_TRUE(refs[0].is_argfile);
    }
}

// A -XX:VMOptionsFile named inside an @argfile is read too, once the argfile has been (found by a review:
// `java @a` with a naming vm.options holding -Xmx2g; explain expected 75% of the RAM).
TEST(OptionFileRefs, AVmOptionsFileNamedInAnArgfile) {
    const std::vector<OptionFile> files = {
        {"@/a", "# -XX:VMOptionsFile=/commented\n-XX:VMOptionsFile=/vm -Xss1m\n", true},
        {"-XX:VMOptionsFile=/read", "-Xmx1g", false},
        {"@/b", "-XX:VMOptionsFile=/read", true},                      // already read: not again
        {"-XX:VMOptionsFile=/c", "-XX:VMOptionsFile=/nested", false},  // not an argfile: HotSpot reads no nested one
    };
    std::vector<OptionFileRef> refs = option_file_refs_in_argfiles(files, 17);
    ASSERT_EQ(refs.size(), 1u) << shown(refs);
    EXPECT_EQ(refs[0].where, "-XX:VMOptionsFile=/vm");
    EXPECT_EQ(refs[0].path, "/vm");
    EXPECT_FALSE(refs[0].is_argfile);
}

TEST(OptionFileRefs, JdkJavaOptionsIsNotReadByJdk8) {
    // JDK 8 does not read JDK_JAVA_OPTIONS (the planner ignores it there too): a file it names is not read.
    UserOptions user;
    user.jdk_java_options = "-XX:VMOptionsFile=/app/vm.options";
    EXPECT_TRUE(option_file_refs(user, 8).empty()) << shown(option_file_refs(user, 8));
    EXPECT_EQ(option_file_refs(user, 11).size(), 1u);
}

struct OptionFileCase {
    const char* scenario;
    OptionFile file;
    Options suppressed;
    std::string why;  // of the first suppressed option
};

TEST(JavaToolOptions, OptionsInTheUsersOptionFilesCount) {
    const std::vector<OptionFileCase> cases = {
        {"-Xmx in an @argfile",
         {"@/app/jvm.args", "-Xmx1g\n", true},
         {kMaxRam75},
         "the user set -Xmx1g in @/app/jvm.args"},
        {"an @argfile: only the options before the main class",
         {"@/app/jvm.args", "-cp /app\n-Xmx1g\ncom.example.Main\n-XX:-ExitOnOutOfMemoryError\n", true},
         {kMaxRam75},
         "the user set -Xmx1g in @/app/jvm.args"},
        {"an @argfile: after -jar the application's", {"@a", "-jar app.jar -Xmx1g", true}, {}, ""},
        {"an @argfile: '#' comment lines are ignored",
         {"@a", "# -Xmx1g\n  # -XX:-ExitOnOutOfMemoryError\n-Xss1m\n", true},
         {},
         ""},
        {"-XX:VMOptionsFile: every option counts",
         {"-XX:VMOptionsFile=/app/vm.options", "-XX:+UseG1GC\n-XX:-ExitOnOutOfMemoryError\n-XX:MaxRAM=1g\n", false},
         {kExit, kMaxRam75},
         "the user set -XX:-ExitOnOutOfMemoryError in -XX:VMOptionsFile=/app/vm.options"},
        {"-XX:VMOptionsFile: '#' comment lines are ignored",
         {"-XX:VMOptionsFile=/v", "#-XX:-ExitOnOutOfMemoryError\n\t# -Xmx1g\n", false},
         {},
         ""},
        {"an empty file", {"@a", "", true}, {}, ""},
        {"a quoted value",
         {"@a", "-Dmsg=\"a b\" -XX:MaxRAMPercentage=50", true},
         {kMaxRam75},
         "the user set -XX:MaxRAMPercentage=50 in @a"},
        {"an @argfile: a comment after an option hides nothing after it (found by a review)",
         {"@a", "-Xms32m # initial heap\n-Xmx64m\n", true},
         {kMaxRam75},
         "the user set -Xmx64m in @a"},
        {"an @argfile: the launcher's escapes in quotes",
         {"@a", "-Dq=\"5\\\" screen\" -XX:-ExitOnOutOfMemoryError", true},
         {kExit},
         "the user set -XX:-ExitOnOutOfMemoryError in @a"},
        {"an @argfile: a quote left open ends at the line's end",
         {"@a", "-Dx=\"abc\n-XX:MaxRAM=1g\n", true},
         {kMaxRam75},
         "the user set -XX:MaxRAM=1g in @a"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        JavaToolOptionsInput input = input_for();
        input.user.command_line = {c.file.where, "Main"};
        input.user.option_files = {c.file};
        JavaToolOptionsPlan plan = plan_java_tool_options(input);
        ASSERT_FALSE(plan.error.has_value()) << *plan.error;
        EXPECT_EQ(suppressed_options(plan), c.suppressed);
        if (!c.suppressed.empty() && !plan.suppressed.empty()) {
            EXPECT_EQ(plan.suppressed.front().why, c.why);
        }
        // The files' options are not copied into JAVA_TOOL_OPTIONS.
        EXPECT_EQ(plan.value.value_or(""), text_of(added_options(plan)));
    }
}

TEST(JavaToolOptions, AJdwpAgentInAnArgfileMeansJvminitAddsNone) {
    // `--debug` with the user's own agent in an @argfile: a second agent would stop the JVM ("Cannot load this
    // JVM TI agent twice").
    JavaToolOptionsInput input = input_for({{"JVMINIT_DEBUG", "true"}});
    input.user.command_line = {"@/app/debug.args", "-cp", "/app", "Main"};
    input.user.option_files = {
        {"@/app/debug.args", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:8000\n", true}};
    JavaToolOptionsPlan plan = plan_java_tool_options(input);
    ASSERT_FALSE(plan.error.has_value()) << *plan.error;
    EXPECT_EQ(suppressed_options(plan), Options{kJdwp9});
    EXPECT_EQ(plan.value.value_or("").find("jdwp"), std::string::npos) << *plan.value;
    EXPECT_TRUE(plan.warnings.empty());
}

// ---------------------------------------------------------------------------------------------------------
// java_launcher_options

struct LauncherCase {
    std::vector<std::string> arguments;
    Options options;
};

TEST(JavaLauncherOptions, OnlyOptionsBeforeTheMainClassCount) {
    const std::vector<LauncherCase> cases = {
        {{}, {}},
        {{"Main"}, {}},
        {{"-version"}, {"-version"}},
        {{"-Xmx1g", "Main", "-Xmx2g"}, {"-Xmx1g"}},
        {{"-Xmx1g", "-jar", "app.jar", "-Xmx2g"}, {"-Xmx1g"}},
        {{"-jar", "app.jar", "-Xmx1g"}, {}},
        {{"-cp", "/app:/lib/*", "-Dx=1", "com.example.Main", "--debug"}, {"-cp", "-Dx=1"}},
        {{"-classpath", "-Xmx1g", "Main"}, {"-classpath"}},
        {{"--class-path", "/app", "-Xmx1g", "Main"}, {"--class-path", "-Xmx1g"}},
        {{"--class-path=/app", "-Xmx1g", "Main"}, {"--class-path=/app", "-Xmx1g"}},
        {{"-p", "mods", "-m", "app/com.example.Main", "-Xmx1g"}, {"-p"}},
        {{"--module-path", "mods", "--module", "app/com.example.Main"}, {"--module-path"}},
        {{"-Xss1m", "--module=app/com.example.Main", "-Xmx1g"}, {"-Xss1m"}},
        {{"--add-modules", "java.sql", "-XX:+UseG1GC", "Main"}, {"--add-modules", "-XX:+UseG1GC"}},
        {{"--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Xmx1g", "Main"}, {"--add-opens", "-Xmx1g"}},
        {{"-XX:+UseG1GC", "-XX:MaxRAM=1g", "-jar", "a.jar"}, {"-XX:+UseG1GC", "-XX:MaxRAM=1g"}},
        {{"-Xmx1g", "Prog.java", "-Xmx2g"}, {"-Xmx1g"}},
        // --source takes the version as the next argument; JVM options may follow it (java(1), source-file mode).
        {{"--source", "17", "-Xmx1g", "Hello.java", "-Xmx2g"}, {"--source", "-Xmx1g"}},
        // @argfiles are skipped: their content is read separately (option_file_refs, UserOptions.option_files).
        {{"@/app/jvm.args", "-Xmx1g", "Main"}, {"-Xmx1g"}},
        {{"-cp", "/app", "@args", "-Xss1m", "Main", "-Xmx1g"}, {"-cp", "-Xss1m"}},
        {{"@@literal", "-Xmx1g"}, {}},  // "@@x" is the argument "@x": here the main class
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("java " + text_of(c.arguments));
        EXPECT_EQ(java_launcher_options(c.arguments), c.options);
    }
}

// ---------------------------------------------------------------------------------------------------------
// parse_java_size and user_max_heap

struct SizeCase {
    std::string text;
    std::optional<std::uint64_t> bytes;
};

TEST(JavaSize, ParsesHotSpotMemorySizes) {
    constexpr std::uint64_t K = 1024, M = K * K, G = M * K, T = G * K;
    const std::vector<SizeCase> cases = {
        {"1048576", 1048576},
        {"0", 0},
        {"1k", K},
        {"1K", K},
        {"512m", 512 * M},
        {"512M", 512 * M},
        {"2g", 2 * G},
        {"2G", 2 * G},
        {"1t", T},
        {"1T", T},
        {"8388607t", 8388607 * T},
        {"9223372036854775807", 9223372036854775807ULL},
        {"", std::nullopt},
        {"m", std::nullopt},
        {"-1m", std::nullopt},
        {"+1m", std::nullopt},
        {"1.5g", std::nullopt},
        {"1x", std::nullopt},
        {"1mb", std::nullopt},
        {"1 m", std::nullopt},
        {" 1m", std::nullopt},
        {"0x10", std::nullopt},
        {"9223372036854775809", std::nullopt},
        {"18446744073709551615", std::nullopt},
        {"99999999999999999999", std::nullopt},
        {"8388609t", std::nullopt},
        {"17179869184g", std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("size '" + c.text + "'");
        EXPECT_EQ(parse_java_size(c.text), c.bytes);
    }
}

struct HeapCase {
    Options options;
    std::optional<std::uint64_t> bytes;
};

TEST(UserMaxHeap, TheLastHeapSizeWins) {
    constexpr std::uint64_t M = 1024 * 1024, G = M * 1024;
    const std::vector<HeapCase> cases = {
        {{}, std::nullopt},
        {{"-Xms1g"}, std::nullopt},
        {{"-XX:+UseG1GC", "-XX:MaxRAMPercentage=50"}, std::nullopt},
        {{"-Xmx512m"}, 512 * M},
        {{"-XX:MaxHeapSize=1g"}, G},
        {{"-Xmx512m", "-XX:MaxHeapSize=1g"}, G},
        {{"-XX:MaxHeapSize=1g", "-Xmx512m"}, 512 * M},
        {{"-Xmx2g", "-Xms1g", "-Xss1m"}, 2 * G},
        {{"-Xmx536870912"}, 512 * M},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(text_of(c.options));
        EXPECT_EQ(user_max_heap(c.options), c.bytes);
    }
}

struct ExpectedHeapCase {
    const char* scenario;
    Options options;
    std::uint64_t memory;
    int added_percentage;
    std::optional<std::uint64_t> bytes;
};

TEST(ContainerSupportOff, TheUsersLastForm) {
    EXPECT_FALSE(container_support_off({}));
    EXPECT_TRUE(container_support_off({"-XX:-UseContainerSupport"}));
    EXPECT_FALSE(container_support_off({"-XX:-UseContainerSupport", "-XX:+UseContainerSupport"}));
    EXPECT_TRUE(container_support_off({"-XX:+UseContainerSupport", "-Xmx1g", "-XX:-UseContainerSupport"}));
    EXPECT_FALSE(container_support_off({"-XX:-UseContainerCpuShares"}));
}

TEST(UserSizesHeap, TheFlagsExpectedMaxHeapReads) {
    const std::vector<std::pair<Options, bool>> cases = {
        {{}, false},
        {{"-Xss1m", "-XX:+UseG1GC", "-Dx=-Xms1g"}, false},
        {{"-Xmx1g"}, true},
        {{"-Xms2g"}, true},
        {{"-XX:InitialHeapSize=2g"}, true},
        {{"-XX:MinHeapSize=1g"}, true},
        {{"-XX:MaxRAM=4g"}, true},
        {{"-XX:MaxRAMPercentage=50"}, true},
        {{"-XX:MinRAMFraction=2"}, true},
        {{"-XX:ErgoHeapSizeLimit=1g"}, true},
        {{"-XX:InitialRAMPercentage=10"}, true},
        {{"-XX:MaxHeapFreeRatio=70"}, false},
    };
    for (const auto& [options, sizes] : cases) EXPECT_EQ(user_sizes_heap(options), sizes) << text_of(options);
}

TEST(ExpectedMaxHeap, FollowsHotSpotsOrderOfHeapSizeFlags) {
    constexpr std::uint64_t M = 1024 * 1024, G = M * 1024;
    const std::vector<ExpectedHeapCase> cases = {
        {"the user's -Xmx wins over everything", {"-XX:MaxRAMPercentage=90", "-Xmx512m"}, 8 * G, 75, 512 * M},
        {"jvminit's percentage of the memory", {}, 8 * G, 75, 6 * G},
        {"none added: HotSpot's 25%", {}, 8 * G, 0, 2 * G},
        {"the user's percentage over jvminit's", {"-XX:MaxRAMPercentage=50"}, 8 * G, 75, 4 * G},
        {"the user's last percentage", {"-XX:MaxRAMPercentage=50", "-XX:MaxRAMPercentage=12.5"}, 8 * G, 0, G},
        {"MaxRAMFraction=2 is half", {"-XX:MaxRAMFraction=2"}, 8 * G, 0, 4 * G},
        {"MaxRAM caps the memory", {"-XX:MaxRAM=4g"}, 8 * G, 50, 2 * G},
        // -XX:MaxRAM replaces the memory, also above it (java -XX:MaxRAM=64g on a 24 GiB machine: 16 GiB).
        {"MaxRAM above the memory replaces it too", {"-XX:MaxRAM=16g"}, 8 * G, 50, 8 * G},
        {"MaxRAM=64g, HotSpot's 25%", {"-XX:MaxRAM=64g"}, 24 * G, 0, 16 * G},
        {"MaxRAMPercentage beats MaxRAMFraction in any order",
         {"-XX:MaxRAMPercentage=50", "-XX:MaxRAMFraction=4"},
         8 * G,
         0,
         4 * G},
        // Little memory: MinRAMPercentage (50%) of it, whatever MaxRAMPercentage says, when that is below the
        // default MaxHeapSize (96 MiB * 1.3). Each value as java 17's -XX:+PrintFlagsFinal MaxHeapSize gave it
        // before its 2 MiB alignment (found by a fresh user: a 200 MiB container was said to get 150 MiB).
        {"a 200 MiB container: 50%, not 75%", {}, 200 * M, 75, 100 * M},
        {"MaxRAM=100m: 50%", {"-XX:MaxRAM=100m"}, 8 * G, 0, 50 * M},
        {"MaxRAM=200m, MinRAMPercentage=10: 10%", {"-XX:MaxRAM=200m", "-XX:MinRAMPercentage=10"}, 8 * G, 0, 20 * M},
        {"MaxRAM=1g, MinRAMPercentage=10: still the minimum share",
         {"-XX:MaxRAM=1g", "-XX:MinRAMPercentage=10"},
         8 * G,
         75,
         107374182},
        // Above that, at least the default MaxHeapSize: 300 MiB at 25% is 75 MiB, the JVM takes 124.8 MiB.
        {"300 MiB at 25%: the default MaxHeapSize", {}, 300 * M, 0, kDefaultMaxHeapSize},
        {"MinRAMFraction=4 is a quarter", {"-XX:MinRAMFraction=4"}, 400 * M, 0, 100 * M},
        // Without any heap-sizing flag the memory counts up to MaxRAM's default of 128 GiB.
        {"256 GiB, no flag: 25% of 128 GiB", {}, 256 * G, 0, 32 * G},
        {"256 GiB, jvminit's 75%: all of it counts", {}, 256 * G, 75, 192 * G},
        {"a malformed percentage is ignored", {"-XX:MaxRAMPercentage=lots"}, 8 * G, 0, 2 * G},
        {"a percentage over 100 is ignored", {"-XX:MaxRAMPercentage=150"}, 8 * G, 75, 6 * G},
        // -Xms / InitialHeapSize above the share raise the maximum to it; else MinHeapSize does; ErgoHeapSizeLimit
        // caps the share first. Each as java 17's MaxHeapSize gave it (found by a fresh user: -Xms2g in a 1 GiB
        // container was said to get 768 MiB, and no warning came).
        {"-Xms2g above 75% of 1 GiB", {"-Xms2g"}, G, 75, 2 * G},
        {"-XX:InitialHeapSize=2g likewise", {"-XX:InitialHeapSize=2g"}, G, 0, 2 * G},
        {"-XX:MinHeapSize=900m above 25% of 1 GiB", {"-XX:MinHeapSize=900m"}, G, 0, 900 * M},
        {"-Xms100m below the share changes nothing", {"-Xms100m"}, G, 0, 256 * M},
        {"the last of -Xms and InitialHeapSize", {"-Xms2g", "-XX:InitialHeapSize=1500m"}, G, 0, 1500 * M},
        {"ErgoHeapSizeLimit caps the share", {"-XX:ErgoHeapSizeLimit=100m"}, G, 0, 100 * M},
        {"ErgoHeapSizeLimit, then -Xms raises it", {"-XX:ErgoHeapSizeLimit=100m", "-Xms300m"}, G, 0, 300 * M},
        {"-Xmx beats -Xms", {"-Xms2g", "-Xmx3g"}, G, 75, 3 * G},
        {"no memory known, but -Xms", {"-Xms1g"}, 0, 75, G},
        {"no memory known, no -Xmx: unknown", {}, 0, 75, std::nullopt},
        {"no memory known, but -Xmx", {"-Xmx1g"}, 0, 75, G},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        EXPECT_EQ(expected_max_heap(c.options, c.memory, c.added_percentage), c.bytes);
    }
}

}  // namespace
}  // namespace jvminit::jvm
