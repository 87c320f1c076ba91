// Signal plumbing for a signal-handler-free init: every signal is blocked and read from a signalfd.
// Follows signalfd(2), sigprocmask(2) and catatonit's design (no handlers, nothing async-signal-unsafe).
#pragma once

#include <signal.h>
#include <sys/signalfd.h>

#include <chrono>
#include <optional>

#include "sys/fd.hpp"

namespace jvminit::sys {

// Ignores SIGPIPE, sets SIGCHLD to its default (an inherited SIG_IGN would have the kernel reap the children
// unseen), blocks every other blockable signal in the calling thread and opens a signalfd (close-on-exec)
// that delivers them. Remembers the mask in force before, for the child to restore before exec. Throws
// SystemError when sigprocmask(2) or signalfd(2) fails.
class SignalFd {
public:
    SignalFd();
    SignalFd(const SignalFd&) = delete;
    SignalFd& operator=(const SignalFd&) = delete;
    ~SignalFd();  // restores the previous mask and SIGPIPE's disposition, unless keep_blocked_at_exit() was called

    // For a process that ends when this object does: the destructor then leaves every signal blocked. Unblocking
    // on the way out would deliver what arrived after the last read with its default action (sigprocmask(2)):
    // a SIGTERM would end jvminit with 143 instead of the child's status, a SIGTSTP would stop it. Two system
    // calls fewer on the way out, too.
    void keep_blocked_at_exit() noexcept { restore_at_destruction_ = false; }

    int fd() const noexcept { return fd_.get(); }
    // The signal mask in force before; the destructor gives it back (unless keep_blocked_at_exit).
    const sigset_t& original_mask() const noexcept { return original_mask_; }
    // SIGPIPE's disposition before jvminit set it to SIG_IGN (so that a write to a closed stderr fails with
    // EPIPE instead of raising a SIGPIPE; a SIGPIPE sent with kill() is not forwarded either); the child
    // gets it back between fork and exec.
    const struct sigaction& original_sigpipe() const noexcept { return original_sigpipe_; }

    // Waits until a signal is pending or `timeout` passes (nullopt: waits without limit, no wake-ups), and
    // returns the next signal (signalfd(2) hands out the lowest number first), or nullopt on timeout. Without a
    // timeout one blocking read(2); with one, poll(2) and then read(2). EINTR is retried; other errors throw
    // SystemError.
    std::optional<signalfd_siginfo> wait(std::optional<std::chrono::milliseconds> timeout);

private:
    UniqueFd fd_;
    sigset_t original_mask_{};
    struct sigaction original_sigpipe_ {};
    bool restore_at_destruction_ = true;
};

}  // namespace jvminit::sys
