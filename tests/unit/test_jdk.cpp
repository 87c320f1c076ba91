// Finding the JDK and its version from files only (jvm/jdk.hpp): JAVA_VERSION of the `release` file, the
// Java home of PROGRAM, $JAVA_HOME or `java` on PATH through symlinks; never by starting java.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "jvm/jdk.hpp"
#include "temp_dir.hpp"

namespace jvminit::jvm {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------------
// parse_java_version

struct VersionCase {
    std::string value;
    int major;  // 0: nullopt expected
    int update;
};

TEST(JavaVersion, ParsesBothVersionSchemes) {
    const std::vector<VersionCase> cases = {
        {"17.0.21.1", 17, 0},  // four parts (Debian)
        {"17.0.15", 17, 0},    {"17", 17, 0},
        {"25", 25, 0},         {"21-ea", 21, 0},
        {"11.0.2+9", 11, 0},   {"17.0.2+8-LTS", 17, 0},
        {"9", 9, 0},           {"9.0.4", 9, 0},
        {"10.0.2", 10, 0},     {"1.8.0_392", 8, 392},
        {"1.8.0_181", 8, 181}, {"1.8.0_191", 8, 191},
        {"1.8.0", 8, 0},       {"1.8.0-internal", 8, 0},
        {"1.7.0_80", 7, 80},   {"1.8.0_392-b08", 8, 392},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE("JAVA_VERSION " + c.value);
        auto version = parse_java_version(c.value);
        ASSERT_TRUE(version.has_value());
        EXPECT_EQ(version->major, c.major);
        EXPECT_EQ(version->update, c.update);
        EXPECT_EQ(version->text, c.value);
    }
}

TEST(JavaVersion, RefusesWhatIsNotAVersion) {
    const std::vector<std::string> refused = {
        "",
        "abc",
        "x17",
        "v17",
        "0",
        "1",
        "1.",
        "1.x",
        "1.0",
        "17a",
        "17 0",
        "-17",
        "\"17\"",
        " 17",
        "17 ",
        "17\n",
        "1.8.0_392 extra",
        "'17'",
        ".17",
        "+17",
        "17.0.2 LTS",
        "1_8",
    };
    for (const auto& value : refused) {
        SCOPED_TRACE("JAVA_VERSION '" + value + "'");
        EXPECT_EQ(parse_java_version(value), std::nullopt);
    }
}

// ---------------------------------------------------------------------------------------------------------
// parse_release_file

struct ReleaseCase {
    const char* scenario;
    std::string content;
    int major;  // 0: nullopt expected
    int update;
    std::string text;
};

TEST(ReleaseFile, ReadsTheJavaVersionLine) {
    const std::vector<ReleaseCase> cases = {
        {"Debian JDK 17 with other keys around it",
         "IMPLEMENTOR=\"Debian\"\n"
         "JAVA_RUNTIME_VERSION=\"17.0.21.1+9-Debian-1deb12u1\"\n"
         "JAVA_VERSION=\"17.0.21.1\"\n"
         "JAVA_VERSION_DATE=\"2025-10-21\"\n"
         "LIBC=\"gnu\"\n"
         "MODULES=\"java.base java.logging\"\n"
         "OS_ARCH=\"x86_64\"\n",
         17, 0, "17.0.21.1"},
        {"keys that start like JAVA_VERSION come first",
         "JAVA_VERSION_DATE=\"2025-10-21\"\nJAVA_RUNTIME_VERSION=\"99\"\nJAVA_VERSION=\"21.0.5\"\n", 21, 0, "21.0.5"},
        {"JDK 8", "JAVA_VERSION=\"1.8.0_392\"\nOS_NAME=\"Linux\"\n", 8, 392, "1.8.0_392"},
        {"CRLF line ends", "IMPLEMENTOR=\"Eclipse Adoptium\"\r\nJAVA_VERSION=\"1.8.0_392\"\r\nOS_NAME=\"Linux\"\r\n", 8,
         392, "1.8.0_392"},
        {"missing quotes", "JAVA_VERSION=17.0.2\n", 17, 0, "17.0.2"},
        {"last line without a newline", "OS_NAME=\"Linux\"\nJAVA_VERSION=\"25\"", 25, 0, "25"},
        {"only the version line", "JAVA_VERSION=\"25\"\n", 25, 0, "25"},
        {"early access", "JAVA_VERSION=\"26-ea\"\n", 26, 0, "26-ea"},
        {"no JAVA_VERSION line", "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION_DATE=\"2025-10-21\"\n", 0, 0, ""},
        {"empty file", "", 0, 0, ""},
        {"empty version", "JAVA_VERSION=\"\"\n", 0, 0, ""},
        {"garbage version", "JAVA_VERSION=\"banana\"\n", 0, 0, ""},
        {"commented out", "#JAVA_VERSION=\"17\"\n", 0, 0, ""},
        {"lower-case key", "java_version=\"17\"\n", 0, 0, ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        auto version = parse_release_file(c.content);
        if (c.major == 0) {
            EXPECT_EQ(version, std::nullopt);
            continue;
        }
        ASSERT_TRUE(version.has_value());
        EXPECT_EQ(version->major, c.major);
        EXPECT_EQ(version->update, c.update);
        EXPECT_EQ(version->text, c.text) << "the value as written, without quotes";
    }
}

// ---------------------------------------------------------------------------------------------------------
// find_jdk against fake Java homes in a temporary directory

using jvminit::testing::TempDir;

void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << content;
}

// A `java` that leaves a mark if anything ever runs it: jvminit must learn the version from files only.
void write_fake_java(const fs::path& java, const fs::path& mark) {
    write_file(java, "#!/bin/sh\ntouch '" + mark.string() + "'\necho fake java\n");
    fs::permissions(java, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
}

class FindJdk : public ::testing::Test {
protected:
    // ROOT/jdk17/{bin/java,release}
    fs::path make_jdk(const std::string& name, const std::string& version) {
        fs::path home = root() / "homes" / name;
        write_fake_java(home / "bin" / "java", mark());
        write_file(home / "release", "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
    const fs::path& root() const { return dir_.path(); }
    fs::path mark() const { return root() / "java-was-run"; }

    void TearDown() override { EXPECT_FALSE(fs::exists(mark())) << "a fake java was started to learn the version"; }

private:
    TempDir dir_{"jdk-test"};
};

TEST_F(FindJdk, JavaHomeIsReadWhenProgramIsNotJava) {
    fs::path home = make_jdk("jdk17", "17.0.21.1");
    JdkInfo info = find_jdk("/bin/sh", home.string(), std::string("/nonexistent"));
    EXPECT_EQ(info.home, home.string());
    EXPECT_EQ(info.how_found, "JAVA_HOME");
    EXPECT_FALSE(info.program_is_java);
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 17);
    EXPECT_EQ(info.version->text, "17.0.21.1");
    EXPECT_EQ(info.problem, "");
    EXPECT_EQ(info.effective_major(), 17);
}

TEST_F(FindJdk, ProgramThatIsJavaWinsOverJavaHome) {
    fs::path jdk17 = make_jdk("jdk17", "17.0.21.1");
    fs::path jdk8 = make_jdk("jdk8", "1.8.0_392");
    JdkInfo info = find_jdk((jdk17 / "bin" / "java").string(), jdk8.string(), std::string("/nonexistent"));
    EXPECT_EQ(info.home, jdk17.string());
    EXPECT_EQ(info.how_found, "the resolved PROGRAM");
    EXPECT_TRUE(info.program_is_java);
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 17);
}

TEST_F(FindJdk, ProgramSymlinkedToJavaIsResolvedToItsHome) {
    fs::path home = make_jdk("jdk25", "25");
    fs::create_directories(root() / "usr-bin");
    fs::create_directories(root() / "alternatives");
    fs::create_symlink(home / "bin" / "java", root() / "alternatives" / "java");
    fs::create_symlink(root() / "alternatives" / "java", root() / "usr-bin" / "java");
    JdkInfo info = find_jdk((root() / "usr-bin" / "java").string(), std::nullopt, std::string("/nonexistent"));
    EXPECT_EQ(info.home, home.string());
    EXPECT_EQ(info.how_found, "the resolved PROGRAM");
    EXPECT_TRUE(info.program_is_java);
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 25);
}

// Every symlink on the way (the binary's, its directories') is resolved: the home is the real bin/.. of the
// binary the JVM runs, never a directory that merely looks like a home.
TEST_F(FindJdk, SymlinksOfEveryShapeLeadToTheRealHome) {
    fs::path jdk17 = make_jdk("jdk17", "17.0.15");
    fs::path jdk21 = make_jdk("jdk21", "21.0.5");
    fs::create_directories(root() / "links" / "alt");
    // relative target without "..": links/java-rel -> alt/java -> JDK 17's java
    fs::create_symlink(jdk17 / "bin" / "java", root() / "links" / "alt" / "java");
    fs::create_symlink("alt/java", root() / "links" / "java-rel");
    // relative target with "..": realpath decides
    fs::create_symlink("../homes/jdk21/bin/java", root() / "links" / "java-up");
    // a bin directory that is itself a symlink into JDK 21: the lexical home has no release file
    fs::create_directories(root() / "fake-home");
    fs::create_directory_symlink(jdk21 / "bin", root() / "fake-home" / "bin");
    // the same, but the lexical home has a release file of its own (of another version): still JDK 21
    write_file(root() / "decoy-home" / "release", "JAVA_VERSION=\"11.0.1\"\n");
    fs::create_directory_symlink(jdk21 / "bin", root() / "decoy-home" / "bin");
    // a home directory that is a symlink (Debian's /usr/lib/jvm/default-java): its release file is read through it
    fs::create_directory_symlink(jdk17, root() / "default-java");
    // a loop: not java, nothing found through it
    fs::create_symlink("loop-b", root() / "links" / "loop-a");
    fs::create_symlink("loop-a", root() / "links" / "loop-b");

    struct Case {
        const char* scenario;
        fs::path program;
        std::string home;  // "" when PROGRAM is not found to be java
        int major;
    };
    const std::vector<Case> cases = {
        {"relative link without ..", root() / "links" / "java-rel", jdk17.string(), 17},
        {"relative link with ..", root() / "links" / "java-up", jdk21.string(), 21},
        {"symlinked bin directory", root() / "fake-home" / "bin" / "java", jdk21.string(), 21},
        {"symlinked bin directory, decoy release file", root() / "decoy-home" / "bin" / "java", jdk21.string(), 21},
        {"symlinked home directory", root() / "default-java" / "bin" / "java", jdk17.string(), 17},
        {"a path with .. and //", root() / "homes" / "jdk21" / "bin" / ".." / "bin" / "java", jdk21.string(), 21},
        {"a symlink loop", root() / "links" / "loop-a", "", 0},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.scenario);
        JdkInfo info = find_jdk(c.program.string(), std::nullopt, std::string("/nonexistent"));
        if (c.home.empty()) {
            EXPECT_FALSE(info.program_is_java);
            EXPECT_FALSE(info.version.has_value());
            continue;
        }
        EXPECT_TRUE(info.program_is_java);
        EXPECT_EQ(info.home, c.home);
        ASSERT_TRUE(info.version.has_value()) << info.problem;
        EXPECT_EQ(info.version->major, c.major);
    }
}

