#include "jvm/jdk.hpp"

#include <charconv>
#include <filesystem>

#include "sys/files.hpp"
#include "sys/paths.hpp"

namespace jvminit::jvm {

namespace fs = std::filesystem;

namespace {

std::optional<int> leading_number(std::string_view text, std::size_t& used) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) return std::nullopt;
    used = static_cast<std::size_t>(end - text.data());
    return value;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::optional<std::string> read_small_file(const fs::path& path) {
    return sys::read_file(path.string(), 1 << 20).content;  // a release file is about 1 KB
}

// The release file of a Java home: HOME/release, or for a JDK 8 JRE directory, HOME/../release.
std::optional<fs::path> release_file_of(const fs::path& home) {
    std::error_code ec;
    for (const fs::path& candidate : {home / "release", home.parent_path() / "release"}) {
        if (fs::is_regular_file(candidate, ec)) return candidate;
    }
    return std::nullopt;
}

JdkInfo read_home(const fs::path& home, std::string how_found) {
    JdkInfo info;
    info.home = home.string();
    info.how_found = std::move(how_found);
    auto release = release_file_of(home);
    if (!release) {
        info.problem = "no release file in " + home.string();
        return info;
    }
    info.home = release->parent_path().string();  // a JDK 8 jre/ reads the JDK's release one level up
    auto content = read_small_file(*release);
    if (!content) {
        info.problem = "cannot read " + release->string();
        return info;
    }
    info.version = parse_release_file(*content);
    if (!info.version) info.problem = "no readable JAVA_VERSION in " + release->string();
    return info;
}

// bin/java -> the home (the directory above bin).
fs::path home_of_java_binary(const fs::path& java) {
    return java.parent_path().parent_path();
}

}  // namespace

std::optional<JdkVersion> parse_java_version(std::string_view value) {
    std::size_t used = 0;
    auto first = leading_number(value, used);
    if (!first || *first <= 0) return std::nullopt;
    std::string_view rest = value.substr(used);
    int major = *first;
    int legacy_update = 0;
    if (major == 1) {  // "1.8.0_392": the legacy scheme, major is the second number
        if (rest.empty() || rest.front() != '.') return std::nullopt;
        rest.remove_prefix(1);
        auto second = leading_number(rest, used);
        if (!second || *second <= 0) return std::nullopt;
        major = *second;
        rest = rest.substr(used);
        std::size_t underscore = rest.find('_');
        if (underscore != std::string_view::npos) {
            std::string_view tail = rest.substr(underscore + 1);
            if (auto update = leading_number(tail, used)) legacy_update = *update;
        }
    }
    // What follows must look like a version tail: .minor, _update, -ea, +build.
    if (!rest.empty() && rest.front() != '.' && rest.front() != '_' && rest.front() != '-' && rest.front() != '+')
        return std::nullopt;
    for (char c : rest)
        if (c == ' ' || c == '"' || c == '\'' || c == '\n') return std::nullopt;
    return JdkVersion{major, legacy_update, std::string(value)};
}

std::optional<JdkVersion> parse_release_file(std::string_view content) {
    std::size_t start = 0;
    while (start <= content.size()) {
        std::size_t end = content.find('\n', start);
        if (end == std::string_view::npos) end = content.size();
        std::string_view line = trim(content.substr(start, end - start));
        constexpr std::string_view key = "JAVA_VERSION=";
        if (line.substr(0, key.size()) == key) {
            std::string_view value = line.substr(key.size());
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                value = value.substr(1, value.size() - 2);
            return parse_java_version(value);
        }
        start = end + 1;
    }
    return std::nullopt;
}

JdkInfo find_jdk(const std::string& program_path, const std::optional<std::string>& java_home_env,
                 const std::optional<std::string>& path_env) {
    std::error_code ec;
    if (!program_path.empty()) {
        // realpath(3): the home is the real bin/.., whatever symlinks (alternatives, a symlinked bin/) lead there.
        fs::path real = fs::canonical(program_path, ec);
        if (!ec && real.filename() == "java") {
            JdkInfo info = read_home(home_of_java_binary(real), "the resolved PROGRAM");
            info.program_is_java = true;
            return info;
        }
    }
    if (java_home_env && !java_home_env->empty()) return read_home(fs::path(*java_home_env), "JAVA_HOME");
    if (auto java = sys::find_on_path("java", path_env.value_or(""))) {
        fs::path real = fs::canonical(java->path, ec);
        if (!ec && java->error == 0) return read_home(home_of_java_binary(real), "java on PATH");
    }
    JdkInfo none;
    none.problem = "no java found (not PROGRAM, no JAVA_HOME, none on PATH)";
    return none;
}

}  // namespace jvminit::jvm
