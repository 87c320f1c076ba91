#include "jvm/output_files.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace jvminit::jvm {

namespace fs = std::filesystem;

std::string start_stamp(std::chrono::system_clock::time_point now, int sequence) {
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    if (ms < 0) ms += 1000;
    std::tm utc{};
    ::gmtime_r(&t, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%S", &utc);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms));
    return std::string(buffer) + millis + "-" + std::to_string(sequence);
}

OutputFiles output_files_for(const std::string& heap_dump_dir, const std::string& gc_log_dir,
                             const std::string& stamp) {
    OutputFiles files;
    if (!heap_dump_dir.empty()) {
        files.heap_dump_path = (fs::path(heap_dump_dir) / ("heapdump-" + stamp + ".hprof")).string();
        files.error_file = (fs::path(heap_dump_dir) / ("hs_err-" + stamp + ".log")).string();
    }
    if (!gc_log_dir.empty()) files.gc_log_path = (fs::path(gc_log_dir) / ("gc-" + stamp + ".log")).string();
    return files;
}

std::vector<std::string> dumps_to_delete(std::vector<DumpFile> existing, int keep) {
    std::sort(existing.begin(), existing.end(), [](const DumpFile& a, const DumpFile& b) {
        return a.mtime_ns != b.mtime_ns ? a.mtime_ns > b.mtime_ns : a.name > b.name;  // newest first
    });
    std::vector<std::string> doomed;
    const std::size_t kept = keep > 0 ? static_cast<std::size_t>(keep - 1) : 0;
    for (std::size_t i = kept; i < existing.size(); ++i) doomed.push_back(existing[i].name);
    return doomed;
}

namespace {

std::optional<std::string> ensure_writable_dir(const std::string& dir, const char* what, bool dry_run) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        if (dry_run) {
            // It would be created: its nearest existing ancestor must be a directory we can write to.
            fs::path ancestor = fs::path(dir).parent_path();
            while (!ancestor.empty() && !fs::exists(ancestor, ec) && ancestor != ancestor.root_path())
                ancestor = ancestor.parent_path();
            if (!fs::is_directory(ancestor, ec))
                return std::string(what) + " " + dir + ": cannot create it: " + ancestor.string() + " is not a directory";
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

std::vector<DumpFile> list_dumps(const std::string& dir) {
    std::vector<DumpFile> dumps;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const auto& entry = *it;
        std::error_code type_ec;
        if (!entry.is_regular_file(type_ec) || entry.path().extension() != ".hprof") continue;
        auto time = entry.last_write_time(type_ec);
        if (type_ec) continue;
        dumps.push_back({entry.path().filename().string(),
                         std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count()});
    }
    return dumps;
}

}  // namespace

PreparedOutput prepare_output(const std::string& heap_dump_dir, int keep, bool gc_log, const std::string& gc_log_dir,
                              std::optional<std::uint64_t> max_heap_bytes, bool dry_run,
                              std::chrono::system_clock::time_point now) {
    PreparedOutput out;
    std::string gc_dir = gc_log ? (gc_log_dir.empty() ? heap_dump_dir : gc_log_dir) : std::string();
    if (gc_log && gc_dir.empty()) {
        std::error_code ec;
        gc_dir = fs::current_path(ec).string();
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
            return out;
        }
    }
    // A stamp that no existing file uses, picked before old dumps are deleted: so no start ever reuses
    // the name of an earlier dump, even one deleted just now.
    for (int sequence = 1;; ++sequence) {
        std::string stamp = start_stamp(now, sequence);
        OutputFiles files = output_files_for(heap_dump_dir, gc_dir, stamp);
        std::error_code ec;
        bool taken = false;
        for (const auto& path : {files.heap_dump_path, files.error_file, files.gc_log_path})
            if (!path.empty() && fs::exists(path, ec)) taken = true;
        if (!taken || sequence > 100000) {
            out.files = files;
            break;
        }
    }
    if (!heap_dump_dir.empty() && !dry_run) {
        for (const auto& name : dumps_to_delete(list_dumps(heap_dump_dir), keep)) {
            std::string path = (fs::path(heap_dump_dir) / name).string();
            std::error_code ec;
            if (fs::remove(path, ec)) out.deleted.push_back(path);
            else out.warnings.push_back("could not delete old heap dump " + path + ": " + ec.message());
        }
    }
    if (!heap_dump_dir.empty() && max_heap_bytes) {
        struct statvfs vfs {};
        if (::statvfs(heap_dump_dir.c_str(), &vfs) == 0) {
            std::uint64_t free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
            if (free_bytes < *max_heap_bytes)
                out.warnings.push_back("heap dump directory " + heap_dump_dir + " has " +
                                       std::to_string(free_bytes >> 20) + " MiB free, less than the maximum heap of " +
                                       std::to_string(*max_heap_bytes >> 20) + " MiB: a heap dump may not fit");
        }
    }
    return out;
}

}  // namespace jvminit::jvm
