// app/preparation.hpp: the pure parts of the preparation.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/preparation.hpp"

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
