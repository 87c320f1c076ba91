// Builds the child's JAVA_TOOL_OPTIONS: the user's own value first, unchanged, then what jvminit adds.
// Pure: everything the decision needs comes in as arguments, so tests cover it with tables of cases.
// The JVM reads JAVA_TOOL_OPTIONS, then JDK_JAVA_OPTIONS, then its command line, then _JAVA_OPTIONS,
// and for a repeated flag the last one wins (../shared/docs/jvm-facts.md); jvminit never adds an option
// the user already decided, so the user's setting wins wherever it is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/settings.hpp"

namespace jvminit::jvm {

// A file of options the user named: a java @argfile (JDK 9+) or -XX:VMOptionsFile=PATH.
struct OptionFile {
    std::string where;        // "@/app/jvm.args", "-XX:VMOptionsFile=/app/vm.options"
    std::string content;      // the file's text (read by the caller)
    bool is_argfile = false;  // an @argfile holds launcher arguments: options up to the main class count
};

// The user's own JVM options, from every place the JVM reads them.
struct UserOptions {
    std::optional<std::string> java_tool_options;  // JAVA_TOOL_OPTIONS as set (nullopt: unset)
    std::optional<std::string> jdk_java_options;   // JDK_JAVA_OPTIONS (read by the java launcher, JDK 9+)
    std::optional<std::string> java_options;       // _JAVA_OPTIONS
    std::vector<std::string> command_line;         // PROGRAM's arguments when PROGRAM is java, else empty
    std::vector<OptionFile> option_files;          // the files named by the above, as read
};

// The option files named in the user's options, to be read before planning: java @argfiles among the
// command-line arguments before the main class (JDK 9+; "@@x" is the literal argument "@x") and
// -XX:VMOptionsFile=PATH anywhere. Returns (where, path, is_argfile). Pure.
struct OptionFileRef {
    std::string where;
    std::string path;
    bool is_argfile = false;
};
std::vector<OptionFileRef> option_file_refs(const UserOptions& user, int jdk_major);

// The -XX:VMOptionsFile=PATH an @argfile names (`files`: those read so far), which the JVM reads in its
// place; none already among `files`. Pure.
std::vector<OptionFileRef> option_file_refs_in_argfiles(const std::vector<OptionFile>& files, int jdk_major);

// Every option of the user, in the order the JVM applies them (the last of a repeated flag wins):
// JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS (JDK 9+), the java command line, _JAVA_OPTIONS. The options of an
// @argfile (JDK 9+) or a -XX:VMOptionsFile come where it stands, as the launcher and HotSpot expand them;
// an @argfile that names the main class ends the options there.
// Returns (option, where it was set). Quote errors are not reported here (see plan_java_tool_options). Pure.
std::vector<std::pair<std::string, std::string>> user_options_in_order(const UserOptions& user, int jdk_major);

// Names of the files one JVM start writes; unique per start so that no dump is ever refused for an
// existing file (HotSpot will not overwrite one) and no restart reuses a name (the pid repeats in containers).
struct OutputFiles {
    std::string heap_dump_path;  // e.g. /dumps/heapdump-20261129T114355.123Z-1.hprof; empty: no dumps
    std::string error_file;      // hs_err file, same directory; empty: none
    std::string gc_log_path;     // empty: no GC log
};

struct AddedOption {
    std::string option;  // as the JVM reads it, e.g. "-XX:MaxRAMPercentage=75"
    std::string reason;  // e.g. "JVMINIT_ON_OOM=exit (default)"
};

struct SuppressedOption {
    std::string option;  // what jvminit would have added
    std::string why;     // e.g. "the user set -Xmx512m in JAVA_TOOL_OPTIONS"
};

struct JavaToolOptionsPlan {
    std::optional<std::string> value;  // the child's JAVA_TOOL_OPTIONS; nullopt: unset (never empty)
    std::vector<AddedOption> added;
    std::string added_text;  // `added` as exported at the end of `value` (quoted where needed); "" for none
    std::vector<SuppressedOption> suppressed;
    std::vector<std::string> warnings;  // for the log, e.g. "JDWP listens on all interfaces"
    std::optional<std::string> error;   // a bad input: nothing may start
};

struct JavaToolOptionsInput {
    config::ResolvedSettings settings;
    int jdk_major = 17;
    int jdk_update = 0;  // for JDK 8: MaxRAMPercentage needs 8u191
    UserOptions user;
    OutputFiles files;
    // Why socket(2) gives no IPv6 socket here (strerror(3)), "" when it does: a kernel without IPv6 (booted with
    // ipv6.disable=1, some sandboxes: EAFNOSUPPORT), a seccomp or LSM rule. JDWP's address=*:PORT then fails to
    // start a JDK 12+ JVM ("transport error 202: socket creation failed"): debug.bind * becomes 0.0.0.0.
    std::string ipv6_socket_error;
};

// Decides every option. Rules (issue 3):
// - OOM: -XX:+ExitOnOutOfMemoryError / -XX:+CrashOnOutOfMemoryError, unless the user set either flag (+ or -).
// - Heap dumps: -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath=FILE, unless the user set either.
// - -XX:ErrorFile=FILE beside the dumps, unless the user set ErrorFile.
// - GC log: JDK 9+ -Xlog:gc*:file=...:filecount=5,filesize=10m; JDK 8 -Xloggc with rotation flags;
//   unless the user configured GC logging (an -Xlog selection with the gc tag, -Xlog or -Xlog:all at info,
//   debug or trace; not at off: -Xlog:all=off only quiets stdout; -Xlog:disable, -Xloggc, -verbose:gc,
//   PrintGC flags).
// - -XX:MaxRAMPercentage=N unless the user sized the heap (-Xmx, MaxHeapSize, MaxRAM, MaxRAMPercentage,
//   MaxRAMFraction); skipped on JDK 9 and JDK 8 before update 191, which lack the flag.
// - JDWP: -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:PORT (JDK 9+; JDK 8: address=PORT
//   for "*"; 0.0.0.0:PORT on JDK 12+ without IPv6 sockets, with a warning), unless the user has a JDWP agent
//   (-agentlib:jdwp[=...], -Xrunjdwp, -agentpath:...jdwp).
// Values with whitespace are quoted so the JVM reads them back exactly (HotSpot's JAVA_TOOL_OPTIONS parser
// handles ' and " quotes on JDK 8 as on 9+: see jvm/java_options_tokenizer.hpp). A user JAVA_TOOL_OPTIONS
// with an unmatched quote is an error (the JVM would refuse to start); on JDK 8 a value over 1023
// characters gets a warning (the JVM ignores it).
JavaToolOptionsPlan plan_java_tool_options(const JavaToolOptionsInput& input);

// The JVM's options among a java command line: every argument before the main class, -jar, -m/--module
// or --source-file, skipping the values of options that take one (-cp PATH, --add-modules M, ...) and
// @argfiles (see option_file_refs).
std::vector<std::string> java_launcher_options(const std::vector<std::string>& arguments);

// A HotSpot memory size ("512m", "2G", "1048576") in bytes; nullopt when malformed or above 2^63.
std::optional<std::uint64_t> parse_java_size(std::string_view text);

// The heap size the user set (-Xmx / -XX:MaxHeapSize, the last one wins), in bytes.
std::optional<std::uint64_t> user_max_heap(const std::vector<std::string>& options);

// Whether the user's last -XX:±UseContainerSupport is the - form: the JVM then sizes itself from the host's
// memory and CPUs, not the container's. Pure.
bool container_support_off(const std::vector<std::string>& options);

// Whether the user sets a flag that sizes the heap: one expected_max_heap reads (-Xmx, -Xms,
// -XX:MaxHeapSize, InitialHeapSize, MinHeapSize, ErgoHeapSizeLimit, MaxRAM, and the RAM percentages and
// fractions). Pure.
bool user_sizes_heap(const std::vector<std::string>& options);

// HotSpot's defaults (globals.hpp, JDK 17): -XX:MaxRAMPercentage (JDK 8's MaxRAMFraction=4),
// -XX:MinRAMPercentage (MinRAMFraction=2), -XX:MaxHeapSize (ScaleForWordSize(96 MiB) on 64 bits: 96 MiB * 1.3,
// in bytes) and -XX:MaxRAM (128 GiB on 64-bit servers, in bytes).
inline constexpr double kDefaultMaxRamPercentage = 25.0;
inline constexpr double kDefaultMinRamPercentage = 50.0;
inline constexpr std::uint64_t kDefaultMaxHeapSize = 130862280;
inline constexpr std::uint64_t kDefaultMaxRam = std::uint64_t{128} << 30;

// The maximum heap the JVM will size itself to, in bytes, as HotSpot's Arguments::set_heap_size does:
//  - the user's -Xmx/-XX:MaxHeapSize;
//  - else a share of the memory: `memory_bytes` (the container limit or the RAM; at most 128 GiB when no
//    heap-sizing flag is set), or the user's -XX:MaxRAM=SIZE in its place (larger or smaller);
//  - the share: with little memory (MinRAMPercentage of it below the default MaxHeapSize, about 125 MiB:
//    memory under about 250 MiB with the defaults), MinRAMPercentage of it (50%, or the user's
//    -XX:MinRAMPercentage / MinRAMFraction); else MaxRAMPercentage of it (the user's -XX:MaxRAMPercentage,
//    else MaxRAMFraction, else `added_percentage`, the one jvminit adds (0: none), else 25%), and at least
//    the default MaxHeapSize;
//  - then at most the user's -XX:ErgoHeapSizeLimit, and at least the user's initial heap size (-Xms,
//    -XX:InitialHeapSize), or else the user's -XX:MinHeapSize (Arguments::set_heap_size: -Xms2g in a 1 GiB
//    container is a 2 GiB maximum heap).
// `options` are the user's options in the JVM's order. nullopt when nothing sizes it (no -Xmx, no MaxRAM, no
// -Xms and `memory_bytes` 0). An estimate: the JVM rounds up to its heap alignment (2 MiB and more) and caps a heap
// sized without any of these flags at what compressed oops address (about 32 GiB); both are left out. Pure.
std::optional<std::uint64_t> expected_max_heap(const std::vector<std::string>& options, std::uint64_t memory_bytes,
                                               int added_percentage);

}  // namespace jvminit::jvm
