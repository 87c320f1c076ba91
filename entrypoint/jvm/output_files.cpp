#include "jvm/output_files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>

#include "sys/error.hpp"

namespace jvminit::jvm {

namespace fs = std::filesystem;

namespace {

// The width of a stamp's time part, "20261129T114355.123Z" (start_stamp).
constexpr std::size_t kStampTimeWidth = 20;

// Whether `text` is a decimal number: one digit or more, nothing else.
bool is_number(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether `stamp` has start_stamp's shape, YYYYMMDDTHHMMSS.mmmZ-N: never true for a user's own name.
bool is_start_stamp(std::string_view stamp) {
    static const char* const kShape = "ddddddddTdddddd.dddZ-";  // 'd': a digit
    const std::size_t n = std::char_traits<char>::length(kShape);
    if (stamp.size() <= n) return false;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = stamp[i];
        if (kShape[i] == 'd' ? !(c >= '0' && c <= '9') : c != kShape[i]) return false;
    }
    return is_number(stamp.substr(n));
}

}  // namespace

std::string start_stamp(std::chrono::system_clock::time_point now, int sequence) {
    // UTC civil time by calendar arithmetic (C++20 <chrono>): gmtime_r would read /etc/localtime first.
    using namespace std::chrono;
    const auto ms_total = floor<milliseconds>(now);
    const auto day = floor<days>(ms_total);
    const year_month_day date{day};
    const hh_mm_ss<milliseconds> time{ms_total - day};
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%04d%02u%02uT%02d%02d%02d.%03dZ-%d", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()), static_cast<int>(time.subseconds().count()), sequence);
    return buffer;
}

OutputFiles output_files_for(const std::string& heap_dump_dir, const std::string& gc_log_dir,
                             const std::string& stamp) {
    OutputFiles files;
    if (!heap_dump_dir.empty()) {
        fs::path run = fs::path(heap_dump_dir) / ("run-" + stamp);
        files.heap_dump_path = run.string();
        files.error_file = (run / "hs_err_pid%p.log").string();
    }
    if (!gc_log_dir.empty()) files.gc_log_path = (fs::path(gc_log_dir) / ("gc-" + stamp + "-pid%p.log")).string();
    return files;
}

namespace {

// The stamp of a GC log "gc-" STAMP "-pid" ...: only jvminit's, YYYYMMDDTHHMMSS.mmmZ-N (start_stamp), never
// a user's own gc-x-pid1.log.
std::optional<std::string> gc_log_stamp(const std::string& name) {
    if (name.rfind("gc-", 0) != 0) return std::nullopt;
    std::size_t pid = name.find("-pid", 3);
    if (pid == std::string::npos || pid == 3) return std::nullopt;
    std::string stamp = name.substr(3, pid - 3);
    if (!is_start_stamp(stamp)) return std::nullopt;
    return stamp;
}

// The stamp of a start's GC lock file, "gc-" STAMP ".lock" (gc_lock_name).
std::optional<std::string> gc_lock_stamp(const std::string& name) {
    constexpr std::string_view kSuffix = ".lock";
    if (name.rfind("gc-", 0) != 0 || name.size() <= 3 + kSuffix.size() ||
        name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
        return std::nullopt;
    std::string stamp = name.substr(3, name.size() - 3 - kSuffix.size());
    if (!is_start_stamp(stamp)) return std::nullopt;
    return stamp;
}

}  // namespace

std::string gc_lock_name(const std::string& stamp) {
    return "gc-" + stamp + ".lock";
}

std::vector<std::string> gc_logs_to_delete(const std::vector<std::string>& names, int starts_kept) {
    // The stamp sorts by time (fixed-width UTC time), then by sequence number.
    const auto stamp_of = gc_log_stamp;
    auto sequence_of = [](const std::string& stamp) {
        std::size_t dash = stamp.rfind('-');
        std::uint64_t sequence = 0;
        if (dash != std::string::npos) std::from_chars(stamp.data() + dash + 1, stamp.data() + stamp.size(), sequence);
        return std::pair(stamp.substr(0, dash), sequence);
    };
    std::vector<std::string> stamps;
    for (const auto& name : names)
        if (auto stamp = stamp_of(name); stamp && std::find(stamps.begin(), stamps.end(), *stamp) == stamps.end())
            stamps.push_back(*stamp);
    std::sort(stamps.begin(), stamps.end(),
              [&](const std::string& a, const std::string& b) { return sequence_of(a) < sequence_of(b); });
    const std::size_t kept = starts_kept > 0 ? static_cast<std::size_t>(starts_kept - 1) : 0;
    if (stamps.size() <= kept) return {};
    std::vector<std::string> old_stamps(stamps.begin(), stamps.end() - static_cast<std::ptrdiff_t>(kept));
    std::vector<std::string> doomed;
    for (const auto& name : names) {
        auto stamp = stamp_of(name);
        if (stamp && std::find(old_stamps.begin(), old_stamps.end(), *stamp) != old_stamps.end())
            doomed.push_back(name);
    }
    return doomed;
}

std::vector<std::string> dumps_to_delete(std::vector<DumpFile> existing, int keep) {
    std::sort(existing.begin(), existing.end(), [](const DumpFile& a, const DumpFile& b) {
        if (a.incomplete != b.incomplete) return !a.incomplete;                       // complete ones first: kept first
        return a.mtime_ns != b.mtime_ns ? a.mtime_ns > b.mtime_ns : a.name > b.name;  // newest first
    });
    std::vector<std::string> doomed;
    const std::size_t kept = keep > 0 ? static_cast<std::size_t>(keep - 1) : 0;
    for (std::size_t i = kept; i < existing.size(); ++i) {
        if (existing[i].held) continue;
        doomed.push_back(existing[i].name);
        doomed.insert(doomed.end(), existing[i].parts.begin(), existing[i].parts.end());
    }
    return doomed;
}

bool directory_locks_are_shared(std::int64_t file_system_type) {
    // linux/magic.h, and ZFS's and bcachefs's own.
    constexpr std::int64_t kLocal[] = {
        0xEF53,      // ext2, ext3, ext4
        0x58465342,  // xfs
        0x9123683E,  // btrfs
        0x01021994,  // tmpfs
        0x858458F6,  // ramfs
        0x794C7630,  // overlayfs
        0xF2F52010,  // f2fs
        0x2FC12FC1,  // zfs
        0x52654973,  // reiserfs
        0x3153464A,  // jfs
        0xCA451A4E,  // bcachefs
    };
    return std::find(std::begin(kLocal), std::end(kLocal), file_system_type) != std::end(kLocal);
}

namespace {

// The first component of `dir` that is a symbolic link which does not resolve (to nothing, or in a loop),
// described: "/data/dumps is a symbolic link to /mnt/gone, which does not resolve".
std::optional<std::string> unresolvable_link_in(const std::string& dir) {
    fs::path prefix;
    for (const auto& part : fs::path(dir)) {
        if (part.empty()) continue;  // the empty last element of a trailing slash
        prefix /= part;
        std::error_code ec;
        if (fs::is_symlink(fs::symlink_status(prefix, ec)) && !fs::exists(prefix, ec))
            return prefix.string() + " is a symbolic link to " + fs::read_symlink(prefix, ec).string() +
                   ", which does not resolve";
    }
    return std::nullopt;
}

std::optional<std::string> ensure_writable_dir(const std::string& dir, const char* what, bool dry_run) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        if (auto link = unresolvable_link_in(dir))  // mkdir would only say "File exists"
            return std::string(what) + " " + dir + ": " + *link;
        if (dry_run) {
            // It would be created: its nearest existing ancestor must be a directory we can write to.
            fs::path ancestor = fs::path(dir).parent_path();
            while (!ancestor.empty() && !fs::exists(ancestor, ec) && ancestor != ancestor.root_path())
                ancestor = ancestor.parent_path();
            if (!fs::is_directory(ancestor, ec))
                return std::string(what) + " " + dir + ": cannot create it: " + ancestor.string() +
                       " is not a directory";
            if (::access(ancestor.c_str(), W_OK | X_OK) != 0)
                return std::string(what) + " " + dir + ": cannot create it: " + ancestor.string() + " is not writable";
            return std::nullopt;
        }
        fs::create_directories(dir, ec);
        if (ec) return std::string(what) + " " + dir + ": cannot create it: " + ec.message();
    }
    if (!fs::is_directory(dir, ec)) return std::string(what) + " " + dir + ": not a directory";
    if (dry_run) {
        if (::access(dir.c_str(), W_OK | X_OK) != 0)
            return std::string(what) + " " + dir + ": not writable: " + std::strerror(errno);
        return std::nullopt;
    }
    std::string probe = (fs::path(dir) / ".jvminit-write-test-XXXXXX").string();
    int fd = ::mkstemp(probe.data());
    if (fd < 0) return std::string(what) + " " + dir + ": not writable: " + std::strerror(errno);
    ::close(fd);
    ::unlink(probe.c_str());
    return std::nullopt;
}

// A heap dump's name: *.hprof, or *.hprof.gz as HotSpot names it with -XX:HeapDumpGzipLevel (JDK 15+), and a
// later dump of the same JVM, "<first>.<N>" (heapDumper.cpp numbers the dumps after the first one a JVM writes
// to its HeapDumpPath: -XX:+HeapDumpBeforeFullGC, -XX:+HeapDumpAfterFullGC, then its OOM dump).
bool is_dump_name(std::string_view name) {
    if (const std::size_t dot = name.rfind('.'); dot != std::string_view::npos && is_number(name.substr(dot + 1)))
        name = name.substr(0, dot);
    // A name, not only the suffix (".hprof" alone is no dump).
    return (name.size() > 6 && name.ends_with(".hprof")) || (name.size() > 9 && name.ends_with(".hprof.gz"));
}

// What -XX:ErrorFile=run-STAMP/hs_err_pid%p.log names.
bool is_error_file(const fs::path& file) {
    const std::string name = file.filename().string();
    return name.rfind("hs_err_pid", 0) == 0 && file.extension() == ".log";
}

// Up to `length` bytes of `fd` from `offset` into `buffer` (fewer at the end of the file); retries EINTR and
// short reads. Throws SystemError when pread(2) fails.
std::size_t read_at(int fd, std::uint64_t offset, char* buffer, std::size_t length) {
    std::size_t done = 0;
    while (done < length) {
        const ssize_t n = sys::retry_on_eintr(
            [&] { return ::pread(fd, buffer + done, length - done, static_cast<off_t>(offset + done)); });
        if (n < 0) sys::throw_errno("pread");
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    return done;
}

// Whether the file `path` (itself, not what a link names) is a heap dump HotSpot did not finish, plain HPROF
// or gzipped (heap_dump_format.hpp), from its first and last bytes (about a block of a gzip dump, 1 MiB with
// the JDK's blocks, read 64 KiB at a time). False when it cannot be read.
bool file_is_incomplete_dump(const fs::path& path) {
    sys::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0) return false;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    try {
        char head[std::max(kHprofMagic.size(), kGzipHprofHeadBytes)];
        const std::size_t head_bytes = read_at(fd.get(), 0, head, std::min<std::uint64_t>(sizeof head, size));
        const std::string_view head_read(head, head_bytes);
        if (read_gzip_hprof_head(head_read.substr(0, kGzipHprofHeadBytes), size).kind != GzipHprofHead::Kind::Other) {
            const ReadAt read = [&fd](std::uint64_t offset, char* buffer, std::size_t length) {
                return read_at(fd.get(), offset, buffer, length);
            };
            return gzip_hprof_is_incomplete(head_read.substr(0, kGzipHprofHeadBytes), read, size);
        }
        char tail[kHprofEndRecordBytes];
        const std::size_t tail_wanted = std::min<std::uint64_t>(sizeof tail, size);
        const std::size_t tail_bytes = read_at(fd.get(), size - tail_wanted, tail, tail_wanted);
        if (tail_bytes != tail_wanted) return false;  // the file shrank meanwhile
        return hprof_is_incomplete(head_read.substr(0, kHprofMagic.size()), std::string_view(tail, tail_bytes), size);
    } catch (const std::exception&) {
        return false;  // cannot be read: not judged
    }
}

// Whether a running start holds the run directory `run` (its shared flock(2), lock_run_dir), so that its JVM
// may be writing a dump there right now: Held; Free when the lock was granted (and given back); Unknown
// where it cannot be tested (flock(2) refused) or `run` cannot be opened. Only on a file system whose
// directory locks every host sees (directory_locks_are_shared): elsewhere the caller takes Unknown.
enum class RunDirState { Held, Free, Unknown };
RunDirState run_dir_state(const fs::path& run) {
    sys::UniqueFd fd(::open(run.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return RunDirState::Unknown;
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return RunDirState::Free;
    return errno == EWOULDBLOCK ? RunDirState::Held : RunDirState::Unknown;
}

// The files of `dir` (names prefixed with `prefix`): heap dumps (is_dump_name) into `dumps`, each with its segment
// files (heap_dump_segment_of) as its parts, and hs_err files into `error_files` when it is given (the run
// directories': not the user's own beside them). A dump is marked held in a run directory a running start holds,
// and judged only when no JVM can still be writing it: in a run directory no running start holds, or, where that
// cannot be known (the top level, a file system whose directory locks other hosts do not see: `locks_shared`
// false), when none of its files changed for kDumpWriteQuiet. Then a dump with segments, or segments without their
// dump, are incomplete, and a dump alone is judged by its bytes (file_is_incomplete_dump). With `runs` (the top
// level), the same listing gives the run-STAMP directories of the starts so far: directories themselves (a
// symbolic link named run-x leads elsewhere) with jvminit's names only (a run-mine of the user's, and what is in
// it, stays out).
void add_files_in(const fs::path& dir, const std::string& prefix, bool locks_shared, std::vector<DumpFile>& dumps,
                  std::vector<DumpFile>* error_files, std::vector<fs::path>* runs = nullptr) {
    struct Found {
        std::string name;  // in `dir`
        fs::file_time_type time;
        std::uint64_t size_bytes;
    };
    const auto nanoseconds = [](fs::file_time_type time) {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
    };
    std::vector<Found> found_dumps;
    std::map<std::string, std::vector<Found>> found_segments;  // by the name of the dump they are segments of
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& entry = *it;
        std::error_code type_ec;
        // The file itself, not what a symbolic link names: a link is not a dump jvminit's JVMs wrote.
        const fs::file_type type = entry.symlink_status(type_ec).type();
        std::string name = entry.path().filename().string();
        if (runs && type == fs::file_type::directory && name.rfind("run-", 0) == 0 &&
            is_start_stamp(std::string_view(name).substr(4)))
            runs->push_back(entry.path());
        if (type != fs::file_type::regular) continue;
        const bool is_dump = is_dump_name(name);
        std::optional<std::string> segment_of = is_dump ? std::nullopt : heap_dump_segment_of(name);
        const bool is_error = !is_dump && !segment_of && error_files && is_error_file(entry.path());
        if (!is_dump && !segment_of && !is_error) continue;
        const auto time = entry.last_write_time(type_ec);
        if (type_ec) continue;
        const std::uintmax_t size = entry.file_size(type_ec);
        Found found{std::move(name), time, type_ec ? 0 : static_cast<std::uint64_t>(size)};
        if (is_error)
            error_files->push_back({prefix + found.name, nanoseconds(time), false, found.size_bytes, false});
        else if (segment_of)
            found_segments[*segment_of].push_back(std::move(found));
        else
            found_dumps.push_back(std::move(found));
    }
    if (found_dumps.empty() && found_segments.empty()) return;
    RunDirState state = prefix.empty() ? RunDirState::Unknown : run_dir_state(dir);
    if (!locks_shared && state == RunDirState::Free) state = RunDirState::Unknown;
    // One dump: `dump` (nullptr for segments whose dump is gone) and its segments, sorted here by name.
    const auto add = [&](const Found* dump, std::vector<Found>& segments) {
        std::sort(segments.begin(), segments.end(), [](const Found& a, const Found& b) { return a.name < b.name; });
        DumpFile file;
        file.name = prefix + (dump ? dump->name : segments.front().name);
        fs::file_time_type newest = dump ? dump->time : segments.front().time;
        file.size_bytes = dump ? dump->size_bytes : 0;
        for (std::size_t k = 0; k < segments.size(); ++k) {
            if (dump || k > 0) file.parts.push_back(prefix + segments[k].name);  // else it is `name`
            newest = std::max(newest, segments[k].time);
            file.size_bytes += segments[k].size_bytes;
        }
        file.mtime_ns = nanoseconds(dump ? dump->time : newest);
        const bool written_by_none =
            state == RunDirState::Free ||
            (state == RunDirState::Unknown && fs::file_time_type::clock::now() - newest > kDumpWriteQuiet);
        file.incomplete = written_by_none && (!segments.empty() || file_is_incomplete_dump(dir / dump->name));
        file.held = state == RunDirState::Held;
        dumps.push_back(std::move(file));
    };
    std::vector<Found> none;
    for (const Found& dump : found_dumps) {
        const auto segments = found_segments.find(dump.name);
        add(&dump, segments == found_segments.end() ? none : segments->second);
        if (segments != found_segments.end()) found_segments.erase(segments);
    }
    for (auto& orphaned : found_segments) add(nullptr, orphaned.second);  // their dump is gone
}

// Deletes DIR/RELATIVE, a file listed in DIR or in one of its run directories ("run-STAMP/name"), with
// unlinkat(2) below an O_NOFOLLOW open of that run directory: one replaced by a symbolic link after the
// listing cannot send the deletion out of DIR.
bool remove_listed(const std::string& dir, const std::string& relative, std::error_code& ec) {
    sys::UniqueFd parent(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::string name = relative;
    const std::size_t slash = relative.find('/');
    if (parent && slash != std::string::npos) {
        parent = sys::UniqueFd(
            ::openat(parent.get(), relative.substr(0, slash).c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        name = relative.substr(slash + 1);
    }
    if (!parent || ::unlinkat(parent.get(), name.c_str(), 0) != 0) {
        ec = std::error_code(errno, std::generic_category());
        return false;
    }
    ec.clear();
    return true;
}

// The heap dumps (is_dump_name) and their segments in the directory itself and in its run-STAMP directories, found
// into `runs`, and the hs_err files of those: one listing of each directory for all.
void list_dumps(const std::string& dir, bool locks_shared, std::vector<DumpFile>& dumps,
                std::vector<DumpFile>& error_files, std::vector<fs::path>& runs) {
    add_files_in(dir, "", locks_shared, dumps, nullptr, &runs);
    for (const auto& run : runs) add_files_in(run, run.filename().string() + "/", locks_shared, dumps, &error_files);
}

// Whether directory locks on `dir`'s file system are seen by every host (directory_locks_are_shared).
bool directory_locks_are_shared_at(const std::string& dir) {
    struct statfs fs_info {};
    return ::statfs(dir.c_str(), &fs_info) == 0 &&
           directory_locks_are_shared(static_cast<std::int64_t>(fs_info.f_type));
}

std::vector<std::string> list_names(const std::string& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        names.push_back(it->path().filename().string());
    return names;
}

// Opens the run directory and takes a shared flock(2) on it: held for as long as the start lives, it keeps
// other starts' clean-up away. `gone`: the directory was removed between mkdir and the lock (another start's
// clean-up, after a clock step back). A file system that refuses flock on a directory gives no lock and not
// gone: no start's clean-up can lock it there either, so it is safe. On NFS the lock is granted but is the
// host's own (fs/nfs/dir.c has no flock operation): other hosts' clean-up leaves run directories alone there
// (directory_locks_are_shared).
struct RunDirLock {
    sys::UniqueFd fd;
    bool gone = false;
};
RunDirLock lock_run_dir(const std::string& path) {
    RunDirLock lock;
    sys::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        lock.gone = errno == ENOENT || errno == ENOTDIR || errno == ELOOP;
        return lock;
    }
    if (::flock(fd.get(), LOCK_SH) != 0) return lock;
    struct stat opened {};
    struct stat named {};
    if (::fstat(fd.get(), &opened) != 0 || ::stat(path.c_str(), &named) != 0 || opened.st_dev != named.st_dev ||
        opened.st_ino != named.st_ino) {
        lock.gone = true;
        return lock;
    }
    lock.fd = std::move(fd);
    return lock;
}

// The start's GC lock file GC_DIR/gc-STAMP.lock, holding an exclusive flock(2) for as long as the start lives:
// other starts' clean-up then leaves its GC logs alone while its JVM writes them. It is made under a
// temporary name, locked, and only then given its name with link(2): no other start ever sees it unlocked,
// and `taken` says the name was there already (another start's, of the same stamp). No lock file at all when
// the file cannot be made or the file system refuses flock(2) or link(2): the start's logs then go by the
// count alone, as on a file system where no start can lock.
struct GcLockClaim {
    sys::UniqueFd fd;
    bool taken = false;
};
constexpr std::string_view kGcLockTempPrefix = ".jvminit-gc-lock-";
GcLockClaim claim_gc_lock(const std::string& gc_dir, const std::string& stamp) {
    GcLockClaim claim;
    std::string temp = (fs::path(gc_dir) / (std::string(kGcLockTempPrefix) + "XXXXXX")).string();
    sys::UniqueFd fd(::mkostemp(temp.data(), O_CLOEXEC));
    if (!fd) return claim;
    ::fchmod(fd.get(), 0644);  // readable for the check of starts that run as other users
    const std::string path = (fs::path(gc_dir) / gc_lock_name(stamp)).string();
    const bool locked = ::flock(fd.get(), LOCK_EX) == 0;
    const bool linked = locked && ::link(temp.c_str(), path.c_str()) == 0;
    const int link_error = errno;
    ::unlink(temp.c_str());
    if (linked)
        claim.fd = std::move(fd);
    else
        claim.taken = locked && link_error == EEXIST;
    return claim;
}

// Whether the start of `stamp` has ended: it has no GC lock file (an older jvminit's start, or a file system
// where it could not make one), or no running start holds it (flock(2) LOCK_SH|LOCK_NB succeeds). A lock
// that cannot be tested, or a non-regular file of that name, counts as running: its logs are kept.
bool gc_start_ended(const std::string& gc_dir, const std::string& stamp) {
    const std::string path = (fs::path(gc_dir) / gc_lock_name(stamp)).string();
    // O_NONBLOCK: a FIFO of that name must not hold the start up (open(2) of a FIFO waits for a writer).
    sys::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) return errno == ENOENT;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return false;  // not a lock file of jvminit's
    // The holder's lock is exclusive: a shared one, which needs only read access (NFS refuses an exclusive
    // lock on a file opened read-only), is granted only when no start holds it. Anything else: keep.
    return ::flock(fd.get(), LOCK_SH | LOCK_NB) == 0;
}

// Deletes the GC logs of old starts (gc_logs_to_delete) unless the start still runs, with their lock files,
// and the lock files of ended starts that left no log (a child that ran no JVM). `names`: the directory's
// listing before this start; `own_stamp`: this start's.
void remove_old_gc_logs(const std::string& gc_dir, const std::vector<std::string>& names,
                        const std::string& own_stamp) {
    std::vector<std::string> doomed_stamps, running_stamps;
    const auto ended = [&](const std::string& stamp) {
        if (std::find(doomed_stamps.begin(), doomed_stamps.end(), stamp) != doomed_stamps.end()) return true;
        if (std::find(running_stamps.begin(), running_stamps.end(), stamp) != running_stamps.end()) return false;
        const bool result = gc_start_ended(gc_dir, stamp);
        (result ? doomed_stamps : running_stamps).push_back(stamp);
        return result;
    };
    std::error_code ec;
    for (const auto& name : gc_logs_to_delete(names, kGcLogStartsKept))
        if (ended(*gc_log_stamp(name))) fs::remove(fs::path(gc_dir) / name, ec);
    for (const auto& name : names) {
        const auto stamp = gc_lock_stamp(name);
        if (!stamp || *stamp == own_stamp) continue;
        const bool has_logs = std::any_of(names.begin(), names.end(),
                                          [&](const std::string& other) { return gc_log_stamp(other) == stamp; });
        const bool doomed = std::find(doomed_stamps.begin(), doomed_stamps.end(), *stamp) != doomed_stamps.end();
        if (doomed || (!has_logs && ended(*stamp))) fs::remove(fs::path(gc_dir) / name, ec);
    }
    // A start killed between making its lock file and linking it (microseconds) leaves the temporary
    // name behind: gone once it is a minute old, when no start can still be using it.
    const auto minute_ago = fs::file_time_type::clock::now() - std::chrono::minutes(1);
    for (const auto& name : names) {
        if (name.rfind(kGcLockTempPrefix, 0) != 0) continue;
        const fs::path path = fs::path(gc_dir) / name;
        if (fs::is_regular_file(fs::symlink_status(path, ec)) && fs::last_write_time(path, ec) < minute_ago && !ec)
            fs::remove(path, ec);
    }
}

// Gives a run directory that jvminit (root) just made the owner, group and permission bits of the heap dump
// directory: whoever may write the directory (the JVM's user after gosu, su-exec or setpriv dropped root)
// may write the run directory, where the JVM puts its dump and hs_err file. `run_fd`: the run directory,
// open (the one lock_run_dir checked against the name); -1: opened here without following a link. As
// another user than root jvminit changes nothing (it cannot give a file away, and its child cannot switch
// users). The mode is copied even when the owner cannot be (a user namespace that does not map the
// directory's owner). Returns a warning when DIR's owner cannot write the run directory in the end.
std::optional<std::string> give_dump_dir_access(const std::string& dir, const std::string& run, int run_fd) {
    if (::geteuid() != 0) return std::nullopt;
    struct stat parent {};
    if (::stat(dir.c_str(), &parent) != 0) return std::nullopt;
    sys::UniqueFd opened;
    if (run_fd < 0) {
        opened = sys::UniqueFd(::open(run.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        run_fd = opened.get();
    }
    struct stat made {};
    if (run_fd < 0 || ::fstat(run_fd, &made) != 0) return std::nullopt;
    int error = 0;
    if ((made.st_uid != parent.st_uid || made.st_gid != parent.st_gid) &&
        ::fchown(run_fd, parent.st_uid, parent.st_gid) != 0)
        error = errno;
    if ((made.st_mode & 07777) != (parent.st_mode & 07777) && ::fchmod(run_fd, parent.st_mode & 07777) != 0)
        error = errno;
    if (error == 0 || (parent.st_mode & S_IWOTH)) return std::nullopt;  // all may write it anyway
    return "heap dump directory " + dir + ": cannot give " + run + " the directory's owner and mode (" +
           std::strerror(error) + "): a JVM running as uid " + std::to_string(parent.st_uid) +
           " (the directory's owner) cannot dump there";
}

// Takes an exclusive flock(2) on the heap dump directory itself, for the moment a start picks its stamp and
// cleans up: so a start that read the clock is never overtaken by another's clean-up removing the name it is
// about to take. Tries for up to kDirLockWaitMs (a start holds it for well under a millisecond; one frozen
// mid-start, by docker pause, must not stall the others for ever). Invalid when not taken: timed out, or
// the file system refuses flock on a directory. On NFS it is the host's own lock only (see lock_run_dir).
constexpr int kDirLockWaitMs = 2000;
sys::UniqueFd lock_dump_dir(const std::string& dir, bool& timed_out) {
    timed_out = false;
    sys::UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) return {};
    for (int waited_ms = 0;; ++waited_ms) {
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return fd;
        if (errno != EWOULDBLOCK) return {};
        if (waited_ms >= kDirLockWaitMs) {
            timed_out = true;
            return {};
        }
        struct timespec one_ms {
            0, 1000000
        };
        ::nanosleep(&one_ms, nullptr);
    }
}

}  // namespace

std::optional<std::string> heap_dump_segment_of(std::string_view name) {
    const std::size_t dot = name.rfind(".p");
    if (dot == std::string_view::npos || !is_number(name.substr(dot + 2)) || !is_dump_name(name.substr(0, dot)))
        return std::nullopt;
    return std::string(name.substr(0, dot));
}

PreparedOutput claim_output(const std::string& heap_dump_dir, int keep, bool gc_log, const std::string& gc_log_dir,
                            bool dry_run, std::optional<std::chrono::system_clock::time_point> start_time) {
    PreparedOutput out;
    if (heap_dump_dir.empty() && !gc_log) return out;  // no file to name: nothing to check or create
    std::string gc_dir = gc_log ? (gc_log_dir.empty() ? heap_dump_dir : gc_log_dir) : std::string();
    if (gc_log && gc_dir.empty()) {
        std::error_code ec;
        gc_dir = fs::current_path(ec).string();
        if (ec || gc_dir.empty()) {
            out.error = "GC log directory: the working directory cannot be found (" + ec.message() +
                        "); set JVMINIT_GC_LOG_DIR";
            return out;
        }
        if (gc_dir.find_first_of("%:\"") != std::string::npos) {
            out.error = "GC log directory: the working directory " + gc_dir +
                        " holds %, : or \", which -Xlog cannot take in a file name; set JVMINIT_GC_LOG_DIR";
            return out;
        }
    }
    if (!heap_dump_dir.empty()) {
        if (auto error = ensure_writable_dir(heap_dump_dir, "heap dump directory", dry_run)) {
            out.error = *error;
            return out;
        }
    }
    if (!gc_dir.empty() && gc_dir != heap_dump_dir) {
        if (auto error = ensure_writable_dir(gc_dir, "GC log directory", dry_run)) {
            out.error = *error;
            if (gc_log_dir.empty() && heap_dump_dir.empty())
                *out.error +=
                    " (the working directory, since neither JVMINIT_GC_LOG_DIR nor JVMINIT_HEAP_DUMP_DIR is set)";
            return out;
        }
    }
    // Starts on one directory (containers sharing a volume) pick names and clean up one at a time, and the
    // clock is read inside: a clean-up removes only run directories of an earlier millisecond than its own
    // stamp, so every start after it reads a later time and cannot take a removed name again.
    bool lock_timed_out = false;
    sys::UniqueFd dir_lock =
        dry_run || heap_dump_dir.empty() ? sys::UniqueFd() : lock_dump_dir(heap_dump_dir, lock_timed_out);
    if (lock_timed_out)
        out.warnings.push_back("heap dump directory " + heap_dump_dir + ": another start held its lock for " +
                               std::to_string(kDirLockWaitMs / 1000) +
                               " s (flock(2)); going on without removing empty run directories");
    const auto now = start_time.value_or(std::chrono::system_clock::now());
    // A stamp that no existing file uses, picked before anything old is deleted: so no start ever reuses
    // the name of an earlier one, even one deleted just now. The run directory is created in the same loop:
    // mkdir(2) is atomic, so another jvminit that picked the same stamp without the directory lock (it timed
    // out) finds it taken and moves on to the next sequence number.
    const std::vector<std::string> gc_names = gc_dir.empty() ? std::vector<std::string>() : list_names(gc_dir);
    constexpr int kMaxSequence = 100000;
    std::string chosen_stamp;
    for (int sequence = 1;; ++sequence) {
        const std::string stamp = start_stamp(now, sequence);
        OutputFiles files = output_files_for(heap_dump_dir, gc_dir, stamp);
        std::error_code ec;
        bool taken = !files.heap_dump_path.empty() && fs::exists(files.heap_dump_path, ec);
        for (const auto& name : gc_names)
            if (name.rfind("gc-" + stamp + "-", 0) == 0 || name == gc_lock_name(stamp)) taken = true;
        if (taken && sequence < kMaxSequence) continue;
        out.files = files;
        chosen_stamp = stamp;
        if (dry_run) break;
        // The GC lock file's link(2) decides between starts racing for one stamp on a GC log directory (they
        // may have different heap dump directories); the run directory, if any, is made first and given
        // back when the GC stamp turns out taken.
        const auto claim_gc_stamp = [&]() {
            if (gc_dir.empty()) return true;
            GcLockClaim claim = claim_gc_lock(gc_dir, stamp);
            if (claim.taken && sequence < kMaxSequence) return false;
            out.gc_lock = std::move(claim.fd);
            return true;
        };
        if (heap_dump_dir.empty()) {
            if (claim_gc_stamp()) break;
            continue;
        }
        if (fs::create_directory(files.heap_dump_path, ec) && !ec) {
            RunDirLock lock = lock_run_dir(files.heap_dump_path);
            if (!lock.gone) {
                if (!claim_gc_stamp()) {
                    lock.fd = sys::UniqueFd();
                    ::rmdir(files.heap_dump_path.c_str());  // this start's, empty: the next number
                    continue;
                }
                if (auto warning = give_dump_dir_access(heap_dump_dir, files.heap_dump_path, lock.fd.get()))
                    out.warnings.push_back(*warning);
                out.run_dir_lock = std::move(lock.fd);
                break;
            }
            // Removed by another start's clean-up before it was locked: take the next number.
            if (sequence < kMaxSequence) continue;
            out.error = "heap dump directory " + heap_dump_dir + ": " + files.heap_dump_path +
                        " was removed right after it was created, " + std::to_string(kMaxSequence) + " times";
            return out;
        }
        if (ec == std::errc::file_exists && sequence < kMaxSequence) continue;  // another start's, just now
        if (ec || sequence >= kMaxSequence) {
            out.error = "heap dump directory " + heap_dump_dir + ": cannot create " + files.heap_dump_path + ": " +
                        (ec ? ec.message() : std::string("it exists"));
            return out;
        }
    }
    if (dry_run) return out;
    // What the clean-up after the start will delete, decided now, under the directory lock (kept until then).
    PendingCleanUp& pending = out.pending;
    pending.active = true;
    pending.heap_dump_dir = heap_dump_dir;
    pending.gc_dir = gc_dir;
    pending.gc_names = gc_names;
    pending.stamp = chosen_stamp;
    if (!heap_dump_dir.empty()) {
        // One listing serves all: deleting dumps empties run directories but adds or removes none.
        pending.locks_shared = directory_locks_are_shared_at(heap_dump_dir);
        std::vector<DumpFile> dumps, error_files;
        list_dumps(heap_dump_dir, pending.locks_shared, dumps, error_files, pending.runs);
        for (const auto& dump : dumps)
            if (dump.incomplete) out.incomplete_dumps.push_back((fs::path(heap_dump_dir) / dump.name).string());
        pending.dumps = dumps_to_delete(dumps, keep);
        for (const auto& dump : dumps)
            if (std::find(pending.dumps.begin(), pending.dumps.end(), dump.name) != pending.dumps.end())
                out.bytes_to_free += dump.size_bytes;
        // The same retention for the crash logs, with a fixed count (dumps_to_delete: "after the next one").
        pending.error_files = dumps_to_delete(std::move(error_files), kErrorFilesKept);
    }
    pending.dir_lock = std::move(dir_lock);
    return out;
}

void clean_up_output(PreparedOutput& out) {
    PendingCleanUp& pending = out.pending;
    if (!pending.active) return;
    pending.active = false;
    const std::string& heap_dump_dir = pending.heap_dump_dir;
    if (!heap_dump_dir.empty()) {
        std::error_code ec;
        // Deletes `names` (relative to the directory), each into `deleted` or a warning naming `what`.
        const auto remove_old = [&](const std::vector<std::string>& names, std::vector<std::string>& deleted,
                                    const char* what) {
            for (const auto& name : names) {
                std::string path = (fs::path(heap_dump_dir) / name).string();
                if (remove_listed(heap_dump_dir, name, ec))
                    deleted.push_back(path);
                else
                    out.warnings.push_back(std::string("could not delete old ") + what + " " + path + ": " +
                                           ec.message());
            }
        };
        remove_old(pending.dumps, out.deleted, "heap dump");
        remove_old(pending.error_files, out.deleted_error_files, "hs_err file");
        // Directories of earlier starts that hold nothing (no OOM then, or their dump deleted just now), unless
        // a running start holds them (another container on the same volume: its JVM may still dump there).
        // jvminit's own names only of an earlier millisecond, and only under the directory lock (see above) on a
        // file system whose directory locks every host sees; otherwise they stay (nothing is lost: they are
        // empty; on NFS another host's running start would look free, and its JVM creates no directory).
        const std::string own_time = fs::path(out.files.heap_dump_path).filename().string().substr(4, kStampTimeWidth);
        for (const auto& run : pending.runs) {
            if (run == fs::path(out.files.heap_dump_path) || !fs::is_empty(run, ec) || ec) continue;
            const std::string stamp = run.filename().string().substr(4);  // a start stamp (add_files_in)
            if (!pending.dir_lock || !pending.locks_shared || stamp.substr(0, kStampTimeWidth) >= own_time) continue;
            sys::UniqueFd unused(::open(run.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!unused || ::flock(unused.get(), LOCK_EX | LOCK_NB) != 0) continue;
            fs::remove(run, ec);  // rmdir(2): refused if a dump appeared in the meantime
        }
    }
    if (!pending.gc_dir.empty()) remove_old_gc_logs(pending.gc_dir, pending.gc_names, pending.stamp);
    pending = PendingCleanUp();  // the directory lock goes with it
}

void give_back_output(PreparedOutput& out) {
    if (!out.pending.active) return;
    // The start's own, empty run directory and GC lock file; nothing else is touched.
    if (out.run_dir_lock) {
        out.run_dir_lock = sys::UniqueFd();
        ::rmdir(out.files.heap_dump_path.c_str());
    }
    if (out.gc_lock) {
        std::error_code ec;
        fs::remove(fs::path(out.pending.gc_dir) / gc_lock_name(out.pending.stamp), ec);
        out.gc_lock = sys::UniqueFd();
    }
    out.pending = PendingCleanUp();
}

PreparedOutput prepare_output(const std::string& heap_dump_dir, int keep, bool gc_log, const std::string& gc_log_dir,
                              bool dry_run, std::optional<std::chrono::system_clock::time_point> start_time) {
    PreparedOutput out = claim_output(heap_dump_dir, keep, gc_log, gc_log_dir, dry_run, start_time);
    if (!out.error) clean_up_output(out);
    return out;
}

std::optional<std::uint64_t> free_bytes_for_dumps(const std::string& heap_dump_dir) {
    if (heap_dump_dir.empty()) return std::nullopt;
    struct statvfs vfs {};
    if (::statvfs(heap_dump_dir.c_str(), &vfs) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

std::optional<std::string> free_space_warning(const std::string& heap_dump_dir, std::uint64_t max_heap_bytes,
                                              std::uint64_t bytes_to_free) {
    const auto available = free_bytes_for_dumps(heap_dump_dir);
    if (!available) return std::nullopt;
    const std::uint64_t free_bytes = *available + bytes_to_free;
    if (free_bytes >= max_heap_bytes) return std::nullopt;
    return "heap dump directory " + heap_dump_dir + " has " + std::to_string(free_bytes >> 20) + " MiB free" +
           (bytes_to_free ? std::string(" with the old dumps deleted") : std::string()) +
           ", less than the maximum heap of " + std::to_string(max_heap_bytes >> 20) + " MiB: a heap dump may not fit";
}

}  // namespace jvminit::jvm
