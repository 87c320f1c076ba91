// Finding PROGRAM the way execvp(3) does, so that jvminit knows before starting what will run and can
// report "not found" (127) and "not executable" (126) as tini does.
#pragma once

#include <optional>
#include <string>

namespace jvminit::sys {

struct Lookup {
    std::string path;           // the file that would be executed (PROGRAM itself when it contains a '/')
    int error = 0;              // 0: executable; EACCES: exists but not executable (or a directory); ENOENT: not found
    bool unsearchable = false;  // with EACCES: a directory on the way cannot be searched (stat(2) gave EACCES)
};

// Searches `path_env` (colon separated; an empty entry is the working directory, as execvp does) for
// `program`, unless it contains a '/'. Returns the first executable regular file; else the first match
// that exists but cannot be executed, or that sits below a directory that cannot be searched (execvp(3)
// reports that EACCES too, 126), with EACCES; else nullopt (ENOENT). Uses access(2) and stat(2);
// an entry listed twice (the same text) is looked at once.
std::optional<Lookup> find_on_path(const std::string& program, const std::string& path_env);

// The absolute path of `path` with every symbolic link, "." and ".." resolved: realpath(3). nullopt when the
// path does not resolve (missing, a dangling link, no search permission: realpath's errors). realpath(3)
// costs a readlink(2) per component, and still less in a new process than open(O_PATH) plus readlink(2)
// of /proc/self/fd/N (measured: 5 against 9 us), whose /proc entries a new process must first create.
std::optional<std::string> real_path(const std::string& path);

// True when `path` itself (its last component) is a symbolic link: lstat(2). False when it is not, or
// cannot be looked at.
bool is_symbolic_link(const std::string& path);

}  // namespace jvminit::sys
