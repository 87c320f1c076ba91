// Everything decided before the child starts, shared by `run` and `explain`: settings, the program,
// the JDK, the output files and the child's JAVA_TOOL_OPTIONS; and, apart, what the container limits say
// (nothing the child is given depends on them, so `run` reads them while the child starts, unless a warning
// about them concerns the start: check_limits_before_start).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "cli/command_line.hpp"
#include "config/settings.hpp"
#include "container/cgroup.hpp"
#include "jvm/java_tool_options.hpp"
#include "jvm/jdk.hpp"
#include "jvm/output_files.hpp"

namespace jvminit::app {

using config::Environment;  // views of jvminit's environment block (config/settings.hpp)

// jvminit's exit codes of its own (README "Exit codes").
inline constexpr int kExitInternalError = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

struct Failure {
    int exit_code;                   // kExitBadInput, kExitNotFound, ...
    std::vector<std::string> lines;  // one line per problem
};

// The most bytes execve(2) takes for one argument or one "NAME=value" variable, its final NUL included:
// MAX_ARG_STRLEN, 32 pages (include/uapi/linux/binfmts.h). A longer one fails with E2BIG.
inline constexpr std::size_t kMaxArgStrlen = 131072;

// Why PROGRAM could not be started, from the errno of vfork(2)/execve(2) (README "Exit codes"):
//  - ENOENT: the file was found on PATH, so what is missing is the interpreter of its #! line (`first_line`,
//    the file's first line); a #! line ending in a carriage return (a script saved with Windows line
//    endings) names an interpreter "/bin/sh\r" that cannot exist, and the line says so. 127.
//  - EAGAIN, ENOMEM: no new process (a pids limit of the container, memory): jvminit's own failure, 1.
//  - E2BIG: `argv` and `environment` ("NAME=value") too large for execve(2): a single string over
//    131,072 bytes (MAX_ARG_STRLEN, include/uapi/linux/binfmts.h) is named, else the total. 126.
//  - anything else (EACCES, ENOEXEC, ...): not executable. 126.
struct LaunchFailure {
    int exit_code;
    std::string message;  // one line, without "[jvminit error]"
};
LaunchFailure describe_launch_failure(const std::string& program, const std::string& executable, int error,
                                      std::string_view first_line, const std::vector<std::string>& argv,
                                      const std::vector<const char*>& environment);

// Reads the TOML file (--config, JVMINIT_CONFIG or /etc/jvminit/jvminit.toml if it exists) and resolves
// every setting. Valid when `errors` is empty; otherwise it holds every problem found (the file's first), and
// with_the_rest makes the report of it.
config::SettingsResult load_settings(const cli::CommandLine& command_line, const Environment& environment);

// The whole report of bad input (exit 2): the line of a PROGRAM that cannot run first, then
// `command_line_lines` (a bad command line's; none for a run or explain), the settings' errors (load_settings's),
// then what prepare finds with the settings that are good (a JAVA_TOOL_OPTIONS the JVM refuses, a heap dump or
// GC log directory that cannot be used; not the directory of a setting whose last value was refused, which
// the user replaced), checked as a dry run: nothing created or deleted. A line is said once. A user fixes
// everything at once, not one layer after the other.
Failure with_the_rest(std::vector<std::string> command_line_lines, config::SettingsResult settings,
                      const std::vector<std::string>& program, const Environment& environment);

// The child's environment: NUL-terminated "NAME=value" strings for execve(2). An entry of jvminit's own
// block is handed on as it is (no copy); what jvminit builds (JAVA_TOOL_OPTIONS, a variable given in parts
// without its entry) is held here. Copies stay valid: a borrowed entry points into the process's environment.
struct ChildEntry {
    const char* borrowed = nullptr;  // an entry of the environment block
    std::string owned;               // used when `borrowed` is nullptr
    const char* c_str() const { return borrowed ? borrowed : owned.c_str(); }
};
using ChildEnvironment = std::vector<ChildEntry>;

struct Preparation {
    config::ResolvedSettings settings;
    std::vector<std::string> program;  // PROGRAM ARGS... (may be empty for explain)
    std::string executable;            // the resolved PROGRAM; empty when none
    bool program_is_java = false;
    jvm::JdkInfo jdk;
    jvm::PreparedOutput output;
    jvm::JavaToolOptionsPlan plan;
    std::vector<std::string> user_options;  // the user's own JVM options, in the JVM's order
    std::vector<std::string> warnings;      // for the log
    ChildEnvironment child_environment;     // JAVA_TOOL_OPTIONS as planned
    // A dry run's PROGRAM that cannot run (not found: 127, not executable: 126): the line and status a run
    // ends with; the rest is prepared without it (explain shows what it can). A run fails instead.
    std::optional<Failure> program_failure;
};

// Resolves PROGRAM on PATH (127/126 when it cannot run; a dry run goes on without it, in program_failure),
// finds the JDK, prepares the heap dump and GC log directories (nothing created or deleted when `dry_run`)
// and plans JAVA_TOOL_OPTIONS. Bad input is exit 2, with the line of a PROGRAM that cannot run first. A run
// whose PROGRAM cannot run checks the rest as a dry run does (nothing created or deleted) and fails with
// the program's line and status unless there is bad input besides: one report for every problem. Never
// starts a process; reads no cgroup file (check_limits does).
std::variant<Preparation, Failure> prepare(config::ResolvedSettings settings, const std::vector<std::string>& program,
                                           const Environment& environment, bool dry_run);

struct LimitsCheck {
    ContainerLimits limits;
    std::optional<std::uint64_t> expected_max_heap_bytes;  // the heap the JVM will size to, when known
    std::vector<std::string> warnings;  // a user heap above the memory limit; a dump that may not fit on disk
};

// Reads the container limits (cgroup v1/v2, container/cgroup.hpp) and checks the prepared start against
// them: the maximum heap the JVM will take (jvm::expected_max_heap: the user's -Xmx, else a share of the
// memory limit or of the RAM, raised to the user's -Xms) above the memory limit (a user's -Xmx above it,
// or any expected heap at or above it), and above the free space of the heap dump directory. Warnings only. `explain`
// calls it before printing; `run` before the start when check_limits_before_start, else once the child has started.
LimitsCheck check_limits(const Preparation& p);

// True when check_limits can warn about this start, so that `run` reads the cgroup files before it:
//  - a heap not below the memory limit: the user sizes the heap (jvm::user_sizes_heap: -Xmx, -Xms,
//    MaxRAM...) or turns container support off (jvm::container_support_off: a heap of the host's memory), or
//    jvminit adds a MaxRAMPercentage of 100 (below 100 the JVM's heap stays below any limit: a share of it
//    under 100%, or at most half of a small one);
//  - a heap dump that may not fit in the heap dump directory (said before the start, issue 3) whatever the
//    memory limit is: `dump_dir_free_bytes` (statvfs(3), jvm::free_bytes_for_dumps; nullopt: unknown, and
//    free_space_warning then says nothing either) plus the dumps the clean-up deletes is less than the heap
//    the JVM would take of `physical_memory_bytes` (the RAM; 0: unknown, and the answer is true). A memory
//    limit only makes that heap smaller (jvm::expected_max_heap grows with the memory, and a limit above the
//    RAM counts as none), so when all of the RAM's heap fits, no limit can bring the warning.
// Otherwise nothing check_limits finds concerns the start, and reading the cgroup files waits until the child
// runs. Pure.
bool check_limits_before_start(const Preparation& p, std::uint64_t physical_memory_bytes,
                               std::optional<std::uint64_t> dump_dir_free_bytes);

// The same with this machine's RAM (sysconf(3) _SC_PHYS_PAGES) and the directory's free space.
bool check_limits_before_start(const Preparation& p);

// The last value of `name` (a name may repeat when a process builds its own environment; getenv(3)
// leaves which one unspecified, jvminit and the child's environment agree on the last).
std::optional<std::string> get_env(const Environment& environment, std::string_view name);

// The child's environment: jvminit's own with each name once, holding its last value in the place of its
// first (what get_env reads, so jvminit and the JVM see the same JDK_JAVA_OPTIONS), entries with an empty
// name dropped, and JAVA_TOOL_OPTIONS replaced by `java_tool_options` (the planned value), last; absent when
// nullopt. A variable with its `entry` is borrowed (for a repeated name: its last entry). O(n log n). Pure.
ChildEnvironment child_environment(const Environment& environment, const std::optional<std::string>& java_tool_options);

}  // namespace jvminit::app
