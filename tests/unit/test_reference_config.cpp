// config/jvminit.toml is the reference: every key, commented out, with its built-in default.
// These tests keep the documentation from drifting: uncommented, the file must resolve to exactly the
// defaults and name every setting.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "config/settings.hpp"

namespace jvminit::config {
namespace {

std::string read_reference() {
    std::ifstream in(std::string(JVMINIT_SOURCE_DIR) + "/config/jvminit.toml");
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// "# key = value" lines become "key = value"; explanations stay comments.
std::string uncomment_keys(const std::string& text) {
    static const std::regex commented_key(R"(^# ([a-z_]+) = (.*)$)");
    std::istringstream in(text);
    std::ostringstream out;
    for (std::string line; std::getline(in, line);) out << std::regex_replace(line, commented_key, "$1 = $2") << "\n";
    return out.str();
}

TEST(ReferenceConfig, ExistsAndHasEveryKeyCommentedOut) {
    std::string text = read_reference();
    ASSERT_FALSE(text.empty()) << "config/jvminit.toml is missing";
    SettingsResult as_is = resolve_settings({ConfigFile{"jvminit.toml", text}, {}, {}});
    EXPECT_TRUE(as_is.errors.empty());
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        EXPECT_EQ(as_is.settings.sources.at(spec.name()).kind, SourceKind::Default) << "key is not commented out";
    }
}

TEST(ReferenceConfig, UncommentedValuesEqualTheBuiltInDefaults) {
    std::string text = uncomment_keys(read_reference());
    SettingsResult result = resolve_settings({ConfigFile{"jvminit.toml", text}, {}, {}});
    ASSERT_TRUE(result.errors.empty()) << result.errors.front();
    const Settings defaults;
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        EXPECT_EQ(result.settings.sources.at(spec.name()).kind, SourceKind::File) << "key missing from the file";
        EXPECT_EQ(spec.show(result.settings.values), spec.show(defaults));
    }
}

// The README's settings table names every setting in its three forms.
TEST(ReadmeSettingsTable, NamesEverySettingAsVariableFlagAndTomlKey) {
    std::ifstream in(std::string(JVMINIT_SOURCE_DIR) + "/README.md");
    std::ostringstream out;
    out << in.rdbuf();
    const std::string readme = out.str();
    ASSERT_FALSE(readme.empty());
    for (const auto& spec : setting_specs()) {
        SCOPED_TRACE(spec.name());
        EXPECT_NE(readme.find("`" + std::string(spec.env) + "`"), std::string::npos);
        EXPECT_NE(readme.find("`" + std::string(spec.flag)), std::string::npos);
        EXPECT_NE(readme.find("`[" + std::string(spec.table) + "] " + std::string(spec.key) + "`"), std::string::npos);
    }
    for (const auto& alias : env_aliases())
        EXPECT_NE(readme.find("`" + std::string(alias.alias) + "`"), std::string::npos);
}

}  // namespace
}  // namespace jvminit::config
