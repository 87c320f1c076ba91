// The files a JVM start writes (jvm/output_files.hpp): a unique name per start, because HotSpot never
// overwrites a dump and the pid repeats in containers; the retention limit; the checks before start.
#include <gtest/gtest.h>

#include "temp_dir.hpp"

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "jvm/output_files.hpp"

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
        {utc(2038, 1, 19, 3, 14, 8), 1, "20380119T031408.000Z-1"},  // past 32-bit time_t
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
    const std::string s = "20261129T114355Z-1";
    const std::vector<FilesCase> cases = {
        {"/dumps", "/gc", "/dumps/heapdump-" + s + ".hprof", "/dumps/hs_err-" + s + ".log", "/gc/gc-" + s + ".log"},
        {"/dumps/", "/gc/", "/dumps/heapdump-" + s + ".hprof", "/dumps/hs_err-" + s + ".log", "/gc/gc-" + s + ".log"},
        {"/dumps", "/dumps", "/dumps/heapdump-" + s + ".hprof", "/dumps/hs_err-" + s + ".log",
         "/dumps/gc-" + s + ".log"},
        {"/my dumps", "", "/my dumps/heapdump-" + s + ".hprof", "/my dumps/hs_err-" + s + ".log", ""},
        {"", "/gc", "", "", "/gc/gc-" + s + ".log"},
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
    const std::vector<DumpFile> five = {{"e.hprof", 500}, {"a.hprof", 100}, {"c.hprof", 300}, {"b.hprof", 200},
                                        {"d.hprof", 400}};
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
    // Same mtime: the stamped names sort by time, so the greater name is kept.
    std::vector<DumpFile> dumps = {{"heapdump-20261129T114355Z-2.hprof", 1000},
                                   {"heapdump-20261129T114355Z-1.hprof", 1000},
                                   {"heapdump-20261129T114355Z-3.hprof", 1000}};
    const Names expected = {"heapdump-20261129T114355Z-1.hprof", "heapdump-20261129T114355Z-2.hprof"};
    std::sort(dumps.begin(), dumps.end(), [](const DumpFile& a, const DumpFile& b) { return a.name < b.name; });
    do {
        EXPECT_EQ(sorted(dumps_to_delete(dumps, 2)), expected);
    } while (std::next_permutation(dumps.begin(), dumps.end(),
                                   [](const DumpFile& a, const DumpFile& b) { return a.name < b.name; }));
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

const std::regex kStampedDump(R"(heapdump-\d{8}T\d{6}\.\d{3}Z-\d+\.hprof)");

class PrepareOutput : public ::testing::Test {
protected:
    fs::path dir(const std::string& name) const { return temp_.path() / name; }
    // An mtime `hours` hours after a fixed point in the past.
    static fs::file_time_type at_hour(int hours) {
        static const fs::file_time_type base = fs::file_time_type::clock::now() - std::chrono::hours(1000);
        return base + std::chrono::hours(hours);
    }

private:
    TempDir temp_{"output-test"};
};

TEST_F(PrepareOutput, NothingToDoWithoutDumpsOrGcLog) {
    PreparedOutput out = prepare_output("", 3, false, "", std::nullopt, false);
    EXPECT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(out.files.heap_dump_path, "");
    EXPECT_EQ(out.files.error_file, "");
    EXPECT_EQ(out.files.gc_log_path, "");
    EXPECT_TRUE(out.deleted.empty());
    EXPECT_TRUE(out.warnings.empty());
}

TEST_F(PrepareOutput, CreatesAMissingDumpDirectoryWithParents) {
    fs::path dumps = dir("a/b/dumps");
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", std::nullopt, false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_TRUE(fs::is_directory(dumps));
    EXPECT_EQ(fs::path(out.files.heap_dump_path).parent_path(), dumps);
    EXPECT_TRUE(std::regex_match(fs::path(out.files.heap_dump_path).filename().string(), kStampedDump))
        << out.files.heap_dump_path;
    EXPECT_EQ(fs::path(out.files.error_file).parent_path(), dumps);
    EXPECT_TRUE(fs::path(out.files.error_file).filename().string().starts_with("hs_err-"));
    EXPECT_EQ(out.files.gc_log_path, "");
    EXPECT_FALSE(fs::exists(out.files.heap_dump_path)) << "the JVM creates the dump, not jvminit";
    EXPECT_TRUE(names_in(dumps).empty()) << "the write probe is removed";
}

TEST_F(PrepareOutput, DumpDirectoryWithASpaceWorks) {
    fs::path dumps = dir("my dumps");
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", std::nullopt, false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_TRUE(fs::is_directory(dumps));
    EXPECT_TRUE(out.files.heap_dump_path.starts_with(dumps.string() + "/heapdump-"));
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
        PreparedOutput out = prepare_output(dumps.string(), c.keep, false, "", std::nullopt, false);
        ASSERT_FALSE(out.error.has_value()) << *out.error;
        EXPECT_EQ(names_in(dumps), c.remaining);
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
    PreparedOutput out = prepare_output(dumps.string(), 3, false, "", std::nullopt, false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(out.deleted, Names{(dumps / "heapdump-z.hprof").string()});
    EXPECT_EQ(names_in(dumps), (Names{"heapdump-a.hprof", "heapdump-m.hprof"}));
}

TEST_F(PrepareOutput, OnlyHprofFilesCountAndAreDeleted) {
    fs::path dumps = dir("dumps");
    fs::create_directories(dumps / "old.hprof");  // a directory, not a dump
    touch(dumps / "hs_err-1.log", at_hour(1));
    touch(dumps / "gc-1.log", at_hour(1));
    touch(dumps / "notes.txt", at_hour(1));
    touch(dumps / "x.hprof.gz", at_hour(1));
    touch(dumps / "hprof", at_hour(1));
    touch(dumps / "a.hprof", at_hour(2));
    touch(dumps / "b.hprof", at_hour(3));
    PreparedOutput out = prepare_output(dumps.string(), 2, false, "", std::nullopt, false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(out.deleted, Names{(dumps / "a.hprof").string()});
    EXPECT_EQ(names_in(dumps),
              (Names{"b.hprof", "gc-1.log", "hprof", "hs_err-1.log", "notes.txt", "old.hprof", "x.hprof.gz"}));
}

struct TakenCase {
    const char* scenario;
    const char* prefix;  // the file that occupies sequence 1 (and 2) of every second around now
    const char* suffix;
    bool in_gc_dir;
};

TEST_F(PrepareOutput, PicksAStampNoExistingFileUses) {
    const std::vector<TakenCase> cases = {
        {"a heap dump", "heapdump-", ".hprof", false},
        {"an hs_err file", "hs_err-", ".log", false},
        {"a GC log", "gc-", ".log", true},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        fs::path dumps = dir(std::string("dumps-") + c.prefix);
        fs::path gc = dir(std::string("gc-") + c.prefix);
        fs::create_directories(dumps);
        fs::create_directories(gc);
        // Occupy sequences 1 and 2 of the start time's stamp with one kind of file.
        const auto now = utc(2026, 11, 29, 11, 43, 55) + 123ms;
        for (int sequence : {1, 2})
            touch((c.in_gc_dir ? gc : dumps) / (std::string(c.prefix) + start_stamp(now, sequence) + c.suffix));
        PreparedOutput out = prepare_output(dumps.string(), 1000, true, gc.string(), std::nullopt, false, now);
        ASSERT_FALSE(out.error.has_value()) << *out.error;
        EXPECT_TRUE(out.deleted.empty());
        for (const auto& path : {out.files.heap_dump_path, out.files.error_file, out.files.gc_log_path}) {
            SCOPED_TRACE(path);
            EXPECT_FALSE(fs::exists(path));
            EXPECT_TRUE(path.ends_with("-3.hprof") || path.ends_with("-3.log")) << "sequence 3 is the first free";
        }
    }
}

TEST_F(PrepareOutput, GcLogGoesToItsDirectoryOrTheDumpDirectory) {
    fs::path dumps = dir("dumps");
    fs::path gc = dir("logs/gc");
    PreparedOutput separate = prepare_output(dumps.string(), 3, true, gc.string(), std::nullopt, false);
    ASSERT_FALSE(separate.error.has_value()) << *separate.error;
    EXPECT_TRUE(fs::is_directory(gc)) << "the GC log directory is created too";
    EXPECT_EQ(fs::path(separate.files.gc_log_path).parent_path(), gc);
    EXPECT_TRUE(fs::path(separate.files.gc_log_path).filename().string().starts_with("gc-"));

    PreparedOutput shared = prepare_output(dumps.string(), 3, true, "", std::nullopt, false);
    ASSERT_FALSE(shared.error.has_value()) << *shared.error;
    EXPECT_EQ(fs::path(shared.files.gc_log_path).parent_path(), dumps);

    PreparedOutput off = prepare_output(dumps.string(), 3, false, gc.string(), std::nullopt, false);
    EXPECT_EQ(off.files.gc_log_path, "") << "no GC log path when GC logging is off";
}

TEST_F(PrepareOutput, GcLogWithoutAnyDirectoryGoesToTheWorkingDirectory) {
    PreparedOutput out = prepare_output("", 3, true, "", std::nullopt, false);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_EQ(fs::path(out.files.gc_log_path).parent_path(), fs::current_path());
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
    const std::vector<UnusableCase> cases = {
        {"dump dir is a file", true, "a-file", "not a directory"},
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
            PreparedOutput out = c.dump_dir ? prepare_output(bad, 3, false, "", std::nullopt, dry_run)
                                            : prepare_output(good, 3, true, bad, std::nullopt, dry_run);
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
    PreparedOutput out = prepare_output(bad, 3, false, "", std::nullopt, true);
    ASSERT_TRUE(out.error.has_value()) << "dry run accepted " << bad;
    EXPECT_TRUE(out.error->starts_with("heap dump directory " + bad + ": ")) << *out.error;
    EXPECT_FALSE(fs::exists(bad));
}

TEST_F(PrepareOutput, DryRunCreatesAndDeletesNothing) {
    fs::path missing = dir("missing/dumps");
    PreparedOutput out = prepare_output(missing.string(), 3, true, dir("missing-gc").string(), std::nullopt, true);
    ASSERT_FALSE(out.error.has_value()) << *out.error;
    EXPECT_FALSE(fs::exists(dir("missing")));
    EXPECT_FALSE(fs::exists(dir("missing-gc")));
    EXPECT_TRUE(out.files.heap_dump_path.starts_with(missing.string() + "/heapdump-")) << "names are still chosen";

    fs::path dumps = dir("dumps");
    fs::create_directories(dumps);
    for (int i = 1; i <= 4; ++i) touch(dumps / ("d" + std::to_string(i) + ".hprof"), at_hour(i));
    PreparedOutput existing = prepare_output(dumps.string(), 1, false, "", std::nullopt, true);
    ASSERT_FALSE(existing.error.has_value()) << *existing.error;
    EXPECT_TRUE(existing.deleted.empty());
    EXPECT_EQ(names_in(dumps), (Names{"d1.hprof", "d2.hprof", "d3.hprof", "d4.hprof"}));
}

TEST_F(PrepareOutput, WarnsWhenTheMaximumHeapMayNotFit) {
    fs::path dumps = dir("dumps");
    PreparedOutput huge = prepare_output(dumps.string(), 3, false, "", std::uint64_t{1} << 62, false);
    ASSERT_FALSE(huge.error.has_value()) << *huge.error;
    ASSERT_EQ(huge.warnings.size(), 1u);
    EXPECT_TRUE(huge.warnings[0].starts_with("heap dump directory " + dumps.string() + " has ")) << huge.warnings[0];
    EXPECT_TRUE(huge.warnings[0].ends_with("a heap dump may not fit")) << huge.warnings[0];

    EXPECT_TRUE(prepare_output(dumps.string(), 3, false, "", std::uint64_t{1}, false).warnings.empty());
    EXPECT_TRUE(prepare_output(dumps.string(), 3, false, "", std::nullopt, false).warnings.empty());
}

}  // namespace
}  // namespace jvminit::jvm
