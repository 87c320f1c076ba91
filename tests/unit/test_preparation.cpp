// app/preparation.hpp: the pure parts of the preparation.
#include <gtest/gtest.h>

#include <optional>
#include <string>
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
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        EXPECT_EQ(child_environment(c.environment, c.java_tool_options), c.expected);
        // jvminit's own reading agrees with what the child gets
        for (const auto& entry : c.expected) {
            const std::string name = entry.substr(0, entry.find('='));
            if (name == "JAVA_TOOL_OPTIONS") continue;
            EXPECT_EQ(get_env(c.environment, name), entry.substr(entry.find('=') + 1)) << name;
        }
    }
}

}  // namespace
}  // namespace jvminit::app
