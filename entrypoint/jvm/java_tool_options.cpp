#include "jvm/java_tool_options.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <functional>
#include <limits>

#include "jvm/java_options_tokenizer.hpp"

namespace jvminit::jvm {

namespace {

using config::OomAction;

struct UserOption {
    std::string option;
    std::string where;  // "JAVA_TOOL_OPTIONS", "the java command line", ...
};

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// -XX:+Name, -XX:-Name or -XX:Name=value for the flag `name`.
bool is_xx_flag(std::string_view option, std::string_view name) {
    if (!starts_with(option, "-XX:")) return false;
    std::string_view rest = option.substr(4);
    if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) rest.remove_prefix(1);
    if (!starts_with(rest, name)) return false;
    rest.remove_prefix(name.size());
    return rest.empty() || rest.front() == '=';
}

bool is_oom_flag(std::string_view o) {
    return is_xx_flag(o, "ExitOnOutOfMemoryError") || is_xx_flag(o, "CrashOnOutOfMemoryError");
}
bool is_heap_dump_on_flag(std::string_view o) {
    return is_xx_flag(o, "HeapDumpOnOutOfMemoryError");
}
bool is_heap_dump_off_flag(std::string_view o) {
    return o == "-XX:-HeapDumpOnOutOfMemoryError";
}
bool is_heap_dump_path_flag(std::string_view o) {
    return is_xx_flag(o, "HeapDumpPath");
}
// HotSpot's buffer for the expanded -XX:ErrorFile path, NUL included (O_BUFLEN, vmError.cpp), and the digits of
// the largest pid (pid_max 4194304, kernel/pid.c PID_MAX_LIMIT on 64-bit).
constexpr std::size_t kHotSpotErrorFileBuffer = 2000;
constexpr std::size_t kMaxPidDigits = 7;

bool is_error_file_flag(std::string_view o) {
    return is_xx_flag(o, "ErrorFile");
}
// One -Xlog selector, tag-set[*][=level] with tag-set = tag[+tag...] or all (HotSpot's logSelection.cpp; a
// selector's tags match in any order): whether it is GC logging of the user's. A tag set with the gc tag is,
// and all at info and below (info, debug, trace: the GC lines are info); all at warning or error is not (the
// JVM's default is all=warning), nor any selector at off: it configures its own output (stdout unless one is
// given) and leaves jvminit's file output alone (-Xlog:all=off keeps the JVM's warnings off stdout). Tags and
// levels are case-insensitive.
bool selector_is_gc_logging(std::string_view text) {
    std::string selector(text);  // tags and levels are case-insensitive (-Xlog:GC=INFO)
    for (char& c : selector) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view tags = selector;
    std::string_view level;
    if (const std::size_t eq = tags.find('='); eq != std::string_view::npos) {
        level = tags.substr(eq + 1);
        tags = tags.substr(0, eq);
    }
    if (level == "off") return false;
    if (tags == "all") return level.empty() || level == "info" || level == "debug" || level == "trace";
    if (!tags.empty() && tags.back() == '*') tags.remove_suffix(1);
    while (!tags.empty()) {
        const std::size_t plus = tags.find('+');
        if (tags.substr(0, plus) == "gc") return true;
        if (plus == std::string_view::npos) break;
        tags.remove_prefix(plus + 1);
    }
    return false;
}

bool is_gc_log_flag(std::string_view o) {
    if (starts_with(o, "-Xloggc") || o == "-verbose:gc" || o == "-Xlog:disable") return true;
    // JDK 8's GC logging flags: every -XX:±PrintGC... and the rotation settings.
    if (starts_with(o, "-XX:+PrintGC") || starts_with(o, "-XX:-PrintGC") || is_xx_flag(o, "UseGCLogFileRotation") ||
        is_xx_flag(o, "NumberOfGCLogFiles") || is_xx_flag(o, "GCLogFileSize"))
        return true;
    if (o == "-Xlog" || starts_with(o, "-Xlog:")) {
        // -Xlog[:what[:output...]]: what is selectors separated by commas; none (-Xlog, -Xlog::...) is all=info.
        std::string_view what = o.size() > 6 ? o.substr(6) : std::string_view();
        what = what.substr(0, what.find(':'));
        if (what.empty()) return true;
        while (true) {
            const std::size_t comma = what.find(',');
            if (selector_is_gc_logging(what.substr(0, comma))) return true;
            if (comma == std::string_view::npos) break;
            what.remove_prefix(comma + 1);
        }
    }
    return false;
}
bool is_heap_size_flag(std::string_view o) {
    return starts_with(o, "-Xmx") || is_xx_flag(o, "MaxHeapSize") || is_xx_flag(o, "MaxRAM") ||
           is_xx_flag(o, "MaxRAMPercentage") || is_xx_flag(o, "MaxRAMFraction");
}
bool is_jdwp_flag(std::string_view o) {
    // -agentlib:jdwp[=options] (not another library whose name starts with jdwp), -Xrunjdwp[:options].
    if (o == "-agentlib:jdwp" || starts_with(o, "-agentlib:jdwp=") || o == "-Xrunjdwp" || starts_with(o, "-Xrunjdwp:"))
        return true;
    if (starts_with(o, "-Xdebug")) return o != "-Xdebug";  // -Xdebug alone does nothing on modern JVMs
    return starts_with(o, "-agentpath:") && o.find("jdwp") != std::string_view::npos;
}

struct Planner {
    const JavaToolOptionsInput& in;
    JavaToolOptionsPlan plan;
    std::vector<UserOption> user;

