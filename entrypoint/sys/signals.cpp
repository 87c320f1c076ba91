#include "sys/signals.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstring>

#include "sys/error.hpp"

namespace jvminit::sys {

SignalFd::SignalFd() {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (::sigaction(SIGPIPE, &ignore, &original_sigpipe_) != 0) throw_errno("sigaction(SIGPIPE)");
    // SIGCHLD at its default: a parent that left it ignored (SIG_IGN survives execve(2)) would have the kernel
    // reap jvminit's children itself, with no SIGCHLD and no status to pass on (sigaction(2), "POSIX.1-2001
    // ... SIGCHLD ... SIG_IGN"): jvminit would wait for ever. The child inherits the default too.
    struct sigaction child_default {};
    child_default.sa_handler = SIG_DFL;
    sigemptyset(&child_default.sa_mask);
    if (::sigaction(SIGCHLD, &child_default, nullptr) != 0) throw_errno("sigaction(SIGCHLD)");
    // Every signal but SIGPIPE is blocked and read from the signalfd. SIGPIPE stays unblocked and ignored:
    // a blocked signal stays pending even when ignored, so jvminit's own failed writes to a closed stderr
    // would be read back, and forwarded, in a loop.
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGPIPE);
    if (::sigprocmask(SIG_SETMASK, &all, &original_mask_) != 0) throw_errno("sigprocmask(SIG_SETMASK)");
    // Blocking: wait() without a timeout sleeps in read(2) itself, one system call per signal (poll + read
    // only while a timeout runs).
    int fd = ::signalfd(-1, &all, SFD_CLOEXEC);
    if (fd < 0) {
        int saved = errno;
        ::sigprocmask(SIG_SETMASK, &original_mask_, nullptr);
        throw SystemError(saved, "signalfd");
    }
    fd_.reset(fd);
}

SignalFd::~SignalFd() {
    if (!restore_at_destruction_) return;
    ::sigprocmask(SIG_SETMASK, &original_mask_, nullptr);
    ::sigaction(SIGPIPE, &original_sigpipe_, nullptr);
}

std::optional<signalfd_siginfo> SignalFd::wait(std::optional<std::chrono::milliseconds> timeout) {
    if (timeout) {
        // Only jvminit reads its signalfd: once poll(2) says a signal is pending, read(2) does not block.
        pollfd pfd{fd_.get(), POLLIN, 0};
        const int timeout_ms = static_cast<int>(std::max<long long>(0, timeout->count()));
        const int ready = retry_on_eintr([&] { return ::poll(&pfd, 1, timeout_ms); });
        if (ready < 0) throw_errno("poll(signalfd)");
        if (ready == 0) return std::nullopt;
    }
    signalfd_siginfo info{};
    const ssize_t n = retry_on_eintr([&] { return ::read(fd_.get(), &info, sizeof info); });
    if (n == static_cast<ssize_t>(sizeof info)) return info;
    if (n >= 0) throw SystemError(EIO, "read(signalfd): short read");
    throw_errno("read(signalfd)");
}

}  // namespace jvminit::sys
