// Everything decided before the child starts, shared by `run` and `explain`: settings, the program,
// the JDK, the container limits, the output files and the child's JAVA_TOOL_OPTIONS.
#pragma once

#include <optional>
#include <string>
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

using Environment = std::vector<std::pair<std::string, std::string>>;

// jvminit's exit codes of its own (README "Exit codes").
inline constexpr int kExitInternalError = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitNotExecutable = 126;
inline constexpr int kExitNotFound = 127;

struct Failure {
    int exit_code;                   // kExitBadInput, kExitNotFound, ...
    std::vector<std::string> lines;  // one line per problem
};

// Reads the TOML file (--config, JVMINIT_CONFIG or /etc/jvminit/jvminit.toml if it exists) and resolves
// every setting. A failure holds every problem found.
std::variant<config::ResolvedSettings, Failure> load_settings(const cli::CommandLine& command_line,
                                                              const Environment& environment);

struct Preparation {
    config::ResolvedSettings settings;
    std::vector<std::string> program;  // PROGRAM ARGS... (may be empty for explain)
    std::string executable;            // the resolved PROGRAM; empty when none
    bool program_is_java = false;
    jvm::JdkInfo jdk;
    ContainerLimits limits;
    jvm::PreparedOutput output;
    jvm::JavaToolOptionsPlan plan;
    std::optional<std::uint64_t> expected_max_heap_bytes;  // the heap the JVM will size to, when known
    std::vector<std::string> warnings;                     // for the log
    std::vector<std::string> child_environment;            // NAME=value, JAVA_TOOL_OPTIONS as planned
};

// Resolves PROGRAM on PATH (127/126 when it cannot run), finds the JDK, reads the cgroup limits,
// prepares the heap dump and GC log directories (nothing created or deleted when `dry_run`) and plans
// JAVA_TOOL_OPTIONS. Never starts a process.
std::variant<Preparation, Failure> prepare(config::ResolvedSettings settings, const std::vector<std::string>& program,
                                           const Environment& environment, bool dry_run);

std::optional<std::string> get_env(const Environment& environment, std::string_view name);

}  // namespace jvminit::app