    std::string reason(std::string_view setting) const {
        const config::SettingSpec* spec = nullptr;
        for (const auto& s : config::setting_specs())
            if (s.has_name(setting)) spec = &s;
        const auto& source = in.settings.sources.at(std::string(setting));
        std::string value = spec->show(in.settings.values);
        return std::string(spec->env) + "=" + (value.empty() ? "\"\"" : value) + " (" + source.describe() + ")";
    }

    // The user's option deciding `matches`, if any (the last one: the one the JVM obeys).
    std::optional<UserOption> user_choice(const std::function<bool(std::string_view)>& matches) const {
        std::optional<UserOption> found;
        for (const auto& u : user)
            if (matches(u.option)) found = u;
        return found;
    }

    // Adds `options` for `setting` unless the user decided it already.
    void add_unless_user(const std::vector<std::string>& options, std::string_view setting,
                         const std::function<bool(std::string_view)>& user_decides) {
        if (auto choice = user_choice(user_decides)) {
            for (const auto& option : options)
                plan.suppressed.push_back({option, "the user set " + choice->option + " in " + choice->where});
            return;
        }
        for (const auto& option : options) plan.added.push_back({option, reason(setting)});
    }

    void collect_user_options() {
        // An unmatched quote in JAVA_TOOL_OPTIONS stops the JVM: a bad input. Other sources' errors are the
        // launcher's to report. The value itself is not repeated: JAVA_TOOL_OPTIONS can hold secrets.
        if (in.user.java_tool_options) {
            TokenizeResult tokens = tokenize_java_options(*in.user.java_tool_options, in.jdk_major);
            if (tokens.error) {
                plan.error = "JAVA_TOOL_OPTIONS: " + *tokens.error;
                return;
            }
        }
        for (auto& [option, where] : user_options_in_order(in.user, in.jdk_major)) user.push_back({option, where});
    }

    void plan_oom() {
        const auto action = in.settings.values.on_oom;
        if (action == OomAction::None) return;
        std::string flag = action == OomAction::Exit ? "-XX:+ExitOnOutOfMemoryError" : "-XX:+CrashOnOutOfMemoryError";
        if (in.jdk_major < 8 || (in.jdk_major == 8 && in.jdk_update < 92)) {  // "1.8.0" (GA) is update 0
            // Both flags came with 8u92; an older JVM (JDK 7 too) refuses to start on an unknown -XX flag.
            const std::string jdk =
                in.jdk_major == 8 ? "JDK 8u" + std::to_string(in.jdk_update) : "JDK " + std::to_string(in.jdk_major);
            plan.suppressed.push_back({flag, jdk + " has no such flag (8u92+ has)"});
            return;
        }
        add_unless_user({flag}, "oom.action", is_oom_flag);
    }

