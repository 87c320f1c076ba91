#include "sys/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "sys/error.hpp"
#include "sys/fd.hpp"

namespace jvminit::sys {

FileContent read_file(const std::string& path, std::size_t max_bytes) {
    UniqueFd fd(retry_on_eintr([&] { return ::open(path.c_str(), O_RDONLY | O_CLOEXEC); }));
    if (!fd) return {std::nullopt, std::generic_category().message(errno)};
    std::string content;
    char buffer[8192];
    while (true) {
        const ssize_t count = retry_on_eintr([&] { return ::read(fd.get(), buffer, sizeof buffer); });
        if (count < 0) return {std::nullopt, std::generic_category().message(errno)};
        if (count == 0) break;
        content.append(buffer, static_cast<std::size_t>(count));
        if (content.size() > max_bytes) return {std::nullopt, "larger than " + std::to_string(max_bytes) + " bytes"};
    }
    return {std::move(content), {}};
}

}  // namespace jvminit::sys
