// jvminit's own log: spdlog on stderr, unbuffered, every line marked "[jvminit LEVEL]".
#pragma once

#include <string_view>

#include "config/settings.hpp"

namespace jvminit::app {

// Installs the default logger (stderr, flushed per line). Call once, before any other logging.
void setup_logging(config::LogLevel level);

// Prints one error line "[jvminit error] <message>" on stderr whatever the log level: for bad input,
// which must always be reported. Control characters in the message are escaped (\n, \xNN).
// Sets SIGPIPE to ignored first, like print_out: call it only for errors that end the run.
void print_error(std::string_view message);

// Writes `text` (help, version, explain) to standard output and flushes it, through stdio: jvminit has no
// iostreams (see cli/command_line.cpp). Returns 0, or 1 (kExitInternalError) after an error line naming the
// cause when it cannot be written (a closed pipe, a full disk: `jvminit explain > /dev/full`). Sets SIGPIPE
// to ignored first (a pipe without reader gives EPIPE, not death by SIGPIPE): call it only on the way out.
int print_out(std::string_view text);

}  // namespace jvminit::app
