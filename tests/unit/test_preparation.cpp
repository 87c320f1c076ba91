// app/preparation.hpp: the pure parts of the preparation.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "app/preparation.hpp"
#include "temp_dir.hpp"

namespace jvminit::app {
namespace {

using Entries = std::vector<std::string>;

TEST(ChildEnvironment, EachNameOnceWithTheValueJvminitReadAndThePlannedJavaToolOptionsLast) {
    struct Case {
        const char* scenario;
        Environment environment;
        std::optional<std::string> java_tool_options;
        Entries expected;
    };
    const std::vector<Case> cases = {
        {"kept as given",
         {{"PATH", "/bin"}, {"HOME", "/root"}},
         "-Xss1m",
         {"PATH=/bin", "HOME=/root", "JAVA_TOOL_OPTIONS=-Xss1m"}},
        {"empty values and '=' inside values", {{"EMPTY", ""}, {"EQ", "a=b=c"}}, std::nullopt, {"EMPTY=", "EQ=a=b=c"}},
        {"a repeated name: its last value, in its first place (jvminit read the last one)",
         {{"JDK_JAVA_OPTIONS", "-agentlib:jdwp=x"}, {"A", "1"}, {"JDK_JAVA_OPTIONS", "-Dx=1"}},
         std::nullopt,
         {"JDK_JAVA_OPTIONS=-Dx=1", "A=1"}},
        {"the user's JAVA_TOOL_OPTIONS gives way to the planned value",
         {{"JAVA_TOOL_OPTIONS", "-Xmx1g"}, {"B", "2"}, {"JAVA_TOOL_OPTIONS", "-Xmx2g"}},
         "-Xmx2g -XX:+ExitOnOutOfMemoryError",
         {"B=2", "JAVA_TOOL_OPTIONS=-Xmx2g -XX:+ExitOnOutOfMemoryError"}},
        {"no planned value: no JAVA_TOOL_OPTIONS", {{"JAVA_TOOL_OPTIONS", "-Xmx1g"}}, std::nullopt, {}},
        {"an entry without a name is dropped", {{"", "orphan"}, {"C", "3"}}, std::nullopt, {"C=3"}},
        {"names repeated three times and interleaved",
         {{"A", "1"}, {"B", "1"}, {"A", "2"}, {"", "x"}, {"B", "2"}, {"", "y"}, {"A", "3"}, {"C", "1"}},
         std::nullopt,
         {"A=3", "B=2", "C=1"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        Entries got;
        for (const auto& entry : child_environment(c.environment, c.java_tool_options)) got.emplace_back(entry.c_str());
        EXPECT_EQ(got, c.expected);
        // jvminit's own reading agrees with what the child gets
        for (const auto& entry : c.expected) {
            const std::string name = entry.substr(0, entry.find('='));
            if (name == "JAVA_TOOL_OPTIONS") continue;
            EXPECT_EQ(get_env(c.environment, name), entry.substr(entry.find('=') + 1)) << name;
        }
    }
}

// Read from an environment block, an entry is handed on as it is: the same C string, not a copy. A repeated
// name hands on its last entry, in its first place.
TEST(ChildEnvironment, EntriesOfTheEnvironmentBlockAreBorrowedNotCopied) {
    const char* block[] = {"A=1", "PATH=/bin", "A=3", "JAVA_TOOL_OPTIONS=-Xmx1g", "B="};
    Environment environment;
    for (const char* entry : block) {
        const std::string_view text = entry;
        const auto eq = text.find('=');
        environment.push_back({text.substr(0, eq), text.substr(eq + 1), entry});
    }
    const ChildEnvironment child = child_environment(environment, std::string("-Xmx2g"));
    ASSERT_EQ(child.size(), 4u);
    EXPECT_EQ(child[0].borrowed, block[2]) << "A: its last entry, in its first place";
    EXPECT_EQ(child[1].borrowed, block[1]);
    EXPECT_EQ(child[2].borrowed, block[4]);
    EXPECT_EQ(child[3].borrowed, nullptr) << "the planned JAVA_TOOL_OPTIONS is built";
    EXPECT_STREQ(child[3].c_str(), "JAVA_TOOL_OPTIONS=-Xmx2g");
    // A copy borrows the same entries and owns its own built ones.
    const ChildEnvironment copy = child;
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(copy[i].borrowed, child[i].borrowed);
    EXPECT_NE(copy[3].c_str(), child[3].c_str());
    EXPECT_STREQ(copy[3].c_str(), "JAVA_TOOL_OPTIONS=-Xmx2g");
}

// ---------------------------------------------------------------------------------------------------------
// describe_launch_failure: the exit code and the one line when PROGRAM could not be started

struct LaunchFailureCase {
    int error;
    std::string first_line;
    int exit_code;
    std::string says;  // a part of the message
};

// `run` reads the cgroup files before the start only when check_limits could warn about the start: a user who
// sizes the heap or turns container support off, a MaxRAMPercentage of 100 added, or a heap dump directory
// with less room than the heap the JVM would take of all the RAM (no memory limit can make that heap larger:
// expected_max_heap grows with the memory, checked here too).
TEST(LimitsBeforeStart, OnlyWhenAWarningCouldConcernTheStart) {
    constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
    struct Case {
        const char* scenario;
        std::string heap_dump_dir;
        std::vector<std::string> user_options;
        bool adds_percentage;         // jvminit adds -XX:MaxRAMPercentage=75
        std::uint64_t bytes_to_free;  // old dumps the clean-up deletes
        std::uint64_t physical_memory_bytes;
        std::optional<std::uint64_t> free_bytes;  // on the heap dump directory's file system
        bool before;
    };
    const std::vector<Case> cases = {
        {"nothing to warn about: no heap dump directory, no heap sizing",
         "",
         {},
         true,
         0,
         16 * kGiB,
         std::nullopt,
         false},
        {"the user's -Xmx (above the limit?)", "", {"-Xmx2g"}, true, 0, 16 * kGiB, std::nullopt, true},
        {"the user's -Xms", "", {"-Xms1g"}, true, 0, 16 * kGiB, std::nullopt, true},
        {"the user's MaxRAMPercentage", "", {"-XX:MaxRAMPercentage=90"}, true, 0, 16 * kGiB, std::nullopt, true},
        {"room for 75% of all the RAM: no limit can bring the warning",
         "/dumps",
         {},
         true,
         0,
         16 * kGiB,
         12 * kGiB,
         false},
        {"less room than 75% of the RAM: a limit decides", "/dumps", {}, true, 0, 16 * kGiB, 12 * kGiB - 1, true},
        {"the old dumps deleted make the room", "/dumps", {}, true, 1, 16 * kGiB, 12 * kGiB - 1, false},
        {"without the added percentage the JVM's 25%", "/dumps", {}, false, 0, 16 * kGiB, 4 * kGiB, false},
        {"without the added percentage, less than 25%", "/dumps", {}, false, 0, 16 * kGiB, 4 * kGiB - 1, true},
        {"the free space unknown: free_space_warning says nothing either",
         "/dumps",
         {},
         true,
         0,
         16 * kGiB,
         std::nullopt,
         false},
        {"the RAM unknown", "/dumps", {}, true, 0, 0, 100 * kGiB, true},
        {"the user sizes the heap, room or not", "/dumps", {"-Xmx1g"}, true, 0, 16 * kGiB, 100 * kGiB, true},
        // found by a trial: warnings about a heap not below the limit that no option of the user's sizes
        {"container support off: a heap of the host's memory",
         "",
         {"-XX:-UseContainerSupport"},
         false,
         0,
         16 * kGiB,
         std::nullopt,
         true},
        {"container support off, then on again",
         "",
         {"-XX:-UseContainerSupport", "-XX:+UseContainerSupport"},
         true,
         0,
         16 * kGiB,
         std::nullopt,
         false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        Preparation p;
        p.settings.values.heap_dump_dir = c.heap_dump_dir;
        p.user_options = c.user_options;
        if (c.adds_percentage) p.plan.added.push_back({"-XX:MaxRAMPercentage=75", "jvm.max_ram_percentage"});
        p.output.bytes_to_free = c.bytes_to_free;
        EXPECT_EQ(check_limits_before_start(p, c.physical_memory_bytes, c.free_bytes), c.before);
    }
    // The percentage jvminit adds: 100 gives a heap of the whole limit (found by a trial), 99 one below any.
    for (const auto& [percentage, added, before] :
         std::vector<std::tuple<int, bool, bool>>{{100, true, true}, {99, true, false}, {100, false, false}}) {
        SCOPED_TRACE("max_ram_percentage " + std::to_string(percentage) + (added ? ", added" : ", not added"));
        Preparation p;
        p.settings.values.max_ram_percentage = percentage;
        if (added)
            p.plan.added.push_back({"-XX:MaxRAMPercentage=" + std::to_string(percentage), "jvm.max_ram_percentage"});
        EXPECT_EQ(check_limits_before_start(p, 16 * kGiB, std::nullopt), before);
        // and below 100 no memory gives a heap at or above it (the small ones: half of it)
        for (std::uint64_t memory = std::uint64_t{1} << 20; !before && memory <= std::uint64_t{1} << 40;
             memory += memory / 7)
            EXPECT_LT(jvm::expected_max_heap({}, memory, added ? percentage : 0).value_or(0), memory) << memory;
    }
    // The rule's ground: over memory sizes from 1 MiB to 1 TiB, and with the user's shares, the expected heap
    // never shrinks as the memory grows (a limit, always below the RAM, never gives a larger heap).
    const std::vector<std::vector<std::string>> option_sets = {
        {}, {"-XX:MinRAMPercentage=90"}, {"-XX:MaxRAMPercentage=10", "-XX:MinRAMPercentage=60"}, {"-Xms300m"}};
    for (const auto& options : option_sets) {
        for (int percentage : {0, 75}) {
            std::uint64_t previous = 0;
            for (std::uint64_t memory = std::uint64_t{1} << 20; memory <= std::uint64_t{1} << 40;
                 memory += memory / 7) {
                const std::uint64_t heap = jvm::expected_max_heap(options, memory, percentage).value_or(0);
                EXPECT_GE(heap, previous) << "memory " << memory << ", percentage " << percentage;
                previous = heap;
            }
        }
    }
}

// The dumps a pending clean-up will delete count as free space; once the clean-up has run (a check after the
// start), statvfs already counts them and they must not count twice (found by a review).
TEST(LimitsCheck, DeletedDumpsCountAsFreeOnlyWhileTheCleanUpIsPending) {
    testing::TempDir dumps("limits-free");
    Preparation p;
    p.settings.values.heap_dump_dir = dumps.path().string();
    p.user_options = {"-Xmx1048576g"};                // 1 PiB: more than any file system here has free
    p.output.bytes_to_free = std::uint64_t{1} << 51;  // 2 PiB of old dumps to delete
    const auto free_space_warnings = [&] {
        std::size_t n = 0;
        for (const auto& warning : check_limits(p).warnings)
            if (warning.find("a heap dump may not fit") != std::string::npos) ++n;
        return n;
    };
    p.output.pending.active = true;
    EXPECT_EQ(free_space_warnings(), 0u) << "the 2 PiB to delete make room for the 1 PiB heap";
    p.output.pending.active = false;
    EXPECT_EQ(free_space_warnings(), 1u) << "deleted already: only what statvfs says is free";
}

TEST(LaunchFailure, EachCauseHasItsExitCodeAndNamesItself) {
    const std::vector<LaunchFailureCase> cases = {
        {ENOENT, "#!/nonexistent/python3 -u", 127, "(its #! interpreter /nonexistent/python3 is missing)"},
        {ENOENT, "#!  /usr/bin/env\tnode", 127, "(its #! interpreter /usr/bin/env is missing)"},
        // A script saved with Windows line endings: the kernel looks for "/bin/sh\r" (found by a fresh user).
        {ENOENT, "#!/bin/sh\r", 127,
         "ends in a carriage return, Windows line endings: the kernel looks for an "
         "interpreter named '/bin/sh\\r'"},
        {ENOENT,
         "\x7f"
         "ELF",
         127, "cannot be executed: No such file or directory"},
        {EACCES, "", 126, "cannot be executed: Permission denied"},
        {ENOEXEC, "", 126, "cannot be executed: Exec format error"},
        // No new process: the container's pids limit (fork gives EAGAIN) is jvminit's failure, not PROGRAM's.
        {EAGAIN, "", 1,
         "cannot start PROGRAM 'app' (/usr/bin/app): no new process: Resource temporarily "
         "unavailable (a pids limit of the container, or memory)"},
        {ENOMEM, "", 1, "no new process: Cannot allocate memory"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(std::strerror(c.error)) + ", first line " + c.first_line);
        const LaunchFailure failure =
            describe_launch_failure("app", "/usr/bin/app", c.error, c.first_line, {"app"}, {});
        EXPECT_EQ(failure.exit_code, c.exit_code);
        EXPECT_NE(failure.message.find(c.says), std::string::npos) << failure.message;
        EXPECT_EQ(failure.message.find('\n'), std::string::npos) << "one line";
        if (c.error == ENOENT && c.first_line.rfind("#!", 0) != 0) {
            EXPECT_EQ(failure.message.find("#!"), std::string::npos) << "no #! hint for a binary";
        }
    }
}

TEST(LaunchFailure, ArgumentsAndEnvironmentTooLargeNameTheStringOverTheLimitOrTheTotal) {
    const std::string huge = "JAVA_TOOL_OPTIONS=-Dx=" + std::string(131100, 'a');
    const std::string path = "PATH=/usr/bin";
    const LaunchFailure one =
        describe_launch_failure("sh", "/usr/bin/sh", E2BIG, "", {"sh", "-c", "true"}, {path.c_str(), huge.c_str()});
    EXPECT_EQ(one.exit_code, 126);
    EXPECT_NE(one.message.find("Argument list too long (JAVA_TOOL_OPTIONS is " + std::to_string(huge.size()) +
                               " bytes; execve(2) takes at most 131071 per argument or variable)"),
              std::string::npos)
        << one.message;

    // Many strings, none over the limit: the total is named.
    std::vector<std::string> args(40, std::string(100000, 'b'));
    const LaunchFailure total = describe_launch_failure("app", "/usr/bin/app", E2BIG, "", args, {path.c_str()});
    EXPECT_EQ(total.exit_code, 126);
    EXPECT_NE(total.message.find("(arguments and environment take " + std::to_string(40 * 100001 + path.size() + 1) +
                                 " bytes)"),
              std::string::npos)
        << total.message;
}

}  // namespace
}  // namespace jvminit::app
