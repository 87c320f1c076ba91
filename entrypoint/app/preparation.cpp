#include "app/preparation.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "jvm/java_options_tokenizer.hpp"
#include "sys/files.hpp"
#include "sys/paths.hpp"

namespace jvminit::app {

namespace fs = std::filesystem;

namespace {
constexpr std::size_t kMaxConfigBytes = 16 * 1024 * 1024;  // a TOML file of settings is a few KB
constexpr std::size_t kMaxOptionFileBytes = 1024 * 1024;   // an @argfile or -XX:VMOptionsFile

// Why socket(2) gives no IPv6 stream socket (JavaToolOptionsInput::ipv6_socket_error), "" when it does.
std::string ipv6_socket_error() {
    const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::strerror(errno);
    ::close(fd);
    return {};
}
}  // namespace

std::optional<std::string> get_env(const Environment& environment, std::string_view name) {
    for (auto it = environment.rbegin(); it != environment.rend(); ++it)
        if (it->name == name) return std::string(it->value);  // the last one: getenv of a repeated name is unspecified
    return std::nullopt;
}

config::SettingsResult load_settings(const cli::CommandLine& command_line, const Environment& environment) {
    config::SettingsInput input;
    input.environment = environment;
    input.flags = command_line.flags;

    std::optional<std::string> path = command_line.config_path;
    std::string named_by = "--config";
    if (!path) {
        path = get_env(environment, config::kConfigEnv);
        named_by = std::string(config::kConfigEnv);
        if (path && path->empty()) path.reset();
    }
    bool must_exist = path.has_value();
    if (!path) path = std::string(config::kDefaultConfigPath);
    struct stat st {};
    const bool exists = ::stat(path->c_str(), &st) == 0;  // one stat(2) for "exists" and "regular file"
    // Only a file that is not there is no configuration: one that cannot be looked at (a directory on the way
    // that the container's user may not search) is an error, or its settings would be lost without a word.
    const bool absent = !exists && errno == ENOENT;
    std::optional<std::string> file_error;  // reported with the environment's and the flags' problems
    const std::string which = must_exist ? " named by " + named_by : std::string();
    if (must_exist || !absent) {
        // A directory would read as an empty file and a FIFO would block: only a regular file is a config.
        if (exists && !S_ISREG(st.st_mode)) {
            file_error = *path + ": the configuration file" + which + " is not a regular file";
        } else if (sys::FileContent read = sys::read_file(*path, kMaxConfigBytes); !read.content) {
            file_error = *path + ": cannot read the configuration file" + which + ": " + read.error;
        } else {
            input.file = config::ConfigFile{*path, std::move(*read.content)};
        }
    }
    config::SettingsResult result = config::resolve_settings(input);
    if (file_error) result.errors.insert(result.errors.begin(), std::move(*file_error));
    return result;
}

namespace {

struct ProgramLookup {
    std::string executable;                  // the resolved PROGRAM; empty when none or it cannot run
    std::optional<Failure> program_failure;  // not found: 127, not executable: 126
};

// PROGRAM on `path_env` as execvp(3) finds it; `path_env_set`: whether PATH is set (for the line).
ProgramLookup look_up_program(const std::vector<std::string>& program, const std::string& path_env, bool path_env_set) {
    ProgramLookup lookup;
    if (program.empty()) return lookup;
    const std::string_view name = program.front();
    auto found = name.empty() ? std::nullopt : sys::find_on_path(program.front(), path_env);
    if (name.empty()) {
        lookup.program_failure = Failure{kExitNotFound, {"PROGRAM is an empty string"}};
    } else if (!found) {
        const bool has_slash = name.find('/') != std::string_view::npos;
        const std::string searched = path_env_set ? "PATH=" + path_env : "PATH unset, searched /bin:/usr/bin";
        lookup.program_failure = Failure{
            kExitNotFound,
            {"PROGRAM '" + std::string(name) + "': not found" + (has_slash ? std::string() : " (" + searched + ")")}};
    } else if (found->error != 0) {
        lookup.program_failure =
            Failure{kExitNotExecutable,
                    {"PROGRAM '" + std::string(name) + "': cannot be executed: " + found->path +
                     (found->unsearchable ? ": Permission denied (a directory on its path may not be searched by uid " +
                                                std::to_string(::geteuid()) + ")"
                                          : std::string(" is not an executable file"))}};
    } else {
        lookup.executable = found->path;
    }
    return lookup;
}

}  // namespace

Failure with_the_rest(std::vector<std::string> command_line_lines, config::SettingsResult settings,
                      const std::vector<std::string>& program, const Environment& environment) {
    const auto path_env_set = get_env(environment, "PATH");
    const ProgramLookup lookup =
        look_up_program(program, path_env_set.value_or("/bin:/usr/bin"), path_env_set.has_value());
    std::vector<std::string> lines =
        lookup.program_failure ? lookup.program_failure->lines : std::vector<std::string>();
    const std::size_t program_lines = lines.size();
    const auto add = [&](std::string& line) {
        if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(std::move(line));
    };
    for (auto& line : command_line_lines) add(line);
    for (auto& line : settings.errors) add(line);
    // A refused value leaves the one before it, which the user replaced: the directory it names is not checked.
    const auto refused = [&](std::string_view table) {
        return std::any_of(settings.refused.begin(), settings.refused.end(),
                           [&](const std::string& name) { return name.starts_with(std::string(table) + "."); });
    };
    if (refused("heap_dump")) settings.settings.values.heap_dump_dir.clear();
    if (refused("gc_log")) settings.settings.values.gc_log = false;
    // What prepare finds with the settings that are good, as a dry run (nothing created or deleted): its
    // bad input comes after the program's line, which it gives first too.
    try {
        auto prepared = prepare(std::move(settings.settings), program, environment, /*dry_run=*/true);
        if (auto* failure = std::get_if<Failure>(&prepared))
            for (std::size_t i = program_lines; i < failure->lines.size(); ++i) add(failure->lines[i]);
    } catch (const std::exception&) {
        // What could not be checked is left out: the report of what was found must not turn into an internal error.
    }
    return Failure{kExitBadInput, std::move(lines)};
}

std::variant<Preparation, Failure> prepare(config::ResolvedSettings settings, const std::vector<std::string>& program,
                                           const Environment& environment, bool dry_run) {
    Preparation p;
    p.settings = std::move(settings);
    p.program = program;
    // execvp(3) searches "/bin:/usr/bin" when PATH is unset; so does jvminit, for PROGRAM and for java.
    const auto path_env_set = get_env(environment, "PATH");
    const std::string path_env = path_env_set.value_or("/bin:/usr/bin");
    ProgramLookup lookup = look_up_program(program, path_env, path_env_set.has_value());
    p.executable = std::move(lookup.executable);
    p.program_failure = std::move(lookup.program_failure);
    // A run whose PROGRAM cannot run prepares nothing and changes nothing: the rest is only checked, as a dry
    // run checks it, so that bad input elsewhere is said with the program's line (one report, exit 2).
    const bool run_without_program = p.program_failure && !dry_run;
    if (run_without_program) dry_run = true;

    p.jdk = jvm::find_jdk(p.executable, get_env(environment, "JAVA_HOME"), path_env);
    p.program_is_java = p.jdk.program_is_java;
    if (!p.jdk.version)
        p.warnings.push_back("JDK version unknown (" + p.jdk.problem + "); assuming JDK " +
                             std::to_string(jvm::kAssumedJdkMajor) + " behaviour");
    jvm::JavaToolOptionsInput input;
    input.jdk_major = p.jdk.effective_major();
    input.jdk_update = p.jdk.version ? p.jdk.version->update : 0;
    input.user.java_tool_options = get_env(environment, "JAVA_TOOL_OPTIONS");
    input.user.jdk_java_options = get_env(environment, "JDK_JAVA_OPTIONS");
    input.user.java_options = get_env(environment, "_JAVA_OPTIONS");
    if (p.program_is_java) input.user.command_line.assign(program.begin() + 1, program.end());
    // Options in files the user named (@argfiles, -XX:VMOptionsFile) count as the user's too. Relative paths
    // are the JVM's, resolved against the working directory it starts in: this one.
    // The files the options name, then the -XX:VMOptionsFile the @argfiles among them name.
    const auto read_option_files = [&](const std::vector<jvm::OptionFileRef>& refs) {
        for (const auto& ref : refs) {
            // Regular files only: reading a pipe (java @/dev/stdin, @<(...)) would take its content from the JVM.
            std::error_code ec;
            const fs::file_status status = fs::status(ref.path, ec);
            if (!fs::exists(status)) {
                p.warnings.push_back(ref.where + ": no such file; its options are not taken into account");
                continue;
            }
            if (!fs::is_regular_file(status)) {
                p.warnings.push_back(ref.where + ": not a regular file; its options are not taken into account");
                continue;
            }
            sys::FileContent read = sys::read_file(ref.path, kMaxOptionFileBytes);
            if (!read.content) {
                p.warnings.push_back(ref.where + ": cannot read it (" + read.error +
                                     "); its options are not taken into account");
                continue;
            }
            input.user.option_files.push_back({ref.where, std::move(*read.content), ref.is_argfile});
        }
    };
    read_option_files(jvm::option_file_refs(input.user, p.jdk.effective_major()));
    read_option_files(jvm::option_file_refs_in_argfiles(input.user.option_files, p.jdk.effective_major()));

    for (auto& [option, where] : jvm::user_options_in_order(input.user, input.jdk_major))
        p.user_options.push_back(std::move(option));

    // Only where JDWP would listen on "*": a system call at start for nobody else.
    const auto& debug_settings = p.settings.values;
    if (debug_settings.debug && debug_settings.debug_bind == "*" && input.jdk_major >= 12)
        input.ipv6_socket_error = ipv6_socket_error();

    // The settings are lent to the planner, not copied (a map of every setting's source).
    const auto plan_with = [&](const jvm::OutputFiles& files) {
        input.files = files;
        input.settings = std::move(p.settings);
        jvm::JavaToolOptionsPlan plan = jvm::plan_java_tool_options(input);
        p.settings = std::move(input.settings);
        return plan;
    };
    const auto& s = p.settings.values;
    // Bad input: exit 2, the directories' problem and the plan's at once. A PROGRAM that cannot run is said
    // with them, first: one report for all.
    const auto bad_input = [&](const jvm::PreparedOutput& output, const jvm::JavaToolOptionsPlan& plan) {
        std::optional<Failure> failure;
        if (!output.error && !plan.error) return failure;
        failure = Failure{kExitBadInput, p.program_failure ? p.program_failure->lines : std::vector<std::string>()};
        if (output.error) failure->lines.push_back(*output.error);
        if (plan.error) failure->lines.push_back(*plan.error);
        return failure;
    };
    // Bad input refuses the start before the output directories change (a run directory made, old dumps
    // and GC logs deleted): with files to write, the plan is checked first with the names a dry run gives.
    if (!dry_run && (!s.heap_dump_dir.empty() || s.gc_log)) {
        const jvm::PreparedOutput names =
            jvm::prepare_output(s.heap_dump_dir, s.heap_dump_keep, s.gc_log, s.gc_log_dir, /*dry_run=*/true);
        if (auto failure = bad_input(names, plan_with(names.files))) return *failure;
    }
    // The clean-up (old dumps and GC logs deleted) waits for the launch (run.cpp): a start that cannot
    // launch its child deletes nothing.
    p.output = jvm::claim_output(s.heap_dump_dir, s.heap_dump_keep, s.gc_log, s.gc_log_dir, dry_run);
    p.plan = plan_with(p.output.files);
    if (auto failure = bad_input(p.output, p.plan)) return *failure;
    if (run_without_program) return *p.program_failure;

    p.child_environment = child_environment(environment, p.plan.value);
    return p;
}

ChildEnvironment child_environment(const Environment& environment,
                                   const std::optional<std::string>& java_tool_options) {
    auto built = [](std::string_view name, std::string_view value) {
        ChildEntry entry;
        entry.owned.reserve(name.size() + 1 + value.size());
        entry.owned.append(name).append(1, '=').append(value);
        return entry;
    };
    const std::size_t count = environment.size();
    // Repeats are rare (a process that builds its own environment): sorted hashes of the names (FNV-1a,
    // 64 bits) rule them out cheaply; only equal hashes lead to the comparison of the names themselves.
    std::vector<std::uint64_t> hashes(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::uint64_t hash = 0xcbf29ce484222325u;
        for (const char c : environment[i].name) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3u;
        hashes[i] = hash;
    }
    std::sort(hashes.begin(), hashes.end());
    const bool maybe_repeats = std::adjacent_find(hashes.begin(), hashes.end()) != hashes.end();
    // The positions sorted by name (stably: equal names keep their order) find repeated names in
    // O(n log n) without a map.
    std::vector<std::size_t> by_name(maybe_repeats ? count : 0);
    for (std::size_t i = 0; i < by_name.size(); ++i) by_name[i] = i;
    std::stable_sort(by_name.begin(), by_name.end(),
                     [&](std::size_t a, std::size_t b) { return environment[a].name < environment[b].name; });
    // taken_from[i]: the position whose value fills place i: i itself; for a repeated name, its last
    // position in its first place and kNone in the later ones.
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    std::vector<std::size_t> taken_from;
    for (std::size_t k = 0; k < by_name.size();) {
        std::size_t end = k + 1;
        while (end < by_name.size() && environment[by_name[end]].name == environment[by_name[k]].name) ++end;
        if (end - k > 1) {
            if (taken_from.empty()) {
                taken_from.resize(count);
                for (std::size_t i = 0; i < count; ++i) taken_from[i] = i;
            }
            taken_from[by_name[k]] = by_name[end - 1];
            for (std::size_t later = k + 1; later < end; ++later) taken_from[by_name[later]] = kNone;
        }
        k = end;
    }

    ChildEnvironment out;
    out.reserve(count + 1);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string_view name = environment[i].name;
        if (name.empty() || name == "JAVA_TOOL_OPTIONS") continue;
        const std::size_t from = taken_from.empty() ? i : taken_from[i];
        if (from == kNone) continue;  // a later place of a repeated name
        const config::EnvironmentVariable& variable = environment[from];
        if (variable.entry)
            out.emplace_back().borrowed = variable.entry;  // built in place: no string moved (one per variable)
        else
            out.push_back(built(name, variable.value));
    }
    if (java_tool_options) out.push_back(built("JAVA_TOOL_OPTIONS", *java_tool_options));
    return out;
}