TEST_F(FindJdk, JavaOnPathIsResolvedThroughSymlinks) {
    // /usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/java-17/bin/java, in miniature.
    fs::path home = make_jdk("java-17-openjdk-amd64", "17.0.15");
    fs::create_directories(root() / "usr-bin");
    fs::create_directories(root() / "alternatives");
    fs::create_symlink(home / "bin" / "java", root() / "alternatives" / "java");
    fs::create_symlink(root() / "alternatives" / "java", root() / "usr-bin" / "java");
    std::string path_env = (root() / "empty").string() + ":" + (root() / "usr-bin").string();
    JdkInfo info = find_jdk("", std::nullopt, path_env);
    EXPECT_EQ(info.home, home.string());
    EXPECT_EQ(info.how_found, "java on PATH");
    EXPECT_FALSE(info.program_is_java);
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 17);
    EXPECT_EQ(info.version->text, "17.0.15");
}

TEST_F(FindJdk, EmptyJavaHomeCountsAsUnset) {
    fs::path home = make_jdk("jdk21", "21.0.5");
    JdkInfo info = find_jdk("", std::string(""), (home / "bin").string());
    EXPECT_EQ(info.how_found, "java on PATH");
    EXPECT_FALSE(info.program_is_java);
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 21);
}

TEST_F(FindJdk, JavaHomeWinsOverJavaOnPath) {
    fs::path jdk17 = make_jdk("jdk17", "17.0.2");
    fs::path jdk21 = make_jdk("jdk21", "21.0.5");
    JdkInfo info = find_jdk("", jdk17.string(), (jdk21 / "bin").string());
    EXPECT_EQ(info.how_found, "JAVA_HOME");
    EXPECT_FALSE(info.program_is_java);
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 17);
}

