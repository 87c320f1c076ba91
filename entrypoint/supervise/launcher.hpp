// Starts the child with Boost.Process. Boost.Process only launches: jvminit detaches the child at once,
// so Boost never waits on it (its waitpid would race with the reaper; the supervision loop owns waitpid).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace jvminit::supervise {

struct LaunchRequest {
    std::string executable;                // the resolved file to execute
    std::vector<std::string> argv;         // argv[0] is PROGRAM as the user wrote it
    std::vector<const char*> environment;  // "NAME=value" C strings, the child's whole environment, without
                                           // the final nullptr; the caller keeps them alive until launch returns
    struct sigaction sigpipe_action {};    // SIGPIPE's disposition for the child (jvminit's original one)
    bool take_terminal = false;            // make the child's process group the terminal's foreground group
};

struct LaunchResult {
    pid_t pid = -1;  // > 0 on success
    int error = 0;   // errno of the failed fork/exec (ENOENT, EACCES, ENOEXEC, ...), 0 on success
};

// Starts the child with vfork(2) and execve(2) (Boost.Process use_vfork, as posix_spawn(3) does): no copy
// of jvminit's page tables, no copy-on-write faults afterwards, no error pipe; jvminit is suspended until
// the child has called execve or exited. Between vfork and exec the child only makes system calls on its
// own stack: setpgid(0, 0) (its own process group, as tini does), tcsetpgrp(0) when take_terminal, then
// restores SIGPIPE's disposition (the child's own copy of the handlers), catches SIGTSTP, SIGTTIN and SIGTTOU
// with a handler that does nothing (a stop there would leave jvminit suspended in vfork for good; execve
// resets caught signals to the default, and those inherited as ignored stay so), and unblocks every signal, whatever
// mask jvminit was started with (as dumb-init does; tini passes its own on): a parent that left SIGTERM
// blocked would otherwise keep every forwarded stop from the child until the SIGKILL at the grace end.
// Nothing is logged there. Never throws; an exec failure is reported through `error`. A file that exec
// refuses as not a binary and without a #! line (ENOEXEC) is run with /bin/sh, as execvp(3) does.
// A child whose exec failed may already have been reaped by Boost.Process (it calls waitpid(pid, WNOHANG)
// on that path only); the supervision loop's waitpid(-1) handles either case.
LaunchResult launch(const LaunchRequest& request);

// True when stdin is a terminal whose foreground process group is jvminit's own (then the child can take it).
bool owns_foreground_terminal();

}  // namespace jvminit::supervise