namespace {

// The RAM as read_container_limits reads it (a limit at or above it counts as none); 0 when unknown.
std::uint64_t physical_memory_bytes() {
    return sysconf_physical_memory().value_or(0);
}

// The MaxRAMPercentage jvminit adds, if it does (not when the user sizes the heap, nor on an old JDK 8); else 0.
int added_max_ram_percentage(const Preparation& p) {
    const bool adds_percentage = std::any_of(p.plan.added.begin(), p.plan.added.end(), [](const auto& added) {
        return added.option.rfind("-XX:MaxRAMPercentage=", 0) == 0;
    });
    return adds_percentage ? p.settings.values.max_ram_percentage : 0;
}

// Whether check_limits may find the JVM's heap at or above a memory limit (check_limits_before_start).
bool heap_may_reach_the_limit(const Preparation& p) {
    return jvm::user_sizes_heap(p.user_options) || jvm::container_support_off(p.user_options) ||
           added_max_ram_percentage(p) >= 100;
}

}  // namespace

LimitsCheck check_limits(const Preparation& p) {
    LimitsCheck check;
    check.limits = read_container_limits();
    const auto& memory_limit = check.limits.memory_limit_bytes;
    if (auto user_heap = jvm::user_max_heap(p.user_options); user_heap && memory_limit && *user_heap > *memory_limit)
        check.warnings.push_back("the maximum heap set by the user (" + std::to_string(*user_heap >> 20) +
                                 " MiB) is above the container memory limit (" + std::to_string(*memory_limit >> 20) +
                                 " MiB): the kernel will OOM-kill the JVM before it throws OutOfMemoryError");
    // With container support off the JVM sizes its heap from the host's memory, not the limit's.
    std::uint64_t memory = jvm::container_support_off(p.user_options) ? 0 : memory_limit.value_or(0);
    if (memory == 0) memory = physical_memory_bytes();
    check.expected_max_heap_bytes = jvm::expected_max_heap(p.user_options, memory, added_max_ram_percentage(p));
    // However it comes about (-Xms above the share, MaxRAM, a percentage of 100): a heap as large as the
    // container leaves no room for the rest of the JVM. A user's -Xmx above the limit was said above.
    const auto& expected = check.expected_max_heap_bytes;
    const auto user_heap = jvm::user_max_heap(p.user_options);
    if (expected && memory_limit && *expected >= *memory_limit && !(user_heap && *user_heap > *memory_limit))
        check.warnings.push_back("the JVM's maximum heap will be about " + std::to_string(*expected >> 20) +
                                 " MiB, not below the container memory limit (" + std::to_string(*memory_limit >> 20) +
                                 " MiB): the kernel will OOM-kill the JVM before it throws OutOfMemoryError "
                                 "(jvminit explain shows the options that size it)");
    // The dumps the clean-up will delete count as free while it is pending; once it has run (a check after the
    // start), statvfs counts their space already.
    if (check.expected_max_heap_bytes)
        if (auto warning = jvm::free_space_warning(p.settings.values.heap_dump_dir, *check.expected_max_heap_bytes,
                                                   p.output.pending.active ? p.output.bytes_to_free : 0))
            check.warnings.push_back(*warning);
    return check;
}

