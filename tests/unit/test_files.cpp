// sys/files.hpp: reading a whole small file with open/read. sys/paths.hpp: real_path, realpath(3) in three
// system calls.
#include <gtest/gtest.h>
#include <stdlib.h>

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

// What realpath(3) says, or nullopt where it fails.
std::optional<std::string> realpath3(const std::string& path) {
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (resolved == nullptr) return std::nullopt;
    std::string result(resolved);
    ::free(resolved);
    return result;
}

TEST(RealPath, AgreesWithRealpath3OnEveryShape) {
    jvminit::testing::TempDir dir("real-path");
    const fs::path root = dir.path();
    fs::create_directories(root / "a" / "b");
    std::ofstream(root / "a" / "b" / "file") << "x";
    fs::create_symlink("b/file", root / "a" / "rel-link");              // relative target
    fs::create_symlink(root / "a" / "rel-link", root / "chain");        // a link to a link
    fs::create_directory_symlink(root / "a" / "b", root / "dir-link");  // a directory link inside the path
    fs::create_symlink("../a/b/file", root / "a" / "b" / "up-link");    // ".." in the target
    fs::create_symlink("missing", root / "dangling");
    fs::create_symlink("loop-b", root / "loop-a");
    fs::create_symlink("loop-a", root / "loop-b");
    const std::string r = root.string();
    const std::vector<std::string> paths = {
        r + "/a/b/file",
        r + "/a/rel-link",
        r + "/chain",
        r + "/dir-link/file",
        r + "/dir-link/../b/file",
        r + "/a/b/up-link",
        r + "//a/./b/",
        r + "/a/b/",
        "/",
        ".",
        "a-relative-missing-name",
        r + "/dangling",
        r + "/loop-a",
        r + "/missing",
        r + "/a/b/file/not-a-dir",
    };
    for (const auto& path : paths) {
        SCOPED_TRACE(path);
        EXPECT_EQ(real_path(path), realpath3(path));
    }
    EXPECT_EQ(real_path(r + "/chain"), std::optional<std::string>(fs::canonical(root / "a" / "b" / "file").string()))
        << "the chain ends at the file";
    EXPECT_EQ(real_path(""), std::nullopt);
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