TEST_F(FindJdk, Jdk8JreJavaReadsTheReleaseFileOneLevelUp) {
    // JDK 8 layout: HOME/release and HOME/jre/bin/java; PROGRAM may be the JRE's java.
    fs::path home = root() / "homes" / "jdk8";
    write_fake_java(home / "jre" / "bin" / "java", mark());
    write_fake_java(home / "bin" / "java", mark());
    write_file(home / "release", "JAVA_VERSION=\"1.8.0_392\"\nOS_NAME=\"Linux\"\n");
    JdkInfo info = find_jdk((home / "jre" / "bin" / "java").string(), std::nullopt, std::string("/nonexistent"));
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 8);
    EXPECT_EQ(info.version->update, 392);
    EXPECT_EQ(info.how_found, "the resolved PROGRAM");
    EXPECT_TRUE(info.program_is_java);
    EXPECT_EQ(info.problem, "");
}

TEST_F(FindJdk, JavaHomeWithTrailingSlashesIsTheSameHome) {
    // JAVA_HOME=/opt/jdk8/jre/ (as often written in Dockerfiles): the release file is found one level up
    // from jre, not from "jre/" read as a directory with an empty last name.
    fs::path home = root() / "homes" / "jdk8";
    write_fake_java(home / "jre" / "bin" / "java", mark());
    write_file(home / "release", "JAVA_VERSION=\"1.8.0_392\"\n");
    fs::path jdk17 = make_jdk("jdk17", "17.0.2");
    struct Case {
        std::string java_home;
        fs::path home;
        int major;
    };
    for (const Case& c : {Case{(home / "jre").string() + "/", home, 8}, Case{(home / "jre").string() + "//", home, 8},
                          Case{jdk17.string() + "/", jdk17, 17}}) {
        SCOPED_TRACE(c.java_home);
        JdkInfo info = find_jdk("/bin/sh", c.java_home, std::string("/nonexistent"));
        ASSERT_TRUE(info.version.has_value()) << info.problem;
        EXPECT_EQ(info.version->major, c.major);
        EXPECT_EQ(info.home, c.home.string());
    }
}