    void plan_heap_dump() {
        if (in.files.heap_dump_path.empty()) return;
        // The user turning dumps off wins over everything; otherwise each flag is decided on its own, so a
        // user's -XX:HeapDumpPath alone still gets dumps switched on, and a user's +HeapDumpOnOutOfMemoryError
        // alone still gets a unique path (the JVM's default name repeats after every restart).
        auto last_on_off = user_choice(is_heap_dump_on_flag);  // the one the JVM obeys
        if (auto off = last_on_off && is_heap_dump_off_flag(last_on_off->option) ? last_on_off : std::nullopt) {
            for (const auto& option :
                 {std::string("-XX:+HeapDumpOnOutOfMemoryError"), "-XX:HeapDumpPath=" + in.files.heap_dump_path})
                plan.suppressed.push_back({option, "the user set " + off->option + " in " + off->where});
        } else {
            add_unless_user({"-XX:+HeapDumpOnOutOfMemoryError"}, "heap_dump.dir", is_heap_dump_on_flag);
            add_unless_user({"-XX:HeapDumpPath=" + in.files.heap_dump_path}, "heap_dump.dir", is_heap_dump_path_flag);
            // The user's fixed path wins, and loses the dumps after the first (found by a fresh user).
            if (auto path = user_choice(is_heap_dump_path_flag))
                plan.warnings.push_back("your " + path->option + " (" + path->where +
                                        ") is used instead of a run directory of JVMINIT_HEAP_DUMP_DIR: the JVM "
                                        "refuses to overwrite a dump and its pid repeats after a restart, so dumps "
                                        "after the first are lost there; leave it out to get a directory per start");
        }
        if (!in.files.error_file.empty()) {
            const std::size_t added_before = plan.added.size();
            add_unless_user({"-XX:ErrorFile=" + in.files.error_file}, "heap_dump.dir", is_error_file_flag);
            // HotSpot expands %p into a buffer of kHotSpotErrorFileBuffer bytes (vmError.cpp, O_BUFLEN) and
            // writes the hs_err file to the working directory when the path does not fit (found by a trial).
            const std::size_t expanded = in.files.error_file.size() - 2 + kMaxPidDigits;
            if (plan.added.size() != added_before && expanded >= kHotSpotErrorFileBuffer)
                plan.warnings.push_back("the hs_err file path " + in.files.error_file + " is up to " +
                                        std::to_string(expanded) + " bytes with the pid, too long for HotSpot's " +
                                        std::to_string(kHotSpotErrorFileBuffer) +
                                        "-byte buffer: a crash log would go to the working directory instead; "
                                        "choose a shorter heap dump directory");
        }
    }

    void plan_gc_log() {
        if (!in.settings.values.gc_log || in.files.gc_log_path.empty()) return;
        const std::string& file = in.files.gc_log_path;
        std::vector<std::string> options;
        if (in.jdk_major >= 9) {
            options.push_back("-Xlog:gc*:file=" + file + ":time,uptime,level,tags:filecount=5,filesize=10m");
        } else {
            options = {"-Xloggc:" + file,           "-XX:+PrintGCDetails",      "-XX:+PrintGCDateStamps",
                       "-XX:+UseGCLogFileRotation", "-XX:NumberOfGCLogFiles=5", "-XX:GCLogFileSize=10M"};
        }
        add_unless_user(options, "gc_log.enabled", is_gc_log_flag);
    }

