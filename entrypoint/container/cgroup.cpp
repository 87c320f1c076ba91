// Pure parts of the cgroup reading: parsers, the cgroup directory, and resolving limits through a reader.
#include "container/cgroup.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <span>

namespace jvminit {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r\v\f";

std::string_view trim(std::string_view text) {
    const auto begin = text.find_first_not_of(kWhitespace);
    if (begin == std::string_view::npos) return {};
    const auto end = text.find_last_not_of(kWhitespace);
    return text.substr(begin, end - begin + 1);
}

template <typename Integer>
std::optional<Integer> parse_integer(std::string_view text) {
    Integer value{};
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first == last) return std::nullopt;
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || ptr != last) return std::nullopt;
    return value;
}

// Splits on `separator` into `pieces` (cleared first, its capacity reused line after line), keeping empty pieces.
void split_into(std::string_view text, char separator, std::vector<std::string_view>& pieces) {
    pieces.clear();
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        if (end == std::string_view::npos) {
            pieces.push_back(text.substr(start));
            return;
        }
        pieces.push_back(text.substr(start, end - start));
        start = end + 1;
    }
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> pieces;
    split_into(text, separator, pieces);
    return pieces;
}

// Calls `line_fn(line, line_number)` for each line (1-based), without the newline.
template <typename LineFn>
void for_each_line(std::string_view text, LineFn&& line_fn) {
    std::size_t start = 0;
    int number = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        line_fn(text.substr(start, end - start), ++number);
        start = end + 1;
    }
}

// A short, printable rendering of file content for a message.
std::string quote_for_message(std::string_view text) {
    std::string out = "\"";
    for (const char c : text.substr(0, 60)) {
        if (c == '\n') {
            out += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += '?';
        } else {
            out += c;
        }
    }
    if (text.size() > 60) out += "...";
    out += '"';
    return out;
}

// True when `wanted` is empty (no filter) or the comma-separated `list` names one of `wanted`.
bool names_any(std::string_view list, std::span<const std::string_view> wanted) {
    if (wanted.empty()) return true;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto end = std::min(list.find(',', start), list.size());
        if (std::find(wanted.begin(), wanted.end(), list.substr(start, end - start)) != wanted.end()) return true;
        start = end + 1;
    }
    return false;
}

// Where the " - " separator of a mountinfo line starts. Looks for the '-' (std::string_view::find of " - "
// would stop at every space, and a mountinfo line has many).
std::size_t find_separator(std::string_view line) {
    for (std::size_t dash = line.find('-', 1); dash != std::string_view::npos && dash + 1 < line.size();
         dash = line.find('-', dash + 1))
        if (line[dash - 1] == ' ' && line[dash + 1] == ' ') return dash - 1;
    return std::string_view::npos;
}

bool contains(const std::vector<std::string>& items, std::string_view item) {
    return std::find(items.begin(), items.end(), item) != items.end();
}

// The cgroup path relative to a mount's root: "" when equal, "/rest" when below it, nullopt when outside.
std::optional<std::string> relative_to_root(std::string_view root, std::string_view path) {
    // "/.." leads out of the cgroup namespace: the cgroup is not below any mount of it.
    if (path.empty() || path.front() != '/' || path == "/.." || path.substr(0, 4) == "/../") return std::nullopt;
    if (root == "/") return std::string(path == "/" ? "" : path);
    if (path == root) return std::string();
    if (path.size() > root.size() && path.substr(0, root.size()) == root && path[root.size()] == '/') {
        return std::string(path.substr(root.size()));
    }
    return std::nullopt;
}

std::string join_mount_path(const std::string& mount_point, const std::string& relative) {
    if (relative.empty()) return mount_point;
    if (mount_point == "/") return relative;
    return mount_point + relative;
}

