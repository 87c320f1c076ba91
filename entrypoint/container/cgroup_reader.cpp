// The system-call side of container/cgroup.hpp: reading files. Everything else is in cgroup.cpp.
#include <string>

#include "container/cgroup.hpp"
#include "sys/files.hpp"

namespace jvminit {

ContainerLimits read_container_limits(std::string_view root_prefix) {
    const std::string prefix(root_prefix);
    // /proc and cgroupfs files are small; mountinfo on a busy Kubernetes node can reach a few MiB.
    return resolve_container_limits(
        [&](const std::string& path) { return sys::read_file(prefix + path, 64 * 1024 * 1024); });
}

}  // namespace jvminit
