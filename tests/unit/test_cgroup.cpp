#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "container/cgroup.hpp"

namespace jvminit {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kMiB = 1024 * 1024;

// This development machine (Linux 6.x, hybrid): v1 controllers each on their own mount, plus a v2 "unified" mount.
const char* const kHybridCgroup =
    "9:name=systemd:/\n"
    "8:pids:/\n"
    "7:blkio:/\n"
    "6:freezer:/\n"
    "5:devices:/\n"
    "4:memory:/process_api/4efb488cc7f01eec749ae474834ccdd1\n"
    "3:cpuset:/\n"
    "2:cpuacct:/\n"
    "1:cpu:/\n"
    "0::/\n";
const char* const kHybridMountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// A v1 Kubernetes node seen from the host: combined cpu,cpuacct, optional fields ("shared:N"), other file systems.
const char* const kV1HostCgroup =
    "12:memory:/kubepods/burstable/pod1/abc\n"
    "4:cpu,cpuacct:/kubepods/burstable/pod1/abc\n"
    "1:name=systemd:/kubepods/burstable/pod1/abc\n";
const char* const kV1HostMountinfo =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:5 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid shared:6 - cgroup cgroup rw,xattr,name=systemd\n"
    "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:10 - cgroup cgroup rw,cpu,cpuacct\n"
    "35 25 0:32 / /sys/fs/cgroup/memory rw,nosuid shared:15 - cgroup cgroup rw,memory\n";

// A pure v2 container with its own cgroup namespace (Docker 20.10+ on a v2 host, Kubernetes on v2).
const char* const kV2NamespaceCgroup = "0::/\n";
const char* const kV2NamespaceMountinfo =
    "600 550 0:52 / / rw,relatime master:300 - overlay overlay rw,lowerdir=/a,upperdir=/b,workdir=/c\n"
    "610 600 0:56 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup ro,nsdelegate\n";

// ---------------------------------------------------------------- /proc/self/cgroup

TEST(ProcSelfCgroup, ParsesV1V2AndNamedHierarchies) {
    const auto parsed = parse_proc_self_cgroup(
        "12:memory:/kubepods/burstable/pod1/abc\n"
        "4:cpu,cpuacct:/x\n"
        "1:name=systemd:/user.slice\n"
        "0::/system.slice/docker-1:2.scope\n");
    EXPECT_TRUE(parsed.notes.empty());
    ASSERT_EQ(parsed.entries.size(), 4u);
    EXPECT_EQ(parsed.entries[0].hierarchy_id, 12);
    EXPECT_EQ(parsed.entries[0].controllers, std::vector<std::string>{"memory"});
    EXPECT_EQ(parsed.entries[0].path, "/kubepods/burstable/pod1/abc");
    EXPECT_EQ(parsed.entries[1].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
    EXPECT_EQ(parsed.entries[1].path, "/x");
    EXPECT_EQ(parsed.entries[2].controllers, std::vector<std::string>{"name=systemd"});
    EXPECT_EQ(parsed.entries[3].hierarchy_id, 0);
    EXPECT_TRUE(parsed.entries[3].controllers.empty());
    EXPECT_EQ(parsed.entries[3].path, "/system.slice/docker-1:2.scope") << "a ':' in the path belongs to the path";
}

TEST(ProcSelfCgroup, SkipsMalformedLinesWithANote) {
    const auto parsed = parse_proc_self_cgroup("garbage\nx:memory:/a\n\n4:memory:/ok\n-1::/\n");
    ASSERT_EQ(parsed.entries.size(), 1u);
    EXPECT_EQ(parsed.entries[0].path, "/ok");
    ASSERT_EQ(parsed.notes.size(), 3u);
    EXPECT_NE(parsed.notes[0].find("line 1"), std::string::npos) << parsed.notes[0];
    EXPECT_NE(parsed.notes[1].find("line 2"), std::string::npos) << parsed.notes[1];
    EXPECT_NE(parsed.notes[2].find("line 5"), std::string::npos) << parsed.notes[2];
}

// Only the hierarchies of the controllers asked for (jvminit reads memory and cpu); the v2 line always.
TEST(ProcSelfCgroup, WithControllersKeepsTheirV1LinesAndTheV2Line) {
    constexpr std::string_view kWanted[] = {"memory", "cpu"};
    const auto parsed = parse_proc_self_cgroup(
        "12:memory:/m\n4:cpu,cpuacct:/c\n3:cpuset:/s\n2:pids,net_cls:/p\n1:name=systemd:/u\n0::/v2\n", kWanted);
    EXPECT_TRUE(parsed.notes.empty());
    std::vector<std::string> paths;
    for (const auto& entry : parsed.entries) paths.push_back(entry.path);
    EXPECT_EQ(paths, (std::vector<std::string>{"/m", "/c", "/v2"})) << "cpuset is not cpu";
    const auto malformed = parse_proc_self_cgroup("garbage\n3:cpuset:/s\n", kWanted);
    EXPECT_TRUE(malformed.entries.empty());
    EXPECT_EQ(malformed.notes.size(), 1u) << "a malformed line is still noted";
}

// ---------------------------------------------------------------- /proc/self/mountinfo

TEST(Mountinfo, KeepsOnlyCgroupMountsWithRootMountPointAndSuperOptions) {
    const auto parsed = parse_cgroup_mounts(kV1HostMountinfo);
    EXPECT_TRUE(parsed.notes.empty());
    ASSERT_EQ(parsed.mounts.size(), 3u);
    EXPECT_EQ(parsed.mounts[1].version, 1);
    EXPECT_EQ(parsed.mounts[1].root, "/");
    EXPECT_EQ(parsed.mounts[1].mount_point, "/sys/fs/cgroup/cpu,cpuacct");
    EXPECT_EQ(parsed.mounts[1].super_options, (std::vector<std::string>{"rw", "cpu", "cpuacct"}));

    const auto v2 = parse_cgroup_mounts(kV2NamespaceMountinfo);
    ASSERT_EQ(v2.mounts.size(), 1u);
    EXPECT_EQ(v2.mounts[0].version, 2);
    EXPECT_EQ(v2.mounts[0].mount_point, "/sys/fs/cgroup");
}

TEST(Mountinfo, WithControllersKeepsTheirV1MountsAndEveryV2Mount) {
    constexpr std::string_view kWanted[] = {"memory", "cpu"};
    const auto parsed = parse_cgroup_mounts(
        "30 25 0:26 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
        "31 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
        "32 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
        "33 25 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw,nsdelegate\n"
        "34 25 0:30 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
        "35 25 0:31 / /mnt/a-b rw - tmpfs tmpfs rw\n",  // a '-' inside a field is no separator
        kWanted);
    EXPECT_TRUE(parsed.notes.empty());
    std::vector<std::string> points;
    for (const auto& mount : parsed.mounts) points.push_back(mount.mount_point);
    EXPECT_EQ(points, (std::vector<std::string>{"/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/memory",
                                                "/sys/fs/cgroup/unified"}));
}

TEST(Mountinfo, HandlesAnyNumberOfOptionalFields) {
    const auto parsed = parse_cgroup_mounts(
        "35 25 0:32 /docker/abc /sys/fs/cgroup/memory ro,nosuid master:15 shared:3 propagate_from:2 - cgroup cgroup "
        "rw,memory\n"
        "36 25 0:33 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n");
    ASSERT_EQ(parsed.mounts.size(), 2u);
    EXPECT_EQ(parsed.mounts[0].root, "/docker/abc");
    EXPECT_EQ(parsed.mounts[0].super_options, (std::vector<std::string>{"rw", "memory"}));
    EXPECT_EQ(parsed.mounts[1].super_options, (std::vector<std::string>{"rw", "pids"}));
}

TEST(Mountinfo, DecodesOctalEscapesInRootAndMountPoint) {
    const auto parsed =
        parse_cgroup_mounts("40 31 0:37 /my\\040group /mnt/cgroup\\040v2\\011x rw - cgroup2 cgroup2 rw\n");
    ASSERT_EQ(parsed.mounts.size(), 1u);
    EXPECT_EQ(parsed.mounts[0].root, "/my group");
    EXPECT_EQ(parsed.mounts[0].mount_point, "/mnt/cgroup v2\tx");
}

TEST(Mountinfo, SkipsLinesWithoutTheSeparatorWithANote) {
    const auto parsed =
        parse_cgroup_mounts("garbage line\n36 25 0:33 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n");
    ASSERT_EQ(parsed.mounts.size(), 1u);
    ASSERT_EQ(parsed.notes.size(), 1u);
    EXPECT_NE(parsed.notes[0].find("line 1"), std::string::npos) << parsed.notes[0];
}

TEST(Mountinfo, UnescapeDecodesOnlyCompleteOctalEscapes) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"/a\\040b", "/a b"},     {"\\011\\012", "\t\n"}, {"back\\134slash", "back\\slash"},
        {"/end\\04", "/end\\04"}, {"\\999", "\\999"},     {"plain", "plain"},
    };
    for (const auto& [field, expected] : cases) EXPECT_EQ(unescape_mountinfo_field(field), expected) << field;
}