// The directory and its ancestors up to and including `top` (the mount point): dir first.
std::vector<std::string> directories_up_to(const std::string& dir, const std::string& top) {
    std::vector<std::string> levels = {dir};
    if (dir == top) return levels;
    const bool below_top =
        top == "/" || (dir.size() > top.size() && dir.compare(0, top.size(), top) == 0 && dir[top.size()] == '/');
    if (!below_top) return levels;
    std::string current = dir;
    while (current != top) {
        const auto slash = current.find_last_of('/');
        current = slash == 0 ? "/" : current.substr(0, slash);
        levels.push_back(current);
        if (current == "/") break;
    }
    return levels;
}

std::string format_bytes(std::uint64_t bytes) {
    constexpr std::uint64_t kMiB = 1024 * 1024;
    if (bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
    return std::to_string(bytes) + " bytes";
}

std::string format_cpus(double cpus) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", cpus);
    return buffer;
}

}  // namespace

// ---------------------------------------------------------------- /proc/self/cgroup

ProcCgroupParse parse_proc_self_cgroup(std::string_view text, std::span<const std::string_view> controllers) {
    ProcCgroupParse result;
    for_each_line(text, [&](std::string_view line, int number) {
        if (trim(line).empty()) return;
        const auto first = line.find(':');
        const auto second = first == std::string_view::npos ? first : line.find(':', first + 1);
        const auto id = first == std::string_view::npos ? std::nullopt : parse_integer<int>(line.substr(0, first));
        if (second == std::string_view::npos || !id || *id < 0) {
            result.notes.push_back("/proc/self/cgroup line " + std::to_string(number) +
                                   " is not hierarchy-ID:controllers:path: " + quote_for_message(line));
            return;
        }
        const auto listed = line.substr(first + 1, second - first - 1);
        if (*id != 0 && !names_any(listed, controllers)) return;  // a v1 hierarchy of none of the controllers
        ProcCgroupEntry entry;
        entry.hierarchy_id = *id;
        if (!listed.empty()) {
            for (const auto controller : split(listed, ',')) entry.controllers.emplace_back(controller);
        }
        entry.path = std::string(line.substr(second + 1));  // a path may itself contain ':'
        result.entries.push_back(std::move(entry));
    });
    return result;
}

// ---------------------------------------------------------------- /proc/self/mountinfo

std::string unescape_mountinfo_field(std::string_view field) {
    std::string out;
    out.reserve(field.size());
    for (std::size_t i = 0; i < field.size(); ++i) {
        const auto is_octal = [&](std::size_t at) { return at < field.size() && field[at] >= '0' && field[at] <= '7'; };
        if (field[i] == '\\' && is_octal(i + 1) && is_octal(i + 2) && is_octal(i + 3)) {
            const int value = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
            out += static_cast<char>(value & 0xff);
            i += 3;
        } else {
            out += field[i];
        }
    }
    return out;
}

CgroupMountsParse parse_cgroup_mounts(std::string_view mountinfo, std::span<const std::string_view> controllers) {
    CgroupMountsParse result;
    std::vector<std::string_view> fields;  // one allocation for all lines (a node has hundreds of mounts)
    for_each_line(mountinfo, [&](std::string_view line, int number) {
        if (trim(line).empty()) return;
        // Only cgroup lines are split into fields: most lines of a container's mountinfo are other file
        // systems. The fstype follows the first " - " (no field holds a space: mountinfo writes it \040).
        if (const std::size_t dash = find_separator(line); dash != std::string_view::npos) {
            const std::string_view rest = line.substr(dash + 3);  // fstype source super-options
            if (rest.substr(0, 7) == "cgroup ") {
                // A v1 hierarchy of none of the controllers is not split either.
                const std::size_t source_end = rest.find(' ', 7);
                const std::string_view options =
                    source_end == std::string_view::npos ? "" : rest.substr(source_end + 1);
                if (!names_any(options.substr(0, options.find(' ')), controllers)) return;
            } else if (rest.substr(0, 8) != "cgroup2 ") {
                return;
            }
        }
        split_into(line, ' ', fields);
        // 0 id, 1 parent, 2 major:minor, 3 root, 4 mount point, 5 options, [optional fields], "-", fstype, source,
        // super options
        std::size_t separator = 6;
        while (separator < fields.size() && fields[separator] != "-") ++separator;
        if (separator + 1 >= fields.size()) {
            result.notes.push_back("/proc/self/mountinfo line " + std::to_string(number) +
                                   " has no \" - fstype source options\" part: " + quote_for_message(line));
            return;
        }
        const auto fstype = fields[separator + 1];
        if (fstype != "cgroup" && fstype != "cgroup2") return;
        const std::string_view super_options = separator + 3 < fields.size() ? fields[separator + 3] : "";
        if (fstype == "cgroup" && !names_any(super_options, controllers)) return;  // none of the controllers
        CgroupMount mount;
        mount.version = fstype == "cgroup" ? 1 : 2;
        mount.root = unescape_mountinfo_field(fields[3]);
        mount.mount_point = unescape_mountinfo_field(fields[4]);
        if (!super_options.empty()) {
            for (const auto option : split(super_options, ',')) mount.super_options.emplace_back(option);
        }
        result.mounts.push_back(std::move(mount));
    });
    return result;
}

