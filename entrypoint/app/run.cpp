#include "app/run.hpp"

#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "app/explain.hpp"
#include "app/logging.hpp"
#include "app/preparation.hpp"
#include "config/values.hpp"
#include "supervise/exit_status.hpp"
#include "supervise/launcher.hpp"
#include "supervise/supervisor.hpp"
#include "sys/signals.hpp"

namespace jvminit::app {

namespace {

// Views of the environment block, which lives as long as the process (jvminit never changes it). An entry
// without '=' names no variable and is left out, as getenv(3) cannot find it either.
Environment read_environment(char** envp) {
    Environment environment;
    std::size_t count = 0;
    for (char** entry = envp; entry && *entry; ++entry) ++count;
    environment.reserve(count);
    for (char** entry = envp; entry && *entry; ++entry) {
        const std::string_view text = *entry;
        const auto eq = text.find('=');
        if (eq == std::string_view::npos) continue;
        environment.push_back({text.substr(0, eq), text.substr(eq + 1), *entry});
    }
    return environment;
}

int fail(const Failure& failure) {
    for (const auto& line : failure.lines) print_error(line);
    return failure.exit_code;
}

void log_preparation(const Preparation& p) {
    for (const auto& note : p.settings.notes) spdlog::info("{}", note);
    for (const auto& note : p.settings.without_effect) spdlog::debug("{}", note);
    if (p.jdk.version)
        spdlog::debug("JDK {} (major {}) at {} ({})", p.jdk.version->text, p.jdk.version->major, p.jdk.home,
                      p.jdk.how_found);
    for (const auto& warning : p.output.warnings) spdlog::warn("{}", warning);
    for (const auto& warning : p.warnings) spdlog::warn("{}", warning);
    for (const auto& warning : p.plan.warnings) spdlog::warn("{}", warning);
    for (const auto& suppressed : p.plan.suppressed)
        spdlog::debug("not adding {}: {}", suppressed.option, suppressed.why);
    if (!p.settings.values.signal_rewrite.empty())
        spdlog::info("signals rewritten or dropped (signals.rewrite): {}",
                     config::format_signal_rewrite(p.settings.values.signal_rewrite));
}

// What the clean-up after the launch did (jvm::clean_up_output): dumps, incomplete ones, hs_err files.
void log_clean_up(const jvm::PreparedOutput& output, std::size_t warnings_before) {
    const auto& incomplete = output.incomplete_dumps;
    const auto is_incomplete = [&](const std::string& path) {
        return std::find(incomplete.begin(), incomplete.end(), path) != incomplete.end();
    };
    for (const auto& path : output.deleted)
        if (is_incomplete(path))  // a dump lost: said at warn, as one that stays is (the start may be its first)
            spdlog::warn(
                "deleted incomplete heap dump {} (heap dump keep limit; incomplete dumps go first): the JVM could not "
                "finish writing it (was the volume full, or the JVM killed during the dump?)",
                path);
        else if (jvm::heap_dump_segment_of(std::filesystem::path(path).filename().string()))
            spdlog::info("deleted {}, a segment of an unfinished parallel heap dump (it goes with its dump)", path);
        else
            spdlog::info("deleted old heap dump {} (heap dump keep limit)", path);
    for (const auto& path : incomplete)
        if (std::find(output.deleted.begin(), output.deleted.end(), path) == output.deleted.end())
            spdlog::warn(
                "heap dump {} is incomplete: the JVM could not finish writing it (was the volume full, or the "
                "JVM killed during the dump?)",
                path);
    for (const auto& path : output.deleted_error_files)
        spdlog::info("deleted old hs_err file {} (the newest {} are kept)", path, jvm::kErrorFilesKept);
    for (std::size_t i = warnings_before; i < output.warnings.size(); ++i) spdlog::warn("{}", output.warnings[i]);
}

void log_limits_check(const LimitsCheck& check) {
    const int version = check.limits.cgroup_version;
    spdlog::info("container limits: memory {}, CPUs {} ({})", describe_memory_limit(check.limits),
                 describe_cpu_limit(check.limits),
                 version ? "cgroup v" + std::to_string(version) : std::string("no memory cgroup found"));
    for (const auto& warning : check.warnings) spdlog::warn("{}", warning);
}

// The additions as they are exported (quoted where the JVM needs it: a path with a space), not the user's
// part of JAVA_TOOL_OPTIONS (it can hold secrets).
std::string added_options_text(const Preparation& p) {
    return p.plan.added_text.empty() ? "none" : p.plan.added_text;
}

int run_program(const cli::CommandLine& command_line, const Environment& environment) {
    // Block every signal first: from here on they queue in the signalfd and reach the child once it runs.
    std::optional<sys::SignalFd> signals;
    try {
        signals.emplace();
    } catch (const std::exception& e) {
        print_error(std::string("cannot set up signal handling: ") + e.what());
        return kExitInternalError;
    }
    // The process ends when run_program returns: a signal that arrives after the last read must not take the
    // exit status (the child's, or jvminit's own) away on the way out.
    signals->keep_blocked_at_exit();

    config::SettingsResult loaded = load_settings(command_line, environment);
    if (!loaded.errors.empty()) return fail(with_the_rest({}, std::move(loaded), command_line.program, environment));
    config::ResolvedSettings settings = std::move(loaded.settings);
    setup_logging(settings.values.log_level);
    log_without_blocking();  // from here on jvminit supervises: a stuck log reader must not stop it

    auto prepared = prepare(std::move(settings), command_line.program, environment, /*dry_run=*/false);
    if (auto* failure = std::get_if<Failure>(&prepared)) return fail(*failure);
    auto& p = std::get<Preparation>(prepared);
    log_preparation(p);
    // The limits are read before the start only when a warning about them concerns the start; otherwise
    // while the child starts (nothing the child is given depends on them).
    const bool limits_first = check_limits_before_start(p);
    if (limits_first) log_limits_check(check_limits(p));

    const bool is_pid1 = ::getpid() == 1;
    if (!is_pid1 && ::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
        spdlog::warn("cannot become child subreaper (prctl: {}); orphans will not be reaped by jvminit",
                     std::strerror(errno));

    supervise::LaunchRequest request;
    request.executable = p.executable;
    request.argv = p.program;
    request.environment.reserve(p.child_environment.size());
    for (const auto& entry : p.child_environment) request.environment.push_back(entry.c_str());
    request.sigpipe_action = signals->original_sigpipe();
    // Stdin a terminal: its modes, read before the child can change them (job control restores them), and
    // whether the child gets its foreground. tcgetattr(3) is isatty(3)'s own test: no terminal, one call.
    std::optional<termios> terminal_modes;
    if (termios modes{}; ::tcgetattr(STDIN_FILENO, &modes) == 0) terminal_modes = modes;
    request.take_terminal = terminal_modes && supervise::owns_foreground_terminal();
    supervise::LaunchResult launched = supervise::launch(request);
    if (launched.pid <= 0) {
        jvm::give_back_output(p.output);  // nothing started: nothing deleted, the start's own run directory gone
        std::string first_line;
        if (launched.error == ENOENT) {
            std::ifstream script(p.executable);
            std::getline(script, first_line);
        }
        const LaunchFailure failure = describe_launch_failure(p.program.front(), p.executable, launched.error,
                                                              first_line, request.argv, request.environment);
        print_error(failure.message);
        return failure.exit_code;
    }
    // From here on the child runs: nothing may keep jvminit from supervising it (an exception here, say
    // bad_alloc, would leave it running with nobody to reap it or pass signals on).
    try {
        spdlog::info("started {} (pid {}){}; JAVA_TOOL_OPTIONS additions: {}", p.program.front(), launched.pid,
                     is_pid1 ? " as PID 1" : " as child subreaper", added_options_text(p));
        const std::size_t warnings_before = p.output.warnings.size();
        jvm::clean_up_output(p.output);
        log_clean_up(p.output, warnings_before);
        if (!limits_first) log_limits_check(check_limits(p));
    } catch (const std::exception& e) {
        spdlog::error("after the start: {}; supervising the child anyway", e.what());
    }
    if (::chdir("/") != 0) spdlog::debug("chdir(/) failed: {}", std::strerror(errno));  // keep no mount busy

    supervise::SupervisorOptions options;
    options.grace_period = p.settings.values.stop_timeout;
    options.is_pid1 = is_pid1;
    options.signal_rewrite = p.settings.values.signal_rewrite;
    options.terminal_modes = terminal_modes;
    supervise::ChildOutcome outcome = supervise::supervise(*signals, launched.pid, options);
    // Nothing is left to supervise: the last lines may wait for a lagging log reader.
    wait_for_log_reader(last_lines_wait(outcome.stop_grace_period_end, std::chrono::steady_clock::now()));
    // The terminal's foreground back from the child's group, or a group of what it started, now gone: a shell
    // (or the next program) in jvminit's group would find it on a dead group, its Ctrl-C lost. Not from a live
    // group (a shell that took it back). SIGTTOU is blocked.
    if (terminal_modes) {
        const pid_t foreground = ::tcgetpgrp(STDIN_FILENO);
        if (foreground > 0 && foreground != ::getpgrp() &&
            (foreground == launched.pid || (::kill(-foreground, 0) != 0 && errno == ESRCH)))
            ::tcsetpgrp(STDIN_FILENO, ::getpgrp());
    }

    const int exit_code = supervise::exit_code_for(outcome, p.settings.values.stop_exit_zero);
    try {  // the child's status matters more than the line that reports it
        const supervise::EndKind kind = supervise::classify_end(outcome);
        // The kind only when it says more than the status: a requested stop, or jvminit's own SIGKILL.
        std::string why = kind == supervise::EndKind::StoppedOnRequest || kind == supervise::EndKind::KilledAtGraceEnd
                              ? std::string(", ") + supervise::to_string(kind)
                              : std::string();
        // stop.exit_zero: say when it made the 0, and why not when a requested stop keeps its status.
        std::string exit_zero_note;
        if (exit_code != supervise::exit_code_for(outcome.wait_status))
            exit_zero_note = " (stop.exit_zero)";
        else if (p.settings.values.stop_exit_zero && exit_code != 0 && !outcome.stop_signals.empty())
            exit_zero_note =
                outcome.grace_period_ran_out ? " (not 0 for stop.exit_zero: the grace period ran out)"
                : kind == supervise::EndKind::StoppedOnRequest
                    ? " (not 0 for stop.exit_zero: another process failed during the stop, see the debug log)"
                    : " (not 0 for stop.exit_zero: not the ending of the stop signal forwarded)";
        spdlog::info("{} (pid {}) {}{}; exiting with {}{}", p.program.front(), outcome.pid,
                     supervise::describe_wait_status(outcome.wait_status), why, exit_code, exit_zero_note);
    } catch (const std::exception&) {
    }
    return exit_code;
}

}  // namespace

int main(const std::vector<std::string>& argv, char** envp) {
    try {
        setup_logging(config::LogLevel::Info);
        cli::ParseResult parsed = cli::parse_command_line(argv);
        Environment environment = read_environment(envp);
        if (parsed.error) {
            // Every problem at once: the environment's, the file's (the one the command line names), the
            // values of the setting flags it gives, and a PROGRAM after `--` that cannot run (its line first).
            // A missing PROGRAM is left out when the last word, without a `--`, is the bad value of a flag:
            // that flag took the word meant to follow it (`--debug-port explain`), and its line says so.
            const cli::CommandLine own = cli::own_options_in(argv);
            const auto separator = std::find(argv.begin() + (argv.empty() ? 0 : 1), argv.end(), std::string("--"));
            bool took_program = false;
            if (parsed.program_missing && separator == argv.end() && !own.flags.empty() && argv.size() > 2 &&
                own.flags.back().second == argv.back() && own.flags.back().first == argv[argv.size() - 2]) {
                config::SettingsInput last_flag;
                last_flag.flags = {own.flags.back()};
                took_program = !config::resolve_settings(last_flag).errors.empty();
            }
            std::vector<std::string> command_line_lines;
            if (!took_program) command_line_lines.push_back(*parsed.error);
            // With the settings' lines and the rest (a line the parser gives too, `--debug={}`, is said once),
            // the PROGRAM after a `--` that ends jvminit's own arguments (own_options_in) included.
            return fail(with_the_rest(std::move(command_line_lines), load_settings(own, environment), own.program,
                                      environment));
        }
        const cli::CommandLine& command_line = parsed.command_line;
        switch (command_line.command) {
            case cli::Command::Help: return print_out(cli::help_text());
            case cli::Command::Version: return print_out(std::string("jvminit ") + JVMINIT_VERSION + "\n");
            case cli::Command::Explain: return explain(command_line, environment);
            case cli::Command::Run: return run_program(command_line, environment);
        }
    } catch (const std::exception& e) {
        print_error(std::string("internal error: ") + e.what());
    }
    return kExitInternalError;
}

}  // namespace jvminit::app
