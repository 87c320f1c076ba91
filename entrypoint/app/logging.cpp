#include "app/logging.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "sys/fd.hpp"

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

namespace {
// "[jvminit LEVEL] message\n". A line quotes what the user wrote (PROGRAM, paths): control characters and bytes
// that are not UTF-8 are escaped as in error lines (config::one_line), so that a name with a newline stays one
// line and the log stays UTF-8; only a message with such a byte is copied. Also spares the start the parse of
// a pattern (set_pattern).
class LineFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const auto append = [&](std::string_view text) { dest.append(text.data(), text.data() + text.size()); };
        const auto level = spdlog::level::to_string_view(msg.level);
        append("[jvminit ");
        append(std::string_view(level.data(), level.size()));
        append("] ");
        const std::string_view payload(msg.payload.data(), msg.payload.size());
        if (std::any_of(payload.begin(), payload.end(), [](char c) {
                const auto u = static_cast<unsigned char>(c);
                return u < 0x20 || u >= 0x7F;
            }))
            append(config::one_line(payload));
        else
            append(payload);
        dest.push_back('\n');
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(); }
};
}  // namespace

void setup_logging(config::LogLevel level) {
    static bool installed = false;
    if (!installed) {
        // The single-threaded stderr sink writes and flushes each line; jvminit has one thread.
        auto logger = spdlog::stderr_logger_st("jvminit");
        logger->set_formatter(std::make_unique<LineFormatter>());
        spdlog::set_default_logger(logger);
        installed = true;
    }
    spdlog::set_level(to_spdlog(level));
}

namespace {
// spdlog's sink for log_without_blocking: each line in one write(2), dropped when the pipe is full.
class NonBlockingSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    explicit NonBlockingSink(sys::UniqueFd fd) : fd_(std::move(fd)) {}

    // From now on a full pipe is waited for (poll(2) POLLOUT) until `deadline`, then lines are dropped again.
    void wait_until(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        if (dropped_ > 0) {
            const std::string notice =
                "[jvminit warning] " + std::to_string(dropped_) + " log line(s) dropped: stderr was full\n";
            if (!write_all(notice.data(), notice.size())) {
                ++dropped_;
                return;
            }
            dropped_ = 0;
        }
        if (!write_all(line.data(), line.size())) ++dropped_;
    }
    void flush_() override {}

private:
    // False when nothing of it could be written (the pipe full: EAGAIN). A line longer than the pipe's atomic
    // size may go out in parts; the rest of it is dropped then.
    bool write_all(const char* data, std::size_t size) {
        std::size_t done = 0;
        while (done < size) {
            const ssize_t n = ::write(fd_.get(), data + done, size - done);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN && wait_for_room()) continue;
            return done > 0;
        }
        return true;
    }

    // Whether the pipe has room again before the deadline (wait_until); false at once without one.
    bool wait_for_room() {
        if (!deadline_) return false;
        while (true) {
            const auto left =
                std::chrono::ceil<std::chrono::milliseconds>(*deadline_ - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd pfd{fd_.get(), POLLOUT, 0};
            const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
            if (ready > 0) return true;  // room, or an error (POLLERR: no reader) that the next write reports
            if (ready < 0 && errno != EINTR) return false;
        }
    }

    sys::UniqueFd fd_;
    std::size_t dropped_ = 0;
    std::optional<std::chrono::steady_clock::time_point> deadline_;
};

// log_without_blocking's, for wait_for_log_reader; the default logger owns it (a plain pointer: no static
// initialiser or exit handler at every start).
NonBlockingSink* non_blocking_sink = nullptr;

// A reader that is gone (`jvminit --help | true`, `jvminit --bogus 2>&1 | true`) must give EPIPE and an exit
// status of jvminit's, not death by SIGPIPE (its default action) and an unexplained 141. Only on the way out:
// the run path ignores SIGPIPE itself and gives the child the original disposition (sys/signals.hpp).
void ignore_sigpipe() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignore, nullptr);
}
}  // namespace

void log_without_blocking() {
    struct stat st {};
    if (::fstat(STDERR_FILENO, &st) != 0 || !S_ISFIFO(st.st_mode)) return;
    sys::UniqueFd fd(::open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd) return;  // no /proc: the log stays blocking
    auto sink = std::make_shared<NonBlockingSink>(std::move(fd));
    non_blocking_sink = sink.get();
    auto logger = std::make_shared<spdlog::logger>("jvminit", std::move(sink));
    logger->set_formatter(std::make_unique<LineFormatter>());
    logger->set_level(spdlog::default_logger()->level());
    spdlog::set_default_logger(logger);
}

std::chrono::milliseconds last_lines_wait(std::optional<std::chrono::steady_clock::time_point> stop_grace_period_end,
                                          std::chrono::steady_clock::time_point now) {
    if (!stop_grace_period_end) return kLastLinesWait;
    return std::clamp(std::chrono::ceil<std::chrono::milliseconds>(*stop_grace_period_end - now),
                      std::chrono::milliseconds(0), kLastLinesWait);
}

void wait_for_log_reader(std::chrono::milliseconds at_most) {
    if (non_blocking_sink) non_blocking_sink->wait_until(std::chrono::steady_clock::now() + at_most);
}

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
