// Container limits of the current process from its cgroup: cgroup v1, v2 and hybrid (v1 controllers plus
// a v2 "unified" mount). The parsers are pure (they take file contents); resolve_container_limits reads
// through a caller-given file reader, and read_container_limits and read_oom_kill_count (cgroup_reader.cpp)
// are the only parts that make system calls (open/read/close of files, nothing else).
//
// Sources: the kernel's Documentation/admin-guide/cgroup-v2.rst and cgroup-v1/{cgroups,memory}.rst,
// proc(5) for /proc/self/cgroup and /proc/self/mountinfo, and HotSpot's cgroupSubsystem_linux.cpp /
// cgroupV1Subsystem_linux.cpp / cgroupV2Subsystem_linux.cpp, whose rules (directory of the own cgroup,
// "unlimited" thresholds, hierarchical v1 limit) this follows so that what jvminit logs is what the JVM sees.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sys/files.hpp"

namespace jvminit {

// ---------------------------------------------------------------- /proc/self/cgroup

// One line of /proc/self/cgroup: `hierarchy-ID:controller-list:cgroup-path` (proc(5)).
struct ProcCgroupEntry {
    int hierarchy_id = 0;                  // 0 for the cgroup v2 line `0::/path`
    std::vector<std::string> controllers;  // e.g. {"cpu", "cpuacct"}, {"name=systemd"}; empty for v2
    std::string path;                      // relative to the cgroup namespace's root, starts with '/';
                                           // may start with "/.." when the cgroup is outside the namespace
};

struct ProcCgroupParse {
    std::vector<ProcCgroupEntry> entries;
    std::vector<std::string> notes;  // malformed lines, which are skipped
};

// Parses the text of /proc/self/cgroup. Never fails: malformed lines are skipped with a note. With
// `controllers` given, a v1 line that lists none of them is left out (the v2 line `0::/path` is always kept).
ProcCgroupParse parse_proc_self_cgroup(std::string_view text, std::span<const std::string_view> controllers = {});

// ---------------------------------------------------------------- /proc/self/mountinfo

// A cgroup file system mount from /proc/self/mountinfo (proc(5): field 4 root, field 5 mount point,
// then after the "-" separator: fstype, source, super options).
struct CgroupMount {
    int version = 0;                         // 1 for fstype "cgroup", 2 for fstype "cgroup2"
    std::string root;                        // the cgroup shown at the mount point, e.g. "/" or "/docker/abc"
    std::string mount_point;                 // e.g. "/sys/fs/cgroup/memory"; octal escapes decoded
    std::vector<std::string> super_options;  // e.g. {"rw", "cpu", "cpuacct"}; for v1 they name the controllers
};

struct CgroupMountsParse {
    std::vector<CgroupMount> mounts;  // cgroup and cgroup2 mounts only, in mountinfo order
    std::vector<std::string> notes;   // malformed lines, which are skipped
};

// Parses the text of /proc/self/mountinfo, keeping the cgroup and cgroup2 mounts. Never fails. With
// `controllers` given, a cgroup (v1) mount whose super options name none of them is left out, unread (a
// malformed line of such a mount gets no note).
CgroupMountsParse parse_cgroup_mounts(std::string_view mountinfo, std::span<const std::string_view> controllers = {});

// Decodes mountinfo's octal escapes (`\040` space, `\011` tab, `\012` newline, `\134` backslash);
// a backslash not followed by three octal digits is kept as it is.
std::string unescape_mountinfo_field(std::string_view field);

// ---------------------------------------------------------------- where the process's cgroup is

struct CgroupLocation {
    int version = 0;          // 1 or 2; 0 when the controller's hierarchy is not found or not mounted
    std::string directory;    // absolute directory of the process's cgroup for the controller
    std::string mount_point;  // mount point of that hierarchy: the highest directory visible to us
    std::vector<std::string> notes;
};

// Finds the directory of the process's cgroup for a cgroup v1 controller (`controller`, e.g. "memory",
// "cpu"), or else for cgroup v2. A controller listed on a v1 line of /proc/self/cgroup is bound to v1
// (hybrid hosts), so then only v1 is considered. Directory = mount point + (cgroup path relative to the
// mount's root): mount root "/" (host view) gives mount point + path; a root equal to the path (cgroup
// namespace, or a bind mount of the own cgroup, as in Docker on v1) gives the mount point itself. Among
// several mounts of the hierarchy the one with the longest matching root wins (it hides the others
// when mounted over them). A path outside every mount's root falls back to the first mount point, with a note.
// Pure: does not check that the directory exists, nor (v2) that the controller is enabled there.
CgroupLocation locate_cgroup(const std::vector<ProcCgroupEntry>& entries, const std::vector<CgroupMount>& mounts,
                             std::string_view controller);

// ---------------------------------------------------------------- limit files

// A memory limit file's content: `bytes` is the limit; no bytes and no error means unlimited.
struct MemoryLimitParse {
    std::optional<std::uint64_t> bytes;
    std::optional<std::string> error;  // the text is not a limit (the message quotes it)
};

// cgroup v1 "no limit" reads back as PAGE_COUNTER_MAX pages, about 2^63 rounded down to the page size
// (9223372036854771712 with 4 KiB pages). Anything at or above 2^62 bytes is taken as unlimited.
inline constexpr std::uint64_t kCgroupV1UnlimitedBytes = std::uint64_t{1} << 62;

// cgroup v2 memory.max: "max" = unlimited, else a decimal number of bytes (surrounding whitespace ignored).
MemoryLimitParse parse_cgroup_v2_memory_max(std::string_view text);

// cgroup v1 memory.limit_in_bytes, or the value of hierarchical_memory_limit in memory.stat: bytes;
// >= kCgroupV1UnlimitedBytes (or "-1") = unlimited.
MemoryLimitParse parse_cgroup_v1_memory_limit(std::string_view text);

// A CPU limit: `cpus` = quota / period, e.g. 2.0 or 0.5 CPUs; no cpus and no error means unlimited.
struct CpuLimitParse {
    std::optional<double> cpus;
    std::optional<std::string> error;
};

// cgroup v2 cpu.max: "$MAX $PERIOD" in microseconds; "max 100000" = unlimited, "200000 100000" = 2.0.
CpuLimitParse parse_cgroup_v2_cpu_max(std::string_view text);

// cgroup v1 cpu.cfs_quota_us and cpu.cfs_period_us (microseconds): quota -1 = unlimited (the period is
// then not looked at), else quota / period; a quota or period of 0 or below is an error.
CpuLimitParse parse_cgroup_v1_cpu_quota(std::string_view quota_text, std::string_view period_text);

// The value of `key` in a "flat keyed" file (lines `KEY VALUE`, cgroup-v2.rst), e.g. memory.events,
// memory.stat, memory.oom_control. nullopt when the key is absent or its value is not a decimal number.
std::optional<std::uint64_t> parse_flat_keyed_value(std::string_view text, std::string_view key);

// The OOM-kill counter: line `oom_kill N` of v2 memory.events or v1 memory.oom_control (kernel 4.13+).
// It counts processes of this cgroup (v2: and its descendants) killed by any OOM killer, whichever
// cgroup's limit was hit. nullopt when the line is absent.
std::optional<std::uint64_t> parse_oom_kill_count(std::string_view text);

// MemTotal of /proc/meminfo in bytes (the file says kB, meaning KiB). nullopt when absent or malformed.
std::optional<std::uint64_t> parse_meminfo_total_bytes(std::string_view meminfo);

// ---------------------------------------------------------------- reading it all

struct ContainerLimits {
    int cgroup_version = 0;                           // 1 or 2 (for memory), 0 when none found
    std::string memory_cgroup_dir;                    // absolute directory used for memory
    std::optional<std::uint64_t> memory_limit_bytes;  // nullopt = unlimited or unknown (see notes)
    int cpu_cgroup_version = 0;                       // 1 or 2 (for cpu), 0 when none found
    std::string cpu_cgroup_dir;                       // absolute directory used for cpu
    std::optional<double> cpu_limit;                  // CPUs = quota/period; nullopt = unlimited/unknown
    std::vector<std::string> notes;                   // what was missing or odd, for the log
};

// One file's content, or why it could not be read (strerror text, e.g. "No such file or directory").
using FileRead = sys::FileContent;
using CgroupFileReader = std::function<FileRead(const std::string& absolute_path)>;

// Works out the limits from /proc/self/cgroup, /proc/self/mountinfo, /proc/meminfo and the cgroup files,
// all read through `read` (absolute paths as the process sees them). Never throws for missing or odd
// files: each one leaves its value unknown and adds a note.
//  - memory, v1: the smaller of memory.limit_in_bytes and memory.stat's hierarchical_memory_limit (the
//    smallest limit of the cgroup and its ancestors). A limit at or above the physical memory counts as
//    unlimited (HotSpot: CgroupV1Subsystem, against os::physical_memory()).
//  - memory, v2: the smallest memory.max from the own cgroup up to the mount point (ancestors limit us too);
//    v2 counts only when "memory" is in the own cgroup.controllers.
//    Ancestors' limits are what the kernel enforces; HotSpot looks at them only from JDK 24 (JDK-8322420,
//    being backported), so an older JVM may size its heap from a larger own limit (or none).
//  - cpu: the smallest quota/period from the own cgroup up to the mount point (v1 cfs files, v2 cpu.max).
//    A JVM before JDK 24 reads its own cgroup's quota only (a trial: JDK 17 under a parent's 0.5 counts 2 CPUs).
// The OOM-kill counter is not read here (see oom_kill_count_of): nothing at start needs it.
// `physical_memory_bytes`: gives the machine's memory as HotSpot sees it, sysconf(_SC_PHYS_PAGES) × page size
// (glibc asks sysinfo(2), which LXCFS leaves alone: its /proc/meminfo shows the container's limit, which would
// make every limit look unlimited); called only when there is a limit. nullptr: MemTotal of /proc/meminfo,
// read through `read` (test trees).
using PhysicalMemoryBytes = std::optional<std::uint64_t> (*)();
ContainerLimits resolve_container_limits(const CgroupFileReader& read,
                                         PhysicalMemoryBytes physical_memory_bytes = nullptr);

// The OOM-kill counter of the memory cgroup `limits` found (memory_cgroup_dir, cgroup_version 1 or 2): line
// `oom_kill N` of v1 memory.oom_control or v2 memory.events (kernel 4.13+, parse_oom_kill_count), read
// through `read`. nullopt when no memory cgroup was found, the file cannot be read or has no such line.
// For the exit classifier (next): a count read with the limits, right after the launch (the counter only
// grows; nothing runs in between but the child's first instructions), and one read when the child has ended
// will tell whether the kernel's OOM killer ended a process of the container in between. Reads the one file
// (open(2), read(2) to end of file, close(2)). Nothing calls it yet (issue 5: no work at start that can wait).
std::optional<std::uint64_t> oom_kill_count_of(const CgroupFileReader& read, const ContainerLimits& limits);

// The machine's memory as HotSpot's os::physical_memory() reads it, in bytes: sysconf(3) _SC_PHYS_PAGES ×
// _SC_PAGESIZE (glibc: sysinfo(2)); nullopt when sysconf fails. The physical memory read_container_limits
// compares a limit with, and the one the JVM sizes its heap of without a limit. Defined in cgroup_reader.cpp.
std::optional<std::uint64_t> sysconf_physical_memory();

// resolve_container_limits with files read from `root_prefix` + path ("" = this machine, with the physical
// memory from sysconf_physical_memory; a test passes a temporary directory holding proc/self/cgroup,
// proc/self/mountinfo, proc/meminfo and the cgroup tree). System calls: open(2), read(2), close(2) only. Defined in
// cgroup_reader.cpp.
ContainerLimits read_container_limits(std::string_view root_prefix = "");

// oom_kill_count_of with the file read from `root_prefix` + path. Defined in cgroup_reader.cpp.
std::optional<std::uint64_t> read_oom_kill_count(const ContainerLimits& limits, std::string_view root_prefix = "");

}  // namespace jvminit