// ---------------------------------------------------------------- where the process's cgroup is

CgroupLocation locate_cgroup(const std::vector<ProcCgroupEntry>& entries, const std::vector<CgroupMount>& mounts,
                             std::string_view controller) {
    CgroupLocation location;
    const std::string name(controller);

    const auto v1_entry = std::find_if(entries.begin(), entries.end(), [&](const ProcCgroupEntry& e) {
        return e.hierarchy_id != 0 && contains(e.controllers, controller);
    });
    const auto v2_entry = std::find_if(entries.begin(), entries.end(), [](const ProcCgroupEntry& e) {
        return e.hierarchy_id == 0 && e.controllers.empty();
    });

    int version = 0;
    std::string path;
    std::vector<const CgroupMount*> candidates;
    if (v1_entry != entries.end()) {
        version = 1;
        path = v1_entry->path;
        for (const auto& mount : mounts) {
            if (mount.version == 1 && contains(mount.super_options, controller)) candidates.push_back(&mount);
        }
        if (candidates.empty()) {
            location.notes.push_back("the " + name + " controller is in cgroup v1 hierarchy " +
                                     std::to_string(v1_entry->hierarchy_id) + " (path " + path +
                                     ") but no cgroup mount in /proc/self/mountinfo has it");
            return location;
        }
    } else if (v2_entry != entries.end()) {
        version = 2;
        path = v2_entry->path;
        for (const auto& mount : mounts) {
            if (mount.version == 2) candidates.push_back(&mount);
        }
        if (candidates.empty()) {
            location.notes.push_back("/proc/self/cgroup has a cgroup v2 entry (path " + path +
                                     ") but no cgroup2 mount in /proc/self/mountinfo");
            return location;
        }
    } else {
        location.notes.push_back("/proc/self/cgroup names no cgroup v1 hierarchy with the " + name +
                                 " controller and no cgroup v2 entry");
        return location;
    }

    const CgroupMount* best = nullptr;
    std::string best_relative;
    for (const auto* mount : candidates) {
        const auto relative = relative_to_root(mount->root, path);
        if (relative && (!best || mount->root.size() > best->root.size())) {
            best = mount;
            best_relative = *relative;
        }
    }
    location.version = version;
    if (best) {
        location.mount_point = best->mount_point;
        location.directory = join_mount_path(best->mount_point, best_relative);
    } else {
        const auto* first = candidates.front();
        location.mount_point = first->mount_point;
        location.directory = first->mount_point;
        location.notes.push_back("cgroup path " + path + " (" + name + ") is outside the root " + first->root +
                                 " of the cgroup mount at " + first->mount_point + "; using the mount point");
    }
    return location;
}

// ---------------------------------------------------------------- limit files

MemoryLimitParse parse_cgroup_v2_memory_max(std::string_view text) {
    const auto value = trim(text);
    if (value == "max") return {};
    if (const auto bytes = parse_integer<std::uint64_t>(value)) return {*bytes, std::nullopt};
    return {std::nullopt, quote_for_message(text) + " is not \"max\" or a number of bytes"};
}