TEST_F(FindJdk, JavaHomeThatIsASymlinkToAJdk8JreFindsTheReleaseFileAboveTheTarget) {
    fs::path home = root() / "homes" / "jdk8";
    write_fake_java(home / "jre" / "bin" / "java", mark());
    write_file(home / "release", "JAVA_VERSION=\"1.8.0_392\"\n");
    fs::create_directory_symlink(home / "jre", root() / "java-home");  // JAVA_HOME=/opt/java -> /opt/jdk8/jre
    JdkInfo info = find_jdk("/bin/sh", (root() / "java-home").string(), std::string("/nonexistent"));
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 8);
    EXPECT_EQ(info.home, home.string());
}

TEST_F(FindJdk, Jdk8JreJavaReportsTheHomeWhoseReleaseFileWasRead) {
    // jdk.hpp: "its home (bin/.. or, for a JDK 8 jre/bin/java, bin/../..)", and JdkInfo::home is "the Java
    // home whose release file was read": HOME, not HOME/jre.
    fs::path home = root() / "homes" / "jdk8";
    write_fake_java(home / "jre" / "bin" / "java", mark());
    write_file(home / "release", "JAVA_VERSION=\"1.8.0_392\"\n");
    JdkInfo info = find_jdk((home / "jre" / "bin" / "java").string(), std::nullopt, std::string("/nonexistent"));
    EXPECT_EQ(info.home, home.string());
}

