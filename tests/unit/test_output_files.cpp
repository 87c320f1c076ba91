// The files a JVM start writes (jvm/output_files.hpp): a run-STAMP directory per start for the dumps and
// hs_err files (HotSpot never overwrites a dump, the pid repeats in containers, and two JVMs of one start
// must not collide), gc-STAMP-pid%p.log GC logs; the retention limits; the checks before start.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "jvm/output_files.hpp"
#include "temp_dir.hpp"

namespace jvminit::jvm {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Names = std::vector<std::string>;

std::chrono::system_clock::time_point utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
    using namespace std::chrono;
    return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

// ---------------------------------------------------------------------------------------------------------
// Names

struct StampCase {
    std::chrono::system_clock::time_point when;
    int sequence;
    std::string stamp;
};

TEST(StartStamp, IsUtcSecondsAndASequenceNumber) {
    const std::vector<StampCase> cases = {
        {utc(2026, 11, 29, 11, 43, 55), 1, "20261129T114355.000Z-1"},
        {utc(2026, 11, 29, 11, 43, 55) + 999ms, 1, "20261129T114355.999Z-1"},  // milliseconds, not rounded up
        {utc(2026, 11, 29, 11, 43, 55) + 7ms, 42, "20261129T114355.007Z-42"},
        {utc(1970, 1, 1, 0, 0, 0), 1, "19700101T000000.000Z-1"},
        {utc(2000, 2, 29, 23, 59, 59), 7, "20000229T235959.000Z-7"},
        {utc(2038, 1, 19, 3, 14, 8), 1, "20380119T031408.000Z-1"},             // past 32-bit time_t
        {utc(1969, 12, 31, 23, 59, 59) + 250ms, 1, "19691231T235959.250Z-1"},  // before the epoch: floored
        {utc(2100, 3, 1, 0, 0, 0), 1, "21000301T000000.000Z-1"},               // 2100 is not a leap year
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.stamp);
        EXPECT_EQ(start_stamp(c.when, c.sequence), c.stamp);
    }
}

TEST(StartStamp, SortsInTimeOrderAsText) {
    std::string earlier = start_stamp(utc(2026, 1, 9, 23, 59, 59), 1);
    std::string later = start_stamp(utc(2026, 1, 10, 0, 0, 0), 1);
    EXPECT_LT(earlier, later);
}

struct FilesCase {
    std::string heap_dump_dir;
    std::string gc_log_dir;
    std::string heap_dump_path;
    std::string error_file;
    std::string gc_log_path;
};