    void plan_heap_size() {
        if (in.settings.values.max_ram_percentage == 0) return;  // 0: leave the heap size to the JVM
        std::string flag = "-XX:MaxRAMPercentage=" + std::to_string(in.settings.values.max_ram_percentage);
        bool supported = in.jdk_major >= 10 || (in.jdk_major == 8 && in.jdk_update >= 191);
        if (!supported) {
            plan.suppressed.push_back({flag, "JDK " + std::to_string(in.jdk_major) +
                                                 (in.jdk_major == 8 ? "u" + std::to_string(in.jdk_update) : "") +
                                                 " has no MaxRAMPercentage (JDK 8u191+ and 10+ have)"});
            return;
        }
        // With container support off the JVM sizes the heap from the host's memory: a percentage meant for the
        // container's would take that much of the host's.
        auto container_support = user_choice([](std::string_view o) { return is_xx_flag(o, "UseContainerSupport"); });
        if (container_support && starts_with(container_support->option, "-XX:-")) {
            plan.suppressed.push_back({flag, "the user set " + container_support->option + " in " +
                                                 container_support->where +
                                                 ": the JVM sizes its heap from the host's memory"});
            return;
        }
        add_unless_user({flag}, "memory.max_ram_percentage", is_heap_size_flag);
    }

    void plan_debug() {
        const auto& s = in.settings.values;
        if (!s.debug) return;
        std::string address;
        std::string host = s.debug_bind;
        if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";  // IPv6 literal
        // JDK 12+ (JDK-8184770) listens for * on an IPv6 socket; JDK 9-11's * is IPv4's any address already.
        const bool ipv4_only = s.debug_bind == "*" && in.jdk_major >= 12 && !in.ipv6_socket_error.empty();
        if (ipv4_only) host = "0.0.0.0";
        if (in.jdk_major >= 9) {
            address = host + ":" + std::to_string(s.debug_port);
        } else {
            // JDK 8: address=PORT listens on all interfaces and "*:PORT" is an error.
            address = s.debug_bind == "*" ? std::to_string(s.debug_port) : host + ":" + std::to_string(s.debug_port);
        }
        std::string option = std::string("-agentlib:jdwp=transport=dt_socket,server=y,suspend=") +
                             (s.debug_suspend ? "y" : "n") + ",address=" + address;
        std::size_t added_before = plan.added.size();
        add_unless_user({option}, "debug.enabled", is_jdwp_flag);
        if (plan.added.size() == added_before) return;
        if (s.debug_bind == "*" || s.debug_bind == "0.0.0.0" || s.debug_bind == "::" || s.debug_bind == "[::]")
            plan.warnings.push_back("the JDWP agent listens on all interfaces at port " + std::to_string(s.debug_port) +
                                    ": anyone who can reach that port can run code in the JVM");
        if (ipv4_only)
            plan.warnings.push_back("no IPv6 socket here (socket: " + in.ipv6_socket_error +
                                    "): the JDWP agent listens on 0.0.0.0:" + std::to_string(s.debug_port) +
                                    ", IPv4 only (with *, the JVM would not start)");
        if (s.debug_suspend)
            plan.warnings.push_back("JDWP suspend=y: the JVM waits before main until a debugger attaches");
    }

