#include "sys/paths.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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

}  // namespace jvminit::sys
