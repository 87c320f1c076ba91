#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jvm/java_options_tokenizer.hpp"

namespace jvminit {
namespace {

using Options = std::vector<std::string>;

struct TokenizeCase {
    const char* scenario;
    std::string text;
    int jdk_major;
    Options expected;  // ignored when an error is expected
    bool expect_error;
};

// Each row is what HotSpot's parser makes of the text (arguments.cpp); rows marked "checked" were also
// run through OpenJDK 17 and 25 as JAVA_TOOL_OPTIONS and the resulting system properties compared.
const std::vector<TokenizeCase>& tokenize_cases() {
    static const std::vector<TokenizeCase> cases = {
        {"empty text", "", 17, {}, false},
        {"only spaces", "    ", 17, {}, false},
        {"only mixed whitespace", " \t\n\r\v\f ", 17, {}, false},
        {"one option", "-Xmx1g", 17, {"-Xmx1g"}, false},
        {"runs of spaces and leading/trailing spaces", "  -Xmx1g   -Da=1  ", 17, {"-Xmx1g", "-Da=1"}, false},
        {"newline, tab, CR, VT, FF separate (checked)",
         "-Da=1\n-Db=2\t-Dc=3\r\n-Dd=4\v-De=5\f-Df=6",
         17,
         {"-Da=1", "-Db=2", "-Dc=3", "-Dd=4", "-De=5", "-Df=6"},
         false},
        {"UTF-8 no-break space is not a separator (checked)", "-Dd=4\xc2\xa0-De=5", 17, {"-Dd=4\xc2\xa0-De=5"}, false},
        {"double quotes keep spaces (checked)", "-Dgreeting=\"hello world\"", 17, {"-Dgreeting=hello world"}, false},
        {"single quotes keep spaces", "-Dx='a b'", 17, {"-Dx=a b"}, false},
        {"quoted part in the middle concatenates (checked)", "-Dx=\"a b\"c -Dy=1", 17, {"-Dx=a bc", "-Dy=1"}, false},
        {"whole option quoted", "\"-Dx=a b\" -Xss1m", 17, {"-Dx=a b", "-Xss1m"}, false},
        {"adjacent quoted parts of both kinds (checked)", "-Dy='a\"b'\"'c\"", 17, {"-Dy=a\"b'c"}, false},
        {"double quote inside single quotes", "-Dx='say \"hi\"'", 17, {"-Dx=say \"hi\""}, false},
        {"single quote inside double quotes", "-Dx=\"it's\"", 17, {"-Dx=it's"}, false},
        {"newline inside quotes is kept", "-Dx=\"a\nb\"", 17, {"-Dx=a\nb"}, false},
        {"empty quotes inside an option vanish (checked)", "-Dz=q\"\"", 17, {"-Dz=q"}, false},
        {"empty quotes alone are an empty option (checked)", "-Dw=1 \"\"", 17, {"-Dw=1", ""}, false},
        {"backslash is an ordinary character", "-Dx=a\\ b", 17, {"-Dx=a\\", "b"}, false},
        {"quoted section right before a separator ends the option", "'a'\t'b'", 17, {"a", "b"}, false},
        {"unmatched double quote (checked)", "-Dx=\"a", 17, {}, true},
        {"unmatched single quote", "-Dx='a b", 17, {}, true},
        {"unmatched quote after a good option", "-Dx=\"a\" -Dy='b", 17, {}, true},
        {"other quote kind does not close", "-Dx=\"a'", 17, {}, true},
        {"backslash does not escape a quote", "-Dx=\"a\\\"b\"", 17, {}, true},
        {"NUL byte cannot come from the environment", std::string("-Da\0b", 5), 17, {}, true},
        {"JDK 8 splits on whitespace the same way", "-Xmx1g\n\t-Da=1", 8, {"-Xmx1g", "-Da=1"}, false},
        {"JDK 8 also removes quotes (jdk8u source)", "-Dx=\"a b\" -Dy='c d'", 8, {"-Dx=a b", "-Dy=c d"}, false},
        {"JDK 8 unmatched quote (jdk8u source)", "-Dx='a", 8, {}, true},
    };
    return cases;
}

TEST(JavaOptionsTokenizer, SplitsAndUnquotesLikeHotSpot) {
    for (const auto& c : tokenize_cases()) {
        SCOPED_TRACE(c.scenario);
        const auto result = tokenize_java_options(c.text, c.jdk_major);
        EXPECT_EQ(result.error.has_value(), c.expect_error) << result.error.value_or("");
        if (c.expect_error) {
            EXPECT_TRUE(result.options.empty());
        } else {
            EXPECT_EQ(result.options, c.expected);
        }
    }
}

TEST(JavaOptionsTokenizer, SingleQuotesKeepSpacesOnJdk9) {
    const auto result = tokenize_java_options("-Dx='a b' -Dy=c", 9);
    ASSERT_FALSE(result.error);
    EXPECT_EQ(result.options, (Options{"-Dx=a b", "-Dy=c"}));
}

TEST(JavaOptionsTokenizer, UnmatchedQuoteErrorNamesTheQuoteAndItsOffset) {
    const auto result = tokenize_java_options("-Da=1 -Dx='a b", 17);
    ASSERT_TRUE(result.error);
    EXPECT_NE(result.error->find("single quote"), std::string::npos) << *result.error;
    EXPECT_NE(result.error->find("offset 10"), std::string::npos) << *result.error;
    EXPECT_NE(result.error->find("Unmatched quote in JAVA_TOOL_OPTIONS"), std::string::npos) << *result.error;
}

TEST(JavaOptionsTokenizer, Jdk8WarnsWhenTheValueIsTooLongForItsBuffer) {
    const std::string at_limit = "-Dx=" + std::string(kJdk8MaxJavaOptionsBytes - 4, 'a');
    ASSERT_EQ(at_limit.size(), 1023u);
    EXPECT_TRUE(tokenize_java_options(at_limit, 8).warnings.empty());

    const std::string over_limit = at_limit + "a";
    const auto result = tokenize_java_options(over_limit, 8);
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_NE(result.warnings[0].find("1024 bytes"), std::string::npos) << result.warnings[0];
    EXPECT_EQ(result.options.size(), 1u) << "the options are still reported as written";
    EXPECT_TRUE(tokenize_java_options(over_limit, 9).warnings.empty()) << "JDK 9+ has no length limit";
}

TEST(JavaOptionsTokenizer, Jdk8WarnsAboutOptionsBeyondTheSixtyFourth) {
    std::string text;
    for (int i = 0; i < 65; ++i) {
        text += "-D" + std::to_string(i) + " ";
    }
    const auto result = tokenize_java_options(text, 8);
    EXPECT_EQ(result.options.size(), 65u);
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_NE(result.warnings[0].find("first 64"), std::string::npos) << result.warnings[0];
    EXPECT_TRUE(tokenize_java_options(text, 17).warnings.empty());
}

struct QuoteCase {
    std::string option;
    std::string expected;
};

TEST(JavaOptionsQuoting, QuotesOnlyWhatNeedsQuotingAndPrefersDoubleQuotes) {
    const std::vector<QuoteCase> cases = {
        {"-Xmx512m", "-Xmx512m"},
        {"-XX:+ExitOnOutOfMemoryError", "-XX:+ExitOnOutOfMemoryError"},
        {"-Dpath=C:\\dir", "-Dpath=C:\\dir"},
        {"-XX:HeapDumpPath=/dumps/my dir/x.hprof", "-XX:HeapDumpPath=\"/dumps/my dir/x.hprof\""},
        {"-Dx=say \"hi\"", "-Dx='say \"hi\"'"},
        {"-Dx=it's", "-Dx=\"it's\""},
        {"-Dx=a\"b'c", "-Dx='a\"b'\"'c\""},
        {"-Dx=\"a'", "-Dx='\"a'\"'\""},
        {"-D\"odd key\"=1", "'-D\"odd key\"=1'"},
        {"a b", "\"a b\""},
        {"", "\"\""},
        {"-Dx=a=b c", "-Dx=\"a=b c\""},
        {"-Dx=\ttab", "-Dx=\"\ttab\""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.option);
        const auto quoted = quote_java_option(c.option);
        ASSERT_TRUE(quoted);
        EXPECT_EQ(*quoted, c.expected);
    }
}

TEST(JavaOptionsQuoting, OptionWithNulCannotBeQuoted) {
    EXPECT_FALSE(quote_java_option(std::string("-Da\0b", 5)));
    const Options options = {"-Da=1", std::string("-Db\0", 4)};
    const auto joined = join_java_options(options, 17);
    ASSERT_TRUE(joined.error);
    EXPECT_NE(joined.error->find("option 2"), std::string::npos) << *joined.error;
    EXPECT_TRUE(joined.value.empty());
}

TEST(JavaOptionsQuoting, JoinSeparatesWithSingleSpacesAndQuotesValuesWithSpaces) {
    const Options options = {"-Xmx1g", "-XX:HeapDumpPath=/dumps/my dir", "-Dgreeting=it's"};
    const auto joined = join_java_options(options, 17);
    ASSERT_FALSE(joined.error);
    EXPECT_EQ(joined.value, "-Xmx1g -XX:HeapDumpPath=\"/dumps/my dir\" -Dgreeting=\"it's\"");
    EXPECT_TRUE(joined.warnings.empty());
}

TEST(JavaOptionsQuoting, JoinWarnsThatTheJvmRejectsAnEmptyOption) {
    const Options options = {"-Xmx1g", ""};
    const auto joined = join_java_options(options, 17);
    ASSERT_FALSE(joined.error);
    EXPECT_EQ(joined.value, "-Xmx1g \"\"");
    ASSERT_EQ(joined.warnings.size(), 1u);
    EXPECT_NE(joined.warnings[0].find("option 2 is empty"), std::string::npos) << joined.warnings[0];
}

TEST(JavaOptionsQuoting, JoinOnJdk8QuotesToo) {
    const Options options = {"-XX:HeapDumpPath=/dumps/my dir"};
    const auto joined = join_java_options(options, 8);
    ASSERT_FALSE(joined.error);
    EXPECT_EQ(joined.value, "-XX:HeapDumpPath=\"/dumps/my dir\"");
    EXPECT_TRUE(joined.warnings.empty());
}

TEST(JavaOptionsQuoting, JoinOnJdk8WarnsWhenTheValueExceedsTheBuffer) {
    const Options options = {"-Dx=" + std::string(600, 'a'), "-Dy=" + std::string(600, 'b')};
    const auto joined8 = join_java_options(options, 8);
    ASSERT_FALSE(joined8.error);
    ASSERT_EQ(joined8.warnings.size(), 1u);
    EXPECT_NE(joined8.warnings[0].find("1209 bytes"), std::string::npos) << joined8.warnings[0];
    EXPECT_TRUE(join_java_options(options, 11).warnings.empty());
}

// The property the builder relies on: whatever options jvminit decides on, the JVM reads exactly those.
TEST(JavaOptionsRoundTrip, TokenizingTheJoinedValueGivesBackTheOptions) {
    const Options tricky = {
        "-Xmx1g",
        "",
        " ",
        "a b",
        "-XX:HeapDumpPath=/dumps/my dir/java.hprof",
        "-Dx=\"",
        "-Dx='",
        "\"",
        "'",
        "\"'",
        "'\"",
        "''\"\"",
        "-Dx=a\"b'c",
        "-Dx=\"'\"'\"'",
        "-Dx=\ttab\nnewline\rcr\vvt\fff",
        "-Dx=trailing ",
        " leading",
        "-Dx=\\",
        "-Dx=\\\" \\'",
        "-Dx=a=b c",
        "=a b",
        "-Dx=",
        "-D\xc3\xa9=\xc3\xbc \xc3\xbc",
        "\xc2\xa0",
        "-Dx=''",
        "-Dx=\"\"",
        "-Xlog:gc*:file=/var/log/my app/gc.log:time,uptime:filecount=5,filesize=10M",
    };
    for (const int jdk : {8, 17}) {
        SCOPED_TRACE("JDK " + std::to_string(jdk));
        // one option at a time, then all together
        for (const auto& option : tricky) {
            SCOPED_TRACE(option);
            const Options one = {option};
            const auto joined = join_java_options(one, jdk);
            ASSERT_FALSE(joined.error);
            const auto back = tokenize_java_options(joined.value, jdk);
            ASSERT_FALSE(back.error) << *back.error << " in " << joined.value;
            EXPECT_EQ(back.options, one) << "joined: " << joined.value;
        }
        const auto joined = join_java_options(tricky, jdk);
        ASSERT_FALSE(joined.error);
        const auto back = tokenize_java_options(joined.value, jdk);
        ASSERT_FALSE(back.error) << *back.error;
        EXPECT_EQ(back.options, tricky) << "joined: " << joined.value;
    }
}

TEST(JavaOptionsRoundTrip, JoiningTokenizedUserTextIsStable) {
    // A user's value, tokenized and joined again, reads back the same (though spelled differently).
    const std::string user = "  -Dx=\"a b\"c\n-Dy='q\"' -Xmx1g  \"-Dz=1 2\"";
    const auto first = tokenize_java_options(user, 17);
    ASSERT_FALSE(first.error);
    EXPECT_EQ(first.options, (Options{"-Dx=a bc", "-Dy=q\"", "-Xmx1g", "-Dz=1 2"}));
    const auto joined = join_java_options(first.options, 17);
    EXPECT_EQ(joined.value, "-Dx=\"a bc\" -Dy='q\"' -Xmx1g -Dz=\"1 2\"");
    EXPECT_EQ(tokenize_java_options(joined.value, 17).options, first.options);
}

// ---------------------------------------------------------------------------------------------------------
// @argfiles: the java launcher's rules (args.c), not JAVA_TOOL_OPTIONS's. Each row with "(java 17)" was run
// as `java @file P` on OpenJDK 17, P printing the system properties it got (found by a review: a trailing
// `# comment` made the word `#` the main class, so the options after it were missed).

TEST(Argfile, SplitsAsTheJavaLauncherReadsIt) {
    struct Case {
        const char* scenario;
        std::string text;
        Options words;
    };
    const std::vector<Case> cases = {
        {"one a line", "-Xmx1g\n-Xss1m\nMain\n", {"-Xmx1g", "-Xss1m", "Main"}},
        {"space, tab, CR, LF and FF separate", "a b\tc\r\nd\fe", {"a", "b", "c", "d", "e"}},
        {"a comment line", "# -Xmx1g\n  # also\n-Xss1m", {"-Xss1m"}},
        {"a comment after a word (java 17)", "-Db=1 # comment -Dc=2\n-Xmx64m", {"-Db=1", "-Xmx64m"}},
        {"a # in the middle of a word drops the word (java 17: -Da=abc#def sets nothing)",
         "-Da=abc#def\n-Db=1",
         {"-Db=1"}},
        {"a quoted part before the # joins the next word (java 17)", "-Da=\"x\"y#z\n-Db=1", {"-Da=x-Db=1"}},
        {"a word closed by a quote before the # too (java 17)",
         "-Da=1\n\"-Db=2\"#x\n-Dc=3 P",
         {"-Da=1", "-Db=2-Dc=3", "P"}},
        {"a # in quotes is a character", "-Dx=\"a#b\" '#c'", {"-Dx=a#b", "#c"}},
        {"a quote closes at the end of the line (java 17)",
         "-Da=1 -Db=\"unterminated\n-Dc=3",
         {"-Da=1", "-Db=unterminated", "-Dc=3"}},
        {"whitespace in quotes is kept", "-Dd=\"x y\" '-De=a\tb'", {"-Dd=x y", "-De=a\tb"}},
        {"the other quote kind in quotes is a character", "\"it's\" 'say \"hi\"'", {"it's", "say \"hi\""}},
        {"an escaped quote in quotes (java 17)", "-De=\"q\\\"r\"", {"-De=q\"r"}},
        {"escapes in quotes (java 17: \\t)", "-Df='s\\tt' \"\\n\\r\\f\\\\\\q\"", {"-Df=s\tt", "\n\r\f\\q"}},
        {"a backslash outside quotes is a character", "-Dp=C:\\dir\\x", {"-Dp=C:\\dir\\x"}},
        {"a backslash at a quoted line's end joins the next line without its indent (java 17)",
         "-Dg=\"long\\\n     line\"",
         {"-Dg=longline"}},
        {"an empty quoted word", "\"\" x", {"", "x"}},
        {"the last word without a newline", "a b", {"a", "b"}},
        {"the last word in an open quote", "a \"b c", {"a", "b c"}},
        {"a comment as the last line", "a\n# b", {"a"}},
        {"nothing", "", {}},
        {"only whitespace and comments", "  \n# x\n\t\n", {}},
        {"@@ and @ are words", "@@x @", {"@@x", "@"}},
    };
    for (const auto& c : cases) EXPECT_EQ(tokenize_argfile(c.text), c.words) << c.scenario;
}

}  // namespace
}  // namespace jvminit
