// The system-call side of container/cgroup.hpp: reading files. Everything else is in cgroup.cpp.
#include <unistd.h>

#include <optional>
#include <string>

#include "container/cgroup.hpp"
#include "sys/files.hpp"

namespace jvminit {

namespace {
// /proc and cgroupfs files are small; mountinfo on a busy Kubernetes node can reach a few MiB.
CgroupFileReader prefixed_reader(std::string_view root_prefix) {
    return [prefix = std::string(root_prefix)](const std::string& path) {
        return sys::read_file(prefix + path, 64 * 1024 * 1024);
    };
}
}  // namespace

std::optional<std::uint64_t> sysconf_physical_memory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page_size <= 0) return std::nullopt;
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

ContainerLimits read_container_limits(std::string_view root_prefix) {
    return resolve_container_limits(prefixed_reader(root_prefix),
                                    root_prefix.empty() ? &sysconf_physical_memory : nullptr);
}

std::optional<std::uint64_t> read_oom_kill_count(const ContainerLimits& limits, std::string_view root_prefix) {
    return oom_kill_count_of(prefixed_reader(root_prefix), limits);
}

}  // namespace jvminit