MemoryLimitParse parse_cgroup_v1_memory_limit(std::string_view text) {
    const auto value = trim(text);
    if (value == "-1") return {};
    const auto bytes = parse_integer<std::uint64_t>(value);
    if (!bytes) return {std::nullopt, quote_for_message(text) + " is not a number of bytes"};
    if (*bytes >= kCgroupV1UnlimitedBytes) return {};
    return {*bytes, std::nullopt};
}

CpuLimitParse parse_cgroup_v2_cpu_max(std::string_view text) {
    const auto value = trim(text);
    const auto space = value.find_first_of(kWhitespace);
    const auto quota_text = value.substr(0, space);
    const auto period_text = space == std::string_view::npos ? std::string_view{} : trim(value.substr(space));
    if (quota_text == "max") return {};
    const auto quota = parse_integer<std::uint64_t>(quota_text);
    const auto period = parse_integer<std::uint64_t>(period_text);
    if (!quota || !period || *quota == 0 || *period == 0) {
        return {std::nullopt, quote_for_message(text) + " is not \"max PERIOD\" or \"QUOTA PERIOD\""};
    }
    return {static_cast<double>(*quota) / static_cast<double>(*period), std::nullopt};
}

CpuLimitParse parse_cgroup_v1_cpu_quota(std::string_view quota_text, std::string_view period_text) {
    const auto quota = parse_integer<std::int64_t>(trim(quota_text));
    if (!quota || *quota == 0 || *quota < -1) {
        return {std::nullopt, "quota " + quote_for_message(quota_text) + " is not -1 or a positive number"};
    }
    if (*quota == -1) return {};
    const auto period = parse_integer<std::int64_t>(trim(period_text));
    if (!period || *period <= 0) {
        return {std::nullopt, "period " + quote_for_message(period_text) + " is not a positive number"};
    }
    return {static_cast<double>(*quota) / static_cast<double>(*period), std::nullopt};
}

std::optional<std::uint64_t> parse_flat_keyed_value(std::string_view text, std::string_view key) {
    std::optional<std::uint64_t> found;
    for_each_line(text, [&](std::string_view line, int) {
        if (found) return;
        // Most lines are other keys: a line that starts with neither the key nor white space is not it.
        if (!line.empty() && kWhitespace.find(line.front()) == std::string_view::npos &&
            line.substr(0, key.size()) != key)
            return;
        const auto content = trim(line);
        const auto space = content.find_first_of(kWhitespace);
        if (space == std::string_view::npos || content.substr(0, space) != key) return;
        found = parse_integer<std::uint64_t>(trim(content.substr(space)));
    });
    return found;
}

std::optional<std::uint64_t> parse_oom_kill_count(std::string_view text) {
    return parse_flat_keyed_value(text, "oom_kill");
}

std::optional<std::uint64_t> parse_meminfo_total_bytes(std::string_view meminfo) {
    std::optional<std::uint64_t> found;
    for_each_line(meminfo, [&](std::string_view line, int) {
        constexpr std::string_view kKey = "MemTotal:";
        if (found || line.substr(0, kKey.size()) != kKey) return;
        auto rest = trim(line.substr(kKey.size()));
        if (rest.size() < 3 || rest.substr(rest.size() - 2) != "kB") return;
        const auto kib = parse_integer<std::uint64_t>(trim(rest.substr(0, rest.size() - 2)));
        if (kib && *kib <= UINT64_MAX / 1024) found = *kib * 1024;
    });
    return found;
}

// ---------------------------------------------------------------- reading it all

