#include "sys/paths.hpp"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string_view>

namespace jvminit::sys {

namespace {
// 0: an executable regular file; EACCES: exists but is not one; ENOENT: nothing there. `unsearchable`: EACCES
// because a directory on the way may not be searched.
int check(const std::string& candidate, bool& unsearchable) {
    struct stat st {};
    unsearchable = false;
    if (::stat(candidate.c_str(), &st) != 0) {
        unsearchable = errno == EACCES;
        return unsearchable ? EACCES : ENOENT;
    }
    if (!S_ISREG(st.st_mode) || ::access(candidate.c_str(), X_OK) != 0) return EACCES;
    return 0;
}
}  // namespace

std::optional<Lookup> find_on_path(const std::string& program, const std::string& path_env) {
    if (program.empty()) return std::nullopt;
    if (program.find('/') != std::string::npos) {
        bool unsearchable = false;
        const int error = check(program, unsearchable);
        if (error == ENOENT) return std::nullopt;
        return Lookup{program, error, unsearchable};
    }
    std::optional<Lookup> not_executable;
    const std::string_view dirs = path_env;
    // An entry listed earlier on gave its answer already (PATH entries are few: a rescan allocates nothing).
    auto listed_before = [&](std::size_t before, std::string_view entry) {
        for (std::size_t start = 0; start < before;) {
            const std::size_t end = std::min(dirs.find(':', start), dirs.size());
            if (dirs.substr(start, end - start) == entry) return true;
            start = end + 1;
        }
        return false;
    };
    std::string candidate;  // one buffer for every directory
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = dirs.find(':', start);
        const std::string_view dir = dirs.substr(start, end == std::string_view::npos ? end : end - start);
        if (!listed_before(start, dir)) {
            candidate.assign(dir.empty() ? std::string_view(".") : dir).append(1, '/').append(program);
            bool unsearchable = false;
            const int error = check(candidate, unsearchable);
            if (error == 0) return Lookup{candidate, 0};
            if (error == EACCES && !not_executable) not_executable = Lookup{candidate, EACCES, unsearchable};
        }
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return not_executable;
}

std::optional<std::string> real_path(const std::string& path) {
    if (path.empty()) return std::nullopt;
    std::unique_ptr<char, decltype(&::free)> resolved(::realpath(path.c_str(), nullptr), &::free);
    if (!resolved) return std::nullopt;
    return std::string(resolved.get());
}

bool is_symbolic_link(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace jvminit::sys
