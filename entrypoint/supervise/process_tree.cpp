#include "supervise/process_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <charconv>
#include <map>
#include <set>
#include <string>

#include "sys/error.hpp"
#include "sys/fd.hpp"

namespace jvminit::supervise {

std::optional<pid_t> parse_stat_ppid(std::string_view stat) {
    std::size_t close = stat.rfind(')');
    if (close == std::string_view::npos || close + 2 >= stat.size()) return std::nullopt;
    std::string_view rest = stat.substr(close + 2);  // "S 1 ..."
    std::size_t space = rest.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    rest = rest.substr(space + 1);
    pid_t ppid = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), ppid);
    if (ec != std::errc() || end == rest.data()) return std::nullopt;
    return ppid;
}

std::vector<pid_t> descendants_of(pid_t root, const std::vector<std::pair<pid_t, pid_t>>& parent_links) {
    std::multimap<pid_t, pid_t> children;
    for (auto [pid, ppid] : parent_links) children.emplace(ppid, pid);
    std::vector<pid_t> found;
    std::set<pid_t> seen{root};  // a malformed snapshot (a cycle, a duplicate) must not loop or repeat
    std::vector<pid_t> pending{root};
    while (!pending.empty()) {
        pid_t parent = pending.back();
        pending.pop_back();
        auto [first, last] = children.equal_range(parent);
        for (auto it = first; it != last; ++it) {
            if (!seen.insert(it->second).second) continue;
            found.push_back(it->second);
            pending.push_back(it->second);
        }
    }
    return found;
}

std::optional<std::vector<pid_t>> read_descendants(pid_t root) {
    char self[32] = {};
    const ssize_t length = ::readlink("/proc/self", self, sizeof self - 1);
    if (length <= 0 || std::string_view(self, static_cast<std::size_t>(length)) != std::to_string(::getpid()))
        return std::nullopt;
    std::vector<std::pair<pid_t, pid_t>> links;
    DIR* proc = ::opendir("/proc");
    if (!proc) return std::nullopt;
    while (dirent* entry = ::readdir(proc)) {
        pid_t pid = 0;
        std::string_view name = entry->d_name;
        auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (ec != std::errc() || end != name.data() + name.size()) continue;
        std::string path = "/proc/" + std::string(name) + "/stat";
        sys::UniqueFd fd(sys::retry_on_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
        if (!fd) continue;
        char buffer[1024];
        ssize_t n = sys::retry_on_eintr([&] { return ::read(fd.get(), buffer, sizeof buffer); });
        if (n <= 0) continue;
        if (auto ppid = parse_stat_ppid(std::string_view(buffer, static_cast<std::size_t>(n))))
            links.emplace_back(pid, *ppid);
    }
    ::closedir(proc);
    return descendants_of(root, links);
}

}  // namespace jvminit::supervise
