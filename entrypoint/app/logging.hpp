// jvminit's own log: spdlog on stderr, unbuffered, every line marked "[jvminit LEVEL]".
#pragma once

#include <string_view>

#include "config/settings.hpp"

namespace jvminit::app {

// Installs the default logger (stderr, flushed per line). Call once, before any other logging.
void setup_logging(config::LogLevel level);

// Prints one error line "[jvminit error] <message>" on stderr whatever the log level: for bad input,
// which must always be reported. Control characters in the message are escaped (\n, \xNN).
void print_error(std::string_view message);

}  // namespace jvminit::app
