#include "sys/paths.hpp"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>

namespace jvminit::sys {

namespace {
Lookup check(const std::string& candidate) {
    struct stat st {};
    if (::stat(candidate.c_str(), &st) != 0) return {candidate, ENOENT};
    if (!S_ISREG(st.st_mode) || ::access(candidate.c_str(), X_OK) != 0) return {candidate, EACCES};
    return {candidate, 0};
}
}  // namespace

std::optional<Lookup> find_on_path(const std::string& program, const std::string& path_env) {
    if (program.empty()) return std::nullopt;
    if (program.find('/') != std::string::npos) {
        Lookup found = check(program);
        if (found.error == ENOENT) return std::nullopt;
        return found;
    }
    std::optional<Lookup> not_executable;
    std::size_t start = 0;
    for (;;) {
        std::size_t end = path_env.find(':', start);
        std::string dir = path_env.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
        Lookup found = check(candidate);
        if (found.error == 0) return found;
        if (found.error == EACCES && !not_executable) not_executable = found;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return not_executable;
}

std::optional<std::string> real_path(const std::string& path) {
    if (path.empty()) return std::nullopt;
    const int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char link[32];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char target[PATH_MAX];
    const ssize_t length = ::readlink(link, target, sizeof target);
    ::close(fd);
    // A name /proc gives for what is not reachable by path ("(deleted)", a pipe) does not start with '/'.
    if (length > 0 && static_cast<std::size_t>(length) < sizeof target && target[0] == '/')
        return std::string(target, static_cast<std::size_t>(length));
    std::unique_ptr<char, decltype(&::free)> resolved(::realpath(path.c_str(), nullptr), &::free);
    if (!resolved) return std::nullopt;
    return std::string(resolved.get());
}

}  // namespace jvminit::sys
