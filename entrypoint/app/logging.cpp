#include "app/logging.hpp"

#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace jvminit::app {

namespace {
spdlog::level::level_enum to_spdlog(config::LogLevel level) {
    switch (level) {
        case config::LogLevel::Trace: return spdlog::level::trace;
        case config::LogLevel::Debug: return spdlog::level::debug;
        case config::LogLevel::Info: return spdlog::level::info;
        case config::LogLevel::Warn: return spdlog::level::warn;
        case config::LogLevel::Error: return spdlog::level::err;
        case config::LogLevel::Off: return spdlog::level::off;
    }
    return spdlog::level::info;
}
}  // namespace

void setup_logging(config::LogLevel level) {
    static bool installed = false;
    if (!installed) {
        // The single-threaded stderr sink writes and flushes each line; jvminit has one thread.
        auto logger = spdlog::stderr_logger_st("jvminit");
        logger->set_pattern("[jvminit %l] %v");
        spdlog::set_default_logger(logger);
        installed = true;
    }
    spdlog::set_level(to_spdlog(level));
}

namespace {
// A reader that is gone (`jvminit --help | true`, `jvminit --bogus 2>&1 | true`) must give EPIPE and an exit
// status of jvminit's, not death by SIGPIPE (its default action) and an unexplained 141. Only on the way out:
// the run path ignores SIGPIPE itself and gives the child the original disposition (sys/signals.hpp).
void ignore_sigpipe() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, nullptr);
}
}  // namespace

void print_error(std::string_view message) {
    ignore_sigpipe();
    // One line whatever the message quotes (a PROGRAM or a path with a newline in it).
    std::string line = "[jvminit error] " + config::one_line(message) + "\n";
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

int print_out(std::string_view text) {
    ignore_sigpipe();
    errno = 0;
    if (std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0) return 0;
    const int error = errno;
    print_error(std::string("cannot write to standard output: ") + (error != 0 ? std::strerror(error) : "short write"));
    return 1;
}

}  // namespace jvminit::app
