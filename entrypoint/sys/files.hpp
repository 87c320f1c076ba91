// Reading a whole small file with open(2)/read(2): the release file, the TOML file, @argfiles, /proc and
// cgroup files. No iostreams (their construction is most of the cost of reading a 1 KB file).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace jvminit::sys {

struct FileContent {
    std::optional<std::string> content;  // nullopt when the file cannot be read or is too large
    std::string error;                   // why: strerror(3) of open/read ("No such file or directory"), or
                                         // "larger than N bytes"
};

// The whole content of `path` (reads until end of file; retries EINTR). `max_bytes`: a larger file is an
// error, not a truncated content. Opens with O_CLOEXEC. Blocks on a FIFO like read(2) does: callers that
// must not block check for a regular file first.
FileContent read_file(const std::string& path, std::size_t max_bytes);

}  // namespace jvminit::sys
