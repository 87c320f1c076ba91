// The system-call side of container/cgroup.hpp: reading files. Everything else is in cgroup.cpp.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "container/cgroup.hpp"
#include "sys/error.hpp"
#include "sys/fd.hpp"

namespace jvminit {

namespace {
// /proc and cgroupfs files are small; mountinfo on a busy Kubernetes node can reach a few MiB.
constexpr std::size_t kMaxFileBytes = 64 * 1024 * 1024;
}  // namespace

FileRead read_text_file(const std::string& path) {
    sys::UniqueFd fd(sys::retry_on_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
    if (!fd) return {std::nullopt, std::generic_category().message(errno)};
    std::string content;
    char buffer[8192];
    while (true) {
        const ssize_t count = sys::retry_on_eintr([&] { return ::read(fd.get(), buffer, sizeof buffer); });
        if (count < 0) return {std::nullopt, std::generic_category().message(errno)};
        if (count == 0) break;
        content.append(buffer, static_cast<std::size_t>(count));
        if (content.size() > kMaxFileBytes) return {std::nullopt, "larger than 64 MiB"};
    }
    return {std::move(content), {}};
}

ContainerLimits read_container_limits(std::string_view root_prefix) {
    const std::string prefix(root_prefix);
    return resolve_container_limits([&](const std::string& path) { return read_text_file(prefix + path); });
}

}  // namespace jvminit
