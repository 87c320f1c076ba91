// The supervision loop: one loop, blocked on the signalfd, the only caller of waitpid(2) in jvminit.
// Idle, it sleeps in a read(2) of the signalfd: no timers, no wake-ups. It forwards every signal to the
// main child, reaps every zombie (waitpid(-1) until nothing is left, so one SIGCHLD for many exits loses
// none), and stops within the grace period (pid1-behaviour.md scenarios 1-7).
//
// Why no pidfd: jvminit is the main child's parent, so the child's pid cannot be reused before jvminit
// reaps it, and kill(pid) can never reach another process; a pidfd would add a descriptor and nothing else.
// After the reap the pid is free again: the loop then never takes a process with that pid for the main child.
#pragma once

#include <sys/types.h>
#include <termios.h>

#include <chrono>
#include <optional>
#include <vector>

#include "config/values.hpp"
#include "supervise/exit_status.hpp"
#include "sys/signals.hpp"

namespace jvminit::supervise {

struct SupervisorOptions {
    std::chrono::milliseconds grace_period{8000};  // 0 ms to 24 h
    bool is_pid1 = false;                          // PID 1 of a pid namespace: kill(-1) reaches every process in it
    std::vector<config::SignalRewrite> signal_rewrite;  // signals forwarded as another one or dropped
    // The terminal's modes (tcgetattr(3) of stdin) before the launch, when stdin is a terminal: restored when
    // jvminit takes the terminal from a stopped child (whose raw mode would leave Ctrl-C without effect).
    std::optional<termios> terminal_modes;
};

// Supervises `child` until it and every remaining descendant are gone:
//  - each signal read from `signals` is forwarded to the main child (SIGCHLD triggers reaping instead), as
//    `signal_rewrite` says: another signal instead, or none (dropped); everything below concerns the signal
//    forwarded, not the one received (TERM:INT forwards SIGINT and starts the stop; HUP:TERM makes SIGHUP a
//    stop; TERM:drop means a SIGTERM starts no stop: the runtime's own SIGKILL ends everything);
//    after forwarding SIGTERM/SIGINT/SIGHUP to a stopped child, SIGCONT follows;
//  - SIGTERM or SIGINT starts the grace period;
//  - when the main child has ended, remaining descendants get SIGTERM (and SIGCONT); the grace period runs
//    from the stop request or else from the main child's end;
//  - when it ends, everything left gets SIGKILL;
//  - job control as a shell does it for the main child's process group (follow_job_control in
//    supervisor.cpp): when a stop of the main child leaves its group with the terminal, jvminit takes it back
//    (Ctrl-C then reaches the child with SIGCONT, pid1-behaviour.md scenario 11); a child stopped reading the
//    terminal from the background gets it when jvminit's group has it; as the job of a shell with job
//    control, jvminit stops its own process group so the shell shows it stopped; every SIGCONT to the child
//    goes to its group, with the terminal when jvminit's group has it;
//  - returns as soon as nothing is left (waitpid reports ECHILD).
// Never throws: failures of system calls are logged and the loop goes on towards a stop.
ChildOutcome supervise(sys::SignalFd& signals, pid_t child, const SupervisorOptions& options) noexcept;

}  // namespace jvminit::supervise
