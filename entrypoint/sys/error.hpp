// System call failures as typed errors, with the errno text captured where the call failed.
#pragma once

#include <cerrno>
#include <string>
#include <system_error>

namespace jvminit::sys {

// Thrown when a system call fails. what() reads "<what>: <strerror(errno)>", code() holds the errno.
class SystemError : public std::system_error {
public:
    SystemError(int error_number, const std::string& what)
        : std::system_error(error_number, std::generic_category(), what) {}
    int error_number() const noexcept { return code().value(); }
};

// Throws SystemError for the current errno; call right after the failing system call.
[[noreturn]] inline void throw_errno(const std::string& what) {
    throw SystemError(errno, what);
}

// Calls `call` again while it fails with EINTR; returns its last result (errno is kept).
template <typename Call>
auto retry_on_eintr(Call&& call) {
    for (;;) {
        auto result = call();
        if (!(result == -1 && errno == EINTR)) return result;
    }
}

}  // namespace jvminit::sys
