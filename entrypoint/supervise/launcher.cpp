#include "supervise/launcher.hpp"

#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <system_error>

namespace jvminit::supervise {

namespace bp = boost::process;

namespace {

LaunchResult launch_once(const LaunchRequest& request) {
    LaunchResult result;
    if (request.argv.empty()) {
        result.error = EINVAL;
        return result;
    }
    bp::environment environment;
    environment.clear();
    for (const auto& entry : request.environment) {
        auto eq = entry.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        environment[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    std::vector<std::string> args(request.argv.begin() + 1, request.argv.end());
    // argv as the user wrote it (argv[0] = PROGRAM, execvp semantics), not Boost's argv[0] = resolved path.
    std::vector<std::string> argv_storage = request.argv;
    std::vector<char*> argv;
    for (auto& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const sigset_t mask = request.signal_mask;
    const struct sigaction sigpipe_action = request.sigpipe_action;
    const bool take_terminal = request.take_terminal;

    std::error_code ec;
    bp::child child(
        bp::exe = request.executable, bp::args = args, bp::env = environment,
        // Runs in the parent before fork, after Boost built its own argv.
        bp::extend::on_setup = [&argv](auto& exec) { exec.cmd_line = argv.data(); },
        // Runs in the child between fork and exec: async-signal-safe calls only, no logging.
        bp::extend::on_exec_setup =
            [&mask, &sigpipe_action, take_terminal](auto&) {
                ::setpgid(0, 0);
                // SIGTTOU is still blocked here (inherited mask), so tcsetpgrp from the new group succeeds.
                if (take_terminal) ::tcsetpgrp(STDIN_FILENO, ::getpid());
                ::sigaction(SIGPIPE, &sigpipe_action, nullptr);
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
