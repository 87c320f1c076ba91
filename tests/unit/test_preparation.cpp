// app/preparation.hpp: the pure parts of the preparation.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace jvminit::app
