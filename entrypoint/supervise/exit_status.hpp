// How the child ended, and the status jvminit exits with. Pure: the raw wait status comes from the
// supervision loop. Follows wait(2) and the shell convention (128+N for death by signal N), as tini does.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace jvminit::supervise {

// What the supervision loop saw of the main child's end. The exit classifier reads this beside the loop.
struct ChildOutcome {
    pid_t pid = -1;
    int wait_status = 0;  // raw status from waitpid(2)
    // Each stop signal (SIGTERM, SIGINT) jvminit forwarded to the main child and kill(2) delivered, once each,
    // in order. Empty: no stop signal reached the child from jvminit (none came, or each was refused).
    std::vector<int> stop_signals;
    bool killed_after_grace = false;    // jvminit's SIGKILL at the grace period's end reached the main child
    bool grace_period_ran_out = false;  // a process was left when the grace period ended: SIGKILL was needed
    // A descendant other than the main child ended otherwise than by a stop during the stop (exit code not
    // 0 nor 128+N, or death by a signal N, for N other than SIGTERM, SIGINT, SIGHUP, SIGPIPE): the JVM behind
    // a shell that failed in its shutdown hook, crashed, or was OOM-killed. Its status is in the debug log.
    bool descendant_failed_during_stop = false;
    // When the grace period of a stop requested by a SIGTERM or SIGINT ends (steady clock): nullopt without such
    // a request. An orchestrator's SIGKILL follows some time after its request (Docker: 10 s).
    std::optional<std::chrono::steady_clock::time_point> stop_grace_period_end;
};

// The exit code jvminit passes on: the child's exit code (0-255), or 128+N when signal N killed it.
int exit_code_for(int wait_status);

// "exited with code 3", "was killed by signal 9 (SIGKILL)", "was killed by signal 6 (SIGABRT), core dumped".
std::string describe_wait_status(int wait_status);

// The kinds of ending jvminit tells apart today. The OOM classifier (JVM OutOfMemoryError, kernel OOM kill,
// crash) extends this from the same ChildOutcome plus the evidence it collects (cgroup counters, hs_err files).
enum class EndKind {
    Success,           // exit code 0
    Failure,           // exit code 1-255 on its own
    StoppedOnRequest,  // ended by a stop signal jvminit forwarded (JVM: 143 after SIGTERM, 130 after SIGINT)
    KilledAtGraceEnd,  // jvminit's SIGKILL after the grace period
    KilledBySignal,    // any other death by signal
};
EndKind classify_end(const ChildOutcome& outcome);

// Whether a process's wait status (waitpid(2)) is what a stop leaves: exit 0 or 128+N, or death by N, for N
// one of SIGTERM, SIGINT, SIGHUP (the signals of a stop) and SIGPIPE (a pipeline's writer as its reader
// stops). For the descendants that end during a stop (ChildOutcome::descendant_failed_during_stop).
bool ended_by_a_stop(int wait_status);
const char* to_string(EndKind kind);

// The status jvminit exits with: exit_code_for(outcome.wait_status), except 0 for an ending of kind
// StoppedOnRequest when `stop_exit_zero` (setting stop.exit_zero; tini's `-e 143`, pid1-behaviour.md
// scenario 9), the grace period did not run out and no descendant failed during the stop (a JVM behind a
// shell cut off in its shutdown hooks, or failing in them, is no success). Any other ending keeps its status.
int exit_code_for(const ChildOutcome& outcome, bool stop_exit_zero);

}  // namespace jvminit::supervise
