// The system-call side of container/cgroup.hpp: reading files. Everything else is in cgroup.cpp.
#include <string>

#include "container/cgroup.hpp"
#include "sys/files.hpp"

namespace jvminit {

FileRead read_text_file(const std::string& path) {
    // /proc and cgroupfs files are small; mountinfo on a busy Kubernetes node can reach a few MiB.
    sys::FileContent read = sys::read_file(path, 64 * 1024 * 1024);
    return {std::move(read.content), std::move(read.error)};
}

ContainerLimits read_container_limits(std::string_view root_prefix) {
    const std::string prefix(root_prefix);
    return resolve_container_limits([&](const std::string& path) { return read_text_file(prefix + path); });
}

}  // namespace jvminit
