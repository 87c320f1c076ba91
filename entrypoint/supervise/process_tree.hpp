// The processes below jvminit, found from /proc/PID/stat (proc(5): field 4 is the parent pid).
// Used only when stopping, never while idle.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace jvminit::supervise {

// The parent pid from the content of /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold spaces
// and parentheses, so the fields after the LAST ')' are read). nullopt when malformed.
std::optional<pid_t> parse_stat_ppid(std::string_view stat);

// Every pid whose chain of parents reaches `root` (root excluded), from (pid, ppid) pairs. Pure.
std::vector<pid_t> descendants_of(pid_t root, const std::vector<std::pair<pid_t, pid_t>>& parent_links);

// Reads /proc and returns the descendants of `root` right now. Processes that vanish while reading are skipped.
// nullopt when /proc cannot tell: not mounted (opendir fails), or not this pid namespace's (/proc/self names
// another pid than getpid(2): a /proc of the host's, `unshare --pid` without a new mount of it), whose pids
// would mean other processes here.
std::optional<std::vector<pid_t>> read_descendants(pid_t root);

}  // namespace jvminit::supervise