// ---------------------------------------------------------------- locate_cgroup

struct LocateCase {
    const char* scenario;
    std::string cgroup;
    std::string mountinfo;
    std::string controller;
    int version;
    std::string directory;
    std::string mount_point;
    bool expect_note;
};

TEST(CgroupLocation, FindsTheProcessDirectoryForEachLayout) {
    const std::vector<LocateCase> cases = {
        {"v1 host view: mount root / plus the nested kubepods path", kV1HostCgroup, kV1HostMountinfo, "memory", 1,
         "/sys/fs/cgroup/memory/kubepods/burstable/pod1/abc", "/sys/fs/cgroup/memory", false},
        {"v1 combined cpu,cpuacct hierarchy", kV1HostCgroup, kV1HostMountinfo, "cpu", 1,
         "/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod1/abc", "/sys/fs/cgroup/cpu,cpuacct", false},
        {"v1 container: mount root equals the cgroup path (Docker bind mount)", "12:memory:/docker/abc\n",
         "35 25 0:32 /docker/abc /sys/fs/cgroup/memory ro master:15 - cgroup cgroup rw,memory\n", "memory", 1,
         "/sys/fs/cgroup/memory", "/sys/fs/cgroup/memory", false},
        {"v1 mount root is a parent of the cgroup path", "12:memory:/kubepods/burstable/pod1/abc\n",
         "35 25 0:32 /kubepods/burstable /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "memory", 1,
         "/sys/fs/cgroup/memory/pod1/abc", "/sys/fs/cgroup/memory", false},
        {"v1 cgroup path outside the mount root falls back to the mount point", "12:memory:/kubepods/ab\n",
         "35 25 0:32 /kubepods/a /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "memory", 1,
         "/sys/fs/cgroup/memory", "/sys/fs/cgroup/memory", true},
        {"v1 mounted twice: the most specific root wins", "12:memory:/docker/abc\n",
         "35 25 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
         "36 25 0:32 /docker/abc /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
         "memory", 1, "/sys/fs/cgroup/memory", "/sys/fs/cgroup/memory", false},
        {"v1 escaped mount point", "12:memory:/a\n", "35 25 0:32 / /cg/my\\040memory rw - cgroup cgroup rw,memory\n",
         "memory", 1, "/cg/my memory/a", "/cg/my memory", false},
        {"v2 with a cgroup namespace: path / is the mount point", kV2NamespaceCgroup, kV2NamespaceMountinfo, "memory",
         2, "/sys/fs/cgroup", "/sys/fs/cgroup", false},
        {"v2 host view: nested slice path", "0::/user.slice/user-1000.slice/session-2.scope\n",
         "25 22 0:22 / /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw,nsdelegate\n", "cpu", 2,
         "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope", "/sys/fs/cgroup", false},
        {"v2 path outside the cgroup namespace falls back to the mount point", "0::/../sibling\n",
         kV2NamespaceMountinfo, "memory", 2, "/sys/fs/cgroup", "/sys/fs/cgroup", true},
        {"hybrid: memory bound to v1 is read from v1, not from the unified mount", kHybridCgroup, kHybridMountinfo,
         "memory", 1, "/sys/fs/cgroup/memory/process_api/4efb488cc7f01eec749ae474834ccdd1", "/sys/fs/cgroup/memory",
         false},
        {"hybrid: cpu does not match the cpuacct or cpuset mounts", kHybridCgroup, kHybridMountinfo, "cpu", 1,
         "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu", false},
        {"controller not bound to v1 goes to v2", "3:cpuset:/a\n2:cpuacct:/b\n0::/c\n",
         "34 31 0:31 / /sys/fs/cgroup/cpuset rw - cgroup cgroup rw,cpuset\n"
         "33 31 0:30 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct\n"
         "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
         "cpu", 2, "/sys/fs/cgroup/unified/c", "/sys/fs/cgroup/unified", false},
        {"v1 memory listed but not mounted", "12:memory:/a\n0::/\n",
         "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n", "memory", 0, "", "", true},
        {"missing controller and no v2 entry", "1:name=systemd:/\n",
         "40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,name=systemd\n", "memory", 0, "", "", true},
        {"v2 entry but no cgroup2 mount", "0::/\n", "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n", "memory", 0, "", "", true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        const auto location = locate_cgroup(parse_proc_self_cgroup(c.cgroup).entries,
                                            parse_cgroup_mounts(c.mountinfo).mounts, c.controller);
        EXPECT_EQ(location.version, c.version);
        EXPECT_EQ(location.directory, c.directory);
        EXPECT_EQ(location.mount_point, c.mount_point);
        EXPECT_EQ(!location.notes.empty(), c.expect_note) << (location.notes.empty() ? "" : location.notes[0]);
    }
}

// ---------------------------------------------------------------- limit files

struct MemoryCase {
    std::string text;
    std::optional<std::uint64_t> bytes;
    bool error;
};

TEST(CgroupLimitFiles, V2MemoryMaxIsMaxOrBytes) {
    const std::vector<MemoryCase> cases = {
        {"max\n", std::nullopt, false},
        {"536870912\n", 512 * kMiB, false},
        {"0\n", 0, false},
        {"18446744073709551615\n", UINT64_MAX, false},
        {"18446744073709551616\n", std::nullopt, true},
        {"", std::nullopt, true},
        {"12abc\n", std::nullopt, true},
        {"-1\n", std::nullopt, true},
        {"Max\n", std::nullopt, true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const auto parsed = parse_cgroup_v2_memory_max(c.text);
        EXPECT_EQ(parsed.bytes, c.bytes);
        EXPECT_EQ(parsed.error.has_value(), c.error);
    }
}

TEST(CgroupLimitFiles, V1MemoryLimitNearTwoToTheSixtyThreeIsUnlimited) {
    const std::vector<MemoryCase> cases = {
        {"9223372036854771712\n", std::nullopt, false},  // 2^63 rounded down to 4 KiB pages: "no limit"
        {"9223372036854775807\n", std::nullopt, false},
        {"4611686018427387904\n", std::nullopt, false},  // 2^62
        {"4611686018427387903\n", 4611686018427387903u, false},
        {"536870912\n", 512 * kMiB, false},
        {"-1\n", std::nullopt, false},
        {"lots\n", std::nullopt, true},
        {"", std::nullopt, true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        const auto parsed = parse_cgroup_v1_memory_limit(c.text);
        EXPECT_EQ(parsed.bytes, c.bytes);
        EXPECT_EQ(parsed.error.has_value(), c.error);
    }
}

struct CpuCase {
    std::string quota;
    std::string period;  // v1 only
    std::optional<double> cpus;
    bool error;
};

TEST(CgroupLimitFiles, V2CpuMaxIsQuotaOverPeriod) {
    const std::vector<CpuCase> cases = {
        {"max 100000\n", "", std::nullopt, false}, {"max\n", "", std::nullopt, false},
        {"200000 100000\n", "", 2.0, false},       {"50000 100000\n", "", 0.5, false},
        {"150000 100000", "", 1.5, false},         {"100000\n", "", std::nullopt, true},
        {"0 100000\n", "", std::nullopt, true},    {"200000 0\n", "", std::nullopt, true},
        {"a b\n", "", std::nullopt, true},         {"", "", std::nullopt, true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.quota);
        const auto parsed = parse_cgroup_v2_cpu_max(c.quota);
        EXPECT_EQ(parsed.cpus, c.cpus);
        EXPECT_EQ(parsed.error.has_value(), c.error);
    }
}

TEST(CgroupLimitFiles, V1CfsQuotaMinusOneIsUnlimited) {
    const std::vector<CpuCase> cases = {
        {"-1\n", "100000\n", std::nullopt, false},
        {"-1\n", "garbage", std::nullopt, false},
        {"200000\n", "100000\n", 2.0, false},
        {"50000\n", "100000\n", 0.5, false},
        {"25000", "50000", 0.5, false},
        {"0\n", "100000\n", std::nullopt, true},
        {"-2\n", "100000\n", std::nullopt, true},
        {"100000\n", "0\n", std::nullopt, true},
        {"100000\n", "x\n", std::nullopt, true},
        {"", "100000", std::nullopt, true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.quota + " / " + c.period);
        const auto parsed = parse_cgroup_v1_cpu_quota(c.quota, c.period);
        EXPECT_EQ(parsed.cpus, c.cpus);
        EXPECT_EQ(parsed.error.has_value(), c.error);
    }
}

TEST(CgroupLimitFiles, OomKillCountComesFromTheExactOomKillLine) {
    const std::vector<std::pair<std::string, std::optional<std::uint64_t>>> cases = {
        {"oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", 3},                 // v1 memory.oom_control
        {"low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n", 1},  // v2 memory.events
        {"oom_group_kill 7\noom_kill 0\n", 0},
        {"oom_kill_disable 1\nunder_oom 0\n", std::nullopt},  // kernel before 4.13
        {"", std::nullopt},
        {"oom_kill many\n", std::nullopt},
    };
    for (const auto& [text, expected] : cases) EXPECT_EQ(parse_oom_kill_count(text), expected) << text;
}

TEST(CgroupLimitFiles, MemTotalIsReadInKibibytes) {
    EXPECT_EQ(parse_meminfo_total_bytes("MemTotal:       24684084 kB\nMemFree:        24248768 kB\n"),
              std::uint64_t{24684084} * 1024);
    EXPECT_EQ(parse_meminfo_total_bytes("MemFree: 1 kB\n"), std::nullopt);
    EXPECT_EQ(parse_meminfo_total_bytes("MemTotal: lots kB\n"), std::nullopt);
}

// ---------------------------------------------------------------- resolving through a reader

// An in-memory file system for resolve_container_limits.
CgroupFileReader map_reader(std::map<std::string, std::string> files) {
    return [files = std::move(files)](const std::string& path) -> FileRead {
        const auto it = files.find(path);
        if (it == files.end()) return {std::nullopt, "No such file or directory"};
        return {it->second, {}};
    };
}

bool has_note_containing(const ContainerLimits& limits, std::string_view text) {
    for (const auto& note : limits.notes) {
        if (note.find(text) != std::string::npos) return true;
    }
    return false;
}

std::string all_notes(const ContainerLimits& limits) {
    std::string out;
    for (const auto& note : limits.notes) out += "\n  note: " + note;
    return out;
}

TEST(ContainerLimits, V1ReadsTheOwnNestedCgroupNotTheRoot) {
    const std::string dir = "/sys/fs/cgroup/memory/kubepods/burstable/pod1/abc";
    const std::string cpu = "/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod1/abc";
    const CgroupFileReader files = map_reader({
        {"/proc/self/cgroup", kV1HostCgroup},
        {"/proc/self/mountinfo", kV1HostMountinfo},
        {"/proc/meminfo", "MemTotal: 16777216 kB\n"},
        {"/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n"},  // the root: the old-script bug
        {dir + "/memory.limit_in_bytes", "536870912\n"},
        {dir + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n"},
        {cpu + "/cpu.cfs_quota_us", "150000\n"},
        {cpu + "/cpu.cfs_period_us", "100000\n"},
    });
    std::vector<std::string> asked;
    const auto limits = resolve_container_limits([&](const std::string& path) {
        asked.push_back(path);
        return files(path);
    });
    EXPECT_EQ(limits.cgroup_version, 1);
    EXPECT_EQ(limits.memory_cgroup_dir, dir);
    EXPECT_EQ(limits.memory_limit_bytes, 512 * kMiB);
    // The OOM-kill counter is read only when asked for (the exit classifier), not with the limits at start.
    EXPECT_EQ(std::count(asked.begin(), asked.end(), dir + "/memory.oom_control"), 0);
    EXPECT_EQ(oom_kill_count_of(files, limits), 2u);
    EXPECT_EQ(limits.cpu_cgroup_version, 1);
    EXPECT_EQ(limits.cpu_cgroup_dir, cpu);
    EXPECT_EQ(limits.cpu_limit, 1.5);
    EXPECT_TRUE(limits.notes.empty()) << all_notes(limits);
}

// cpu.cfs_quota_us -1 is no quota: cpu.cfs_period_us is then not needed (nor read), while an ancestor's
// quota still applies with the ancestor's period.
TEST(ContainerLimits, V1NoQuotaNeedsNoPeriodAndAnAncestorQuotaStillCounts) {
    const std::string cpu = "/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod1/abc";
    const std::string pod = "/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod1";
    const auto limits = resolve_container_limits(map_reader({
        {"/proc/self/cgroup", kV1HostCgroup},
        {"/proc/self/mountinfo", kV1HostMountinfo},
        {cpu + "/cpu.cfs_quota_us", "-1\n"},  // and no cpu.cfs_period_us beside it
        {pod + "/cpu.cfs_quota_us", "50000\n"},
        {pod + "/cpu.cfs_period_us", "100000\n"},
    }));
    EXPECT_EQ(limits.cpu_limit, 0.5);
    EXPECT_TRUE(has_note_containing(limits, "ancestor cgroup " + pod)) << all_notes(limits);
    EXPECT_FALSE(has_note_containing(limits, "cfs_period_us")) << all_notes(limits);

    // The reader records what it is asked for: no period file is asked for where the quota is -1.
    std::vector<std::string> asked;
    const CgroupFileReader files = map_reader({
        {"/proc/self/cgroup", kV1HostCgroup},
        {"/proc/self/mountinfo", kV1HostMountinfo},
        {cpu + "/cpu.cfs_quota_us", "-1\n"},
        {cpu + "/cpu.cfs_period_us", "100000\n"},
    });
    const auto unlimited = resolve_container_limits([&](const std::string& path) {
        asked.push_back(path);
        return files(path);
    });
    EXPECT_EQ(unlimited.cpu_limit, std::nullopt);
    EXPECT_FALSE(has_note_containing(unlimited, "cpu.cfs")) << all_notes(unlimited);
    EXPECT_EQ(std::count(asked.begin(), asked.end(), cpu + "/cpu.cfs_quota_us"), 1);
    EXPECT_EQ(std::count(asked.begin(), asked.end(), cpu + "/cpu.cfs_period_us"), 0);
}

TEST(ContainerLimits, V1UnlimitedOwnCgroupTakesTheHierarchicalLimitOfAnAncestor) {
    const std::string dir = "/sys/fs/cgroup/memory/kubepods/burstable/pod1/abc";
    const auto limits = resolve_container_limits(map_reader({
        {"/proc/self/cgroup", kV1HostCgroup},
        {"/proc/self/mountinfo", kV1HostMountinfo},
        {dir + "/memory.limit_in_bytes", "9223372036854771712\n"},
        {dir + "/memory.stat", "cache 0\nrss 4096\nhierarchical_memory_limit 1073741824\n"},
        {dir + "/memory.oom_control", "oom_kill 0\n"},
    }));
    EXPECT_EQ(limits.memory_limit_bytes, 1024 * kMiB);
    EXPECT_TRUE(has_note_containing(limits, "ancestor")) << all_notes(limits);
}

TEST(ContainerLimits, V1LimitAbovePhysicalMemoryCountsAsUnlimited) {
    const std::string dir = "/sys/fs/cgroup/memory/kubepods/burstable/pod1/abc";
    const auto limits = resolve_container_limits(map_reader({
        {"/proc/self/cgroup", kV1HostCgroup},
        {"/proc/self/mountinfo", kV1HostMountinfo},
        {"/proc/meminfo", "MemTotal: 1048576 kB\n"},  // 1 GiB
        {dir + "/memory.limit_in_bytes", "2147483648\n"},
        {dir + "/memory.oom_control", "oom_kill 0\n"},
    }));
    EXPECT_EQ(limits.cgroup_version, 1);
    EXPECT_EQ(limits.memory_limit_bytes, std::nullopt);
    EXPECT_TRUE(has_note_containing(limits, "physical memory")) << all_notes(limits);
}

// Under LXCFS /proc/meminfo shows the container's limit as MemTotal; HotSpot compares with sysconf's
// physical memory (sysinfo(2)), which it leaves alone: the limit holds (found by a review).
TEST(ContainerLimits, ThePhysicalMemoryGivenBeatsMeminfo) {
    const std::string dir = "/sys/fs/cgroup/memory/kubepods/burstable/pod1/abc";
    const auto reader = map_reader({
        {"/proc/self/cgroup", kV1HostCgroup},
        {"/proc/self/mountinfo", kV1HostMountinfo},
        {"/proc/meminfo", "MemTotal: 524288 kB\n"},  // 512 MiB: LXCFS shows the limit
        {dir + "/memory.limit_in_bytes", "536870912\n"},
    });
    const PhysicalMemoryBytes sixteen_gib = []() -> std::optional<std::uint64_t> { return 16384 * kMiB; };
    const PhysicalMemoryBytes half_gib = []() -> std::optional<std::uint64_t> { return 512 * kMiB; };
    EXPECT_EQ(resolve_container_limits(reader, sixteen_gib).memory_limit_bytes, 512 * kMiB);
    EXPECT_EQ(resolve_container_limits(reader).memory_limit_bytes, std::nullopt) << "meminfo alone: not below it";
    EXPECT_EQ(resolve_container_limits(reader, half_gib).memory_limit_bytes, std::nullopt) << "not below the RAM";
}

TEST(ContainerLimits, V2TakesTheSmallestLimitFromTheOwnCgroupUpToTheMountPoint) {
    const std::string top = "/sys/fs/cgroup";
    const std::string dir = top + "/kubepods.slice/pod1.slice/cri-abc.scope";
    const auto limits = resolve_container_limits(map_reader({
        {"/proc/self/cgroup", "0::/kubepods.slice/pod1.slice/cri-abc.scope\n"},
        {"/proc/self/mountinfo", "25 22 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n"},
        {dir + "/cgroup.controllers", "cpuset cpu io memory pids\n"},
        {dir + "/memory.max", "max\n"},
        {dir + "/memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n"},
        {dir + "/cpu.max", "max 100000\n"},
        {top + "/kubepods.slice/pod1.slice/memory.max", "268435456\n"},
        {top + "/kubepods.slice/pod1.slice/cpu.max", "50000 100000\n"},
        {top + "/kubepods.slice/memory.max", "8589934592\n"},
        {top + "/kubepods.slice/cpu.max", "400000 100000\n"},
        // the root cgroup has no memory.max or cpu.max
    }));
    EXPECT_EQ(limits.cgroup_version, 2);
    EXPECT_EQ(limits.memory_cgroup_dir, dir);
    EXPECT_EQ(limits.memory_limit_bytes, 256 * kMiB);
    EXPECT_EQ(limits.cpu_limit, 0.5);
    EXPECT_TRUE(has_note_containing(limits, "ancestor cgroup /sys/fs/cgroup/kubepods.slice/pod1.slice"))
        << all_notes(limits);
}

TEST(ContainerLimits, TheOomKillCounterIsReadOnlyWhenAskedFor) {
    const std::string dir = "/sys/fs/cgroup/kubepods.slice/pod1.slice/cri-abc.scope";
    const CgroupFileReader files = map_reader({
        {"/proc/self/cgroup", "0::/kubepods.slice/pod1.slice/cri-abc.scope\n"},
        {"/proc/self/mountinfo", "25 22 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n"},
        {dir + "/cgroup.controllers", "cpu memory\n"},
        {dir + "/memory.max", "268435456\n"},
        {dir + "/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n"},
        {dir + "/cpu.max", "max 100000\n"},
    });
    std::vector<std::string> asked;
    const CgroupFileReader recording = [&](const std::string& path) {
        asked.push_back(path);
        return files(path);
    };
    const auto limits = resolve_container_limits(recording);
    EXPECT_EQ(limits.cgroup_version, 2);
    EXPECT_EQ(std::count(asked.begin(), asked.end(), dir + "/memory.events"), 0);
    EXPECT_EQ(oom_kill_count_of(recording, limits), 1u);
    EXPECT_EQ(std::count(asked.begin(), asked.end(), dir + "/memory.events"), 1);

    // No memory cgroup found: nothing to read, nothing read.
    asked.clear();
    ContainerLimits none;
    EXPECT_EQ(oom_kill_count_of(recording, none), std::nullopt);
    EXPECT_TRUE(asked.empty());
}

TEST(ContainerLimits, V2WithoutTheMemoryControllerIsVersionZero) {
    // Hybrid host where memory is in no v1 hierarchy either: the unified mount has no controllers.
    const auto limits = resolve_container_limits(map_reader({
        {"/proc/self/cgroup", "1:name=systemd:/\n0::/\n"},
        {"/proc/self/mountinfo", "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"},
        {"/sys/fs/cgroup/unified/cgroup.controllers", "\n"},
    }));
    EXPECT_EQ(limits.cgroup_version, 0);
    EXPECT_EQ(limits.memory_limit_bytes, std::nullopt);
    EXPECT_EQ(limits.cpu_cgroup_version, 0);
    EXPECT_TRUE(has_note_containing(limits, "no memory controller")) << all_notes(limits);
}

TEST(ContainerLimits, MissingFilesLeaveValuesUnknownWithNotes) {
    const auto no_proc = resolve_container_limits(map_reader({}));
    EXPECT_EQ(no_proc.cgroup_version, 0);
    EXPECT_TRUE(has_note_containing(no_proc, "cannot read /proc/self/cgroup: No such file or directory"))
        << all_notes(no_proc);

    const CgroupFileReader proc_only = map_reader({
        {"/proc/self/cgroup", kV1HostCgroup},
        {"/proc/self/mountinfo", kV1HostMountinfo},
    });
    const auto no_limit_file = resolve_container_limits(proc_only);
    EXPECT_EQ(no_limit_file.cgroup_version, 1);
    EXPECT_EQ(no_limit_file.memory_limit_bytes, std::nullopt);
    EXPECT_EQ(oom_kill_count_of(proc_only, no_limit_file), std::nullopt) << "no memory.oom_control";
    EXPECT_EQ(no_limit_file.cpu_limit, std::nullopt);
    EXPECT_TRUE(has_note_containing(no_limit_file, "memory.limit_in_bytes")) << all_notes(no_limit_file);
    EXPECT_TRUE(has_note_containing(no_limit_file, "cpu.cfs_quota_us")) << all_notes(no_limit_file);
}

TEST(ContainerLimits, MalformedLimitFileIsNotedNotGuessed) {
    const std::string dir = "/sys/fs/cgroup";
    const auto limits = resolve_container_limits(map_reader({
        {"/proc/self/cgroup", kV2NamespaceCgroup},
        {"/proc/self/mountinfo", kV2NamespaceMountinfo},
        {dir + "/cgroup.controllers", "cpu memory\n"},
        {dir + "/memory.max", "lots\n"},
        {dir + "/memory.events", "oom_kill 0\n"},
        {dir + "/cpu.max", "fast\n"},
    }));
    EXPECT_EQ(limits.cgroup_version, 2);
    EXPECT_EQ(limits.memory_limit_bytes, std::nullopt);
    EXPECT_EQ(limits.cpu_limit, std::nullopt);
    EXPECT_TRUE(has_note_containing(limits, "/sys/fs/cgroup/memory.max: \"lots")) << all_notes(limits);
    EXPECT_TRUE(has_note_containing(limits, "/sys/fs/cgroup/cpu.max: \"fast")) << all_notes(limits);
}

// ---------------------------------------------------------------- a fake tree on disk, read with system calls

class FakeCgroupTree : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        root_ = fs::temp_directory_path() /
                ("jvminit-cgroup-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    void TearDown() override { fs::remove_all(root_); }

    void write(const std::string& path, const std::string& content) {
        const fs::path file = root_ / fs::path(path).relative_path();
        fs::create_directories(file.parent_path());
        std::ofstream(file) << content;
    }

    fs::path root_;
};

TEST_F(FakeCgroupTree, V1NestedKubepodsPathIsReadFromTheProcessCgroup) {
    const std::string dir = "/sys/fs/cgroup/memory/kubepods/burstable/pod1/abc";
    const std::string cpu = "/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod1/abc";
    write("/proc/self/cgroup", kV1HostCgroup);
    write("/proc/self/mountinfo", kV1HostMountinfo);
    write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
    write(dir + "/memory.limit_in_bytes", "536870912\n");
    write(dir + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 4\n");
    write(cpu + "/cpu.cfs_quota_us", "200000\n");
    write(cpu + "/cpu.cfs_period_us", "100000\n");
    write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
    write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");

    const auto limits = read_container_limits(root_.string());
    EXPECT_EQ(limits.cgroup_version, 1);
    EXPECT_EQ(limits.memory_cgroup_dir, dir);
    EXPECT_EQ(limits.memory_limit_bytes, 512 * kMiB);
    EXPECT_EQ(read_oom_kill_count(limits, root_.string()), 4u);
    EXPECT_EQ(limits.cpu_limit, 2.0);
    EXPECT_TRUE(limits.notes.empty()) << all_notes(limits);
}

TEST_F(FakeCgroupTree, V2WithCgroupNamespaceReadsTheMountPointItself) {
    write("/proc/self/cgroup", kV2NamespaceCgroup);
    write("/proc/self/mountinfo", kV2NamespaceMountinfo);
    write("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
    write("/sys/fs/cgroup/memory.max", "268435456\n");
    write("/sys/fs/cgroup/memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\noom_group_kill 0\n");
    write("/sys/fs/cgroup/cpu.max", "150000 100000\n");

    const auto limits = read_container_limits(root_.string());
    EXPECT_EQ(limits.cgroup_version, 2);
    EXPECT_EQ(limits.memory_cgroup_dir, "/sys/fs/cgroup");
    EXPECT_EQ(limits.memory_limit_bytes, 256 * kMiB);
    EXPECT_EQ(read_oom_kill_count(limits, root_.string()), 1u);
    EXPECT_EQ(limits.cpu_cgroup_dir, "/sys/fs/cgroup");
    EXPECT_EQ(limits.cpu_limit, 1.5);
    EXPECT_TRUE(limits.notes.empty()) << all_notes(limits);
}

TEST_F(FakeCgroupTree, V2MaxMeansUnlimited) {
    write("/proc/self/cgroup", kV2NamespaceCgroup);
    write("/proc/self/mountinfo", kV2NamespaceMountinfo);
    write("/sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
    write("/sys/fs/cgroup/memory.max", "max\n");
    write("/sys/fs/cgroup/memory.events", "oom_kill 0\n");
    write("/sys/fs/cgroup/cpu.max", "max 100000\n");

    const auto limits = read_container_limits(root_.string());
    EXPECT_EQ(limits.cgroup_version, 2);
    EXPECT_EQ(limits.memory_limit_bytes, std::nullopt);
    EXPECT_EQ(limits.cpu_limit, std::nullopt);
    EXPECT_EQ(read_oom_kill_count(limits, root_.string()), 0u);
    EXPECT_TRUE(limits.notes.empty()) << all_notes(limits) << "\n(max is not an oddity worth a note)";
}

TEST_F(FakeCgroupTree, UnreadableTreeGivesNotesNotExceptions) {
    write("/proc/self/cgroup", kV2NamespaceCgroup);
    write("/proc/self/mountinfo", kV2NamespaceMountinfo);
    // no /sys/fs/cgroup at all
    const auto limits = read_container_limits(root_.string());
    EXPECT_EQ(limits.cgroup_version, 0);
    EXPECT_TRUE(has_note_containing(limits, "cgroup.controllers: No such file or directory")) << all_notes(limits);
}

// ---------------------------------------------------------------- this machine

std::string read_whole(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Reads this machine's /proc/self and checks the result against the files read here directly.
TEST(ContainerLimitsOnThisMachine, AgreeWithTheCgroupFilesOfThisProcess) {
    const std::string mountinfo = read_whole("/proc/self/mountinfo");
    const bool v1_memory_mounted =
        mountinfo.find(" - cgroup ") != std::string::npos &&
        (mountinfo.find(",memory\n") != std::string::npos || mountinfo.find(",memory,") != std::string::npos);
    const bool v2_mounted = mountinfo.find(" - cgroup2 ") != std::string::npos;
    if (!v1_memory_mounted && !v2_mounted) GTEST_SKIP() << "no memory cgroup (v1 or v2) is mounted here";

    const auto limits = read_container_limits();
    std::cout << "memory: v" << limits.cgroup_version << " " << limits.memory_cgroup_dir << " limit "
              << (limits.memory_limit_bytes ? std::to_string(*limits.memory_limit_bytes) : "none") << "; cpu: v"
              << limits.cpu_cgroup_version << " " << limits.cpu_cgroup_dir << " limit "
              << (limits.cpu_limit ? std::to_string(*limits.cpu_limit) : "none") << all_notes(limits) << "\n";
    if (limits.cgroup_version == 0) {
        ASSERT_FALSE(v1_memory_mounted) << "v1 memory is mounted but was not found" << all_notes(limits);
        GTEST_SKIP() << "cgroup v2 is mounted but has no memory controller for this process" << all_notes(limits);
    }

    // The directory found is the one this process is in.
    const std::string pid = std::to_string(::getpid());
    const std::string procs = read_whole(limits.memory_cgroup_dir + "/cgroup.procs");
    EXPECT_NE(("\n" + procs).find("\n" + pid + "\n"), std::string::npos)
        << "pid " << pid << " not in " << limits.memory_cgroup_dir << "/cgroup.procs";

    const auto total = parse_meminfo_total_bytes(read_whole("/proc/meminfo"));
    ASSERT_TRUE(total);
    if (limits.cgroup_version == 1) {
        const std::string own_text = read_whole(limits.memory_cgroup_dir + "/memory.limit_in_bytes");
        ASSERT_FALSE(own_text.empty());
        const auto own = std::strtoull(own_text.c_str(), nullptr, 10);
        const std::string stat = read_whole(limits.memory_cgroup_dir + "/memory.stat");
        const auto at = stat.find("hierarchical_memory_limit ");
        const auto hierarchical = at == std::string::npos ? own : std::strtoull(stat.c_str() + at + 26, nullptr, 10);
        const auto effective = std::min(own, hierarchical);
        if (effective >= (std::uint64_t{1} << 62) || effective >= *total) {
            EXPECT_EQ(limits.memory_limit_bytes, std::nullopt) << "files say " << own << " / " << hierarchical;
        } else {
            EXPECT_EQ(limits.memory_limit_bytes, effective);
        }
        const std::string oom = read_whole(limits.memory_cgroup_dir + "/memory.oom_control");
        const auto oom_at = oom.find("\noom_kill ");
        if (oom_at != std::string::npos) {
            EXPECT_EQ(read_oom_kill_count(limits), std::strtoull(oom.c_str() + oom_at + 10, nullptr, 10));
        }
    } else {
        const std::string max = read_whole(limits.memory_cgroup_dir + "/memory.max");
        if (max.rfind("max", 0) == 0 || max.empty()) {
            // unlimited here; an ancestor may still limit
            if (limits.memory_limit_bytes) {
                EXPECT_TRUE(has_note_containing(limits, "ancestor")) << all_notes(limits);
            }
        } else {
            const auto own = std::strtoull(max.c_str(), nullptr, 10);
            if (own < *total) {
                ASSERT_TRUE(limits.memory_limit_bytes);
                EXPECT_LE(*limits.memory_limit_bytes, own);
            }
        }
    }

    if (limits.cpu_cgroup_version != 0) {
        const std::string cpu_procs = read_whole(limits.cpu_cgroup_dir + "/cgroup.procs");
        EXPECT_NE(("\n" + cpu_procs).find("\n" + pid + "\n"), std::string::npos)
            << "pid " << pid << " not in " << limits.cpu_cgroup_dir << "/cgroup.procs";
    }
}

}  // namespace
}  // namespace jvminit
