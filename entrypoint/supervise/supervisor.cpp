#include "supervise/supervisor.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/values.hpp"
#include "supervise/process_tree.hpp"
#include "sys/files.hpp"

namespace jvminit::supervise {

namespace {

using Clock = std::chrono::steady_clock;

// kill(2) gives EPERM when the sender lacks CAP_KILL and the target runs as another user: a container whose
// capabilities were dropped (`--cap-drop=ALL`) and whose child switched users (gosu, setpriv, su-exec).
constexpr const char* kNotPermittedHint =
    " (jvminit lacks CAP_KILL and the process runs as another user: keep CAP_KILL, e.g. --cap-add=KILL, or "
    "run jvminit as the child's user)";

// Signals that stop a process: a job-control stop, or SIGSTOP (forwarded only through signals.rewrite).
// " (for SIGTERM, signals.rewrite)": what came in, beside a signal forwarded instead.
std::string rewritten_from(int received) {
    std::string text(" (for ");
    text += config::signal_name(received);
    text += ", signals.rewrite)";
    return text;
}

// Without /proc, how long a subreaper waits after its SIGKILL to the main child's process group.
constexpr std::chrono::seconds kGiveUpAfterKill{1};

bool is_stop_signal(int sig) {
    return sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU || sig == SIGSTOP;
}

class Supervisor {
public:
    Supervisor(sys::SignalFd& signals, pid_t child, const SupervisorOptions& options)
        : signals_(signals), options_(options) {
        outcome_.pid = child;
    }