    void join() {
        if (plan.error) return;
        std::vector<std::string> options;
        for (const auto& added : plan.added) options.push_back(added.option);
        JoinResult joined = join_java_options(options, in.jdk_major);
        if (joined.error) {
            plan.error = "JAVA_TOOL_OPTIONS: " + *joined.error;
            return;
        }
        plan.added_text = joined.value;
        std::string value = in.user.java_tool_options.value_or("");
        if (!joined.value.empty()) {
            if (!value.empty()) value += ' ';
            value += joined.value;
        }
        if (!value.empty()) plan.value = value;  // an empty JAVA_TOOL_OPTIONS is never exported
        // JDK 8 reads the variable into a 1024-byte buffer and ignores a longer value entirely.
        if (in.jdk_major <= 8 && value.size() > kJdk8MaxJavaOptionsBytes)
            plan.warnings.push_back("JAVA_TOOL_OPTIONS is " + std::to_string(value.size()) +
                                    " characters; JDK 8 ignores a value over 1023 characters entirely");
        // And it reads only the first 64 options of a value it reads at all: jvminit's come after the user's, so
        // they go first.
        const std::size_t user_count =
            in.user.java_tool_options ? tokenize_java_options(*in.user.java_tool_options, in.jdk_major).options.size()
                                      : 0;
        if (in.jdk_major <= 8 && value.size() <= kJdk8MaxJavaOptionsBytes &&
            user_count + options.size() > kJdk8MaxJavaOptionsCount) {
            std::string dropped;
            for (std::size_t i = std::max(kJdk8MaxJavaOptionsCount, user_count) - user_count; i < options.size(); ++i)
                dropped += (dropped.empty() ? "" : " ") + options[i];
            plan.warnings.push_back(
                "JAVA_TOOL_OPTIONS holds " + std::to_string(user_count + options.size()) +
                " options; JDK 8 reads only the first " + std::to_string(kJdk8MaxJavaOptionsCount) +
                " and drops the rest" +
                (dropped.empty() ? std::string(", all of them yours") : ", among them jvminit's " + dropped));
        }
    }
};

// java launcher options that take their value as the next argument.
bool takes_separate_value(std::string_view arg) {
    static constexpr std::array kWithValue = {"-cp",
                                              "-classpath",
                                              "--class-path",
                                              "-p",
                                              "--module-path",
                                              "--upgrade-module-path",
                                              "--add-modules",
                                              "--enable-native-access",
                                              "--limit-modules",
                                              "--add-reads",
                                              "--add-exports",
                                              "--add-opens",
                                              "--patch-module",
                                              "--describe-module",
                                              "-d",
                                              "--release",
                                              "--source"};  // source-file mode's version; options may follow
    return std::find(kWithValue.begin(), kWithValue.end(), arg) != kWithValue.end();
}

// The words of an option file: an @argfile's as the java launcher reads them (tokenize_argfile); a
// -XX:VMOptionsFile's like JAVA_TOOL_OPTIONS, as HotSpot reads it, with lines starting with '#' left out
// (HotSpot refuses them, "Unrecognized option: #": the JVM does not start either way).
std::vector<std::string> option_file_words(const OptionFile& file, int jdk_major) {
    if (file.is_argfile) return tokenize_argfile(file.content);
    std::string text;
    std::size_t start = 0;
    while (start < file.content.size()) {
        std::size_t end = file.content.find('\n', start);
        if (end == std::string::npos) end = file.content.size();
        std::string line = file.content.substr(start, end - start);
        std::size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] != '#') text += line + "\n";
        start = end + 1;
    }
    return tokenize_java_options(text, jdk_major).options;
}

}  // namespace

std::vector<std::string> java_launcher_options(const std::vector<std::string>& arguments) {
    std::vector<std::string> options;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& arg = arguments[i];
        if (arg.size() > 1 && arg.front() == '@' && arg[1] != '@') continue;  // an @argfile: expanded by the caller
        if (arg.empty() || arg.front() != '-') break;                         // the main class
        if (arg == "-jar" || arg == "-m" || arg == "--module" || starts_with(arg, "--module=")) break;
        options.push_back(arg);
        if (takes_separate_value(arg)) ++i;
    }
    return options;
}

