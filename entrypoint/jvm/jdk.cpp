#include "jvm/jdk.hpp"

#include <sys/stat.h>

#include <charconv>
#include <string_view>

#include "sys/files.hpp"
#include "sys/paths.hpp"

namespace jvminit::jvm {

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

// Path arithmetic on strings: a start looks at two or three paths, and std::filesystem::path parses its
// components on every operation. Trailing slashes do not count ("JAVA_HOME=/opt/jdk/jre/" is /opt/jdk/jre).
std::string without_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

// dirname(3) of a path without trailing slashes: "/a/b" -> "/a", "/a" -> "/", "a" -> ".".
std::string parent_of(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

std::string join(const std::string& dir, std::string_view name) {
    return dir.back() == '/' ? dir + std::string(name) : dir + "/" + std::string(name);
}

// The release file of a Java home: HOME/release, or for a JDK 8 JRE directory, HOME/../release.
std::optional<std::string> release_file_of(const std::string& home) {
    for (const std::string& dir : {home, parent_of(home)}) {
        std::string candidate = join(dir, "release");
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return candidate;
    }
    return std::nullopt;
}

JdkInfo read_home(const std::string& given_home, std::string how_found) {
    JdkInfo info;
    info.home = given_home;
    info.how_found = std::move(how_found);
    const std::string home = without_trailing_slashes(given_home);
    auto release = release_file_of(home);
    if (!release) {
        info.problem = "no release file in " + given_home;
        return info;
    }
    info.home = parent_of(*release);                           // a JDK 8 jre/ reads the JDK's release one level up
    auto content = sys::read_file(*release, 1 << 20).content;  // a release file is about 1 KB
    if (!content) {
        info.problem = "cannot read " + *release;
        return info;
    }
    info.version = parse_release_file(*content);
    if (!info.version) info.problem = "no readable JAVA_VERSION in " + *release;
    return info;
}

// bin/java -> the home (the directory above bin). `java` is a resolved, absolute path.
std::string home_of_java_binary(const std::string& java) {
    return parent_of(parent_of(java));
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
    // PROGRAM is a java launcher when its file, resolved, is called java. Only a symbolic link as its last
    // component can give it another name than it has (directories resolved keep it): anything else not called
    // java is not resolved at all.
    const std::string_view program_name = std::string_view(program_path).substr(program_path.rfind('/') + 1);
    const bool may_be_java = !program_path.empty() && (program_name == "java" || sys::is_symbolic_link(program_path));
    if (may_be_java) {
        // realpath(3): the home is the real bin/.., whatever symlinks (alternatives, a symlinked bin/) lead there.
        if (auto real = sys::real_path(program_path); real && real->substr(real->rfind('/') + 1) == "java") {
            JdkInfo info = read_home(home_of_java_binary(*real), "the resolved PROGRAM");
            info.program_is_java = true;
            return info;
        }
    }
    // Resolved too: a JAVA_HOME that is a symbolic link to a JDK 8 jre/ has its release file above the target.
    if (java_home_env && !java_home_env->empty())
        return read_home(sys::real_path(*java_home_env).value_or(*java_home_env), "JAVA_HOME");
    if (auto java = sys::find_on_path("java", path_env.value_or("")); java && java->error == 0) {
        if (auto real = sys::real_path(java->path)) return read_home(home_of_java_binary(*real), "java on PATH");
    }
    JdkInfo none;
    none.problem = "no java found (not PROGRAM, no JAVA_HOME, none on PATH)";
    return none;
}

}  // namespace jvminit::jvm
