// app/logging.hpp: how long jvminit's last lines wait for a lagging log reader.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/logging.hpp"

using namespace std::chrono_literals;
using jvminit::app::kLastLinesWait;
using jvminit::app::last_lines_wait;
using Clock = std::chrono::steady_clock;

TEST(LastLinesWait, TwoSecondsButNeverBeyondARequestedStopsGracePeriod) {
    const Clock::time_point now{1000h};
    struct Case {
        const char* scenario;
        std::optional<Clock::time_point> grace_period_end;
        std::chrono::milliseconds wait;
    };
    const std::vector<Case> cases = {
        {"no stop was requested (the child ended on its own)", std::nullopt, 2000ms},
        {"the grace period ends in 5 s", now + 5s, 2000ms},
        {"exactly 2 s left", now + 2s, 2000ms},
        {"1.5 s left (Docker's SIGKILL comes 2 s after jvminit's 8 s)", now + 1500ms, 1500ms},
        {"0.2 ms left: rounded up", now + 200us, 1ms},
        {"the grace period has just ended", now, 0ms},
        {"the grace period ended a while ago (the SIGKILL was needed)", now - 3s, 0ms},
    };
    EXPECT_EQ(kLastLinesWait, 2000ms);
    for (const auto& c : cases) EXPECT_EQ(last_lines_wait(c.grace_period_end, now), c.wait) << c.scenario;
}