namespace {

// Reads `dir/file`; on failure adds "<path>: <error>" to notes and returns nullopt.
std::optional<std::string> read_or_note(const CgroupFileReader& read, const std::string& path,
                                        std::vector<std::string>& notes) {
    auto file = read(path);
    if (!file.content) {
        notes.push_back("cannot read " + path + ": " + file.error);
        return std::nullopt;
    }
    return std::move(file.content);
}

void resolve_v1_memory(const CgroupFileReader& read, const std::string& dir, ContainerLimits& limits) {
    const auto text = read_or_note(read, dir + "/memory.limit_in_bytes", limits.notes);
    if (!text) return;
    const auto own = parse_cgroup_v1_memory_limit(*text);
    if (own.error) {
        limits.notes.push_back(dir + "/memory.limit_in_bytes: " + *own.error);
        return;
    }
    limits.memory_limit_bytes = own.bytes;
    // An ancestor's smaller limit applies too; the kernel reports the smallest on the way up in memory.stat.
    auto stat = read(dir + "/memory.stat");
    if (!stat.content) return;
    const auto hierarchical = parse_flat_keyed_value(*stat.content, "hierarchical_memory_limit");
    if (hierarchical && *hierarchical < kCgroupV1UnlimitedBytes && (!own.bytes || *hierarchical < *own.bytes)) {
        limits.memory_limit_bytes = hierarchical;
        limits.notes.push_back("memory limit " + format_bytes(*hierarchical) +
                               " is an ancestor's (hierarchical_memory_limit in " + dir + "/memory.stat)");
    }
}

void resolve_v2_memory(const CgroupFileReader& read, const std::string& dir, const std::string& top,
                       ContainerLimits& limits) {
    std::optional<std::uint64_t> smallest;
    std::string smallest_at;
    for (const auto& level : directories_up_to(dir, top)) {
        auto file = read(level + "/memory.max");
        if (!file.content) {
            // The root cgroup has no memory.max; below it a missing file means no memory controller there.
            if (level == dir) limits.notes.push_back("cannot read " + level + "/memory.max: " + file.error);
            continue;
        }
        const auto parsed = parse_cgroup_v2_memory_max(*file.content);
        if (parsed.error) {
            limits.notes.push_back(level + "/memory.max: " + *parsed.error);
            continue;
        }
        if (parsed.bytes && (!smallest || *parsed.bytes < *smallest)) {
            smallest = parsed.bytes;
            smallest_at = level;
        }
    }
    limits.memory_limit_bytes = smallest;
    if (smallest && smallest_at != dir) {
        limits.notes.push_back("memory limit " + format_bytes(*smallest) + " is set on the ancestor cgroup " +
                               smallest_at);
    }
}

void resolve_cpu(const CgroupFileReader& read, const CgroupLocation& location, ContainerLimits& limits) {
    std::optional<double> smallest;
    std::string smallest_at;
    for (const auto& level : directories_up_to(location.directory, location.mount_point)) {
        CpuLimitParse parsed;
        if (location.version == 1) {
            auto quota = read(level + "/cpu.cfs_quota_us");
            if (quota.content && trim(*quota.content) == "-1") continue;  // no quota here: the period does not matter
            auto period = quota.content ? read(level + "/cpu.cfs_period_us") : sys::FileContent{};
            if (!quota.content || !period.content) {
                if (level == location.directory) {
                    limits.notes.push_back("cannot read " + level + "/cpu.cfs_quota_us or cpu.cfs_period_us: " +
                                           (quota.content ? period.error : quota.error));
                }
                continue;
            }
            parsed = parse_cgroup_v1_cpu_quota(*quota.content, *period.content);
        } else {
            auto max = read(level + "/cpu.max");
            if (!max.content) {
                if (level == location.directory) {
                    limits.notes.push_back("cannot read " + level + "/cpu.max: " + max.error);
                }
                continue;
            }
            parsed = parse_cgroup_v2_cpu_max(*max.content);
        }
        if (parsed.error) {
            limits.notes.push_back(level + (location.version == 1 ? "/cpu.cfs_quota_us: " : "/cpu.max: ") +
                                   *parsed.error);
            continue;
        }
        if (parsed.cpus && (!smallest || *parsed.cpus < *smallest)) {
            smallest = parsed.cpus;
            smallest_at = level;
        }
    }
    limits.cpu_limit = smallest;
    if (smallest && smallest_at != location.directory) {
        limits.notes.push_back("CPU limit " + format_cpus(*smallest) + " is set on the ancestor cgroup " + smallest_at);
    }
}

bool v2_controller_enabled(const CgroupFileReader& read, const std::string& dir, std::string_view controller,
                           std::vector<std::string>& notes) {
    auto file = read(dir + "/cgroup.controllers");
    if (!file.content) {
        notes.push_back("cannot read " + dir + "/cgroup.controllers: " + file.error);
        return false;
    }
    const auto text = trim(*file.content);
    for (const auto name : split(text, ' ')) {
        if (name == controller) return true;
    }
    notes.push_back("cgroup v2 at " + dir + " has no " + std::string(controller) +
                    " controller (cgroup.controllers: " + quote_for_message(text) + ")");
    return false;
}

}  // namespace

