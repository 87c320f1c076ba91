// The value forms every setting uses (config/values.hpp): one accepted form each, shared by the TOML file,
// the environment and the flags.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/values.hpp"

namespace jvminit::config {
namespace {

using std::chrono::milliseconds;

struct BoolCase {
    std::string text;
    std::optional<bool> expected;
};

TEST(ParseBool, AcceptsTheSixWordsInAnyCaseAndNothingElse) {
    const std::vector<BoolCase> cases = {
        {"true", true},
        {"TRUE", true},
        {"True", true},
        {"tRuE", true},
        {"1", true},
        {"yes", true},
        {"YES", true},
        {"Yes", true},
        {"false", false},
        {"FALSE", false},
        {"False", false},
        {"0", false},
        {"no", false},
        {"NO", false},
        {"No", false},
        {"", std::nullopt},
        {"maybe", std::nullopt},
        {"y", std::nullopt},
        {"n", std::nullopt},
        {"t", std::nullopt},
        {"f", std::nullopt},
        {"on", std::nullopt},
        {"off", std::nullopt},
        {"2", std::nullopt},
        {"01", std::nullopt},
        {"-1", std::nullopt},
        {" true", std::nullopt},
        {"true ", std::nullopt},
        {"true\n", std::nullopt},
        {"yess", std::nullopt},
        {"truefalse", std::nullopt},
        {std::string("true\0", 5), std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("text: '" + c.text + "'");
        EXPECT_EQ(parse_bool(c.text), c.expected);
    }
}

struct IntegerCase {
    std::string text;
    std::int64_t min;
    std::int64_t max;
    std::optional<std::int64_t> expected;
};

TEST(ParseInteger, AcceptsDigitsOnlyWithinTheRange) {
    const std::vector<IntegerCase> cases = {
        {"1", 1, 65535, 1},
        {"5005", 1, 65535, 5005},
        {"65535", 1, 65535, 65535},
        {"65536", 1, 65535, std::nullopt},
        {"70000", 1, 65535, std::nullopt},
        {"0", 1, 65535, std::nullopt},
        {"0", 0, 10, 0},
        {"007", 1, 100, 7},  // leading zeros are still digits only
        {"100", 1, 100, 100},
        {"101", 1, 100, std::nullopt},
        {"", 0, 10, std::nullopt},
        {"abc", 0, 10, std::nullopt},
        {"12abc", 0, 100, std::nullopt},
        {"-1", -10, 10, std::nullopt},  // no sign even when the range allows negatives
        {"+1", 0, 10, std::nullopt},
        {" 1", 0, 10, std::nullopt},
        {"1 ", 0, 10, std::nullopt},
        {"1.0", 0, 10, std::nullopt},
        {"1e3", 0, 10000, std::nullopt},
        {"0x10", 0, 100, std::nullopt},
        {"9223372036854775807", 0, INT64_MAX, INT64_MAX},
        {"9223372036854775808", 0, INT64_MAX, std::nullopt},  // overflow is refused, not wrapped
        {"99999999999999999999999", 0, INT64_MAX, std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("text: '" + c.text + "' range [" + std::to_string(c.min) + ", " + std::to_string(c.max) + "]");
        EXPECT_EQ(parse_integer(c.text, c.min, c.max), c.expected);
    }
}

struct DurationCase {
    std::string text;
    std::optional<milliseconds> expected;
};

TEST(ParseDuration, AcceptsAWholeNumberWithOneUnit) {
    const std::vector<DurationCase> cases = {
        {"500ms", milliseconds(500)},
        {"0ms", milliseconds(0)},
        {"0s", milliseconds(0)},
        {"10s", milliseconds(10'000)},
        {"8s", milliseconds(8'000)},
        {"2m", milliseconds(120'000)},
        {"1h", milliseconds(3'600'000)},
        {"24h", milliseconds(86'400'000)},
        {"1440m", milliseconds(86'400'000)},
        {"86400s", milliseconds(86'400'000)},
        {"86400000ms", milliseconds(86'400'000)},
        {"1500ms", milliseconds(1500)},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("text: '" + c.text + "'");
        EXPECT_EQ(parse_duration(c.text), c.expected);
    }
}

TEST(ParseDuration, RefusesMissingUnitsFractionsSignsAndMoreThanADay) {
    const std::vector<std::string> refused = {
        "",
        "10",
        "forever",
        "s",
        "ms",
        "1.5s",
        "-1s",
        "+1s",
        " 10s",
        "10s ",
        "10 s",
        "10S",
        "10MS",
        "10sec",
        "10min",
        "1d",
        "10us",
        "1h30m",
        "25h",
        "1441m",
        "86401s",
        "86400001ms",
        "999999999h",
        "9999999999ms",
        "99999999999999999999s",
        "1e3ms",
        "0x10s",
        "s10",
    };
    for (const auto& text : refused) {
        SCOPED_TRACE("text: '" + text + "'");
        EXPECT_EQ(parse_duration(text), std::nullopt);
    }
}

struct FormatCase {
    milliseconds duration;
    std::string expected;
};

TEST(FormatDuration, WritesTheShortestExactForm) {
    const std::vector<FormatCase> cases = {
        {milliseconds(0), "0s"},           {milliseconds(1), "1ms"},
        {milliseconds(500), "500ms"},      {milliseconds(1000), "1s"},
        {milliseconds(1500), "1500ms"},    {milliseconds(8000), "8s"},
        {milliseconds(59'000), "59s"},     {milliseconds(60'000), "1m"},
        {milliseconds(90'000), "90s"},     {milliseconds(120'000), "2m"},
        {milliseconds(3'600'000), "1h"},   {milliseconds(5'400'000), "90m"},
        {milliseconds(86'400'000), "24h"}, {milliseconds(3'600'001), "3600001ms"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("ms: " + std::to_string(c.duration.count()));
        EXPECT_EQ(format_duration(c.duration), c.expected);
    }
}

TEST(FormatDuration, ReadsBackThroughParseDurationExactly) {
    const std::vector<std::int64_t> values = {0,      1,         999,       1000,      1001,       8000,      60'000,
                                              61'000, 3'600'000, 3'660'000, 7'200'000, 86'399'999, 86'400'000};
    for (std::int64_t ms : values) {
        SCOPED_TRACE("ms: " + std::to_string(ms));
        std::string text = format_duration(milliseconds(ms));
        EXPECT_EQ(parse_duration(text), milliseconds(ms)) << text;
    }
}

struct DistanceCase {
    std::string a;
    std::string b;
    std::size_t expected;
};

TEST(EditDistance, CountsInsertionsDeletionsSubstitutionsAndSwaps) {
    const std::vector<DistanceCase> cases = {
        {"", "", 0},
        {"abc", "", 3},
        {"", "abc", 3},
        {"abc", "abc", 0},
        {"kitten", "sitting", 3},
        {"flaw", "lawn", 2},
        {"JVMINIT_DEBUG_PROT", "JVMINIT_DEBUG_PORT", 1},  // a swap of neighbours is one edit
        {"TREM", "TERM", 1},
        {"ab", "ba", 1},
        {"abc", "ca", 3},  // optimal string alignment: no edit of a swapped pair
        {"TREM", "TRAP", 2},
        {"JVMINIT_DEBUG_PRT", "JVMINIT_DEBUG_PORT", 1},
        {"port", "Port", 1},  // case-sensitive
        {"enabled", "enable", 1},
        {"a", "b", 1},
        {"abcdef", "azcdxf", 2},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("'" + c.a + "' vs '" + c.b + "'");
        EXPECT_EQ(edit_distance(c.a, c.b), c.expected);
        EXPECT_EQ(edit_distance(c.b, c.a), c.expected) << "the distance is symmetric";
    }
}

struct SignalCase {
    std::string text;
    std::optional<int> expected;
};

TEST(ParseSignal, TakesNamesWithOrWithoutSigInAnyCaseRealTimeFormsAndNumbers) {
    const std::vector<SignalCase> cases = {
        {"HUP", SIGHUP},
        {"SIGHUP", SIGHUP},
        {"sigterm", SIGTERM},
        {"usr2", SIGUSR2},
        {"Winch", SIGWINCH},
        {"15", SIGTERM},
        {"1", SIGHUP},
        {"31", SIGSYS},
        {"RTMIN", SIGRTMIN},
        {"SIGRTMIN+3", SIGRTMIN + 3},
        {"rtmax", SIGRTMAX},
        {"RTMAX-1", SIGRTMAX - 1},
        {"64", SIGRTMAX},
        {"34", SIGRTMIN},
        {"RTMAX-30", SIGRTMAX - 30},  // 34
        {"IO", SIGIO},                // kill(1)'s names besides sigabbrev_np's POLL and ABRT
        {"sigio", SIGIO},
        {"POLL", SIGPOLL},
        {"IOT", SIGABRT},
        {"CLD", SIGCHLD},
        // refused
        {"", std::nullopt},
        {"0", std::nullopt},
        {"65", std::nullopt},
        {"32", std::nullopt},  // glibc's own (signal(7))
        {"33", std::nullopt},
        {"-15", std::nullopt},
        {"SIG", std::nullopt},
        {"SIG15", std::nullopt},
        {"TERMINATE", std::nullopt},
        {" HUP", std::nullopt},
        {"RTMIN-1", std::nullopt},
        {"RTMAX+1", std::nullopt},
        {"RTMIN+31", std::nullopt},
        {"RTMAX-31", std::nullopt},  // 33
        {"RTMIN+", std::nullopt},
        {"RTMIN3", std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("text: '" + c.text + "'");
        EXPECT_EQ(parse_signal(c.text), c.expected);
    }
}

struct RewriteCase {
    std::string text;
    std::optional<std::vector<SignalRewrite>> expected;
};

TEST(ParseSignalRewrite, TakesFromToPairsAndRefusesAnythingElse) {
    using Rules = std::vector<SignalRewrite>;
    const std::vector<RewriteCase> cases = {
        {"", Rules{}},
        {"HUP:drop", Rules{{SIGHUP, 0}}},
        {"HUP:DROP", Rules{{SIGHUP, 0}}},
        {"HUP:drop,USR2:drop", Rules{{SIGHUP, 0}, {SIGUSR2, 0}}},
        {"HUP:drop, USR2:TERM", Rules{{SIGHUP, 0}, {SIGUSR2, SIGTERM}}},
        {"15:2", Rules{{SIGTERM, SIGINT}}},
        {"SIGTERM:SIGQUIT", Rules{{SIGTERM, SIGQUIT}}},
        {"RTMIN+2:USR1", Rules{{SIGRTMIN + 2, SIGUSR1}}},
        {"ABRT:KILL", Rules{{SIGABRT, SIGKILL}}},  // what is sent may be anything
        {"HUP : drop", Rules{{SIGHUP, 0}}},        // spaces around ':' too (found by a fresh user)
        {" HUP:drop , USR2: TERM ", Rules{{SIGHUP, 0}, {SIGUSR2, SIGTERM}}},
        {"IO:drop,IOT:TERM", Rules{{SIGIO, 0}, {SIGABRT, SIGTERM}}},
        // refused
        {"HUP", std::nullopt},
        {"HUP:", std::nullopt},
        {":drop", std::nullopt},
        {"HUP:drop,", std::nullopt},
        {",HUP:drop", std::nullopt},
        {"HUP:drop,,USR2:drop", std::nullopt},
        {"HUP:drop,HUP:TERM", std::nullopt},     // the same FROM twice
        {"HUP:drop,SIGHUP:drop", std::nullopt},  // spelled differently
        {"KILL:drop", std::nullopt},             // cannot be caught
        {"STOP:drop", std::nullopt},
        {"CHLD:drop", std::nullopt},  // jvminit reaps on it
        {"PIPE:TERM", std::nullopt},  // ignored, never forwarded
        {"HUP:nothing", std::nullopt},
        {"HUP:drop;USR2:drop", std::nullopt},
        {"HUP=drop", std::nullopt},
        {"HUP:0", std::nullopt},
        {"  ", std::nullopt},        // spaces only: would clear the file's rules unseen (found by a fresh user)
        {"CLD:drop", std::nullopt},  // CHLD
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("text: '" + c.text + "'");
        EXPECT_EQ(parse_signal_rewrite(c.text), c.expected);
    }
}

TEST(FormatSignalRewrite, GivesBackTheFormTheParserTakes) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", ""},
        {"sighup:drop", "HUP:drop"},
        {"15:2, 12:drop", "TERM:INT,USR2:drop"},
        {"SIGRTMIN+2:rtmin", "RTMIN+2:RTMIN"},
        {"RTMAX-1:64", "RTMAX-1:RTMAX"},  // as kill -l names the upper half
        {"RTMIN+15:RTMIN+16", "RTMIN+15:RTMAX-14"},
        {"io:iot", "IO:ABRT"},  // 29 as bash's kill -l and Docker name it
    };
    for (const auto& [text, shown] : cases) {
        SCOPED_TRACE("text: '" + text + "'");
        auto rules = parse_signal_rewrite(text);
        ASSERT_TRUE(rules.has_value());
        EXPECT_EQ(format_signal_rewrite(*rules), shown);
        EXPECT_EQ(parse_signal_rewrite(shown), rules);
    }
}

// Found by a fresh user: every refusal gave the same sentence. The reason names the entry and what is wrong.
TEST(ParseSignalRewrite, SaysWhichEntryIsWrongAndWhy) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"TREM:INT", "'TREM:INT': 'TREM' is not a signal name or number (did you mean TERM?)"},
        {"HUP:dorp", "'HUP:dorp': 'dorp' is not a signal name or number, nor drop (did you mean drop?)"},
        {"HUP:0", "'HUP:0': write HUP:drop to drop HUP"},  // dumb-init's form for drop
        {"HUP:none", "'HUP:none': write HUP:drop to drop HUP"},
        {"drop:HUP", "'drop:HUP': drop is only a TO (FROM:drop, e.g. HUP:drop)"},
        {"HUP:drop,hup:INT", "'HUP:drop' and 'hup:INT' are two rules for HUP"},
        {"io:drop,sigpoll:SYS", "'io:drop' and 'sigpoll:SYS' are two rules for IO"},
        {"KILL:drop", "'KILL:drop': KILL cannot be rewritten"},
        {"CLD:drop", "'CLD:drop': CHLD cannot be rewritten"},
        {"RTMIN+31:drop",
         "'RTMIN+31:drop': 'RTMIN+31' is not a signal name or number (RTMIN+N and RTMAX-N take N "
         "from 0 to 30)"},
        {"32:HUP", "'32:HUP': '32' is not a signal number (1-31 or 34-64; 32 and 33 are glibc's own)"},
        {"65:HUP", "'65:HUP': '65' is not a signal number"},
        {"TERM:INT HUP:drop",
         "'TERM:INT HUP:drop': 'INT HUP:drop' is not a signal name or number, nor drop (entries are separated by "
         "commas)"},
        {"USR1:drop,HUP", "'HUP' is not FROM:TO"},
        {"HUP:drop,,USR1:drop", "an empty entry"},
        {"  ", "only spaces"},
        {"XYZZY:drop", "'XYZZY:drop': 'XYZZY' is not a signal name or number"},
    };
    for (const auto& [text, reason] : cases) {
        SCOPED_TRACE("text: '" + text + "'");
        std::string why;
        EXPECT_FALSE(parse_signal_rewrite(text, &why).has_value());
        EXPECT_EQ(why.substr(0, reason.size()), reason) << why;
    }
}

// Every bad entry at once, in order, the good ones between them taken (a run of empty entries is said once): a
// user fixing the first should not meet the next only at the next start.
TEST(ParseSignalRewrite, NamesEveryBadEntryNotOnlyTheFirst) {
    std::string why;
    EXPECT_FALSE(parse_signal_rewrite("FOO:drop, HUP:drop,TERM:x,,USR1:drop,,hup:INT", &why).has_value());
    EXPECT_EQ(why,
              "'FOO:drop': 'FOO' is not a signal name or number; 'TERM:x': 'x' is not a signal name or number, nor "
              "drop; an empty entry (two commas in a row, or one at an end); 'HUP:drop' and 'hup:INT' are two rules "
              "for HUP");
    // a FROM twice, the first with a bad TO: both said now, not the second only once the first is fixed (review)
    EXPECT_FALSE(parse_signal_rewrite("HUP:x,HUP:drop", &why).has_value());
    EXPECT_EQ(why,
              "'HUP:x': 'x' is not a signal name or number, nor drop; 'HUP:x' and 'HUP:drop' are two rules for HUP");
    EXPECT_FALSE(parse_signal_rewrite("HUP:drop,", &why).has_value());
    EXPECT_EQ(why, "an empty entry (two commas in a row, or one at an end)");
    EXPECT_EQ(parse_signal_rewrite(" HUP : drop , USR2:TERM ", &why),
              (std::vector<SignalRewrite>{{SIGHUP, 0}, {SIGUSR2, SIGTERM}}));
}

// Found by a fresh user: a distance of two on names of three or four letters is mostly noise.
TEST(ParseSignalRewrite, HintsOnlyPlausibleTypos) {
    const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
        {"TREM:drop", "TERM"},
        {"HUB:drop", "HUP"},
        {"SIGUSR3:drop", {}},
        {"WNICH:drop", "WINCH"},
        {"INFO:drop", {}},
        {"EMT:drop", {}},
        {"LOST:drop", {}},
        {"ERR:drop", {}},
        {"ZERO:drop", {}},
        {"SIG:drop", {}},
        {"TERM:EXIT", {}},
        {"HUP:dorp", "drop"},
        {"HUP:drpo", "drop"},
        {"HUP:none", {}},  // gets "write HUP:drop" instead
        // found by a fresh user: a letter missing or added is a typo too; a tie is no guess
        {"HUP:drp", "drop"},
        {"TERM:INTT", "INT"},
        {"INT:TEM", "TERM"},
        {"usr3:drop", {}},
        {"RTMIN-1:drop", {}},
        {"IN:drop", {}},
    };
    for (const auto& [text, hint] : cases) {
        SCOPED_TRACE("text: '" + text + "'");
        std::string why;
        EXPECT_FALSE(parse_signal_rewrite(text, &why).has_value());
        if (hint)
            EXPECT_NE(why.find("(did you mean " + *hint + "?)"), std::string::npos) << why;
        else
            EXPECT_EQ(why.find("did you mean"), std::string::npos) << why;
    }
}

TEST(ParseSignalRewrite, TabsAroundEntriesAreIgnoredLikeSpaces) {
    EXPECT_EQ(parse_signal_rewrite("\tHUP:drop ,\tUSR2 :\tTERM"),
              (std::optional<std::vector<SignalRewrite>>{{{SIGHUP, 0}, {SIGUSR2, SIGTERM}}}));
}

TEST(RewrittenSignal, ForwardsTheRulesSignalZeroForDropAndOthersUnchanged) {
    const std::vector<SignalRewrite> rules = {{SIGHUP, 0}, {SIGTERM, SIGINT}, {SIGINT, SIGQUIT}};
    EXPECT_EQ(rewritten_signal(SIGHUP, rules), 0);
    EXPECT_EQ(rewritten_signal(SIGTERM, rules), SIGINT);  // not a chain: INT's own rule does not apply again
    EXPECT_EQ(rewritten_signal(SIGINT, rules), SIGQUIT);
    EXPECT_EQ(rewritten_signal(SIGUSR1, rules), SIGUSR1);
    EXPECT_EQ(rewritten_signal(SIGUSR1, {}), SIGUSR1);
}

}  // namespace
}  // namespace jvminit::config
