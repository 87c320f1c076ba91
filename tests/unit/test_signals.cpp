// sys/signals.hpp: SignalFd blocks every signal but SIGPIPE for as long as it lives, and what its destructor
// gives back: the previous mask and SIGPIPE's disposition, or (keep_blocked_at_exit) nothing, so that a signal
// that arrives on jvminit's way out cannot take the exit status with it (sigprocmask(2)).
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <ctime>

#include "config/values.hpp"
#include "sys/signals.hpp"

namespace jvminit::sys {
namespace {

bool blocked(int signal_number) {
    sigset_t mask;
    sigprocmask(SIG_SETMASK, nullptr, &mask);
    return sigismember(&mask, signal_number) == 1;
}

bool pending(int signal_number) {
    sigset_t set;
    sigpending(&set);
    return sigismember(&set, signal_number) == 1;
}

bool sigpipe_ignored() {
    struct sigaction action {};
    sigaction(SIGPIPE, nullptr, &action);
    return action.sa_handler == SIG_IGN;
}

// Runs each test from an empty mask and SIGPIPE's default disposition, and puts back what the test found.
class SignalFdTest : public ::testing::Test {
protected:
    void SetUp() override {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, &saved_mask_);
        struct sigaction default_action {};
        default_action.sa_handler = SIG_DFL;
        sigaction(SIGPIPE, &default_action, &saved_sigpipe_);
    }
    void TearDown() override {
        // A SIGUSR1 a test left pending is taken here, while it is still blocked.
        sigset_t usr1;
        sigemptyset(&usr1);
        sigaddset(&usr1, SIGUSR1);
        sigprocmask(SIG_BLOCK, &usr1, nullptr);
        const timespec no_wait{0, 0};
        while (sigtimedwait(&usr1, nullptr, &no_wait) == SIGUSR1) {
        }
        sigprocmask(SIG_SETMASK, &saved_mask_, nullptr);
        sigaction(SIGPIPE, &saved_sigpipe_, nullptr);
    }

private:
    sigset_t saved_mask_{};
    struct sigaction saved_sigpipe_ {};
};

TEST_F(SignalFdTest, BlocksEverySignalButSigpipeWhileItLivesAndRestoresAfter) {
    {
        SignalFd signals;
        EXPECT_GE(signals.fd(), 0);
        for (int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGUSR1, SIGTSTP, SIGRTMIN})
            EXPECT_TRUE(blocked(signal_number)) << config::signal_name(signal_number);
        EXPECT_FALSE(blocked(SIGPIPE));
        EXPECT_TRUE(sigpipe_ignored());
        EXPECT_FALSE(sigismember(&signals.original_mask(), SIGTERM));
    }
    EXPECT_FALSE(blocked(SIGTERM));
    EXPECT_FALSE(blocked(SIGUSR1));
    EXPECT_FALSE(sigpipe_ignored());
}

TEST_F(SignalFdTest, ABlockedSignalIsReadFromTheSignalfd) {
    SignalFd signals;
    ASSERT_EQ(raise(SIGUSR1), 0);  // default action: terminate; blocked, so it waits in the signalfd
    int read = 0;
    if (const auto info = signals.wait(std::chrono::milliseconds(1000))) read = static_cast<int>(info->ssi_signo);
    EXPECT_EQ(read, SIGUSR1);
}

TEST_F(SignalFdTest, WaitingWithoutATimeoutReturnsAPendingSignalAndThenTheNext) {
    SignalFd signals;
    ASSERT_EQ(raise(SIGUSR2), 0);
    ASSERT_EQ(raise(SIGUSR1), 0);
    // Both already pending: the blocking read returns at once, the lower number first.
    const auto first = signals.wait(std::nullopt);
    const auto second = signals.wait(std::nullopt);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(static_cast<int>(first->ssi_signo), SIGUSR1);
    EXPECT_EQ(static_cast<int>(second->ssi_signo), SIGUSR2);
    // Nothing pending now: a zero timeout returns nothing at once.
    EXPECT_FALSE(signals.wait(std::chrono::milliseconds(0)));
}

TEST_F(SignalFdTest, KeepBlockedAtExitLeavesASignalThatArrivedOnTheWayOutPendingAndBlocked) {
    {
        SignalFd signals;
        signals.keep_blocked_at_exit();
        ASSERT_EQ(raise(SIGUSR1), 0);  // after the last read (TearDown takes it)
    }
    EXPECT_TRUE(blocked(SIGUSR1));
    EXPECT_TRUE(pending(SIGUSR1));
    EXPECT_TRUE(blocked(SIGTERM));
    EXPECT_TRUE(sigpipe_ignored()) << "the disposition is left as it is too";
}

// The scenario of the fix, in a child process each (gtest death tests): a SIGTERM arrives after the last read
// and the process then ends with its own status. Given the mask back, the process dies of the SIGTERM; kept
// blocked, it exits with its status (jvminit: the child's). tests/e2e/test_regressions.sh (t.) runs the
// same through jvminit itself.
TEST(SignalFdDeathTest, RestoringTheMaskDeliversASignalThatArrivedAfterTheLastRead) {
    EXPECT_EXIT(
        {
            {
                SignalFd signals;
                raise(SIGTERM);
            }
            std::exit(5);
        },
        ::testing::KilledBySignal(SIGTERM), "");
}

TEST(SignalFdDeathTest, KeptBlockedASignalThatArrivedAfterTheLastReadDoesNotTakeTheExitStatus) {
    EXPECT_EXIT(
        {
            {
                SignalFd signals;
                signals.keep_blocked_at_exit();
                raise(SIGTERM);
            }
            std::exit(5);
        },
        ::testing::ExitedWithCode(5), "");
}

}  // namespace
}  // namespace jvminit::sys
