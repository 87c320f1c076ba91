// Boost.Process compiles its vfork executor only under an old _XOPEN_SOURCE test (boost/process/detail/config.hpp);
// glibc declares vfork(2) under _GNU_SOURCE, which g++ defines. Only this file includes Boost.Process.
#define BOOST_POSIX_HAS_VFORK 1
#include "supervise/launcher.hpp"

#include <unistd.h>

#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/posix.hpp>
#include <system_error>

namespace jvminit::supervise {

namespace bp = boost::process;

namespace {

// The vfork child's handler for the stop signals until its exec (which resets it to the default): it does
// nothing. A Ctrl-Z that reaches the child's group between vfork and exec, with the default action, would
// stop the vfork child before its exec, and jvminit, suspended in vfork until that exec, with it: for good,
// in the kernel (state D), with no signal read, forwarded or reaped. Caught, such a stop is dropped: the
// program starts, and the next Ctrl-Z stops it. (A dash script's Ctrl-Z during its own vfork shows the hang.)
// jvminit itself has no signal handler (it reads signals from a signalfd); this one is the vfork child's only,
// installed in the child's own copy of the dispositions, and gone with its exec.
void ignore_stop_before_exec(int) {}

LaunchResult launch_once(const LaunchRequest& request) {
    LaunchResult result;
    if (request.argv.empty()) {
        result.error = EINVAL;
        return result;
    }
    // argv and the environment as jvminit built them, handed to execve as they are: argv[0] = PROGRAM as the
    // user wrote it (execvp semantics, not Boost's argv[0] = resolved path), and no copy through Boost's
    // environment map (which re-parses every NAME=value: a fifth of jvminit's start-up instructions).
    // execve(2) takes char *const[] but does not write to the strings.
    std::vector<char*> argv;
    argv.reserve(request.argv.size() + 1);
    for (const auto& text : request.argv) argv.push_back(const_cast<char*>(text.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    envp.reserve(request.environment.size() + 1);
    for (const char* entry : request.environment) envp.push_back(const_cast<char*>(entry));
    envp.push_back(nullptr);
    sigset_t mask;
    sigemptyset(&mask);  // the child starts with no signal blocked (launcher.hpp)
    const struct sigaction sigpipe_action = request.sigpipe_action;
    const bool take_terminal = request.take_terminal;

    std::error_code ec;
    bp::child child(
        bp::exe = request.executable, bp::posix::use_vfork,
        // Runs in the parent before fork, after Boost built its own argv (exe alone).
        bp::extend::on_setup =
            [&argv, &envp](auto& exec) {
                exec.cmd_line = argv.data();
                exec.env = envp.data();
            },
        // Runs in the vfork child before exec, on jvminit's memory: system calls only (no allocation, no
        // logging, no change to a variable of jvminit's).
        bp::extend::on_exec_setup =
            [&mask, &sigpipe_action, take_terminal](auto&) {
                ::setpgid(0, 0);
                // SIGTTOU is still blocked here (inherited mask), so tcsetpgrp from the new group succeeds.
                if (take_terminal) ::tcsetpgrp(STDIN_FILENO, ::getpid());
                ::sigaction(SIGPIPE, &sigpipe_action, nullptr);
                // A stop signal that jvminit inherited as ignored stays ignored (execve keeps SIG_IGN).
                struct sigaction catch_stop {};
                catch_stop.sa_handler = &ignore_stop_before_exec;
                for (const int sig : {SIGTSTP, SIGTTIN, SIGTTOU}) {
                    struct sigaction previous {};
                    ::sigaction(sig, &catch_stop, &previous);
                    if (previous.sa_handler == SIG_IGN) ::sigaction(sig, &previous, nullptr);
                }
                ::sigprocmask(SIG_SETMASK, &mask, nullptr);
            },
        ec);
    if (ec) {
        result.error = ec.value() != 0 ? ec.value() : EIO;
        if (child.valid()) child.detach();
        return result;
    }
    result.pid = child.id();
    child.detach();  // never let Boost.Process wait on or terminate the child
    return result;
}

}  // namespace

LaunchResult launch(const LaunchRequest& request) {
    LaunchResult result = launch_once(request);
    if (result.pid > 0 || result.error != ENOEXEC) return result;
    // No #! line and not a binary: execvp(3) runs such a file with /bin/sh, and so does jvminit.
    LaunchRequest with_shell = request;
    with_shell.executable = "/bin/sh";
    with_shell.argv.insert(with_shell.argv.begin(), "sh");
    with_shell.argv[1] = request.executable;
    return launch_once(with_shell);
}

bool owns_foreground_terminal() {
    if (!::isatty(STDIN_FILENO)) return false;
    pid_t foreground = ::tcgetpgrp(STDIN_FILENO);
    return foreground > 0 && foreground == ::getpgrp();
}

}  // namespace jvminit::supervise
