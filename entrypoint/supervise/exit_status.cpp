#include "supervise/exit_status.hpp"

#include <sys/wait.h>

#include "config/values.hpp"

namespace jvminit::supervise {

int exit_code_for(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return 1;  // stopped/continued are not endings; never passed here by the loop
}

std::string describe_wait_status(int wait_status) {
    if (WIFEXITED(wait_status)) return "exited with code " + std::to_string(WEXITSTATUS(wait_status));
    if (WIFSIGNALED(wait_status)) {
        int sig = WTERMSIG(wait_status);
        std::string text = "was killed by signal " + std::to_string(sig) + " (" + config::signal_name(sig) + ")";
        if (WCOREDUMP(wait_status)) text += ", core dumped";
        return text;
    }
    return "ended with wait status " + std::to_string(wait_status);
}

EndKind classify_end(const ChildOutcome& outcome) {
    const int status = outcome.wait_status;
    if (outcome.killed_after_grace && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        return EndKind::KilledAtGraceEnd;
    for (const int sig : outcome.stop_signals) {
        // A JVM exits normally with 128+N after running its shutdown hooks; other programs die by the signal.
        if ((WIFEXITED(status) && WEXITSTATUS(status) == 128 + sig) || (WIFSIGNALED(status) && WTERMSIG(status) == sig))
            return EndKind::StoppedOnRequest;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? EndKind::Success : EndKind::Failure;
    return EndKind::KilledBySignal;
}

int exit_code_for(const ChildOutcome& outcome, bool stop_exit_zero) {
    if (stop_exit_zero && !outcome.grace_period_ran_out && !outcome.descendant_failed_during_stop &&
        classify_end(outcome) == EndKind::StoppedOnRequest)
        return 0;
    return exit_code_for(outcome.wait_status);
}

bool ended_by_a_stop(int wait_status) {
    if (WIFEXITED(wait_status)) {
        const int code = WEXITSTATUS(wait_status);
        return code == 0 || code == 128 + SIGTERM || code == 128 + SIGINT || code == 128 + SIGHUP ||
               code == 128 + SIGPIPE;
    }
    if (WIFSIGNALED(wait_status)) {
        const int sig = WTERMSIG(wait_status);
        return sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGPIPE;
    }
    return false;
}

const char* to_string(EndKind kind) {
    switch (kind) {
        case EndKind::Success: return "success";
        case EndKind::Failure: return "failure";
        case EndKind::StoppedOnRequest: return "stopped on request";
        case EndKind::KilledAtGraceEnd: return "killed at the end of the grace period";
        case EndKind::KilledBySignal: return "killed by a signal";
    }
    return "unknown";
}

}  // namespace jvminit::supervise