std::vector<std::pair<std::string, std::string>> user_options_in_order(const UserOptions& user, int jdk_major) {
    using Words = std::vector<std::pair<std::string, std::string>>;  // (word, where it was set)
    Words options;
    const auto file_named = [&](std::string_view where, bool is_argfile) -> const OptionFile* {
        for (const auto& file : user.option_files)
            if (file.where == where && file.is_argfile == is_argfile) return &file;
        return nullptr;  // not named, or not readable (the caller warned)
    };
    const auto file_words = [&](const OptionFile& file) { return option_file_words(file, jdk_major); };
    // An option, then the options of the -XX:VMOptionsFile it names: HotSpot reads them in its place.
    const auto add_option = [&](const std::string& option, const std::string& where) {
        options.emplace_back(option, where);
        if (!starts_with(option, "-XX:VMOptionsFile=")) return;
        if (const OptionFile* file = file_named(option, false))
            for (auto& word : file_words(*file)) options.emplace_back(std::move(word), file->where);
    };
    const auto is_argfile_word = [&](const std::string& word) {
        return jdk_major >= 9 && word.size() > 1 && word.front() == '@' && word[1] != '@';
    };
    // The JVM's options among launcher arguments: up to the main class, -jar or -m, without the values of
    // the options that take one (java_launcher_options, on words that know where they were set).
    const auto add_launcher_options = [&](const Words& words) {
        for (std::size_t i = 0; i < words.size(); ++i) {
            const std::string& arg = words[i].first;
            if (arg.empty() || arg.front() != '-') break;  // the main class
            if (arg == "-jar" || arg == "-m" || arg == "--module" || starts_with(arg, "--module=")) break;
            add_option(arg, words[i].second);
            if (takes_separate_value(arg)) ++i;
        }
    };
    // Launcher arguments with each @argfile replaced by its words where it stands, as the launcher expands
    // them (JDK 9+) before it looks for the main class: `java @a -Xmx1g` is a's options, then -Xmx1g.
    const auto expand_argfiles = [&](const std::vector<std::string>& arguments, const std::string& where) {
        Words words;
        for (const auto& arg : arguments) {
            if (!is_argfile_word(arg)) {
                words.emplace_back(arg, where);
                continue;
            }
            if (const OptionFile* file = file_named(arg, true))
                for (auto& word : file_words(*file)) words.emplace_back(std::move(word), file->where);
        }
        return words;
    };
    const auto add_text = [&](const std::optional<std::string>& text, const std::string& where) {
        if (!text) return;
        for (const auto& option : tokenize_java_options(*text, jdk_major).options) add_option(option, where);
    };

    add_text(user.java_tool_options, "JAVA_TOOL_OPTIONS");
    if (jdk_major >= 9 && user.jdk_java_options) {  // the launcher's, from JDK 9
        for (const auto& word : tokenize_java_options(*user.jdk_java_options, jdk_major).options) {
            if (!is_argfile_word(word)) {
                add_option(word, "JDK_JAVA_OPTIONS");
                continue;
            }
            if (const OptionFile* file = file_named(word + " in JDK_JAVA_OPTIONS", true)) {
                Words words;
                for (auto& option : file_words(*file)) words.emplace_back(std::move(option), file->where);
                add_launcher_options(words);
            }
        }
    }
    add_launcher_options(expand_argfiles(user.command_line, "the java command line"));
    add_text(user.java_options, "_JAVA_OPTIONS");  // the JVM applies it last
    return options;
}

std::vector<OptionFileRef> option_file_refs(const UserOptions& user, int jdk_major) {
    std::vector<OptionFileRef> refs;
    // The launcher expands an @argfile in JDK_JAVA_OPTIONS as on its command line, which it comes before.
    if (jdk_major >= 9 && user.jdk_java_options)
        for (const auto& token : tokenize_java_options(*user.jdk_java_options, jdk_major).options)
            if (token.size() > 1 && token.front() == '@' && token[1] != '@')
                refs.push_back({token + " in JDK_JAVA_OPTIONS", token.substr(1), true});
    if (jdk_major >= 9) {
        for (std::size_t i = 0; i < user.command_line.size(); ++i) {
            const std::string& arg = user.command_line[i];
            if (arg.size() > 1 && arg.front() == '@' && arg[1] != '@') {
                refs.push_back({arg, arg.substr(1), true});
                continue;
            }
            if (arg.empty() || arg.front() != '-' || arg == "-jar" || arg == "-m" || arg == "--module") break;
            if (!takes_separate_value(arg)) continue;
            ++i;  // -cp DIR @args: DIR is not the main class; `-cp @file` is expanded too (its words follow -cp)
            if (i < user.command_line.size()) {
                const std::string& value = user.command_line[i];
                if (value.size() > 1 && value.front() == '@' && value[1] != '@')
                    refs.push_back({value, value.substr(1), true});
            }
        }
    }
    auto scan = [&](const std::vector<std::string>& options) {
        for (const auto& option : options)
            if (starts_with(option, "-XX:VMOptionsFile="))
                refs.push_back({option, option.substr(std::string_view("-XX:VMOptionsFile=").size()), false});
    };
    for (const auto& text : {user.java_tool_options, user.java_options})
        if (text) scan(tokenize_java_options(*text, jdk_major).options);
    if (jdk_major >= 9 && user.jdk_java_options)  // JDK 8's launcher has no JDK_JAVA_OPTIONS
        scan(tokenize_java_options(*user.jdk_java_options, jdk_major).options);
    scan(java_launcher_options(user.command_line));
    return refs;
}

