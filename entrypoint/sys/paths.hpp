// Finding PROGRAM the way execvp(3) does, so that jvminit knows before starting what will run and can
// report "not found" (127) and "not executable" (126) as tini does.
#pragma once

#include <optional>
#include <string>

namespace jvminit::sys {

struct Lookup {
    std::string path;  // the file that would be executed (PROGRAM itself when it contains a '/')
    int error = 0;     // 0: executable; EACCES: exists but not executable (or a directory); ENOENT: not found
};

// Searches `path_env` (colon separated; an empty entry is the working directory, as execvp does) for
// `program`, unless it contains a '/'. Returns the first executable regular file; else the first match
// that exists but cannot be executed, with EACCES; else nullopt (ENOENT). Uses access(2) and stat(2).
std::optional<Lookup> find_on_path(const std::string& program, const std::string& path_env);

}  // namespace jvminit::sys