TEST(OutputFiles, NamesCarryTheStampInTheirDirectories) {
    // Each start gets the directory HEAP_DUMP_DIR/run-STAMP: HeapDumpPath names it, so the JVM writes
    // java_pid<pid>.hprof there, and its hs_err file (ErrorFile expands %p) sits beside the dump. The GC log
    // carries the stamp and the pid, so two JVMs of one start write two logs.
    const std::string s = "20261129T114355.123Z-1";
    const std::string run = "run-" + s;
    const std::string hs_err = "hs_err_pid%p.log";
    const std::string gc = "gc-" + s + "-pid%p.log";
    const std::vector<FilesCase> cases = {
        {"/dumps", "/gc", "/dumps/" + run, "/dumps/" + run + "/" + hs_err, "/gc/" + gc},
        {"/dumps/", "/gc/", "/dumps/" + run, "/dumps/" + run + "/" + hs_err, "/gc/" + gc},
        {"/dumps", "/dumps", "/dumps/" + run, "/dumps/" + run + "/" + hs_err, "/dumps/" + gc},
        {"/my dumps", "", "/my dumps/" + run, "/my dumps/" + run + "/" + hs_err, ""},
        {"", "/gc", "", "", "/gc/" + gc},
        {"", "", "", "", ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("dump dir '" + c.heap_dump_dir + "', GC dir '" + c.gc_log_dir + "'");
        OutputFiles files = output_files_for(c.heap_dump_dir, c.gc_log_dir, s);
        EXPECT_EQ(files.heap_dump_path, c.heap_dump_path);
        EXPECT_EQ(files.error_file, c.error_file);
        EXPECT_EQ(files.gc_log_path, c.gc_log_path);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Retention

struct RetentionCase {
    const char* scenario;
    std::vector<DumpFile> existing;
    int keep;
    Names doomed;  // any order
};

Names sorted(Names names) {
    std::sort(names.begin(), names.end());
    return names;
}

TEST(DumpRetention, DeletesTheOldestBeyondTheNewestKeepMinusOne) {
    const std::vector<DumpFile> five = {
        {"e.hprof", 500}, {"a.hprof", 100}, {"c.hprof", 300}, {"b.hprof", 200}, {"d.hprof", 400}};
    const std::vector<RetentionCase> cases = {
        {"no dumps", {}, 3, {}},
        {"keep 1 leaves room for the next dump only", five, 1, {"a.hprof", "b.hprof", "c.hprof", "d.hprof", "e.hprof"}},
        {"keep 2", five, 2, {"a.hprof", "b.hprof", "c.hprof", "d.hprof"}},
        {"keep 3", five, 3, {"a.hprof", "b.hprof", "c.hprof"}},
        {"keep 5", five, 5, {"a.hprof"}},
        {"keep 6: five plus the next fit", five, 6, {}},
        {"keep 1000", five, 1000, {}},
        {"keep 3 with two dumps", {{"a.hprof", 1}, {"b.hprof", 2}}, 3, {}},
        {"keep 3 with three dumps", {{"a.hprof", 1}, {"b.hprof", 2}, {"c.hprof", 3}}, 3, {"a.hprof"}},
        {"keep 1 with one dump", {{"a.hprof", 1}}, 1, {"a.hprof"}},
        {"age, not name, decides", {{"z.hprof", 1}, {"a.hprof", 2}, {"m.hprof", 3}}, 2, {"z.hprof", "a.hprof"}},
        {"negative mtimes (before 1970) are oldest", {{"new.hprof", 10}, {"old.hprof", -10}}, 2, {"old.hprof"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + ", keep " + std::to_string(c.keep));
        EXPECT_EQ(sorted(dumps_to_delete(c.existing, c.keep)), sorted(c.doomed));
    }
}

TEST(DumpRetention, TiesAreBrokenByNameSoTheResultIsTheSameInAnyOrder) {
    // Same mtime: the run-STAMP names sort by time, so the greater name is kept.
    std::vector<DumpFile> dumps = {{"run-20261129T114355.000Z-2/java_pid7.hprof", 1000},
                                   {"run-20261129T114355.000Z-1/java_pid7.hprof", 1000},
                                   {"run-20261129T114355.000Z-3/java_pid7.hprof", 1000}};
    const Names expected = {"run-20261129T114355.000Z-1/java_pid7.hprof", "run-20261129T114355.000Z-2/java_pid7.hprof"};
    std::sort(dumps.begin(), dumps.end(), [](const DumpFile& a, const DumpFile& b) { return a.name < b.name; });
    do {
        EXPECT_EQ(sorted(dumps_to_delete(dumps, 2)), expected);
    } while (std::next_permutation(dumps.begin(), dumps.end(),
                                   [](const DumpFile& a, const DumpFile& b) { return a.name < b.name; }));
}

TEST(DumpRetention, DumpsInRunDirectoriesAndAtTheTopLevelCountTogether) {
    // Dumps of the old layout (top level) and of the new one (run-STAMP/java_pid<pid>.hprof; two JVMs of one
    // start leave two) are one pool, oldest first.
    const std::vector<DumpFile> dumps = {{"heapdump-old.hprof", 100},
                                         {"run-A/java_pid7.hprof", 200},
                                         {"run-B/java_pid7.hprof", 300},
                                         {"run-B/java_pid8.hprof", 400},
                                         {"run-C/java_pid7.hprof", 500}};
    EXPECT_EQ(sorted(dumps_to_delete(dumps, 3)),
              sorted({"heapdump-old.hprof", "run-A/java_pid7.hprof", "run-B/java_pid7.hprof"}));
    EXPECT_EQ(sorted(dumps_to_delete(dumps, 5)), Names{"heapdump-old.hprof"});
}

TEST(DumpRetention, IncompleteDumpsGoBeforeAnyCompleteOne) {
    // A full volume leaves truncated dumps (HotSpot: "Dump file is incomplete"): they go first, newest or
    // not, so that a complete dump keeps its place; among themselves, the oldest first.
    const std::vector<RetentionCase> cases = {
        {"the newest is incomplete: it goes, the complete ones stay",
         {{"a.hprof", 1}, {"b.hprof", 2}, {"c.hprof", 3, true}},
         3,
         {"c.hprof"}},
        {"keep 2: the complete newest stays",
         {{"a.hprof", 1}, {"b.hprof", 2}, {"c.hprof", 3, true}},
         2,
         {"a.hprof", "c.hprof"}},
        {"keep 1: all go", {{"a.hprof", 1}, {"c.hprof", 3, true}}, 1, {"a.hprof", "c.hprof"}},
        {"two incomplete: the older goes first",
         {{"a.hprof", 1}, {"x.hprof", 2, true}, {"y.hprof", 3, true}},
         3,
         {"x.hprof"}},
        {"room for all: none goes", {{"a.hprof", 1}, {"x.hprof", 2, true}}, 3, {}},
        {"only incomplete ones: the oldest go", {{"x.hprof", 1, true}, {"y.hprof", 2, true}}, 2, {"x.hprof"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + ", keep " + std::to_string(c.keep));
        EXPECT_EQ(sorted(dumps_to_delete(c.existing, c.keep)), sorted(c.doomed));
    }
}

TEST(DumpRetention, AHeldDumpCountsButIsNeverDeleted) {
    // A running start's JVM may be writing it (another container on the volume): with keep 1 it used to go.
    const std::vector<RetentionCase> cases = {
        {"keep 1: the held one stays, the rest go", {{"a.hprof", 1}, {"h.hprof", 2, false, 0, true}}, 1, {"a.hprof"}},
        {"keep 2: the held one takes the kept place",
         {{"a.hprof", 1}, {"b.hprof", 2}, {"h.hprof", 3, false, 0, true}},
         2,
         {"a.hprof", "b.hprof"}},
        {"an old held one stays beyond keep",
         {{"h.hprof", 1, false, 0, true}, {"a.hprof", 2}, {"b.hprof", 3}},
         2,
         {"a.hprof"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + ", keep " + std::to_string(c.keep));
        EXPECT_EQ(sorted(dumps_to_delete(c.existing, c.keep)), sorted(c.doomed));
    }
}

TEST(DumpRetention, AChosenDumpTakesItsSegmentsAlong) {
    // JDK 22+'s parallel dump leaves "<dump>.p<N>" files when its JVM died during the dump: they go with it.
    DumpFile with_parts{
        "run-A/java_pid7.hprof", 1, true, 0, false, {"run-A/java_pid7.hprof.p0", "run-A/java_pid7.hprof.p1"}};
    DumpFile orphans{"run-B/java_pid8.hprof.p0", 2, true, 0, false, {"run-B/java_pid8.hprof.p1"}};
    DumpFile held{"run-C/java_pid9.hprof", 3, false, 0, true, {"run-C/java_pid9.hprof.p0"}};
    const std::vector<RetentionCase> cases = {
        {"an incomplete dump goes with its segments",
         {{"a.hprof", 5}, with_parts},
         2,
         {"run-A/java_pid7.hprof", "run-A/java_pid7.hprof.p0", "run-A/java_pid7.hprof.p1"}},
        {"segments whose dump is gone go together",
         {{"a.hprof", 5}, orphans},
         2,
         {"run-B/java_pid8.hprof.p0", "run-B/java_pid8.hprof.p1"}},
        {"with room for all, nothing goes", {with_parts}, 3, {}},
        {"a held dump keeps its segments", {held, {"a.hprof", 5}}, 1, {"a.hprof"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.scenario) + ", keep " + std::to_string(c.keep));
        EXPECT_EQ(sorted(dumps_to_delete(c.existing, c.keep)), sorted(c.doomed));
    }
}

TEST(HeapDumpSegment, NamesTheDumpOfAParallelDumpsSegmentFile) {
    const std::vector<std::pair<std::string, std::optional<std::string>>> cases = {
        {"java_pid7.hprof.p0", "java_pid7.hprof"},
        {"java_pid7.hprof.p12", "java_pid7.hprof"},
        {"java_pid7.hprof.gz.p3", "java_pid7.hprof.gz"},
        {"java_pid7.hprof.2.p0", "java_pid7.hprof.2"},  // a segment of the JVM's third dump
        {"my dump.hprof.p1", "my dump.hprof"},
        {"java_pid7.hprof", std::nullopt},
        {"java_pid7.hprof.p", std::nullopt},
        {"java_pid7.hprof.px", std::nullopt},
        {"java_pid7.hprof.p1x", std::nullopt},
        {"java_pid7.hprof.p-1", std::nullopt},
        {"java_pid7.hprof.P0", std::nullopt},
        {"java_pid7.hprof.p0.tmp", std::nullopt},
        {".hprof.p0", std::nullopt},
        {"notes.txt.p0", std::nullopt},
        {"hs_err_pid7.log", std::nullopt},
        {"", std::nullopt},
    };
    for (const auto& [name, dump] : cases) EXPECT_EQ(heap_dump_segment_of(name), dump) << name;
}

TEST(DirectoryLocks, AreSharedOnLocalFileSystemsOnly) {
    // statfs(2) f_type values (linux/magic.h).
    for (std::int64_t local : {0xEF53L, 0x58465342L, 0x9123683EL, 0x01021994L, 0x794C7630L})
        EXPECT_TRUE(directory_locks_are_shared(local)) << std::hex << local;
    for (std::int64_t network : {0x6969L /* NFS */, 0xFF534D42L /* CIFS */, 0xFE534D42L /* SMB2 */,
                                 0x65735546L /* FUSE */, 0x01021997L /* 9p */, 0L})
        EXPECT_FALSE(directory_locks_are_shared(network)) << std::hex << network;
}

// An HPROF file as HotSpot writes it: the header ("JAVA PROFILE 1.0.2\0", u4 id size, u8 time), `records`,
// and, when `finished`, HEAP_DUMP_END (tag 0x2C, u4 time, u4 length 0).
std::string hprof(bool finished, const std::string& records = std::string("\x01\0\0\0\0\0\0\0\x04"
                                                                          "abcd",
                                                                          13)) {
    std::string file("JAVA PROFILE 1.0.2\0\0\0\0\x08\0\0\x01\x8f\0\0\0\x01", 31);
    file += records;
    if (finished) file += std::string("\x2c\0\0\0\0\0\0\0\0", 9);
    return file;
}

bool incomplete(const std::string& file) {
    const std::size_t tail = std::min(file.size(), kHprofEndRecordBytes);
    return hprof_is_incomplete(std::string_view(file).substr(0, kHprofMagic.size()),
                               std::string_view(file).substr(file.size() - tail), file.size());
}

TEST(HprofIsIncomplete, OnlyAnHprofFileWithoutItsEndRecord) {
    struct Case {
        const char* what;
        std::string file;
        bool incomplete;
    };
    const std::string finished = hprof(true);
    const std::vector<Case> cases = {
        {"finished", finished, false},
        {"finished, only the end record after the header", hprof(true, ""), false},
        {"cut short in a record", hprof(false), true},
        {"cut short inside the end record", finished.substr(0, finished.size() - 1), true},
        {"the header only", hprof(false, ""), true},
        {"empty: opened, nothing written", "", true},
        {"cut short within the magic", "JAVA PRO", true},
        {"a header and 9 bytes that look like the end record but the header is cut",
         std::string("JAVA PROFILE 1.0.2\0", 19) + std::string("\x2c\0\0\0\0\0\0\0\0", 9), true},
        {"the end record with a time", finished.substr(0, finished.size() - 8) + std::string("\0\0\0\x05\0\0\0\0", 8),
         false},
        {"the last record is another with length 0",
         finished.substr(0, finished.size() - 9) + std::string("\x1c\0\0\0\0\0\0\0\0", 9), true},
        // JDK 8 writes a used heap under 2 GB as 1.0.1, without segments and without HEAP_DUMP_END (found by
        // a review: every such complete dump was taken for incomplete and deleted first).
        {"JDK 8's 1.0.1 format without the end record: not judged", "JAVA PROFILE 1.0.1" + hprof(false).substr(18),
         false},
        {"JDK 8's 1.0.1 format, empty records", "JAVA PROFILE 1.0.1" + hprof(false, "").substr(18), false},
        {"a 1.0.1 magic cut short is no 1.0.2 one", "JAVA PROFILE 1.0.1", false},
        {"gzip (HeapDumpGzipLevel): not ours to judge", std::string("\x1f\x8b\x08\0\0\0", 6), false},
        {"a user's text file", "x", false},
    };
    for (const auto& c : cases) EXPECT_EQ(incomplete(c.file), c.incomplete) << c.what;
}

// ---------------------------------------------------------------------------------------------------------
// GC log retention (gc_logs_to_delete: pure)

struct GcRetentionCase {
    const char* scenario;
    Names names;  // the GC log directory's entries
    int starts_kept;
    Names doomed;  // any order
};

// The files one start may leave: the current log of each JVM and the ones rotated out.
Names logs_of(const std::string& stamp, std::vector<int> pids = {7}, bool rotated = false) {
    Names names;
    for (int pid : pids) {
        std::string base = "gc-" + stamp + "-pid" + std::to_string(pid) + ".log";
        names.push_back(base);
        if (rotated)
            for (const char* suffix : {".0", ".1", ".4"}) names.push_back(base + suffix);
    }
    return names;
}

Names joined(std::initializer_list<Names> parts) {
    Names all;
    for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

TEST(GcLogRetention, KeepsTheLogsOfTheNewestStartsMinusOne) {
    const std::string t = "20261129T114355.123Z";
    const std::string a = "20261129T100000.000Z-1", b = "20261129T110000.000Z-1", c = "20261129T120000.000Z-1",
                      d = "20261129T130000.000Z-1", e = "20261129T140000.000Z-1", f = "20261129T150000.000Z-1";
    // Files jvminit never writes: its older layout, the user's own logs, other files.
    const Names foreign = {"gc.log",
                           "gc.log.0",
                           "notes.txt",
                           "gc-1.log",
                           "gc-20261129T090000.000Z-1.log",
                           "gc-20261129T090000.000Z-1.log.0",
                           "my-gc-" + a + "-pid7.log",
                           "run-" + a,
                           "java_pid7.hprof",
                           "gc-",
                           "gc--pid7.log"};
    const std::vector<GcRetentionCase> cases = {
        {"nothing there", {}, 5, {}},
        {"four earlier starts and the next make five", joined({logs_of(a), logs_of(b), logs_of(c), logs_of(d)}), 5, {}},
        {"five earlier starts: the oldest goes", joined({logs_of(e), logs_of(a), logs_of(c), logs_of(b), logs_of(d)}),
         5, logs_of(a)},
        {"six earlier starts: the two oldest go",
         joined({logs_of(f), logs_of(e), logs_of(d), logs_of(c), logs_of(b), logs_of(a)}), 5,
         joined({logs_of(a), logs_of(b)})},
        {"a start's every JVM and rotated file go together",
         joined({logs_of(a, {7, 8}, true), logs_of(b), logs_of(c), logs_of(d), logs_of(e, {7, 9}, true)}), 5,
         logs_of(a, {7, 8}, true)},
        {"sequence numbers compare as numbers: -9 is older than -10 in the same millisecond",
         joined({logs_of(t + "-6"), logs_of(t + "-7"), logs_of(t + "-8"), logs_of(t + "-9"), logs_of(t + "-10")}), 5,
         logs_of(t + "-6")},
        {"sequence 2 is older than 10 and 11", joined({logs_of(t + "-10"), logs_of(t + "-2"), logs_of(t + "-11")}), 2,
         joined({logs_of(t + "-2"), logs_of(t + "-10")})},
        {"the time decides before the sequence number",
         joined({logs_of("20261129T114355.999Z-12"), logs_of("20261129T114356.000Z-1")}), 2,
         logs_of("20261129T114355.999Z-12")},
        {"one start kept: all earlier ones go", joined({logs_of(a), logs_of(b)}), 1, joined({logs_of(a), logs_of(b)})},
        {"foreign files alone are never chosen", foreign, 1, {}},
        {"foreign files among many starts are never chosen",
         joined({foreign, logs_of(a), logs_of(b), logs_of(c), logs_of(d), logs_of(e), logs_of(f)}), 5,
         joined({logs_of(a), logs_of(b)})},
    };
    for (const auto& row : cases) {
        SCOPED_TRACE(std::string(row.scenario) + ", starts kept " + std::to_string(row.starts_kept));
        EXPECT_EQ(sorted(gc_logs_to_delete(row.names, row.starts_kept)), sorted(row.doomed));
    }
}

TEST(GcLogRetention, AUsersOwnLogNamedGcSomethingPidIsNotJvminits) {
    // The user's own -Xlog:gc:file=/logs/gc-%t-pid%p.log in jvminit's GC log directory: the JVM expands %t to
    // 2026-11-29_11-43-55. Such a file is not jvminit's (no jvminit stamp) and must be neither deleted nor
    // counted as a start.
    const std::string a = "20261129T100000.000Z-1", b = "20261129T110000.000Z-1", c = "20261129T120000.000Z-1",
                      d = "20261129T130000.000Z-1", e = "20261129T140000.000Z-1";
    const Names users = {"gc-2026-11-29_11-43-55-pid7.log", "gc-2025-01-01_00-00-00-pid1.log", "gc-app-pid7.log"};
    EXPECT_EQ(gc_logs_to_delete(users, 1), Names{});
    EXPECT_EQ(sorted(gc_logs_to_delete(joined({users, logs_of(a), logs_of(b), logs_of(c), logs_of(d), logs_of(e)}), 5)),
              logs_of(a));
}

TEST(GcLogRetention, JvminitKeepsFiveStarts) {
    EXPECT_EQ(kGcLogStartsKept, 5);
}

// ---------------------------------------------------------------------------------------------------------
// prepare_output in a temporary directory

using jvminit::testing::TempDir;

void touch(const fs::path& path, std::optional<fs::file_time_type> mtime = std::nullopt) {
    std::ofstream(path) << "x";
    if (mtime) fs::last_write_time(path, *mtime);
}

Names names_in(const fs::path& dir) {
    Names names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    return sorted(names);
}

// The entries of `dir` but the start's own run directory (`run`, a full path).
Names names_besides(const fs::path& dir, const std::string& run) {
    Names names;
    for (const auto& name : names_in(dir))
        if (dir / name != fs::path(run)) names.push_back(name);
    return names;
}

const std::regex kRunDir(R"(run-\d{8}T\d{6}\.\d{3}Z-\d+)");

class PrepareOutput : public ::testing::Test {
protected:
    fs::path dir(const std::string& name) const { return temp_.path() / name; }
    // Writes `content` to `path`, with that mtime when given (else now).
    static void write(const fs::path& path, const std::string& content, std::optional<fs::file_time_type> mtime) {
        std::ofstream(path, std::ios::binary) << content;
        if (mtime) fs::last_write_time(path, *mtime);
    }
    // An mtime `hours` hours after a fixed point in the past.
    static fs::file_time_type at_hour(int hours) {
        static const fs::file_time_type base = fs::file_time_type::clock::now() - std::chrono::hours(1000);
        return base + std::chrono::hours(hours);
    }

private:
    TempDir temp_{"output-test"};
};

TEST_F(PrepareOutput, NothingToDoWithoutDumpsOrGcLog) {
    PreparedOutput out = prepare_output("", 3, false, "", false);
    EXPECT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(out.files.heap_dump_path, "");
    EXPECT_EQ(out.files.error_file, "");
    EXPECT_EQ(out.files.gc_log_path, "");
    EXPECT_TRUE(out.deleted.empty());
    EXPECT_TRUE(out.warnings.empty());
}

TEST_F(PrepareOutput, CreatesAMissingDumpDirectoryWithParentsAndTheStartsRunDirectory) {
    fs::path dumps = dir("a/b/dumps");
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_TRUE(fs::is_directory(dumps));
    const fs::path run = out.files.heap_dump_path;
    EXPECT_EQ(run.parent_path(), dumps);
    EXPECT_TRUE(std::regex_match(run.filename().string(), kRunDir)) << run;
    EXPECT_TRUE(fs::is_directory(run)) << "the JVM creates no directory: jvminit creates the run directory";
    EXPECT_TRUE(fs::is_empty(run)) << "the JVM writes the dump, not jvminit";
    EXPECT_EQ(fs::path(out.files.error_file), run / "hs_err_pid%p.log");
    EXPECT_EQ(out.files.gc_log_path, "");
    EXPECT_EQ(names_in(dumps), Names{run.filename().string()}) << "the write probe is removed";
}

// jvminit runs as root and its child switches users (gosu, setpriv): the run directory it makes must be
// as writable for that user as the heap dump directory is (found by a fresh user: a root-owned 0755 run
// directory in the user's directory, and the JVM's dump was refused).
TEST_F(PrepareOutput, TheRunDirectoryGetsTheDumpDirectorysOwnerGroupAndMode) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (jvminit gives a file away only as root)";
    fs::path dumps = dir("owned");
    fs::create_directories(dumps);
    ASSERT_EQ(::chown(dumps.c_str(), 65534, 65533), 0);
    ASSERT_EQ(::chmod(dumps.c_str(), 02770), 0);
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_TRUE(out.warnings.empty()) << out.warnings.front();
    struct stat run {};
    ASSERT_EQ(::stat(out.files.heap_dump_path.c_str(), &run), 0);
    EXPECT_EQ(run.st_uid, 65534u);
    EXPECT_EQ(run.st_gid, 65533u);
    EXPECT_EQ(run.st_mode & 07777, 02770u);
}

TEST_F(PrepareOutput, DumpDirectoryWithASpaceWorks) {
    fs::path dumps = dir("my dumps");
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_TRUE(fs::is_directory(dumps));
    EXPECT_TRUE(out.files.heap_dump_path.starts_with(dumps.string() + "/run-")) << out.files.heap_dump_path;
    EXPECT_TRUE(fs::is_directory(out.files.heap_dump_path));
}

struct KeepCase {
    int keep;
    Names remaining;
};

TEST_F(PrepareOutput, DeletesTheOldestDumpsBeyondKeepMinusOne) {
    for (const KeepCase& c : {KeepCase{1, {}}, KeepCase{3, {"d.hprof", "e.hprof"}},
                              KeepCase{5, {"b.hprof", "c.hprof", "d.hprof", "e.hprof"}},
                              KeepCase{6, {"a.hprof", "b.hprof", "c.hprof", "d.hprof", "e.hprof"}}}) {
        SCOPED_TRACE("keep " + std::to_string(c.keep));
        fs::path dumps = dir("dumps-keep-" + std::to_string(c.keep));
        fs::create_directories(dumps);
        // Names in reverse age order, so that only the mtime can give the right answer.
        touch(dumps / "a.hprof", at_hour(1));
        touch(dumps / "b.hprof", at_hour(2));
        touch(dumps / "c.hprof", at_hour(3));
        touch(dumps / "d.hprof", at_hour(4));
        touch(dumps / "e.hprof", at_hour(5));
        PreparedOutput out = prepare_output(dumps.string(), c.keep, false, "", false);
        ASSERT_FALSE(out.error.has_value()) << *out.error;
        EXPECT_EQ(names_besides(dumps, out.files.heap_dump_path), c.remaining);
        EXPECT_EQ(out.deleted.size(), 5 - c.remaining.size());
        for (const auto& path : out.deleted) {
            EXPECT_EQ(fs::path(path).parent_path(), dumps) << "full paths";
            EXPECT_FALSE(fs::exists(path));
        }
    }
}

TEST_F(PrepareOutput, OldestIsDecidedByMtimeNotByName) {
    fs::path dumps = dir("dumps");
    fs::create_directories(dumps);
    touch(dumps / "heapdump-z.hprof", at_hour(1));  // oldest
    touch(dumps / "heapdump-a.hprof", at_hour(3));
    touch(dumps / "heapdump-m.hprof", at_hour(2));
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(out.deleted, Names{(dumps / "heapdump-z.hprof").string()});
    EXPECT_EQ(names_besides(dumps, out.files.heap_dump_path), (Names{"heapdump-a.hprof", "heapdump-m.hprof"}));
}

TEST_F(PrepareOutput, OnlyHprofAndHprofGzFilesCountAndAreDeleted) {
    fs::path dumps = dir("dumps");
    fs::create_directories(dumps / "old.hprof");  // a directory, not a dump
    const std::pair<const char*, int> files[] = {
        {"hs_err-1.log", 1},
        {"gc-1.log", 1},
        {"notes.txt", 1},
        {"hprof", 1},
        {".hprof.gz", 1},
        {"x.hprof.zip", 1},
        {"x.hprof.gz", 2},  // -XX:HeapDumpGzipLevel (found by a fresh user: never deleted)
        {"a.hprof", 3},
        // A JVM's later dumps (-XX:+HeapDumpBeforeFullGC): "<first>.<N>" (found by a trial: never counted).
        {"a.hprof.1", 4},
        {"a.hprof.gz.12", 5},
        {"a.hprof.1x", 5},
        {"a.hprof.", 5},
        {"notes.1", 5},
        {".hprof.1", 5},
        {"b.hprof", 6}};
    for (const auto& [name, hour] : files) touch(dumps / name, at_hour(hour));
    PreparedOutput out = prepare_output(dumps.string(), 2, false, "", false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(sorted(out.deleted), sorted({(dumps / "a.hprof").string(), (dumps / "x.hprof.gz").string(),
                                           (dumps / "a.hprof.1").string(), (dumps / "a.hprof.gz.12").string()}));
    EXPECT_EQ(names_besides(dumps, out.files.heap_dump_path),
              (Names{".hprof.1", ".hprof.gz", "a.hprof.", "a.hprof.1x", "b.hprof", "gc-1.log", "hprof", "hs_err-1.log",
                     "notes.1", "notes.txt", "old.hprof", "x.hprof.zip"}));
}

// run-STAMP of an earlier start, `hour` hours into 2026-11-29 (before the starts below).
std::string earlier_run(int hour) {
    return "run-" + start_stamp(utc(2026, 11, 29, hour, 0, 0), 1);
}
const auto kLater = utc(2026, 11, 30, 0, 0, 0);

TEST_F(PrepareOutput, DumpsInRunDirectoriesCountAndEmptyRunDirectoriesGo) {
    // Earlier starts: run 1 and run 2 hold one dump each, run 3 two (a shell ran java twice), run 4 none (no
    // OOM), run 5 only an hs_err file (a crash without a dump); an old-layout dump sits at the top level.
    // Dumps in a directory not named run-STAMP and a run-* file are not jvminit's: not archive, not run-mine
    // (found by a review: its dump and hs_err file were counted and deleted), nor what a symbolic link
    // run-linked leads to outside the directory (the review saw such files deleted).
    fs::path dumps = dir("dumps");
    const std::string r1 = earlier_run(1), r2 = earlier_run(2), r3 = earlier_run(3), r4 = earlier_run(4),
                      r5 = earlier_run(5);
    for (const std::string& run : {r1, r2, r3, r4, r5, std::string("archive"), std::string("run-mine")})
        fs::create_directories(dumps / run);
    touch(dumps / "heapdump-old.hprof", at_hour(1));
    touch(dumps / r1 / "java_pid7.hprof", at_hour(2));
    touch(dumps / r2 / "java_pid7.hprof", at_hour(3));
    touch(dumps / r3 / "java_pid7.hprof", at_hour(4));
    touch(dumps / r3 / "java_pid9.hprof", at_hour(5));
    touch(dumps / r5 / "hs_err_pid7.log", at_hour(5));
    touch(dumps / "archive" / "java_pid1.hprof", at_hour(0));
    touch(dumps / "run-mine" / "analysis.hprof", at_hour(0));
    touch(dumps / "run-mine" / "hs_err_pid3.log", at_hour(0));
    fs::path outside = dir("outside");
    fs::create_directories(outside);
    touch(outside / "incident.hprof", at_hour(0));
    touch(outside / "hs_err_pid4.log", at_hour(0));
    fs::create_directory_symlink(outside, dumps / "run-linked");
    fs::create_directory_symlink(outside, dumps / earlier_run(6));  // a link with a stamp's name
    touch(outside / "linked.hprof", at_hour(0));
    fs::create_symlink(outside / "linked.hprof", dumps / "link.hprof");  // a link to a dump is not one
    touch(dumps / "run-file.hprof", at_hour(0));                         // a file: counts as a top-level dump
    touch(dumps / "run-x", at_hour(0));  // a file named like a run directory: left alone
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", false, kLater);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(sorted(out.deleted),
              sorted({(dumps / "heapdump-old.hprof").string(), (dumps / r1 / "java_pid7.hprof").string(),
                      (dumps / r2 / "java_pid7.hprof").string(), (dumps / "run-file.hprof").string()}));
    for (const auto& path : out.deleted) EXPECT_FALSE(fs::exists(path)) << path;
    // Runs 1 and 2 were emptied now, run 4 was empty: gone. The start's own (empty) directory stays, and so
    // does the empty run-mine: not a name jvminit gives (found by a fresh user: it went, unlocked).
    EXPECT_EQ(names_besides(dumps, out.files.heap_dump_path),
              (Names{"archive", "link.hprof", r3, r5, earlier_run(6), "run-linked", "run-mine", "run-x"}));
    EXPECT_EQ(names_in(dumps / r3), (Names{"java_pid7.hprof", "java_pid9.hprof"}));
    EXPECT_EQ(names_in(dumps / "archive"), Names{"java_pid1.hprof"});
    EXPECT_EQ(names_in(dumps / "run-mine"), (Names{"analysis.hprof", "hs_err_pid3.log"}));
    EXPECT_EQ(names_in(outside), (Names{"hs_err_pid4.log", "incident.hprof", "linked.hprof"}));
    EXPECT_TRUE(fs::is_directory(out.files.heap_dump_path));
}

// The clean-up waits for the launch (found by a fresh user: a start whose exec failed had deleted old dumps
// and left its run directory): claim_output decides, clean_up_output deletes, give_back_output undoes the
// start's own files instead and deletes nothing.
TEST_F(PrepareOutput, TheCleanUpWaitsForTheLaunchAndAFailedLaunchDeletesNothing) {
    const fs::path dumps = dir("claimed");
    const fs::path gcs = dir("claimed-gc");
    fs::create_directories(dumps);
    touch(dumps / "a.hprof", at_hour(1));
    touch(dumps / "b.hprof", at_hour(2));
    std::ofstream(dumps / "c.hprof") << std::string(1000, 'x');
    fs::last_write_time(dumps / "c.hprof", at_hour(0));
    const auto start = std::chrono::system_clock::now();

    PreparedOutput failed = claim_output(dumps.string(), 2, true, gcs.string(), false, start);
    ASSERT_FALSE(failed.error.has_value()) << *failed.error;
    EXPECT_TRUE(failed.deleted.empty()) << "nothing deleted before the launch";
    EXPECT_EQ(failed.bytes_to_free, 1001u) << "c.hprof (1000 bytes) and a.hprof (1) will go";
    EXPECT_TRUE(fs::is_directory(failed.files.heap_dump_path));
    EXPECT_EQ(names_in(gcs),
              Names{"gc-" + fs::path(failed.files.heap_dump_path).filename().string().substr(4) + ".lock"});
    give_back_output(failed);
    EXPECT_FALSE(fs::exists(failed.files.heap_dump_path)) << "the start's own run directory is gone";
    EXPECT_TRUE(names_in(gcs).empty()) << "and its GC lock file";
    EXPECT_EQ(names_in(dumps), (Names{"a.hprof", "b.hprof", "c.hprof"})) << "no dump deleted";
    EXPECT_TRUE(failed.deleted.empty());
    clean_up_output(failed);  // nothing pending any more
    EXPECT_EQ(names_in(dumps), (Names{"a.hprof", "b.hprof", "c.hprof"}));

    PreparedOutput launched = claim_output(dumps.string(), 2, true, gcs.string(), false, start + 1s);
    ASSERT_FALSE(launched.error.has_value()) << *launched.error;
    EXPECT_EQ(names_besides(dumps, launched.files.heap_dump_path), (Names{"a.hprof", "b.hprof", "c.hprof"}));
    clean_up_output(launched);
    EXPECT_EQ(sorted(launched.deleted), sorted({(dumps / "a.hprof").string(), (dumps / "c.hprof").string()}));
    EXPECT_EQ(names_besides(dumps, launched.files.heap_dump_path), Names{"b.hprof"});
    give_back_output(launched);  // done already: nothing to give back
    EXPECT_TRUE(fs::is_directory(launched.files.heap_dump_path));
}

// A full volume leaves a truncated dump: the next start deletes it before any complete one, and warns about
// one it keeps. A dump a JVM may still be writing is not judged: one in a run directory a running start
// holds (another container on the volume), or, at the top level (no lock to test), one modified within
// kDumpWriteQuiet. One in a run directory of an ended start is judged at once (a restart after an OOM).
TEST_F(PrepareOutput, IncompleteDumpsGoFirstUnlessAJvmMayStillWriteThem) {
    const fs::path dumps = dir("full");
    fs::create_directories(dumps);
    const auto start = std::chrono::system_clock::now();
    std::optional<PreparedOutput> running = prepare_output(dumps.string(), 100, false, "", false, start - 1h);
    ASSERT_FALSE(running->error.has_value()) << *running->error;
    const fs::path running_run = running->files.heap_dump_path;
    write(dumps / "complete-old.hprof", hprof(true), at_hour(1));
    write(dumps / "truncated.hprof", hprof(false), at_hour(2));
    write(dumps / "being-written.hprof", hprof(false), std::nullopt);  // modified just now, top level
    write(running_run / "java_pid7.hprof", hprof(false), at_hour(3));  // a running start's JVM writes it
    write(dumps / "not-hprof.hprof", "x", at_hour(0));                 // not ours to judge: counts as complete

    PreparedOutput out = prepare_output(dumps.string(), 5, false, "", false, start);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(out.incomplete_dumps, Names{(dumps / "truncated.hprof").string()});
    EXPECT_EQ(out.deleted, Names{(dumps / "truncated.hprof").string()}) << "not the oldest, not-hprof.hprof";
    EXPECT_TRUE(fs::exists(dumps / "not-hprof.hprof"));
    EXPECT_TRUE(fs::exists(dumps / "complete-old.hprof"));

    // With room for all, an incomplete dump stays, and is reported.
    write(dumps / "truncated-2.hprof", hprof(false), at_hour(4));
    PreparedOutput roomy = prepare_output(dumps.string(), 100, false, "", false, start + 1s);
    EXPECT_EQ(roomy.incomplete_dumps, Names{(dumps / "truncated-2.hprof").string()});
    EXPECT_TRUE(roomy.deleted.empty());

    // Once that start has ended, its JVM's truncated dump is judged too, even if just written, and goes before
    // the complete ones.
    fs::last_write_time(running_run / "java_pid7.hprof", fs::file_time_type::clock::now());
    running.reset();
    PreparedOutput after = prepare_output(dumps.string(), 4, false, "", false, start + 2s);
    ASSERT_FALSE(after.error.has_value()) << *after.error;
    EXPECT_EQ(sorted(after.incomplete_dumps),
              sorted({(dumps / "truncated-2.hprof").string(), (running_run / "java_pid7.hprof").string()}));
    EXPECT_EQ(sorted(after.deleted),
              sorted({(dumps / "truncated-2.hprof").string(), (running_run / "java_pid7.hprof").string()}));
    EXPECT_TRUE(fs::exists(dumps / "being-written.hprof")) << "modified just now: counted as complete, the newest";
}

// JDK 22+ dumps a large heap in parallel into "<dump>.p<N>" files and merges them into the dump, removing them;
// a JVM killed during the dump (an OOM kill) leaves them, possibly gigabytes, and used to keep them for good
// (they were no dump, so never counted or deleted, and kept their run directory). Now they make their dump
// incomplete and go with it; segments whose dump is gone go too; none of it while a JVM may still write it.
TEST_F(PrepareOutput, TheSegmentsOfAnUnfinishedParallelDumpGoWithIt) {
    const fs::path dumps = dir("parallel");
    fs::create_directories(dumps);
    const auto start = std::chrono::system_clock::now();
    // Three ended starts: an OOM kill during a parallel dump (the dump and two segments), one whose dump file
    // is gone but not its segments, and a complete dump.
    const fs::path killed = dumps / "run-20261129T100000.000Z-1";
    const fs::path orphaned = dumps / "run-20261129T110000.000Z-1";
    const fs::path complete = dumps / "run-20261129T120000.000Z-1";
    for (const auto& run : {killed, orphaned, complete}) fs::create_directories(run);
    write(killed / "java_pid1.hprof", hprof(false), at_hour(1));
    write(killed / "java_pid1.hprof.p0", "segment", at_hour(1));
    write(killed / "java_pid1.hprof.p1", "segment", at_hour(1));
    write(orphaned / "java_pid1.hprof.gz.p0", "segment", at_hour(2));
    write(orphaned / "java_pid1.hprof.gz.p1", "segment", at_hour(2));
    write(complete / "java_pid1.hprof", hprof(true), at_hour(3));
    // At the top level, segments just written: a JVM may be writing them (a user's HeapDumpPath).
    write(dumps / "mine.hprof", hprof(false), std::nullopt);
    write(dumps / "mine.hprof.p0", "segment", std::nullopt);
    // A running start's JVM dumping right now.
    std::optional<PreparedOutput> running = prepare_output(dumps.string(), 100, false, "", false, start - 1h);
    ASSERT_FALSE(running->error.has_value()) << *running->error;
    const fs::path running_run = running->files.heap_dump_path;
    write(running_run / "java_pid1.hprof", hprof(false), at_hour(4));
    write(running_run / "java_pid1.hprof.p0", "segment", at_hour(4));

    // keep 4: room for the complete, the running start's and the top-level one besides the next.
    PreparedOutput out = prepare_output(dumps.string(), 4, false, "", false, start);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(sorted(out.incomplete_dumps),
              sorted({(killed / "java_pid1.hprof").string(), (orphaned / "java_pid1.hprof.gz.p0").string()}));
    EXPECT_EQ(sorted(out.deleted),
              sorted({(killed / "java_pid1.hprof").string(), (killed / "java_pid1.hprof.p0").string(),
                      (killed / "java_pid1.hprof.p1").string(), (orphaned / "java_pid1.hprof.gz.p0").string(),
                      (orphaned / "java_pid1.hprof.gz.p1").string()}));
    EXPECT_FALSE(fs::exists(killed)) << "left empty: removed";
    EXPECT_FALSE(fs::exists(orphaned)) << "left empty: removed";
    EXPECT_TRUE(fs::exists(complete / "java_pid1.hprof"));
    EXPECT_TRUE(fs::exists(dumps / "mine.hprof.p0")) << "modified just now: not judged";
    EXPECT_TRUE(fs::exists(running_run / "java_pid1.hprof.p0")) << "a running start's";
    EXPECT_TRUE(fs::exists(running_run / "java_pid1.hprof"));

    // Once that start has ended, its unfinished dump is judged, and goes with its segment.
    running.reset();
    const std::uintmax_t their_bytes =
        fs::file_size(running_run / "java_pid1.hprof") + fs::file_size(running_run / "java_pid1.hprof.p0");
    PreparedOutput after = prepare_output(dumps.string(), 3, false, "", false, start + 1s);
    ASSERT_FALSE(after.error.has_value()) << *after.error;
    EXPECT_EQ(sorted(after.deleted),
              sorted({(running_run / "java_pid1.hprof").string(), (running_run / "java_pid1.hprof.p0").string()}));
    EXPECT_EQ(after.bytes_to_free, their_bytes) << "the free space check counts the segments too";
}

// A dump in a run directory a running start holds (another container on the volume, its JVM dumping now) is
// never deleted, even with keep 1 (found by a review); once its start ended it counts like any other.
TEST_F(PrepareOutput, ARunningStartsDumpIsNeverDeleted) {
    const fs::path dumps = dir("held");
    const auto start = std::chrono::system_clock::now();
    std::optional<PreparedOutput> running = prepare_output(dumps.string(), 1, false, "", false, start - 1h);
    ASSERT_FALSE(running->error.has_value()) << *running->error;
    const fs::path theirs = fs::path(running->files.heap_dump_path) / "java_pid7.hprof";
    touch(theirs, at_hour(1));
    touch(dumps / "old.hprof", at_hour(2));
    PreparedOutput out = prepare_output(dumps.string(), 1, false, "", false, start);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(out.deleted, Names{(dumps / "old.hprof").string()});
    EXPECT_TRUE(fs::exists(theirs));
    running.reset();
    PreparedOutput after = prepare_output(dumps.string(), 1, false, "", false, start + 1s);
    EXPECT_EQ(after.deleted, Names{theirs.string()});
}

// A crash loop (on-oom crash, a JVM that dies at start) leaves a run directory with an hs_err file per start:
// the newest kErrorFilesKept stay, older ones go with their then empty run directories (found by a fresh
// user: they kept every run directory, without bound). A dump beside an old hs_err file keeps its directory.
TEST_F(PrepareOutput, OnlyTheNewestHsErrFilesAreKept) {
    fs::path dumps = dir("crashes");
    const int crashes = kErrorFilesKept + 3;
    for (int i = 0; i < crashes; ++i) {
        const std::string run = "run-" + start_stamp(utc(2026, 11, 29, 0, i, 0), 1);
        fs::create_directories(dumps / run);
        touch(dumps / run / "hs_err_pid7.log", at_hour(i));
        if (i == 0) touch(dumps / run / "java_pid7.hprof", at_hour(i));  // the oldest crash also dumped
    }
    touch(dumps / "hs_err_pid1.log", at_hour(0));  // the user's own, beside the run directories: left alone
    PreparedOutput out = prepare_output(dumps.string(), 1000, false, "", false, kLater);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    // "after the next crash at most kErrorFilesKept": the newest kErrorFilesKept - 1 stay.
    ASSERT_EQ(out.deleted_error_files.size(), 4u);
    for (int i = 0; i < 4; ++i) {
        const std::string run = "run-" + start_stamp(utc(2026, 11, 29, 0, i, 0), 1);
        EXPECT_EQ(sorted(out.deleted_error_files)[static_cast<std::size_t>(i)],
                  (dumps / run / "hs_err_pid7.log").string());
        EXPECT_EQ(fs::exists(dumps / run), i == 0) << run << ": gone unless its dump is there";
    }
    std::size_t error_files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dumps))
        if (entry.path().filename() == "hs_err_pid7.log") ++error_files;
    EXPECT_EQ(error_files, static_cast<std::size_t>(kErrorFilesKept - 1));
    EXPECT_TRUE(fs::exists(dumps / "hs_err_pid1.log"));
    EXPECT_TRUE(out.deleted.empty()) << "keep 1000: no dump deleted";
}

TEST_F(PrepareOutput, NeverMoreThanKeepDumpsOverManyStarts) {
    // Each start: prepare, then "the JVM" dumps into the run directory (newer than every earlier dump).
    fs::path dumps = dir("dumps");
    const auto start = utc(2026, 11, 29, 11, 43, 55);
    Names dumped;
    for (int i = 0; i < 6; ++i) {
        SCOPED_TRACE("start " + std::to_string(i + 1));
        PreparedOutput out = prepare_output(dumps.string(), 2, false, "", false, start + i * 1ms);
        ASSERT_FALSE(out.error.has_value()) << *out.error;
        fs::path dump = fs::path(out.files.heap_dump_path) / "java_pid7.hprof";  // the pid repeats
        ASSERT_FALSE(fs::exists(dump)) << "a name used before";
        touch(dump, at_hour(i));
        dumped.push_back(dump.string());
        Names left;
        for (const auto& run : names_in(dumps))
            for (const auto& name : names_in(dumps / run)) left.push_back((dumps / run / name).string());
        EXPECT_LE(left.size(), 2u);
        EXPECT_NE(std::find(left.begin(), left.end(), dump.string()), left.end()) << "the newest dump is kept";
    }
    EXPECT_EQ(names_in(dumps).size(), 2u) << "one run directory per kept dump";
}

struct TakenCase {
    const char* scenario;
    const char* prefix;  // the entry that occupies sequences 1 and 2 of the start's millisecond
    const char* suffix;
    bool in_gc_dir;
    bool directory;
};

TEST_F(PrepareOutput, PicksAStampNoExistingFileUses) {
    const std::vector<TakenCase> cases = {
        {"a run directory of an earlier start", "run-", "", false, true},
        {"a file named like a run directory", "run-", "", false, false},
        {"a GC log of an earlier start", "gc-", "-pid7.log", true, false},
        {"a rotated GC log of an earlier start", "gc-", "-pid12.log.3", true, false},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const TakenCase& c = cases[i];
        SCOPED_TRACE(c.scenario);
        fs::path dumps = dir("dumps-" + std::to_string(i));
        fs::path gc = dir("gc-" + std::to_string(i));
        fs::create_directories(dumps);
        fs::create_directories(gc);
        // Occupy sequences 1 and 2 of the start time's stamp with one kind of entry.
        const auto now = utc(2026, 11, 29, 11, 43, 55) + 123ms;
        for (int sequence : {1, 2}) {
            fs::path taken =
                (c.in_gc_dir ? gc : dumps) / (std::string(c.prefix) + start_stamp(now, sequence) + c.suffix);
            if (c.directory)
                fs::create_directories(taken / "x");  // not empty: stays
            else
                touch(taken);
        }
        PreparedOutput out = prepare_output(dumps.string(), 1000, true, gc.string(), false, now);
        ASSERT_FALSE(out.error.has_value()) << *out.error;
        EXPECT_TRUE(out.deleted.empty());
        const std::string stamp = start_stamp(now, 3);  // the first free one
        EXPECT_EQ(out.files.heap_dump_path, (dumps / ("run-" + stamp)).string());
        EXPECT_EQ(out.files.error_file, (dumps / ("run-" + stamp) / "hs_err_pid%p.log").string());
        EXPECT_EQ(out.files.gc_log_path, (gc / ("gc-" + stamp + "-pid%p.log")).string());
    }
}

TEST_F(PrepareOutput, DeletesTheGcLogsOfOldStartsOnly) {
    fs::path gc = dir("gc");
    fs::create_directories(gc);
    const auto start = utc(2026, 11, 29, 11, 0, 0);
    Names earlier;
    for (int i = 0; i < 6; ++i) earlier.push_back(start_stamp(start + i * 1s, 1));
    for (const auto& stamp : earlier) {
        touch(gc / ("gc-" + stamp + "-pid7.log"));
        touch(gc / ("gc-" + stamp + "-pid7.log.0"));
    }
    for (const char* foreign : {"gc.log", "notes.txt", "gc-20261129T090000.000Z-1.log"}) touch(gc / foreign);
    // A dry run (explain) deletes nothing.
    PreparedOutput dry = prepare_output("", 3, true, gc.string(), true, start + 1h);
    ASSERT_FALSE(dry.error.has_value()) << *dry.error;
    EXPECT_EQ(names_in(gc).size(), 15u);

    PreparedOutput out = prepare_output("", 3, true, gc.string(), false, start + 1h);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    Names expected = {"gc-20261129T090000.000Z-1.log", "gc.log", "notes.txt"};
    for (int i = 2; i < 6; ++i) {  // the newest kGcLogStartsKept - 1 = 4 earlier starts
        expected.push_back("gc-" + earlier[i] + "-pid7.log");
        expected.push_back("gc-" + earlier[i] + "-pid7.log.0");
    }
    expected.push_back(gc_lock_name(start_stamp(start + 1h, 1)));  // this start's, held while it runs
    EXPECT_EQ(names_in(gc), sorted(expected));
    EXPECT_EQ(fs::path(out.files.gc_log_path).parent_path(), gc);
    EXPECT_TRUE(out.gc_lock) << "this start holds its GC lock file";
}

// Starts sharing a GC log directory (replicas on one volume, restarts): the logs of a start that still runs
// are kept however many starts came after it; it holds its GC lock file (found by a review: the fifth later
// start deleted a running JVM's log, which then wrote into a deleted file).
TEST_F(PrepareOutput, TheGcLogsOfARunningStartAreKept) {
    fs::path gc = dir("gc");
    fs::create_directories(gc);
    const auto start = utc(2026, 11, 29, 11, 0, 0);
    Names earlier;
    for (int i = 0; i < 7; ++i) earlier.push_back(start_stamp(start + i * 1s, 1));
    for (const auto& stamp : earlier) {
        touch(gc / ("gc-" + stamp + "-pid7.log"));
        touch(gc / gc_lock_name(stamp));
    }
    // Start 0 still runs (its lock file is held, as its jvminit would hold it), start 1 has ended (its lock
    // file is free). Start "quiet" runs with no log yet; start "gone" ended without any (no JVM in it).
    const std::string quiet = start_stamp(start + 10s, 1), gone = start_stamp(start + 11s, 1);
    touch(gc / gc_lock_name(quiet));
    touch(gc / gc_lock_name(gone));
    const auto hold = [&](const std::string& stamp) {
        sys::UniqueFd fd(::open((gc / gc_lock_name(stamp)).c_str(), O_RDWR | O_CLOEXEC));
        EXPECT_TRUE(fd && ::flock(fd.get(), LOCK_EX) == 0) << stamp;
        return fd;
    };
    const sys::UniqueFd running = hold(earlier[0]), quiet_lock = hold(quiet);

    PreparedOutput out = prepare_output("", 3, true, gc.string(), false, start + 1h);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    const std::string own = start_stamp(start + 1h, 1);
    Names expected = {"gc-" + earlier[0] + "-pid7.log", gc_lock_name(earlier[0]), gc_lock_name(quiet),
                      gc_lock_name(own)};
    for (int i = 3; i < 7; ++i) {  // the newest kGcLogStartsKept - 1 = 4 earlier starts, with their lock files
        expected.push_back("gc-" + earlier[i] + "-pid7.log");
        expected.push_back(gc_lock_name(earlier[i]));
    }
    EXPECT_EQ(names_in(gc), sorted(expected));

    // The next start (an hour later) keeps this one's logs too while it runs, then not.
    touch(gc / ("gc-" + own + "-pid8.log"));
    for (int i = 2; i <= 6; ++i) {
        const std::string later = start_stamp(start + 1h + i * 1s, 1);
        touch(gc / ("gc-" + later + "-pid9.log"));
    }
    PreparedOutput next = prepare_output("", 3, true, gc.string(), false, start + 2h);
    ASSERT_FALSE(next.error.has_value()) << *next.error;
    EXPECT_TRUE(fs::exists(gc / ("gc-" + own + "-pid8.log"))) << "the start before runs: its log stays";
    out.gc_lock = sys::UniqueFd();  // that start ends
    PreparedOutput third = prepare_output("", 3, true, gc.string(), false, start + 3h);
    ASSERT_FALSE(third.error.has_value()) << *third.error;
    EXPECT_FALSE(fs::exists(gc / ("gc-" + own + "-pid8.log"))) << "an ended start's log goes by the count";
    EXPECT_FALSE(fs::exists(gc / gc_lock_name(own)));
    EXPECT_TRUE(fs::exists(gc / ("gc-" + earlier[0] + "-pid7.log"))) << "start 0 still runs";
}

// A FIFO (or any file not a regular one) named like a lock file is not jvminit's: the start must not wait
// for a writer on it (open(2) of a FIFO blocks, with every signal blocked), and the logs it names stay (found
// by a review: such a FIFO held the start up for good).
TEST_F(PrepareOutput, AFifoNamedLikeAGcLockFileNeitherBlocksNorCounts) {
    fs::path gc = dir("gc");
    fs::create_directories(gc);
    const auto start = utc(2026, 11, 29, 11, 0, 0);
    const std::string old_stamp = start_stamp(start, 1), lone_stamp = start_stamp(start + 1s, 1);
    touch(gc / ("gc-" + old_stamp + "-pid7.log"));
    ASSERT_EQ(::mkfifo((gc / gc_lock_name(old_stamp)).c_str(), 0644), 0);
    ASSERT_EQ(::mkfifo((gc / gc_lock_name(lone_stamp)).c_str(), 0644), 0);
    for (int i = 2; i < 8; ++i) touch(gc / ("gc-" + start_stamp(start + i * 1s, 1) + "-pid7.log"));
    PreparedOutput out = prepare_output("", 3, true, gc.string(), false, start + 1h);  // returns
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_TRUE(fs::exists(gc / ("gc-" + old_stamp + "-pid7.log"))) << "its start cannot be told ended";
    EXPECT_TRUE(fs::exists(gc / gc_lock_name(lone_stamp)));
    EXPECT_FALSE(fs::exists(gc / ("gc-" + start_stamp(start + 2s, 1) + "-pid7.log"))) << "the others go by the count";
}

// The temporary name of a lock file that a killed start left (between making and linking it) goes once it is
// a minute old; a fresh one may be another start's, about to be linked.
TEST_F(PrepareOutput, ALeftOverTemporaryGcLockFileGoesAfterAMinute) {
    fs::path gc = dir("gc");
    fs::create_directories(gc);
    touch(gc / ".jvminit-gc-lock-old123");
    fs::last_write_time(gc / ".jvminit-gc-lock-old123", fs::file_time_type::clock::now() - std::chrono::minutes(5));
    touch(gc / ".jvminit-gc-lock-new456");
    PreparedOutput out = prepare_output("", 3, true, gc.string(), false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_FALSE(fs::exists(gc / ".jvminit-gc-lock-old123"));
    EXPECT_TRUE(fs::exists(gc / ".jvminit-gc-lock-new456"));
}

// Starts with different heap dump directories and one GC log directory, at once and in one millisecond
// (replicas, each with its own dump volume): the GC lock file's link(2) decides the stamp for both (found by a
// review: the second got the first's stamp in 294 of 300 pairs, and ran with no GC lock).
TEST_F(PrepareOutput, StartsWithTheirOwnDumpDirectoriesAndOneGcDirectoryGetTheirOwnStamps) {
    const auto start = utc(2026, 11, 29, 11, 0, 0);
    int same = 0, unlocked = 0;
    constexpr int kPairs = 100;
    for (int i = 0; i < kPairs; ++i) {
        const std::string n = std::to_string(i);
        fs::path gc = dir("gc" + n), d1 = dir("d1-" + n), d2 = dir("d2-" + n);
        fs::create_directories(gc);
        fs::create_directories(d1);
        for (int k = 0; k < 30; ++k) touch(d1 / ("old" + std::to_string(k) + ".txt"));  // a longer clean-up
        std::atomic<int> ready{0};
        PreparedOutput a, b;
        const auto run = [&](PreparedOutput& out, const fs::path& dumps) {
            ++ready;
            while (ready < 2) {
            }
            out = prepare_output(dumps.string(), 3, true, gc.string(), false, start);
        };
        std::thread ta(run, std::ref(a), d1), tb(run, std::ref(b), d2);
        ta.join();
        tb.join();
        ASSERT_FALSE(a.error.has_value() || b.error.has_value());
        if (a.files.gc_log_path == b.files.gc_log_path) ++same;
        if (!a.gc_lock || !b.gc_lock) ++unlocked;
    }
    EXPECT_EQ(same, 0) << "pairs with one GC log path";
    EXPECT_EQ(unlocked, 0) << "pairs with a start without its GC lock";
}

// Two GC-only starts in the same millisecond (replicas on one volume): the second takes the next sequence
// number, as the first start's lock file names its stamp before its JVM has written any log.
TEST_F(PrepareOutput, GcOnlyStartsInOneMillisecondGetTheirOwnStamps) {
    fs::path gc = dir("gc");
    fs::create_directories(gc);
    const auto start = utc(2026, 11, 29, 11, 0, 0);
    PreparedOutput first = prepare_output("", 5, true, gc.string(), false, start);
    PreparedOutput second = prepare_output("", 5, true, gc.string(), false, start);
    ASSERT_FALSE(first.error.has_value()) << *first.error;
    ASSERT_FALSE(second.error.has_value()) << *second.error;
    EXPECT_NE(first.files.gc_log_path, second.files.gc_log_path);
    EXPECT_EQ(names_in(gc), sorted({gc_lock_name(start_stamp(start, 1)), gc_lock_name(start_stamp(start, 2))}));
    EXPECT_TRUE(first.gc_lock && second.gc_lock);
}

TEST_F(PrepareOutput, GcLogInADeletedWorkingDirectoryIsAnError) {
    // GC logging without a directory goes to the working directory; one that was deleted cannot be named.
    const fs::path before = fs::current_path();
    fs::path gone = dir("gone");
    fs::create_directories(gone);
    fs::current_path(gone);
    fs::remove(gone);
    PreparedOutput out = prepare_output("", 3, true, "", false);
    fs::current_path(before);
    ASSERT_TRUE(out.error.has_value()) << "accepted, GC log " << out.files.gc_log_path;
    EXPECT_TRUE(out.error->starts_with("GC log directory: the working directory cannot be found")) << *out.error;
    EXPECT_NE(out.error->find("JVMINIT_GC_LOG_DIR"), std::string::npos) << *out.error;
}

TEST_F(PrepareOutput, GcLogGoesToItsDirectoryOrTheDumpDirectory) {
    fs::path dumps = dir("dumps");
    fs::path gc = dir("logs/gc");
    PreparedOutput separate = prepare_output(dumps.string(), 3, true, gc.string(), false);
    ASSERT_FALSE(separate.error.has_value()) << *separate.error;
    EXPECT_TRUE(fs::is_directory(gc)) << "the GC log directory is created too";
    EXPECT_EQ(fs::path(separate.files.gc_log_path).parent_path(), gc);
    EXPECT_TRUE(fs::path(separate.files.gc_log_path).filename().string().starts_with("gc-"));

    PreparedOutput shared = prepare_output(dumps.string(), 3, true, "", false);
    ASSERT_FALSE(shared.error.has_value()) << *shared.error;
    EXPECT_EQ(fs::path(shared.files.gc_log_path).parent_path(), dumps);

    PreparedOutput off = prepare_output(dumps.string(), 3, false, gc.string(), false);
    EXPECT_EQ(off.files.gc_log_path, "") << "no GC log path when GC logging is off";
}

TEST_F(PrepareOutput, GcLogWithoutAnyDirectoryGoesToTheWorkingDirectory) {
    // In a working directory of the test's own: the start makes its GC lock file there and cleans up.
    const fs::path before = fs::current_path();
    const fs::path work = dir("work");
    fs::create_directories(work);
    fs::current_path(work);
    PreparedOutput out = prepare_output("", 3, true, "", false);
    fs::current_path(before);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(fs::path(out.files.gc_log_path).parent_path(), work);
    EXPECT_EQ(names_in(work).size(), 1u) << "the GC lock file";
    EXPECT_EQ(out.files.heap_dump_path, "");
    EXPECT_EQ(out.files.error_file, "");
}

struct UnusableCase {
    const char* scenario;
    bool dump_dir;  // true: the heap dump directory is bad; false: the GC log directory
    std::string relative;
    std::string reason;  // after "<what> <path>: "
};

TEST_F(PrepareOutput, UnusableDirectoryIsAnErrorNamingIt) {
    touch(dir("a-file"));
    fs::create_symlink(dir("gone"), dir("dangling"));
    fs::create_symlink("dangling", dir("chain"));  // a link to a dangling link
    fs::create_symlink("loop-b", dir("loop-a"));
    fs::create_symlink("loop-a", dir("loop-b"));
    auto link = [&](const std::string& name, const std::string& target) {
        return dir(name).string() + " is a symbolic link to " + target + ", which does not resolve";
    };
    const std::string dangling = link("dangling", dir("gone").string());
    const std::vector<UnusableCase> cases = {
        {"dump dir is a file", true, "a-file", "not a directory"},
        {"dump dir is a dangling symbolic link", true, "dangling", dangling},
        {"the same with a trailing slash", true, "dangling/", dangling},
        {"below a dangling symbolic link", true, "dangling/dumps", dangling},
        {"a chain of links to nowhere", true, "chain/dumps", link("chain", "dangling")},
        {"a loop of links", true, "loop-a", link("loop-a", "loop-b")},
        {"GC log dir is a dangling symbolic link", false, "dangling", dangling},
        {"dump dir below a file", true, "a-file/dumps", "cannot create it: "},
        {"GC log dir is a file", false, "a-file", "not a directory"},
        {"GC log dir below a file", false, "a-file/gc", "cannot create it: "},
    };
    for (bool dry_run : {false, true}) {
        for (const auto& c : cases) {
            if (dry_run && c.reason == "cannot create it: ") continue;  // explain does not create; see below
            SCOPED_TRACE(std::string(c.scenario) + (dry_run ? " (dry run)" : ""));
            std::string bad = dir(c.relative).string();
            std::string good = dir("good").string();
            PreparedOutput out =
                c.dump_dir ? prepare_output(bad, 3, false, "", dry_run) : prepare_output(good, 3, true, bad, dry_run);
            ASSERT_TRUE(out.error.has_value());
            std::string what = c.dump_dir ? "heap dump directory " : "GC log directory ";
            EXPECT_TRUE(out.error->starts_with(what + bad + ": " + c.reason)) << *out.error;
        }
    }
}

TEST_F(PrepareOutput, DryRunReportsADirectoryThatCannotBeCreated) {
    // explain (dry run) should tell what the real start would refuse: a dump directory below a plain file
    // can never be created.
    touch(dir("a-file"));
    std::string bad = dir("a-file/dumps").string();
    PreparedOutput out = prepare_output(bad, 3, false, "", true);
    ASSERT_TRUE(out.error.has_value()) << "dry run accepted " << bad;
    EXPECT_TRUE(out.error->starts_with("heap dump directory " + bad + ": ")) << *out.error;
    EXPECT_FALSE(fs::exists(bad));
}

TEST_F(PrepareOutput, DryRunCreatesAndDeletesNothing) {
    fs::path missing = dir("missing/dumps");
    PreparedOutput out = prepare_output(missing.string(), 3, true, dir("missing-gc").string(), true);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_FALSE(fs::exists(dir("missing")));
    EXPECT_FALSE(fs::exists(dir("missing-gc")));
    EXPECT_TRUE(out.files.heap_dump_path.starts_with(missing.string() + "/run-")) << "names are still chosen";

    fs::path dumps = dir("dumps");
    fs::create_directories(dumps);
    for (int i = 1; i <= 4; ++i) touch(dumps / ("d" + std::to_string(i) + ".hprof"), at_hour(i));
    fs::create_directories(dumps / "run-empty");  // an empty run directory of an earlier start stays too
    PreparedOutput existing = prepare_output(dumps.string(), 1, false, "", true);
    ASSERT_FALSE(existing.error.has_value()) << *existing.error;
    EXPECT_TRUE(existing.deleted.empty());
    EXPECT_FALSE(fs::exists(existing.files.heap_dump_path)) << "no run directory is created";
    EXPECT_EQ(names_in(dumps), (Names{"d1.hprof", "d2.hprof", "d3.hprof", "d4.hprof", "run-empty"}));
}

// Containers sharing one dump volume: a start's run directory, empty while its JVM runs, must survive the
// clean-up of every other start, and go once that start is over.
TEST_F(PrepareOutput, ARunningStartsEmptyRunDirectoryIsLockedAndKeptUntilItEnds) {
    using namespace std::chrono_literals;
    const fs::path dumps = dir("shared");
    const auto start = std::chrono::system_clock::now();
    auto is_locked = [](const std::string& path) {
        // flock(2) locks belong to an open file description: a second open conflicts even in this process.
        int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return false;
        const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
        ::close(fd);
        return locked;
    };

    std::optional<PreparedOutput> first = prepare_output(dumps.string(), 3, false, "", false, start);
    ASSERT_FALSE(first->error.has_value()) << *first->error;
    const std::string first_run = first->files.heap_dump_path;
    EXPECT_TRUE(first->run_dir_lock) << "the run directory is held open";
    EXPECT_TRUE(is_locked(first_run)) << "and locked";

    PreparedOutput second = prepare_output(dumps.string(), 3, false, "", false, start + 1s);
    ASSERT_FALSE(second.error.has_value()) << *second.error;
    EXPECT_TRUE(fs::is_directory(first_run)) << "another start's clean-up left the running start's directory";

    PreparedOutput same_millisecond = prepare_output(dumps.string(), 3, false, "", false, start);
    ASSERT_FALSE(same_millisecond.error.has_value()) << *same_millisecond.error;
    EXPECT_NE(same_millisecond.files.heap_dump_path, first_run) << "the same stamp gets the next sequence number";

    first.reset();  // that start is over: its lock is gone
    EXPECT_FALSE(is_locked(first_run));
    PreparedOutput third = prepare_output(dumps.string(), 3, false, "", false, start + 2s);
    ASSERT_FALSE(third.error.has_value()) << *third.error;
    EXPECT_FALSE(fs::exists(first_run)) << "an empty run directory nobody holds goes";
    EXPECT_TRUE(fs::is_directory(second.files.heap_dump_path)) << "a held one stays";

    PreparedOutput dry = prepare_output(dumps.string(), 3, false, "", true, start + 3s);
    EXPECT_FALSE(dry.run_dir_lock) << "a dry run creates and locks nothing";
}

// A clean-up removes empty run directories of an earlier millisecond only: a start that read the clock in
// the same millisecond as a removed directory's start could otherwise take its name again (seen in CI when a
// start was delayed past another start's whole run: two starts shared one name).
TEST_F(PrepareOutput, CleanUpRemovesOnlyEmptyRunDirectoriesOfAnEarlierMillisecond) {
    using namespace std::chrono_literals;
    const fs::path dumps = dir("shared");
    const auto start = utc(2026, 11, 29, 11, 43, 55);
    std::optional<PreparedOutput> ended = prepare_output(dumps.string(), 3, false, "", false, start);
    ASSERT_FALSE(ended->error.has_value()) << *ended->error;
    const std::string ended_run = ended->files.heap_dump_path;
    ended.reset();  // that start ran and is over: its run directory is empty and unheld

    struct Case {
        const char* scenario;
        std::chrono::milliseconds later;
        bool removed;
    };
    for (const Case& c : {Case{"the same millisecond", 0ms, false}, Case{"the next millisecond", 1ms, true}}) {
        SCOPED_TRACE(c.scenario);
        PreparedOutput next = prepare_output(dumps.string(), 3, false, "", false, start + c.later);
        ASSERT_FALSE(next.error.has_value()) << *next.error;
        EXPECT_NE(next.files.heap_dump_path, ended_run) << "a used name is never taken again";
        EXPECT_EQ(fs::exists(ended_run), !c.removed);
    }
    // Empty run- directories not named by jvminit are someone else's: they stay, as a stamp from the future.
    fs::create_directories(dumps / "run-manual");
    fs::create_directories(dumps / "run-99991231T235959.999Z-1");
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", false, start + 2ms);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_TRUE(fs::exists(dumps / "run-manual"));
    EXPECT_TRUE(fs::exists(dumps / "run-99991231T235959.999Z-1"));
}

// Starts on one directory pick their names and clean up one at a time: under an exclusive flock(2) of the
// heap dump directory. One that holds it too long (frozen mid-start) does not stall the others: after 2 s
// they go on, and then leave empty run directories with jvminit's names alone.
TEST_F(PrepareOutput, NamesArePickedUnderTheDumpDirectoryLock) {
    using namespace std::chrono_literals;
    const fs::path dumps = dir("shared");
    const auto start = utc(2026, 11, 29, 11, 43, 55);
    {
        PreparedOutput earlier = prepare_output(dumps.string(), 3, false, "", false, start);
        ASSERT_FALSE(earlier.error.has_value()) << *earlier.error;
    }  // over: its run directory is empty and unheld
    ASSERT_EQ(names_in(dumps).size(), 1u);

    int held = ::open(dumps.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(held, 0);
    ASSERT_EQ(::flock(held, LOCK_EX), 0);  // another start, frozen while it picks its name
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", false, start + 1s);
    ::close(held);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_TRUE(fs::is_directory(out.files.heap_dump_path)) << "the start goes on without the lock";
    ASSERT_EQ(out.warnings.size(), 1u);
    EXPECT_EQ(out.warnings.front(), "heap dump directory " + dumps.string() +
                                        ": another start held its lock for 2 s (flock(2)); going on without "
                                        "removing empty run directories");
    EXPECT_EQ(names_in(dumps).size(), 2u) << "without the lock, the earlier empty run directory stays";

    PreparedOutput unlocked = prepare_output(dumps.string(), 3, false, "", false, start + 2s);
    ASSERT_FALSE(unlocked.error.has_value()) << *unlocked.error;
    EXPECT_TRUE(unlocked.warnings.empty()) << unlocked.warnings.front();
    EXPECT_EQ(names_in(dumps).size(), 2u)
        << "with it, the earlier one goes (the held one, " + out.files.heap_dump_path + ", stays)";
    EXPECT_TRUE(fs::is_directory(out.files.heap_dump_path));
}

TEST_F(PrepareOutput, WarnsWhenTheMaximumHeapMayNotFit) {
    fs::path dumps = dir("dumps");
    fs::create_directories(dumps);
    auto huge = free_space_warning(dumps.string(), std::uint64_t{1} << 62);
    ASSERT_TRUE(huge.has_value());
    EXPECT_TRUE(huge->starts_with("heap dump directory " + dumps.string() + " has ")) << *huge;
    EXPECT_TRUE(huge->ends_with("less than the maximum heap of " + std::to_string((std::uint64_t{1} << 62) >> 20) +
                                " MiB: a heap dump may not fit"))
        << *huge;

    EXPECT_FALSE(free_space_warning(dumps.string(), 1).has_value()) << "one byte fits";
    // What the clean-up will delete counts as free (the clean-up waits for the launch, the check does not).
    struct statvfs vfs {};
    ASSERT_EQ(::statvfs(dumps.c_str(), &vfs), 0);
    const std::uint64_t free_now = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    const std::uint64_t heap = free_now + (std::uint64_t{1} << 30);  // margins: other tests write to the volume
    EXPECT_TRUE(free_space_warning(dumps.string(), heap).has_value());
    EXPECT_FALSE(free_space_warning(dumps.string(), heap, std::uint64_t{2} << 30).has_value()) << "fits then";
    auto still = free_space_warning(dumps.string(), heap, std::uint64_t{1} << 20);
    ASSERT_TRUE(still.has_value());
    EXPECT_NE(still->find(" MiB free with the old dumps deleted, less than"), std::string::npos) << *still;
    EXPECT_FALSE(free_space_warning("", std::uint64_t{1} << 62).has_value()) << "no heap dump directory";
    EXPECT_FALSE(free_space_warning((dumps / "missing").string(), std::uint64_t{1} << 62).has_value())
        << "statvfs fails: no guess";
    EXPECT_TRUE(prepare_output(dumps.string(), 3, false, "", false).warnings.empty())
        << "the free space is check_limits' business, after the start";
}

TEST_F(PrepareOutput, NothingToNameMeansNoSystemCallAndNoStamp) {
    PreparedOutput out = prepare_output("", 3, false, "/nonexistent/never-touched", false);
    EXPECT_FALSE(out.error.has_value());
    EXPECT_TRUE(out.files.heap_dump_path.empty());
    EXPECT_TRUE(out.files.gc_log_path.empty());
}

}  // namespace
}  // namespace jvminit::jvm
