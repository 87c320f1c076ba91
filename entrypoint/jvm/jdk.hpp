// Which JDK the child will run, learned from files only: the `release` file of the Java home
// (JAVA_VERSION="17.0.21.1", "1.8.0_392", "25"). Never by starting java: that costs ~30 ms and, with a
// JDWP suspend=y agent in the environment, never returns (../shared/docs/jvm-facts.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jvminit::jvm {

struct JdkVersion {
    int major = 0;     // 8 for "1.8.0_392", 17 for "17.0.21.1", 25 for "25"
    int update = 0;    // 392 for "1.8.0_392"; 0 when the legacy scheme's update is absent or not legacy
    std::string text;  // the JAVA_VERSION value as written, without quotes
};

// The newest behaviour jvminit knows; used when the version cannot be read (with a warning).
inline constexpr int kAssumedJdkMajor = 21;

// Parses a JAVA_VERSION value: "1.<major>..." (JDK 8 and older) or "<major>[.minor...][-ea|+build]".
// Returns nullopt for anything else.
std::optional<JdkVersion> parse_java_version(std::string_view value);

// Reads the JAVA_VERSION line of a `release` file's content (KEY="value" lines). nullopt if absent or malformed.
std::optional<JdkVersion> parse_release_file(std::string_view content);

struct JdkInfo {
    std::string home;                   // the Java home whose release file was read; empty if none found
    std::string how_found;              // "the resolved PROGRAM", "JAVA_HOME", "java on PATH"
    std::optional<JdkVersion> version;  // nullopt: unknown
    std::string problem;                // why the version is unknown (for a warning); empty when known
    bool program_is_java = false;       // PROGRAM itself resolves to a binary named `java`
    int effective_major() const { return version ? version->major : kAssumedJdkMajor; }
};

// Finds the JDK the child will run and reads its version, touching only files (realpath, lstat, stat, read):
//  - PROGRAM resolves (through PATH and symlinks) to a binary named `java`: its home (bin/.. or, for a
//    JDK 8 jre/bin/java, bin/../..). A PROGRAM not called java is resolved only when it is itself a symbolic
//    link: nothing else can give the file it names another name;
//  - else $JAVA_HOME;
//  - else `java` found on PATH, resolved through symlinks (/usr/bin/java -> /etc/alternatives/java -> ...).
// `program_path` is the already-resolved PROGRAM (may be empty), `path_env` and `java_home_env` the
// variables as the child will see them. Never throws.
JdkInfo find_jdk(const std::string& program_path, const std::optional<std::string>& java_home_env,
                 const std::optional<std::string>& path_env);

}  // namespace jvminit::jvm
