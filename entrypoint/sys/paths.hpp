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

// The absolute path of `path` with every symbolic link, "." and ".." resolved: what realpath(3) returns, in
// three system calls instead of a readlink(2) per component: open(2) with O_PATH resolves the path in the
// kernel and readlink(2) of /proc/self/fd/N names what it found (proc(5)). Falls back to realpath(3) when
// /proc is not mounted. nullopt when the path does not resolve (missing, a dangling link, no search
// permission: realpath's errors).
std::optional<std::string> real_path(const std::string& path);

}  // namespace jvminit::sys
