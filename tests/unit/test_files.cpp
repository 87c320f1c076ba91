// sys/files.hpp: reading a whole small file with open/read. sys/paths.hpp: real_path (realpath(3)),
// is_symbolic_link, find_on_path.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "sys/files.hpp"
#include "sys/paths.hpp"
#include "temp_dir.hpp"

namespace jvminit::sys {
namespace {

namespace fs = std::filesystem;

TEST(RealPath, ResolvesEveryLinkDotAndDotDotOrSaysItDoesNotResolve) {
    jvminit::testing::TempDir dir("real-path");
    const fs::path root = dir.path();
    fs::create_directories(root / "a" / "b");
    std::ofstream(root / "a" / "b" / "file") << "x";
    fs::create_symlink("b/file", root / "a" / "rel-link");              // relative target
    fs::create_symlink(root / "a" / "rel-link", root / "chain");        // a link to a link
    fs::create_directory_symlink(root / "a" / "b", root / "dir-link");  // a directory link inside the path
    fs::create_symlink("../b/file", root / "a" / "b" / "up-link");      // ".." in the target
    fs::create_symlink("missing", root / "dangling");
    fs::create_symlink("loop-b", root / "loop-a");
    fs::create_symlink("loop-a", root / "loop-b");
    const std::string r = fs::canonical(root).string();  // the temporary directory may itself be below a link
    const std::optional<std::string> file = r + "/a/b/file", b = r + "/a/b", none;
    struct Case {
        std::string path;
        std::optional<std::string> expected;
    };
    const std::vector<Case> cases = {
        {r + "/a/b/file", file},
        {r + "/a/rel-link", file},
        {r + "/chain", file},
        {r + "/dir-link/file", file},
        {r + "/dir-link/../b/file", file},  // ".." after a link: the link's target's parent
        {r + "/a/b/up-link", file},
        {r + "//a/./b/", b},
        {r + "/a/b/", b},
        {"/", "/"},
        {".", fs::current_path().string()},
        {"a-relative-missing-name", none},
        {r + "/dangling", none},
        {r + "/loop-a", none},
        {r + "/missing", none},
        {r + "/a/b/file/not-a-dir", none},
        {"", none},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.path);
        EXPECT_EQ(real_path(c.path), c.expected);
    }
}

TEST(IsSymbolicLink, OnlyTheLastComponentCounts) {
    jvminit::testing::TempDir dir("is-link");
    const fs::path root = dir.path();
    fs::create_directories(root / "bin");
    std::ofstream(root / "bin" / "true") << "x";
    fs::create_symlink("true", root / "bin" / "java");
    fs::create_directory_symlink(root / "bin", root / "linked-bin");
    fs::create_symlink("missing", root / "dangling");
    const std::string r = root.string();
    struct Case {
        std::string path;
        bool expected;
    };
    const std::vector<Case> cases = {
        {r + "/bin/java", true},
        // a link, even one that leads nowhere
        {r + "/dangling", true},
        {r + "/bin/true", false},
        // a linked directory does not rename the file
        {r + "/linked-bin/true", false},
        {r + "/linked-bin", true},
        {r + "/missing", false},
        {"", false},
    };
    for (const auto& c : cases) EXPECT_EQ(is_symbolic_link(c.path), c.expected) << c.path;
}

TEST(FindOnPath, FirstExecutableElseFirstNotExecutableElseNothing) {
    jvminit::testing::TempDir dir("find-on-path");
    const fs::path root = dir.path();
    for (const char* d : {"x", "y", "z", "w"}) fs::create_directories(root / d);
    std::ofstream(root / "x" / "tool") << "plain file";  // not executable
    std::ofstream(root / "y" / "tool") << "#!/bin/sh\n";
    fs::permissions(root / "y" / "tool", fs::perms::owner_all);
    fs::create_directories(root / "z" / "tool");  // a directory of that name
    const std::string x = (root / "x").string(), y = (root / "y").string(), z = (root / "z").string(),
                      w = (root / "w").string();
    struct Case {
        const char* scenario;
        std::string program, path_env;
        std::optional<std::string> path;
        int error;
    };
    const std::vector<Case> cases = {
        {"the first executable wins over an earlier non-executable", "tool", x + ":" + y, y + "/tool", 0},
        {"a directory named so is skipped", "tool", z + ":" + y, y + "/tool", 0},
        {"only non-executable matches: the first, EACCES", "tool", w + ":" + x + ":" + z, x + "/tool", EACCES},
        {"entries listed twice (each looked at once) give the same answer", "tool",
         w + ":" + w + ":" + x + ":" + x + ":" + y, y + "/tool", 0},
        {"not found", "tool", w + ":" + w, std::nullopt, 0},
        {"a name with a slash is not searched", y + "/tool", w, y + "/tool", 0},
        {"a missing name with a slash", w + "/tool", y, std::nullopt, 0},
        {"empty program", "", y, std::nullopt, 0},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        const auto found = find_on_path(c.program, c.path_env);
        ASSERT_EQ(found.has_value(), c.path.has_value());
        if (!found) continue;
        EXPECT_EQ(found->path, *c.path);
        EXPECT_EQ(found->error, c.error);
    }
}

TEST(ReadFile, ReadsTheWholeFileOrSaysWhyNot) {
    jvminit::testing::TempDir dir("files");
    const std::string big(20000, 'x');  // more than one read(2) of the 8 KiB buffer
    std::ofstream(dir.path() / "release") << "JAVA_VERSION=\"17\"\n";
    std::ofstream(dir.path() / "empty");
    std::ofstream(dir.path() / "big") << big;
    fs::create_directory(dir.path() / "a-directory");

    struct Case {
        const char* scenario;
        std::string name;
        std::size_t max_bytes;
        std::optional<std::string> content;
        std::string error;
    };
    const std::vector<Case> cases = {
        {"a small file", "release", 1024, "JAVA_VERSION=\"17\"\n", ""},
        {"an empty file", "empty", 1024, "", ""},
        {"larger than one read", "big", 1 << 20, big, ""},
        {"exactly the limit", "big", big.size(), big, ""},
        {"over the limit: an error, not a truncated content", "big", 10000, std::nullopt, "larger than 10000 bytes"},
        {"missing", "missing", 1024, std::nullopt, "No such file or directory"},
        {"a directory", "a-directory", 1024, std::nullopt, "Is a directory"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        FileContent read = read_file((dir.path() / c.name).string(), c.max_bytes);
        EXPECT_EQ(read.content, c.content);
        EXPECT_EQ(read.error, c.error);
    }
}

}  // namespace
}  // namespace jvminit::sys