std::vector<OptionFileRef> option_file_refs_in_argfiles(const std::vector<OptionFile>& files, int jdk_major) {
    std::vector<OptionFileRef> refs;
    for (const auto& file : files) {
        if (!file.is_argfile) continue;
        for (const auto& word : option_file_words(file, jdk_major)) {
            constexpr std::string_view kFlag = "-XX:VMOptionsFile=";
            const bool known = std::any_of(files.begin(), files.end(), [&](const auto& f) { return f.where == word; });
            if (starts_with(word, kFlag) && !known) refs.push_back({word, word.substr(kFlag.size()), false});
        }
    }
    return refs;
}

std::optional<std::uint64_t> parse_java_size(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::uint64_t multiplier = 1;
    switch (text.back()) {
        case 'k':
        case 'K': multiplier = 1ULL << 10; break;
        case 'm':
        case 'M': multiplier = 1ULL << 20; break;
        case 'g':
        case 'G': multiplier = 1ULL << 30; break;
        case 't':
        case 'T': multiplier = 1ULL << 40; break;
        default: break;
    }
    if (multiplier != 1) text.remove_suffix(1);
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (number > (std::numeric_limits<std::uint64_t>::max() >> 1) / multiplier) return std::nullopt;
    return number * multiplier;
}

std::optional<std::uint64_t> user_max_heap(const std::vector<std::string>& options) {
    std::optional<std::uint64_t> heap;
    for (const auto& option : options) {
        std::string_view o = option;
        if (starts_with(o, "-Xmx"))
            heap = parse_java_size(o.substr(4));
        else if (starts_with(o, "-XX:MaxHeapSize="))
            heap = parse_java_size(o.substr(16));
    }
    return heap;
}

bool container_support_off(const std::vector<std::string>& options) {
    bool off = false;
    for (const auto& option : options)
        if (is_xx_flag(option, "UseContainerSupport")) off = starts_with(option, "-XX:-");
    return off;
}

namespace {

// The user's heap-sizing flags as the JVM ends up with them (the last of each), other than -Xmx and
// -XX:MaxHeapSize (user_max_heap); `any`: one of these or those is set. The one list of the flags that
// expected_max_heap reads.
struct HeapSizeFlags {
    std::optional<double> max_percentage, max_fraction, min_percentage, min_fraction;  // as percentages
    std::optional<std::uint64_t> max_ram, initial_heap, min_heap, ergo_limit;          // bytes
    bool initial_ram_set = false;
    bool any = false;
};

HeapSizeFlags read_heap_size_flags(const std::vector<std::string>& options) {
    HeapSizeFlags f;
    const auto percentage_of = [](std::string_view text) -> std::optional<double> {
        double value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec == std::errc() && end == text.data() + text.size() && value >= 0 && value <= 100) return value;
        return std::nullopt;
    };
    const auto fraction_of = [](std::string_view text) -> std::optional<double> {
        std::uint64_t fraction = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), fraction);
        if (ec == std::errc() && end == text.data() + text.size() && fraction > 0)
            return 100.0 / static_cast<double>(fraction);
        return std::nullopt;
    };
    const auto size_to = [](std::optional<std::uint64_t>& to, std::string_view text) {
        if (auto size = parse_java_size(text)) to = size;
    };
    for (const auto& option : options) {
        std::string_view o = option;
        bool known = true;
        if (starts_with(o, "-Xmx") || starts_with(o, "-XX:MaxHeapSize=")) {
            // user_max_heap's
        } else if (starts_with(o, "-XX:MaxRAM=")) {
            size_to(f.max_ram, o.substr(11));
        } else if (starts_with(o, "-XX:MaxRAMPercentage=")) {
            if (auto value = percentage_of(o.substr(21))) f.max_percentage = value;
        } else if (starts_with(o, "-XX:MaxRAMFraction=")) {
            if (auto value = fraction_of(o.substr(19))) f.max_fraction = value;
        } else if (starts_with(o, "-XX:MinRAMPercentage=")) {
            if (auto value = percentage_of(o.substr(21))) f.min_percentage = value;
        } else if (starts_with(o, "-XX:MinRAMFraction=")) {
            if (auto value = fraction_of(o.substr(19))) f.min_fraction = value;
        } else if (starts_with(o, "-XX:InitialRAMPercentage=") || starts_with(o, "-XX:InitialRAMFraction=")) {
            f.initial_ram_set = true;
        } else if (starts_with(o, "-Xms")) {  // InitialHeapSize (and MinHeapSize)
            size_to(f.initial_heap, o.substr(4));
        } else if (starts_with(o, "-XX:InitialHeapSize=")) {
            size_to(f.initial_heap, o.substr(20));
        } else if (starts_with(o, "-XX:MinHeapSize=")) {
            size_to(f.min_heap, o.substr(16));
        } else if (starts_with(o, "-XX:ErgoHeapSizeLimit=")) {
            size_to(f.ergo_limit, o.substr(22));
        } else {
            known = false;
        }
        f.any = f.any || known;
    }
    return f;
}

}  // namespace