    ChildOutcome run() {
        while (!(main_child_ended_ && no_children_left_)) {
            std::optional<std::chrono::milliseconds> timeout;
            if (deadline_) {
                auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - Clock::now());
                timeout = std::max(left, std::chrono::milliseconds(0));
            }
            std::optional<signalfd_siginfo> info;
            try {
                info = signals_.wait(timeout);
            } catch (const std::exception& e) {
                // Should never happen; without the signalfd jvminit cannot wait, so end the grace period now.
                spdlog::error("waiting for signals failed: {}; stopping everything", e.what());
                deadline_ = Clock::now();  // `info` stays empty: the grace period ends below
            }
            if (!info) {
                if (killing_ && !options_.is_pid1 && !proc_usable_ && main_child_ended_) {
                    // Without /proc a subreaper cannot find what left the child's process group, and would
                    // wait for it for ever: it goes to the init above once jvminit has ended.
                    spdlog::warn(
                        "processes outside pid {}'s process group may remain (no /proc of this pid "
                        "namespace to find them); exiting without waiting for them",
                        outcome_.pid);
                    break;
                }
                end_grace_period();
                continue;
            }
            handle(*info);
            // A steady stream of signals must not keep the grace period from ending: poll times out only
            // when none is pending, so the deadline is also checked after each one.
            // Not when that signal's reaping has just left nothing: no SIGKILL is needed then (found by a review).
            if (deadline_ && Clock::now() >= *deadline_ && !(main_child_ended_ && no_children_left_))
                end_grace_period();
        }
        return outcome_;
    }

private:
    void handle(const signalfd_siginfo& info) {
        const int received = static_cast<int>(info.ssi_signo);
        if (received == SIGCHLD) {
            reap();
            return;
        }
        if (static_cast<pid_t>(info.ssi_pid) == ::getpid() && info.ssi_code == SI_USER) {
            // Raised by jvminit itself (e.g. by the kernel for a failed write): not the child's business.
            spdlog::debug("{} raised by jvminit itself; not forwarded", config::signal_name(received));
            return;
        }
        // From here on the signal is the one to forward (signals.rewrite): what it does here follows that one.
        const int sig = config::rewritten_signal(received, options_.signal_rewrite);
        // A SIGTERM or SIGINT that starts no stop is worth a line at info: the runtime's stop will end in its
        // own SIGKILL. Others (a SIGWINCH at every terminal resize) only at debug.
        const bool stop_lost =
            !main_child_ended_ && (received == SIGTERM || received == SIGINT) && sig != SIGTERM && sig != SIGINT;
        const auto level = stop_lost ? spdlog::level::info : spdlog::level::debug;
        const char* consequence = stop_lost ? ": no stop started" : "";
        if (sig == 0) {
            spdlog::log(level, "{} (from pid {}) dropped (signals.rewrite){}", config::signal_name(received),
                        info.ssi_pid, consequence);
            return;
        }
        if (sig != received)
            spdlog::log(level, "{} (from pid {}) rewritten to {} (signals.rewrite){}", config::signal_name(received),
                        info.ssi_pid, config::signal_name(sig), consequence);
        // signalfd hands out pending signals lowest number first, so a SIGTERM (15) can come before the
        // SIGCHLD (17) that says the child stopped: learn the child's state first, or a stopped child would
        // not get its SIGCONT and would hold the SIGTERM until the grace period ends.
        const bool asked_before = descendants_asked_to_stop_;
        if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) reap();
        if (is_stop_signal(sig) && stopping()) {
            // signalfd hands out SIGTERM (15) before SIGTSTP (20) whatever the order they came in: once
            // stopping, a job-control stop would only keep the child from running its shutdown.
            spdlog::debug("{} not forwarded: pid {} is stopping", config::signal_name(sig), outcome_.pid);
            return;
        }
        if (!main_child_ended_) {
            // A stop the terminal sent (Ctrl-Z reaches jvminit when its group has the terminal) or someone sent
            // to jvminit: the child's stop that follows is the job's, which jvminit then joins (follow_job_control).
            if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU || sig == SIGSTOP) job_stop_forwarded_ = true;
            const bool forwarded = forward_to_main_child(sig, info);
            if (sig == SIGTERM || sig == SIGINT) start_stop(sig, received, forwarded);
            return;
        }
        if (sig == SIGTERM && !asked_before && descendants_asked_to_stop_) {
            // The reap just above found the main child ended and sent the remaining processes SIGTERM already:
            // not a second one (a shell's trap would run twice; found by a trial).
            spdlog::debug("{} received as the main child ended; the remaining processes have their SIGTERM",
                          config::signal_name(received));
        } else if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP) {
            spdlog::debug("{} received while remaining processes stop; passing {} on", config::signal_name(received),
                          config::signal_name(sig));
            signal_descendants(sig, true);
        } else {
            spdlog::debug("{} received after the main child ended; nothing to forward {} to",
                          config::signal_name(received), config::signal_name(sig));
        }
    }

    // True when the signal reached the child.
    bool forward_to_main_child(int sig, const signalfd_siginfo& info) {
        spdlog::debug("forwarding {} (from pid {}) to pid {}", config::signal_name(sig), info.ssi_pid, outcome_.pid);
        // The child is not reaped yet (we would know), so its pid is still its own: kill cannot hit another process.
        // A SIGCONT (a shell's `fg` for jvminit) goes to the child's whole group, with the terminal first.
        // What the terminal's keys send (the kernel: SI_KERNEL) went to a whole group; jvminit gets them when its
        // group has the terminal, and passes them on to the child's group as the terminal would have.
        const bool from_terminal = info.ssi_code == SI_KERNEL && info.ssi_pid == 0 &&
                                   (sig == SIGINT || sig == SIGQUIT || sig == SIGTSTP || sig == SIGWINCH);
        const bool forwarded = sig == SIGCONT  ? continue_child()
                               : from_terminal ? ::kill(-outcome_.pid, sig) == 0 || ::kill(outcome_.pid, sig) == 0
                                               : ::kill(outcome_.pid, sig) == 0;
        if (!forwarded) {
            const int error = errno;
            spdlog::error("cannot forward {} to pid {}: {}{}", config::signal_name(sig), outcome_.pid,
                          std::strerror(error), error == EPERM ? kNotPermittedHint : "");
        }
        if (main_child_stopped_ && (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)) {
            // A stopped child would hold the signal pending forever (pid1-behaviour.md scenario 11).
            continue_child();
        }
        return forwarded;
    }

    void start_stop(int sig, int received, bool forwarded) {
        const bool first = !stop_requested_;
        stop_requested_ = true;
        // Only a signal that reached the child can have stopped it (a refused kill, no CAP_KILL, cannot); the
        // child may obey a later one (SIGINT after an ignored SIGTERM).
        if (forwarded &&
            std::find(outcome_.stop_signals.begin(), outcome_.stop_signals.end(), sig) == outcome_.stop_signals.end())
            outcome_.stop_signals.push_back(sig);
        if (!first) return;
        deadline_ = Clock::now() + options_.grace_period;
        outcome_.stop_grace_period_end = deadline_;
        spdlog::info("{}{} {} pid {}; grace period {} before SIGKILL", config::signal_name(sig),
                     sig == received ? std::string() : rewritten_from(received),
                     forwarded ? "forwarded to" : "not delivered to", outcome_.pid,
                     config::format_duration(options_.grace_period));
    }

    // The one place in jvminit that calls waitpid. Reaps until nothing is ready, so a single SIGCHLD
    // standing for several exits loses none (pid1-behaviour.md scenario 3).
    void reap() {
        for (;;) {
            int status = 0;
            pid_t pid = ::waitpid(-1, &status, WNOHANG | WUNTRACED | WCONTINUED);
            if (pid == 0) {
                no_children_left_ = false;
                break;
            }
            if (pid < 0) {
                if (errno == EINTR) continue;
                if (errno != ECHILD) spdlog::error("waitpid failed: {}", std::strerror(errno));
                no_children_left_ = true;
                break;
            }
            // Once reaped, the main child's pid is free: a later process with the same pid (an orphan, or
            // a grandchild while the rest stop) is not the main child, and its status must not replace the
            // one jvminit exits with.
            const bool is_main_child = pid == outcome_.pid && !main_child_ended_;
            if (WIFSTOPPED(status) || WIFCONTINUED(status)) {
                if (is_main_child) main_child_stopped_ = WIFSTOPPED(status);
                if (is_main_child && WIFSTOPPED(status)) {
                    if (stopping())
                        continue_while_stopping(WSTOPSIG(status));
                    else
                        follow_job_control(WSTOPSIG(status));
                } else if (WIFSTOPPED(status) && (stopping() || descendants_asked_to_stop_) && !killing_) {
                    // A remaining process stopped during its grace period (Ctrl-Z) would not finish its shutdown.
                    ::kill(pid, SIGCONT);
                }
                continue;
            }
            if (is_main_child) {
                main_child_ended_ = true;
                outcome_.wait_status = status;
                spdlog::debug("main child pid {} {}", pid, describe_wait_status(status));
            } else {
                spdlog::debug("reaped pid {}: {}", pid, describe_wait_status(status));
                if ((stopping() || descendants_asked_to_stop_) && !killing_ && !ended_by_a_stop(status))
                    outcome_.descendant_failed_during_stop = true;
            }
        }
        if (main_child_ended_ && !no_children_left_ && !descendants_asked_to_stop_ && !killing_)
            ask_descendants_to_stop();
        if (killing_ && !no_children_left_) kill_everything();  // catch what was forked meanwhile
    }

    // Job control for the main child, which jvminit placed in a process group of its own (launcher): what a
    // shell does for a job, so that the terminal's keys keep working and a shell above sees jvminit's job stop.
    //  - Stopped while its group has the terminal (Ctrl-Z, or a program that stops itself, as nano does):
    //    jvminit takes the terminal, with the modes it started with (a raw-mode child such as jshell would
    //    leave Ctrl-C without effect), so the next Ctrl-C comes to jvminit and reaches the child with a SIGCONT.
    //  - Stopped on reading or writing the terminal from the background (SIGTTIN/SIGTTOU) while jvminit's
    //    group has it (`fg` of a running job sends no SIGCONT; a start with `&`): given the terminal, continued.
    //  - Otherwise, and after taking the terminal, as the job of a shell with job control: jvminit stops its
    //    whole process group (a pipeline's other members, a wrapper script), so the shell shows it stopped;
    //    `fg` continues it, and the SIGCONT it passes on gives the child the terminal again (continue_child).
    // tcsetpgrp(3) and tcsetattr(3) from a background group raise SIGTTOU, which jvminit blocks.
    void follow_job_control(int sig) {
        const bool forwarded_stop = std::exchange(job_stop_forwarded_, false);
        const bool terminal = ::isatty(STDIN_FILENO) == 1;
        const pid_t foreground = terminal ? ::tcgetpgrp(STDIN_FILENO) : -1;
        // In a session without a controlling terminal no read or write of one stopped it: someone's kill -TTIN
        // or -TTOU, as a kill -STOP. (With one, stdin may be elsewhere and the child read /dev/tty.)
        const bool on_terminal = (sig == SIGTTIN || sig == SIGTTOU) && (terminal || has_controlling_terminal());
        if (terminal && foreground == outcome_.pid) {
            take_terminal();
            spdlog::debug("pid {} stopped by {} with the terminal; the terminal's keys come to jvminit now",
                          outcome_.pid, config::signal_name(sig));
        } else if (terminal && on_terminal && foreground == ::getpgrp()) {
            continue_child();  // hands the terminal over first
            return;
        } else if (!forwarded_stop && !on_terminal) {
            return;  // someone stopped the child from outside (kill -STOP): not the job's stop
        }
        stop_as_shell_job();
    }

    // While stopping, a stopped main child would hold its SIGTERM until SIGKILL: let it run. Unless it stopped
    // on the terminal from the background (a JVM's Console hook restoring the echo) where jvminit cannot give
    // it the terminal, as the job of a shell: continuing it would only loop on SIGTTOU; jvminit stops as the
    // job instead, and `fg` lets the hook finish.
    void continue_while_stopping(int sig) {
        const bool on_terminal = sig == SIGTTIN || sig == SIGTTOU;
        if (on_terminal && ::isatty(STDIN_FILENO) == 1 && ::tcgetpgrp(STDIN_FILENO) != ::getpgrp() &&
            job_control_shell_above()) {
            stop_as_shell_job();
            return;
        }
        continue_child();
    }

    // Whether jvminit's session has a controlling terminal: /dev/tty opens (tty(4): ENXIO without one).
    static bool has_controlling_terminal() {
        const int fd = ::open("/dev/tty", O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) return false;
        ::close(fd);
        return true;
    }

    // As the job of a shell with job control (job_control_shell_above), stops jvminit's process group.
    void stop_as_shell_job() {
        if (!job_control_shell_above()) return;
        spdlog::debug("pid {} stopped; stopping jvminit's process group too, as its shell's job", outcome_.pid);
        const auto stopped_at = Clock::now();
        ::kill(0,
               SIGSTOP);  // takes effect on the way out of kill(2); `fg` continues jvminit, which continues the child
        // The grace period does not run while the job is stopped: `fg` after a while must not meet a SIGKILL.
        if (deadline_) *deadline_ += Clock::now() - stopped_at;
    }

    // A shell with job control placed jvminit's process group as a job: the group is not the session leader's,
    // and its leader's parent is a shell (/proc/PID/comm). Under tini (`docker run --init`), another init, or a
    // session with no shell above (`docker run -t`: jvminit or a script leads it), nobody would continue it.
    static bool job_control_shell_above() {
        const pid_t group = ::getpgrp();
        if (group == ::getsid(0)) return false;
        pid_t parent = group == ::getpid() ? ::getppid() : 0;
        if (parent == 0) {
            const auto stat = sys::read_file("/proc/" + std::to_string(group) + "/stat", 4096);
            const auto ppid = stat.content ? parse_stat_ppid(*stat.content) : std::nullopt;
            if (!ppid) return false;
            parent = *ppid;
        }
        const auto comm = sys::read_file("/proc/" + std::to_string(parent) + "/comm", 256);
        if (!comm.content) return false;
        std::string_view name = *comm.content;
        if (name.ends_with('\n')) name.remove_suffix(1);
        constexpr std::string_view kShells[] = {"bash", "sh",   "dash", "zsh",  "ksh",  "mksh",   "ash",
                                                "fish", "tcsh", "csh",  "yash", "oksh", "busybox"};
        return std::find(std::begin(kShells), std::end(kShells), name) != std::end(kShells);
    }

    // The terminal to jvminit's group, with the modes jvminit started with; the child's saved for later.
    void take_terminal() {
        if (options_.terminal_modes) {
            termios child_modes{};
            if (::tcgetattr(STDIN_FILENO, &child_modes) == 0) child_modes_ = child_modes;
            ::tcsetattr(STDIN_FILENO, TCSADRAIN, &*options_.terminal_modes);
        }
        ::tcsetpgrp(STDIN_FILENO, ::getpgrp());
    }

    // SIGCONT to the main child's process group (a shell's `fg` continues a whole job), after giving it the
    // terminal (with its own modes again) when jvminit's group has it. True when the signal reached the group.
    bool continue_child() {
        if (::isatty(STDIN_FILENO) == 1 && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp()) {
            if (child_modes_) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &*child_modes_);
            child_modes_.reset();
            ::tcsetpgrp(STDIN_FILENO, outcome_.pid);
        }
        if (::kill(-outcome_.pid, SIGCONT) == 0) return true;
        return ::kill(outcome_.pid, SIGCONT) == 0;  // the group's id is the child's; it may have left it
    }

    void ask_descendants_to_stop() {
        descendants_asked_to_stop_ = true;
        if (!deadline_) deadline_ = Clock::now() + options_.grace_period;
        int count = signal_descendants(SIGTERM, true);
        if (count < 0) {
            spdlog::info("main child ended; sent SIGTERM to the remaining processes, waiting up to {}",
                         config::format_duration(options_.grace_period));
        } else if (count > 0) {
            // To 10 ms up: a grace period that has just started reads "8s", not "7999ms".
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::ceil<std::chrono::duration<std::int64_t, std::centi>>(*deadline_ - Clock::now()));
            spdlog::info("main child ended; sent SIGTERM to {} remaining process(es), waiting up to {}", count,
                         config::format_duration(std::max(left, std::chrono::milliseconds(0))));
        }
    }

    // The processes jvminit signals after the main child: from /proc, or, without a usable one, every process
    // of the namespace as PID 1 (kill(-1)), else the main child's process group (the launch made it its own).
    std::optional<std::vector<pid_t>> descendants() {
        auto found = read_descendants(::getpid());
        if (!found && proc_usable_) {
            proc_usable_ = false;
            spdlog::warn("no /proc of this pid namespace: the processes left are signalled as {}",
                         options_.is_pid1 ? "every process of the namespace (kill -1)"
                                          : "pid " + std::to_string(outcome_.pid) + "'s process group");
        }
        return found;
    }

    // Sends `sig` (and SIGCONT) where descendants() says; the number of processes it reached, -1 for an
    // unknown number (no /proc), 0 for none.
    int signal_descendants(int sig, bool then_continue) {
        const auto found = descendants();
        if (!found) {
            const pid_t target = options_.is_pid1 ? -1 : -outcome_.pid;
            const bool reached = ::kill(target, sig) == 0;
            if (then_continue) ::kill(target, SIGCONT);
            return reached ? -1 : 0;
        }
        int count = 0;
        for (pid_t pid : *found) {
            if (::kill(pid, sig) == 0) ++count;
            if (then_continue) ::kill(pid, SIGCONT);
        }
        return count;
    }

    void end_grace_period() {
        deadline_.reset();
        if (killing_) return;
        killing_ = true;
        // Called only while something is left to reap: the stop needed the SIGKILL (whether it got through
        // or was refused), the same as PID 1 and as subreaper.
        outcome_.grace_period_ran_out = true;
        spdlog::warn("grace period of {} ended; sending SIGKILL to what is left",
                     config::format_duration(options_.grace_period));
        kill_everything();
    }

    void kill_everything() {
        int count = 0;
        std::vector<pid_t> refused;
        const auto found = descendants();
        if (!found) {
            // The main child first, by its pid (it is not reaped, so the pid is still its own).
            if (!main_child_ended_) {
                if (::kill(outcome_.pid, SIGKILL) == 0)
                    outcome_.killed_after_grace = true;
                else if (errno == EPERM)
                    refused.push_back(outcome_.pid);
            }
            if (!options_.is_pid1) {
                ::kill(-outcome_.pid, SIGKILL);  // the main child's process group; then wait a moment (run)
                deadline_ = Clock::now() + kGiveUpAfterKill;
            }
        }
        for (pid_t pid : found.value_or(std::vector<pid_t>())) {
            if (::kill(pid, SIGKILL) == 0) {
                ++count;
                // Only jvminit's own SIGKILL makes it "killed at the grace end": one refused (no CAP_KILL)
                // leaves the main child to end by itself or by someone else's signal.
                if (pid == outcome_.pid && !main_child_ended_) outcome_.killed_after_grace = true;
            } else if (errno == EPERM) {
                refused.push_back(pid);
            }
        }
        // As PID 1 of a namespace, kill(-1) also reaches a process forked after the scan above.
        if (options_.is_pid1) ::kill(-1, SIGKILL);
        if (count > 0) spdlog::debug("sent SIGKILL to {} process(es)", count);
        // Said once: the next scans (each SIGCHLD while killing) meet the same processes.
        if (!refused.empty() && !kill_refused_reported_) {
            kill_refused_reported_ = true;
            std::string pids;
            for (pid_t pid : refused) {
                if (!pids.empty()) pids += ' ';
                pids += std::to_string(pid);
            }
            spdlog::error("cannot send SIGKILL to pid {}: {}{}; waiting for them to end on their own", pids,
                          std::strerror(EPERM), kNotPermittedHint);
        }
    }

    bool stopping() const { return stop_requested_; }

    sys::SignalFd& signals_;
    SupervisorOptions options_;
    ChildOutcome outcome_;
    std::optional<Clock::time_point> deadline_;
    bool main_child_ended_ = false;
    bool main_child_stopped_ = false;
    bool no_children_left_ = false;
    bool descendants_asked_to_stop_ = false;
    bool killing_ = false;
    bool stop_requested_ = false;  // a SIGTERM/SIGINT for the main child came in (delivered or not)
    bool kill_refused_reported_ = false;
    bool proc_usable_ = true;             // until descendants() finds no /proc of this pid namespace
    std::optional<termios> child_modes_;  // the terminal's modes the child had when jvminit took the terminal
    bool job_stop_forwarded_ = false;     // jvminit passed a stop signal on; the child's next stop is the job's
};

}  // namespace

ChildOutcome supervise(sys::SignalFd& signals, pid_t child, const SupervisorOptions& options) noexcept {
    try {
        return Supervisor(signals, child, options).run();
    } catch (const std::exception& e) {
        // Only allocation failures can get here; make sure nothing is left running.
        spdlog::critical("supervision failed: {}; killing every descendant", e.what());
        for (pid_t pid : read_descendants(::getpid()).value_or(std::vector<pid_t>())) ::kill(pid, SIGKILL);
        if (options.is_pid1) ::kill(-1, SIGKILL);
        ChildOutcome outcome;
        outcome.pid = child;
        outcome.wait_status = SIGKILL;  // reported as killed by SIGKILL
        return outcome;
    }
}

}  // namespace jvminit::supervise