ContainerLimits resolve_container_limits(const CgroupFileReader& read, PhysicalMemoryBytes physical_memory_bytes) {
    ContainerLimits limits;
    const auto cgroup_text = read_or_note(read, "/proc/self/cgroup", limits.notes);
    const auto mountinfo_text = read_or_note(read, "/proc/self/mountinfo", limits.notes);
    if (!cgroup_text || !mountinfo_text) return limits;

    // Only the hierarchies of the two controllers read below (a v1 host lists a dozen).
    constexpr std::string_view kControllers[] = {"memory", "cpu"};
    auto entries = parse_proc_self_cgroup(*cgroup_text, kControllers);
    auto mounts = parse_cgroup_mounts(*mountinfo_text, kControllers);
    limits.notes.insert(limits.notes.end(), entries.notes.begin(), entries.notes.end());
    limits.notes.insert(limits.notes.end(), mounts.notes.begin(), mounts.notes.end());

    // Memory.
    auto memory = locate_cgroup(entries.entries, mounts.mounts, "memory");
    limits.notes.insert(limits.notes.end(), memory.notes.begin(), memory.notes.end());
    if (memory.version == 2 && !v2_controller_enabled(read, memory.directory, "memory", limits.notes)) {
        memory.version = 0;
    }
    if (memory.version != 0) {
        limits.cgroup_version = memory.version;
        limits.memory_cgroup_dir = memory.directory;
        if (memory.version == 1) {
            resolve_v1_memory(read, memory.directory, limits);
        } else {
            resolve_v2_memory(read, memory.directory, memory.mount_point, limits);
        }
        if (limits.memory_limit_bytes) {
            std::optional<std::uint64_t> physical;
            if (physical_memory_bytes) {
                physical = physical_memory_bytes();
            } else {
                auto meminfo = read("/proc/meminfo");
                physical = meminfo.content ? parse_meminfo_total_bytes(*meminfo.content) : std::nullopt;
            }
            if (physical && *limits.memory_limit_bytes >= *physical) {
                limits.notes.push_back("memory limit " + format_bytes(*limits.memory_limit_bytes) +
                                       " is not below the physical memory (" + format_bytes(*physical) +
                                       "): treated as unlimited");
                limits.memory_limit_bytes.reset();
            }
        }
    }

    // CPU.
    auto cpu = locate_cgroup(entries.entries, mounts.mounts, "cpu");
    limits.notes.insert(limits.notes.end(), cpu.notes.begin(), cpu.notes.end());
    if (cpu.version == 2 && !v2_controller_enabled(read, cpu.directory, "cpu", limits.notes)) cpu.version = 0;
    if (cpu.version != 0) {
        limits.cpu_cgroup_version = cpu.version;
        limits.cpu_cgroup_dir = cpu.directory;
        resolve_cpu(read, cpu, limits);
    }
    return limits;
}

std::optional<std::uint64_t> oom_kill_count_of(const CgroupFileReader& read, const ContainerLimits& limits) {
    if (limits.cgroup_version != 1 && limits.cgroup_version != 2) return std::nullopt;
    auto file =
        read(limits.memory_cgroup_dir + (limits.cgroup_version == 1 ? "/memory.oom_control" : "/memory.events"));
    if (!file.content) return std::nullopt;
    return parse_oom_kill_count(*file.content);
}

}  // namespace jvminit
