// How the child ended and the status jvminit exits with (supervise/exit_status.hpp): the child's exit code,
// or 128+N for death by signal N, as wait(2) reports it and the shell and tini do.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <optional>
#include <string>
#include <vector>

#include "supervise/exit_status.hpp"

namespace jvminit::supervise {
namespace {

int exited(int code) {
    return W_EXITCODE(code, 0);
}
int signaled(int signal_number) {
    return W_EXITCODE(0, signal_number);
}
int signaled_with_core(int signal_number) {
    return W_EXITCODE(0, signal_number) | WCOREFLAG;
}

TEST(ExitStatus, EveryExitCodeFrom0To255PassesThrough) {
    for (int code = 0; code <= 255; ++code) {
        SCOPED_TRACE("exit code " + std::to_string(code));
        ASSERT_TRUE(WIFEXITED(exited(code)));
        EXPECT_EQ(exit_code_for(exited(code)), code);
        EXPECT_EQ(describe_wait_status(exited(code)), "exited with code " + std::to_string(code));
    }
}

TEST(ExitStatus, DeathBySignalNIsReportedAs128PlusN) {
    for (int sig = 1; sig <= 64; ++sig) {
        SCOPED_TRACE("signal " + std::to_string(sig));
        ASSERT_TRUE(WIFSIGNALED(signaled(sig)));
        EXPECT_EQ(exit_code_for(signaled(sig)), 128 + sig);
        EXPECT_EQ(exit_code_for(signaled_with_core(sig)), 128 + sig) << "a core dump changes nothing";
        std::string text = describe_wait_status(signaled(sig));
        EXPECT_TRUE(text.starts_with("was killed by signal " + std::to_string(sig) + " (SIG")) << text;
        EXPECT_TRUE(text.ends_with(")")) << text;
        EXPECT_TRUE(describe_wait_status(signaled_with_core(sig)).ends_with("), core dumped"));
    }
}

struct DescribeCase {
    int wait_status;
    std::string text;
};

TEST(ExitStatus, DescriptionsNameTheCodeOrTheSignal) {
    const std::vector<DescribeCase> cases = {
        {exited(0), "exited with code 0"},
        {exited(3), "exited with code 3"},
        {exited(143), "exited with code 143"},
        {signaled(SIGKILL), "was killed by signal 9 (SIGKILL)"},
        {signaled(SIGTERM), "was killed by signal 15 (SIGTERM)"},
        {signaled(SIGINT), "was killed by signal 2 (SIGINT)"},
        {signaled(SIGHUP), "was killed by signal 1 (SIGHUP)"},
        {signaled(SIGSEGV), "was killed by signal 11 (SIGSEGV)"},
        {signaled(SIGABRT), "was killed by signal 6 (SIGABRT)"},
        {signaled_with_core(SIGABRT), "was killed by signal 6 (SIGABRT), core dumped"},
        {signaled_with_core(SIGSEGV), "was killed by signal 11 (SIGSEGV), core dumped"},
        {signaled(SIGRTMIN), "was killed by signal " + std::to_string(SIGRTMIN) + " (SIGRTMIN)"},
        {signaled(SIGRTMIN + 3), "was killed by signal " + std::to_string(SIGRTMIN + 3) + " (SIGRTMIN+3)"},
        {signaled(SIGRTMAX - 2), "was killed by signal " + std::to_string(SIGRTMAX - 2) + " (SIGRTMAX-2)"},
        {signaled(SIGRTMAX), "was killed by signal " + std::to_string(SIGRTMAX) + " (SIGRTMAX)"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        EXPECT_EQ(describe_wait_status(c.wait_status), c.text);
    }
}

TEST(ExitStatus, KernelOomKillAndJvmExitOnOomHaveTheShellsCodes) {
    // jvm-facts.md: ExitOnOutOfMemoryError exits 3; the kernel OOM killer's SIGKILL shows as 137;
    // CrashOnOutOfMemoryError dies by SIGABRT (134); a JVM stopped by SIGTERM exits 143 on its own.
    EXPECT_EQ(exit_code_for(exited(3)), 3);
    EXPECT_EQ(exit_code_for(signaled(SIGKILL)), 137);
    EXPECT_EQ(exit_code_for(signaled_with_core(SIGABRT)), 134);
    EXPECT_EQ(exit_code_for(exited(143)), 143);
}

ChildOutcome outcome_of(int wait_status, std::vector<int> stop_signals, bool killed_after_grace,
                        bool grace_period_ran_out = false, bool descendant_failed = false) {
    ChildOutcome outcome;
    outcome.pid = 42;
    outcome.wait_status = wait_status;
    outcome.stop_signals = std::move(stop_signals);
    outcome.killed_after_grace = killed_after_grace;
    outcome.grace_period_ran_out = grace_period_ran_out;
    outcome.descendant_failed_during_stop = descendant_failed;
    return outcome;
}

struct ClassifyCase {
    const char* scenario;
    int wait_status;
    std::vector<int> stop_signals;
    bool killed_after_grace;
    EndKind expected;
};

TEST(ExitClassifier, TellsTheKindsOfEndingApart) {
    const std::vector<ClassifyCase> cases = {
        {"exit 0", exited(0), {}, false, EndKind::Success},
        {"exit 1", exited(1), {}, false, EndKind::Failure},
        {"exit 3 (ExitOnOutOfMemoryError)", exited(3), {}, false, EndKind::Failure},
        {"exit 255", exited(255), {}, false, EndKind::Failure},
        {"exit 143 without a stop request is a failure", exited(143), {}, false, EndKind::Failure},
        {"JVM exits 143 after SIGTERM", exited(143), {SIGTERM}, false, EndKind::StoppedOnRequest},
        {"JVM exits 130 after SIGINT", exited(130), {SIGINT}, false, EndKind::StoppedOnRequest},
        {"exit 130 after SIGTERM then SIGINT: the second stop obeyed",
         exited(130),
         {SIGTERM, SIGINT},
         false,
         EndKind::StoppedOnRequest},
        {"exit 130 after SIGTERM is not the requested stop", exited(130), {SIGTERM}, false, EndKind::Failure},
        {"exit 1 after SIGTERM is a failure", exited(1), {SIGTERM}, false, EndKind::Failure},
        {"exit 0 after SIGTERM is a success", exited(0), {SIGTERM}, false, EndKind::Success},
        {"program dies by the forwarded SIGTERM", signaled(SIGTERM), {SIGTERM}, false, EndKind::StoppedOnRequest},
        {"program dies by the forwarded SIGINT", signaled(SIGINT), {SIGINT}, false, EndKind::StoppedOnRequest},
        {"death by SIGINT after SIGTERM", signaled(SIGINT), {SIGTERM}, false, EndKind::KilledBySignal},
        {"SIGKILL at the end of the grace period", signaled(SIGKILL), {SIGTERM}, true, EndKind::KilledAtGraceEnd},
        {"SIGKILL at grace end without a stop request (child exited, descendants lingered)",
         signaled(SIGKILL),
         {},
         true,
         EndKind::KilledAtGraceEnd},
        {"SIGKILL from elsewhere (kernel OOM killer)", signaled(SIGKILL), {}, false, EndKind::KilledBySignal},
        {"SIGKILL during a stop but not jvminit's", signaled(SIGKILL), {SIGTERM}, false, EndKind::KilledBySignal},
        {"grace ended but the child had exited by itself", exited(0), {SIGTERM}, true, EndKind::Success},
        {"grace ended but the child died of another signal",
         signaled(SIGSEGV),
         {SIGTERM},
         true,
         EndKind::KilledBySignal},
        {"SIGSEGV", signaled(SIGSEGV), {}, false, EndKind::KilledBySignal},
        {"SIGABRT with a core (CrashOnOutOfMemoryError)",
         signaled_with_core(SIGABRT),
         {},
         false,
         EndKind::KilledBySignal},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        EXPECT_STREQ(to_string(classify_end(outcome_of(c.wait_status, c.stop_signals, c.killed_after_grace))),
                     to_string(c.expected));
    }
}

struct StopExitZeroCase {
    const char* scenario;
    int wait_status;
    std::vector<int> stop_signals;
    bool killed_after_grace;
    int without;  // exit code with stop.exit_zero off
    int with;     // and on
    bool grace_period_ran_out = false;
    bool descendant_failed = false;
};

// stop.exit_zero (pid1-behaviour.md scenario 9): only a requested stop the child obeyed becomes 0.
TEST(ExitCodeForOutcome, StopExitZeroTurnsOnlyARequestedStopIntoZero) {
    const std::vector<StopExitZeroCase> cases = {
        {"JVM exits 143 after SIGTERM", exited(143), {SIGTERM}, false, 143, 0},
        {"JVM exits 130 after SIGINT", exited(130), {SIGINT}, false, 130, 0},
        {"program dies by the forwarded SIGTERM", signaled(SIGTERM), {SIGTERM}, false, 143, 0},
        {"exit 143 without a stop request", exited(143), {}, false, 143, 143},
        {"exit 1 after SIGTERM", exited(1), {SIGTERM}, false, 1, 1},
        {"exit 130 after SIGTERM", exited(130), {SIGTERM}, false, 130, 130},
        {"SIGKILL at the end of the grace period", signaled(SIGKILL), {SIGTERM}, true, 137, 137},
        {"exit 3 (OutOfMemoryError) during a stop", exited(3), {SIGTERM}, false, 3, 3},
        {"exit 0", exited(0), {}, false, 0, 0},
        {"SIGSEGV after SIGTERM", signaled(SIGSEGV), {SIGTERM}, false, 139, 139},
        // found by a review: a shell that died of SIGTERM while the JVM behind it got the grace end's SIGKILL
        {"the main child obeyed, a descendant was killed at the grace end",
         signaled(SIGTERM),
         {SIGTERM},
         false,
         143,
         143,
         true},
        {"a JVM behind a shell: the shell exited 143, the JVM was killed",
         exited(143),
         {SIGTERM},
         false,
         143,
         143,
         true},
        // found by a fresh user: the child ignored SIGTERM and obeyed the SIGINT that followed
        {"SIGINT after an ignored SIGTERM, exit 130", exited(130), {SIGTERM, SIGINT}, false, 130, 0},
        {"SIGTERM after an ignored SIGINT, death by SIGTERM", signaled(SIGTERM), {SIGINT, SIGTERM}, false, 143, 0},
        {"exit 143 after SIGINT only", exited(143), {SIGINT}, false, 143, 143},
        {"death by SIGINT after SIGINT (TERM:INT)", signaled(SIGINT), {SIGINT}, false, 130, 0},
        // found by a review: the workload behind the shell failed during the stop (exit 1 in its hook, a crash)
        {"the shell died of SIGTERM, a descendant failed during the stop",
         signaled(SIGTERM),
         {SIGTERM},
         false,
         143,
         143,
         false,
         true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        const ChildOutcome outcome = outcome_of(c.wait_status, c.stop_signals, c.killed_after_grace,
                                                c.grace_period_ran_out, c.descendant_failed);
        EXPECT_EQ(exit_code_for(outcome, false), c.without);
        EXPECT_EQ(exit_code_for(outcome, true), c.with);
    }
}

TEST(EndedByAStop, CountsWhatAStopLeavesAndNothingElse) {
    const std::vector<std::pair<int, bool>> cases = {
        {exited(0), true},          {exited(143), true},
        {exited(130), true},        {exited(129), true},
        {exited(141), true},        {signaled(SIGTERM), true},
        {signaled(SIGINT), true},   {signaled(SIGHUP), true},
        {signaled(SIGPIPE), true},  {exited(1), false},
        {exited(3), false},         {exited(137), false},
        {signaled(SIGKILL), false}, {signaled(SIGSEGV), false},
        {signaled(SIGABRT), false}, {signaled_with_core(SIGABRT), false},
    };
    for (const auto& [status, expected] : cases) {
        SCOPED_TRACE(describe_wait_status(status));
        EXPECT_EQ(ended_by_a_stop(status), expected);
    }
}

TEST(ExitClassifier, EveryKindHasItsOwnName) {
    const std::vector<std::pair<EndKind, std::string>> names = {
        {EndKind::Success, "success"},
        {EndKind::Failure, "failure"},
        {EndKind::StoppedOnRequest, "stopped on request"},
        {EndKind::KilledAtGraceEnd, "killed at the end of the grace period"},
        {EndKind::KilledBySignal, "killed by a signal"},
    };
    for (const auto& [kind, name] : names) EXPECT_EQ(to_string(kind), name);
}

}  // namespace
}  // namespace jvminit::supervise
