// sys/files.hpp: reading a whole small file with open/read.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "sys/files.hpp"
#include "temp_dir.hpp"

namespace jvminit::sys {
namespace {

namespace fs = std::filesystem;

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
