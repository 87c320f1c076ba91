// The files a JVM start writes into the heap dump and GC log directories: unique names per start, the
// retention limits, and the checks before start (directory exists and is writable, free space).
// HotSpot never overwrites an existing dump ("Unable to create ...: File exists") and creates no
// directories, and in containers the JVM's pid repeats after every restart (../shared/docs/jvm-facts.md).
//
// Layout: each start of the child gets a directory HEAP_DUMP_DIR/run-STAMP/, created before the start;
// -XX:HeapDumpPath names that directory, so HotSpot writes run-STAMP/java_pid<pid>.hprof, and the hs_err
// file is run-STAMP/hs_err_pid<pid>.log (-XX:ErrorFile expands %p). Two JVMs of one start (a shell that runs
// java twice) have different pids; two starts have different stamps: no name is ever used twice.
// GC logs are GC_LOG_DIR/gc-STAMP-pid<pid>.log (-Xlog and -Xloggc expand %p), rotated by the JVM.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jvm/heap_dump_format.hpp"
#include "jvm/java_tool_options.hpp"
#include "sys/fd.hpp"

namespace jvminit::jvm {

// "20261129T114355.123Z-1": UTC time of the start (milliseconds) and a sequence number from 1. Pure.
std::string start_stamp(std::chrono::system_clock::time_point now, int sequence);

// The names for one stamp: HeapDumpPath HEAP_DUMP_DIR/run-STAMP, ErrorFile HEAP_DUMP_DIR/run-STAMP/hs_err_pid%p.log,
// GC log GC_LOG_DIR/gc-STAMP-pid%p.log ("" for an empty directory). Pure.
OutputFiles output_files_for(const std::string& heap_dump_dir, const std::string& gc_log_dir, const std::string& stamp);

struct DumpFile {
    std::string name;         // path relative to the heap dump directory: "run-STAMP/java_pid7.hprof", "old.hprof"
    std::int64_t mtime_ns;    // modification time, for "oldest first"
    bool incomplete = false;  // a dump HotSpot did not finish and no JVM is still writing (heap_dump_format.hpp)
    std::uint64_t size_bytes = 0;
    bool held = false;  // in a run directory a running start holds: its JVM may write it now; counts, never deleted
    // The segment files of an unfinished parallel dump (heap_dump_segment_of), relative like `name`: deleted
    // with it. A dump with segments is incomplete once no JVM can be writing it (HotSpot removes them all
    // before it writes HEAP_DUMP_END). Segments whose dump is gone are one DumpFile: the first is `name`.
    std::vector<std::string> parts = {};
};

// The dump a file is a segment of, for a name "<dump>.p<N>" (N decimal, <dump> a dump's name: *.hprof,
// *.hprof.gz, or a JVM's later dump *.hprof.<M>): JDK 22+ (JDK-8306441) writes a heap with several threads, each into
// "<dump>.p<N>", merges them into <dump> and removes them (heapDumper.cpp, VM_HeapDumpMerge; also when the merge
// fails), so a segment outlives its JVM only when that JVM died during the dump (an OOM kill, SIGKILL, a crash).
// nullopt for any other name. Pure.
std::optional<std::string> heap_dump_segment_of(std::string_view name);

// Which existing heap dumps (*.hprof, *.hprof.gz, a JVM's later *.hprof.<N>) to delete so that, after the next
// dump, at most `keep` remain: the incomplete ones first, then the oldest complete ones, beyond the newest
// keep-1 (a truncated dump left by a full volume never costs a complete one its place). A held dump counts but is never
// chosen (then more than `keep` may remain until its start ends). A chosen dump's `parts` follow its name. `keep`
// 1-1000. Pure.
std::vector<std::string> dumps_to_delete(std::vector<DumpFile> existing, int keep);

// A dump is judged (heap_dump_format.hpp) only when no JVM can still be writing it: in a run directory no
// running start holds (flock(2), on a local file system), or, where that cannot be known (a dump at the
// directory's top level; a network file system, whose flock(2) on a directory other hosts do not see), when
// it has not been modified for this long (NFS caches attributes for up to a minute; JDK 22+ writes a large
// heap in parallel to other files before it completes the dump). A dump not judged counts as complete.
inline constexpr std::chrono::minutes kDumpWriteQuiet{10};

// Whether flock(2) on a directory of a file system of this type (statfs(2) f_type) is seen by every process
// that uses the file system: the local ones (ext4, xfs, btrfs, tmpfs, overlayfs, ...). Not on NFS, whose
// directories take only a lock of the host's own (fs/nfs/dir.c has no flock operation), SMB, FUSE or any
// type not known here. Pure.
bool directory_locks_are_shared(std::int64_t file_system_type);

// hs_err files of this many crashes are kept, the newest (HEAP_DUMP_DIR/run-STAMP/hs_err_pid<pid>.log, a
// few hundred KiB each): a crash loop (on-oom crash, a JVM that dies at start) does not fill the volume.
inline constexpr int kErrorFilesKept = 20;

// GC logs of this many starts are kept (each start's log rotates at 10 MB: the current file and 5 older ones on
// JDK 9+, -Xlog's filecount=5; 5 files in all on JDK 8, NumberOfGCLogFiles=5).
inline constexpr int kGcLogStartsKept = 5;

// Which GC log files ("gc-STAMP-pid7.log", "gc-STAMP-pid7.log.0", ...) to delete so that, with the next
// start's, the logs of at most `starts_kept` starts remain: the oldest stamps go first. Names that are not
// jvminit's GC logs are never chosen. Pure. (prepare_output spares the logs of a start that still runs.)
std::vector<std::string> gc_logs_to_delete(const std::vector<std::string>& names, int starts_kept);

// The name of a start's GC lock file in the GC log directory: "gc-STAMP.lock". Pure.
std::string gc_lock_name(const std::string& stamp);

// What a start's clean-up will do once its child runs (claim_output decides, clean_up_output does it).
struct PendingCleanUp {
    bool active = false;
    sys::UniqueFd dir_lock;  // the heap dump directory's exclusive flock(2), held from the stamp's choice on
    std::string heap_dump_dir, gc_dir, stamp;
    std::vector<std::filesystem::path> runs;  // the run directories listed (empty ones may go)
    std::vector<std::string> dumps;           // dumps to delete (dumps_to_delete), relative to heap_dump_dir
    std::vector<std::string> error_files;     // hs_err files to delete, relative to heap_dump_dir
    std::vector<std::string> gc_names;        // the GC log directory's listing before this start
    bool locks_shared = false;                // directory_locks_are_shared for the heap dump directory
};

struct PreparedOutput {
    OutputFiles files;
    // The start's run directory, open and holding a shared flock(2) for as long as this object lives (the
    // whole run): another start's clean-up leaves it alone even while it is empty. Invalid in a dry run, and
    // where the file system refuses flock(2) on a directory (no start's clean-up can remove it there).
    sys::UniqueFd run_dir_lock;
    // With GC logging: the start's GC lock file (GC_LOG_DIR/gc-STAMP.lock), open and holding an exclusive
    // flock(2) for as long as this object lives: another start's clean-up leaves this start's GC logs alone.
    // Invalid in a dry run, and where the file cannot be made or the file system refuses flock(2) or link(2).
    sys::UniqueFd gc_lock;
    std::vector<std::string> deleted;              // old dumps removed for the retention limit (full paths)
    std::vector<std::string> incomplete_dumps;     // dumps found incomplete (DumpFile), deleted or not (full paths)
    std::vector<std::string> deleted_error_files;  // old hs_err files removed (kErrorFilesKept; full paths)
    std::vector<std::string> warnings;             // e.g. an old dump that could not be deleted
    std::optional<std::string> error;              // the directory cannot be created or written: nothing may start
    std::uint64_t bytes_to_free = 0;               // the size of the dumps the clean-up deletes (free_space_warning)
    PendingCleanUp pending;                        // claim_output's decisions, until clean_up_output
};

// Creates the directories (mkdir -p, mode 0755), checks they are writable by creating and removing a
// file, picks a stamp no existing file uses and creates the start's run-STAMP directory (mkdir(2) decides
// between starts racing for one stamp on a shared directory; the loser takes the next sequence number),
// locks it and, as root, gives it the heap dump directory's owner, group and mode (a JVM that runs as another
// user writes there), then deletes old dumps for the retention limit, hs_err files of its run- directories beyond the
// newest kErrorFilesKept, run- directories with jvminit's stamps left empty that no running start holds
// (flock(2) LOCK_EX|LOCK_NB succeeds; a run-NAME of someone else's is never touched), and the GC logs of old
// starts that have ended (gc_logs_to_delete; a running start holds its GC lock file). Picking the
// stamp and cleaning up happen under an exclusive flock(2) of the heap dump directory (waited for up to 2 s; without
// it, empty run directories with jvminit's stamps stay), and the clean-up removes only stamps of a millisecond before
// its own: so a name, once used, is never taken again, however long a start was delayed. With an empty heap dump dir
// and GC logging off, does nothing (not even a system call). `dry_run` (explain) checks without creating or deleting
// anything. `start_time` is the time for the stamp; nullopt (what jvminit passes): the clock, read under the directory
// lock. Tests pass a fixed one.
PreparedOutput prepare_output(const std::string& heap_dump_dir, int keep, bool gc_log, const std::string& gc_log_dir,
                              bool dry_run,
                              std::optional<std::chrono::system_clock::time_point> start_time = std::nullopt);

// prepare_output in two steps, so that a start whose child cannot be launched deletes nothing: claim_output
// does everything up to the stamp's files (created and locked) and decides the clean-up (`pending`, under the
// heap dump directory's lock, kept until then; `incomplete_dumps` and `bytes_to_free` are known); after the
// launch, clean_up_output deletes what was decided and fills `deleted`, `deleted_error_files` and `warnings`;
// if the launch failed, give_back_output removes the start's own empty run directory and GC lock file instead
// and deletes nothing. Both do nothing without a pending clean-up (a dry run, an error, done already).
PreparedOutput claim_output(const std::string& heap_dump_dir, int keep, bool gc_log, const std::string& gc_log_dir,
                            bool dry_run,
                            std::optional<std::chrono::system_clock::time_point> start_time = std::nullopt);
void clean_up_output(PreparedOutput& out);
void give_back_output(PreparedOutput& out);

// A warning when the file system of the heap dump directory has less free space (statvfs(3) f_bavail,
// what an unprivileged writer may use) plus `bytes_to_free` (dumps a pending clean-up deletes) than
// `max_heap_bytes`: a dump of a full heap is about that size.
// nullopt when it fits, when the directory is empty ("") or statvfs fails.
std::optional<std::string> free_space_warning(const std::string& heap_dump_dir, std::uint64_t max_heap_bytes,
                                              std::uint64_t bytes_to_free = 0);

// The bytes free for an unprivileged writer on the heap dump directory's file system (statvfs(3): f_bavail
// blocks of f_frsize bytes), as free_space_warning counts them; nullopt for no directory or a failed statvfs.
std::optional<std::uint64_t> free_bytes_for_dumps(const std::string& heap_dump_dir);

}  // namespace jvminit::jvm