bool user_sizes_heap(const std::vector<std::string>& options) {
    return read_heap_size_flags(options).any;
}

std::optional<std::uint64_t> expected_max_heap(const std::vector<std::string>& options, std::uint64_t memory_bytes,
                                               int added_percentage) {
    if (auto heap = user_max_heap(options)) return heap;
    // A -XX:...Percentage beats its ...Fraction, whatever their order (Arguments::set_heap_size converts a
    // Fraction only when the Percentage is default).
    HeapSizeFlags f = read_heap_size_flags(options);
    // Then Arguments::set_heap_size caps the estimate at ErgoHeapSizeLimit and raises it to the initial heap
    // size the user set (or else the minimum): a -Xms2g in a 1 GiB container gives a 2 GiB maximum heap.
    const auto adjusted = [&](std::uint64_t reasonable) {
        if (f.ergo_limit && *f.ergo_limit != 0) reasonable = std::min(reasonable, *f.ergo_limit);
        if (f.initial_heap) return std::max(reasonable, *f.initial_heap);
        if (f.min_heap) return std::max(reasonable, *f.min_heap);
        return reasonable;
    };
    if (!f.max_percentage && added_percentage > 0) f.max_percentage = added_percentage;  // in JAVA_TOOL_OPTIONS
    // Any of these set: the memory is MaxRAM if given, else all of it; none: the memory, at most MaxRAM's 128 GiB.
    const bool sized = f.max_percentage || f.max_fraction || f.min_percentage || f.min_fraction || f.initial_ram_set;
    std::uint64_t memory = 0;
    if (f.max_ram) {
        memory = *f.max_ram;
    } else {
        memory = sized ? memory_bytes : std::min(memory_bytes, kDefaultMaxRam);
    }
    if (memory == 0) return f.initial_heap || f.min_heap ? std::optional(adjusted(0)) : std::nullopt;
    const double max_share = f.max_percentage.value_or(f.max_fraction.value_or(kDefaultMaxRamPercentage));
    const double min_share = f.min_percentage.value_or(f.min_fraction.value_or(kDefaultMinRamPercentage));
    const auto share = [&](double percentage) {
        return static_cast<std::uint64_t>(static_cast<long double>(memory) * percentage / 100.0L);
    };
    const std::uint64_t reasonable_min = share(min_share);
    // Small memory: the minimum share of it; otherwise the maximum share, and at least the default heap.
    if (reasonable_min < kDefaultMaxHeapSize) return adjusted(reasonable_min);
    return adjusted(std::max(share(max_share), kDefaultMaxHeapSize));
}

JavaToolOptionsPlan plan_java_tool_options(const JavaToolOptionsInput& input) {
    Planner planner{input, {}, {}};
    planner.collect_user_options();
    if (planner.plan.error) return planner.plan;
    planner.plan_oom();
    planner.plan_heap_dump();
    planner.plan_gc_log();
    planner.plan_heap_size();
    planner.plan_debug();
    planner.join();
    return planner.plan;
}

}  // namespace jvminit::jvm
