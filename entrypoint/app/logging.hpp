// jvminit's own log: spdlog on stderr, unbuffered, every line marked "[jvminit LEVEL]".
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "config/settings.hpp"

namespace jvminit::app {

// Installs the default logger (stderr, flushed per line). Call once, before any other logging.
void setup_logging(config::LogLevel level);

// For the supervision of a child: when stderr is a pipe or FIFO (a container runtime's log reader), the log
// writes to a second, non-blocking open of it (/proc/self/fd/2, close-on-exec): a reader that stops reading
// must not stop jvminit, which would then forward nothing, reap nothing and never send its SIGKILL. A line that
// does not fit is dropped; the next line that fits says how many were. The child keeps the blocking stderr it
// shares with jvminit (O_NONBLOCK belongs to an open file description). Anything else (a terminal, a file,
// /dev/null, a socket) is left as it is. Costs one fstat(2) (and one open(2) for a pipe).
void log_without_blocking();

// For jvminit's last lines, once nothing is left to supervise (the child has ended and every process is reaped):
// a full stderr pipe (log_without_blocking) is waited for, up to `at_most` in all (milliseconds, from now),
// instead of dropping the line, so that a log reader that lags at the end (a container runtime under load)
// still gets how the child ended and the exit status, and the count of lines dropped before. 0 ms: no wait.
// Does nothing when the log blocks anyway (stderr not a pipe).
void wait_for_log_reader(std::chrono::milliseconds at_most);

// How long jvminit waits for a lagging log reader at its end (wait_for_log_reader): kLastLinesWait, but not
// beyond the end of a requested stop's grace period (`stop_grace_period_end`, ChildOutcome; the orchestrator's
// own SIGKILL follows it: Docker's 10 s after jvminit's 8 s), rounded up to whole milliseconds, 0 once it is
// over. Pure.
inline constexpr std::chrono::milliseconds kLastLinesWait{2000};
std::chrono::milliseconds last_lines_wait(std::optional<std::chrono::steady_clock::time_point> stop_grace_period_end,
                                          std::chrono::steady_clock::time_point now);

// Prints one error line "[jvminit error] <message>" on stderr whatever the log level: for bad input,
// which must always be reported. Control characters and bytes that are not UTF-8 are escaped (config::one_line).
// Sets SIGPIPE to ignored first, like print_out: call it only for errors that end the run.
void print_error(std::string_view message);

// Writes `text` (help, version, explain) to standard output and flushes it, through stdio: jvminit has no
// iostreams (see cli/command_line.cpp). Returns 0, or 1 (kExitInternalError) after an error line naming the
// cause when it cannot be written (a closed pipe, a full disk: `jvminit explain > /dev/full`). Sets SIGPIPE
// to ignored first (a pipe without reader gives EPIPE, not death by SIGPIPE): call it only on the way out.
int print_out(std::string_view text);

}  // namespace jvminit::app