LaunchFailure describe_launch_failure(const std::string& program, const std::string& executable, int error,
                                      std::string_view first_line, const std::vector<std::string>& argv,
                                      const std::vector<const char*>& environment) {
    const std::string what = "PROGRAM '" + program + "' (" + executable + ")";
    if (error == EAGAIN || error == ENOMEM)
        return {kExitInternalError, "cannot start " + what + ": no new process: " + std::strerror(error) +
                                        " (a pids limit of the container, or memory)"};
    if (error == E2BIG) {
        std::size_t total = 0;
        std::string longest_name;
        std::size_t longest = 0;
        const auto count = [&](std::string_view text, std::string_view name) {
            total += text.size() + 1;
            if (text.size() + 1 > longest) {
                longest = text.size() + 1;
                longest_name = name;
            }
        };
        for (std::size_t i = 0; i < argv.size(); ++i) count(argv[i], "argument " + std::to_string(i));
        for (const char* entry : environment) {
            const std::string_view text(entry);
            count(text, text.substr(0, text.find('=')));
        }
        std::string why = longest > kMaxArgStrlen
                              ? longest_name + " is " + std::to_string(longest - 1) +
                                    " bytes; execve(2) takes at most 131071 per argument or variable"
                              : "arguments and environment take " + std::to_string(total) + " bytes";
        return {kExitNotExecutable, what + ": cannot be executed: " + std::strerror(error) + " (" + why + ")"};
    }
    std::string hint;
    if (error == ENOENT && first_line.substr(0, 2) == "#!") {
        // The file exists (it was found), so what is missing is the interpreter on its #! line.
        std::string_view interpreter = first_line.substr(2);
        interpreter.remove_prefix(std::min(interpreter.find_first_not_of(" \t"), interpreter.size()));
        interpreter = interpreter.substr(0, interpreter.find_first_of(" \t\n"));
        if (!interpreter.empty() && interpreter.back() == '\r') {
            interpreter.remove_suffix(1);
            hint =
                " (its #! line ends in a carriage return, Windows line endings: the kernel looks for an "
                "interpreter named '" +
                std::string(interpreter) + "\\r')";
        } else {
            hint = " (its #! interpreter " + std::string(interpreter) + " is missing)";
        }
    }
    return {error == ENOENT ? kExitNotFound : kExitNotExecutable,
            what + ": cannot be executed: " + std::strerror(error) + hint};
}

bool check_limits_before_start(const Preparation& p, std::uint64_t physical_memory_bytes,
                               std::optional<std::uint64_t> dump_dir_free_bytes) {
    if (heap_may_reach_the_limit(p)) return true;
    if (p.settings.values.heap_dump_dir.empty() || !dump_dir_free_bytes) return false;
    if (physical_memory_bytes == 0) return true;
    const auto heap = jvm::expected_max_heap(p.user_options, physical_memory_bytes, added_max_ram_percentage(p));
    return heap && *dump_dir_free_bytes + p.output.bytes_to_free < *heap;
}

bool check_limits_before_start(const Preparation& p) {
    if (heap_may_reach_the_limit(p)) return true;  // no system call needed
    if (p.settings.values.heap_dump_dir.empty()) return false;
    return check_limits_before_start(p, physical_memory_bytes(),
                                     jvm::free_bytes_for_dumps(p.settings.values.heap_dump_dir));
}

}  // namespace jvminit::app