TEST_F(FindJdk, JavaHomeOfAJdk8JreReadsTheReleaseFileOneLevelUp) {
    fs::path home = root() / "homes" / "jdk8";
    write_fake_java(home / "jre" / "bin" / "java", mark());
    write_file(home / "release", "JAVA_VERSION=\"1.8.0_181\"\n");
    JdkInfo info = find_jdk("", (home / "jre").string(), std::string("/nonexistent"));
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 8);
    EXPECT_EQ(info.version->update, 181);
}

TEST_F(FindJdk, MissingReleaseFileLeavesTheVersionUnknownWithAProblem) {
    fs::path home = root() / "homes" / "nested" / "jdk-without-release";
    write_fake_java(home / "bin" / "java", mark());
    JdkInfo info = find_jdk((home / "bin" / "java").string(), std::nullopt, std::string("/nonexistent"));
    EXPECT_EQ(info.home, home.string());
    EXPECT_EQ(info.version, std::nullopt);
    EXPECT_EQ(info.problem, "no release file in " + home.string());
    EXPECT_EQ(info.effective_major(), kAssumedJdkMajor);
}

TEST_F(FindJdk, ReleaseFileWithoutJavaVersionIsAProblemNamingTheFile) {
    fs::path home = root() / "homes" / "nested" / "odd-jdk";
    write_fake_java(home / "bin" / "java", mark());
    write_file(home / "release", "IMPLEMENTOR=\"Test\"\n");
    JdkInfo info = find_jdk("", home.string(), std::nullopt);
    EXPECT_EQ(info.version, std::nullopt);
    EXPECT_EQ(info.problem, "no readable JAVA_VERSION in " + (home / "release").string());
    EXPECT_EQ(info.effective_major(), kAssumedJdkMajor);
}

TEST_F(FindJdk, NoJavaAnywhereIsAProblem) {
    JdkInfo info = find_jdk("", std::nullopt, (root() / "empty").string());
    EXPECT_EQ(info.home, "");
    EXPECT_EQ(info.version, std::nullopt);
    EXPECT_EQ(info.problem, "no java found (not PROGRAM, no JAVA_HOME, none on PATH)");
    EXPECT_EQ(info.effective_major(), kAssumedJdkMajor);
}

TEST_F(FindJdk, NotExecutableJavaOnPathIsNotUsed) {
    fs::path home = make_jdk("jdk17", "17.0.2");
    fs::permissions(home / "bin" / "java", fs::perms::owner_read | fs::perms::owner_write);
    JdkInfo info = find_jdk("", std::nullopt, (home / "bin").string());
    EXPECT_EQ(info.version, std::nullopt);
    EXPECT_EQ(info.problem, "no java found (not PROGRAM, no JAVA_HOME, none on PATH)");
}

TEST_F(FindJdk, MissingProgramFallsBackToJavaHome) {
    fs::path home = make_jdk("jdk11", "11.0.2+9");
    JdkInfo info = find_jdk((root() / "no-such-program").string(), home.string(), std::nullopt);
    EXPECT_EQ(info.how_found, "JAVA_HOME");
    EXPECT_FALSE(info.program_is_java);
    ASSERT_TRUE(info.version.has_value()) << info.problem;
    EXPECT_EQ(info.version->major, 11);
}

}  // namespace
}  // namespace jvminit::jvm
