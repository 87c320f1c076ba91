// libFuzzer target: judging a heap dump by its bytes (jvm/heap_dump_format.hpp) never crashes, whatever a
// dump directory holds, and a gzip dump judged finished is not finished with a byte more or a byte less (a
// file given no verdict, look-alikes by the megabyte, is let be). The input is the whole file. Seeds:
// corpus/heap_dump_format/ (HotSpot-like gzip dumps of small blocks, made by ../make_heap_dump_seeds.py).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "jvm/heap_dump_format.hpp"

namespace {

using namespace jvminit::jvm;

// A reader of `file`, in memory, as output_files.cpp gives one of a file on disk.
ReadAt reader_of(std::string_view file) {
    return [file](std::uint64_t offset, char* buffer, std::size_t length) {
        const std::size_t n = offset >= file.size() ? 0 : std::min<std::size_t>(length, file.size() - offset);
        std::copy_n(file.data() + offset, n, buffer);
        return n;
    };
}

// As output_files.cpp asks: the head, then a reader of the gzip dump, or the end record of an HPROF file.
bool incomplete(std::string_view file) {
    const std::string_view head = file.substr(0, kGzipHprofHeadBytes);
    if (read_gzip_hprof_head(head, file.size()).kind == GzipHprofHead::Kind::Other) {
        const std::size_t tail = std::min(file.size(), kHprofEndRecordBytes);
        return hprof_is_incomplete(file.substr(0, kHprofMagic.size()), file.substr(file.size() - tail), file.size());
    }
    return gzip_hprof_is_incomplete(head, reader_of(file), file.size());
}

// The verdict on a whole file's tail, for a HotSpot gzip dump of `block` blocks.
GzipHprofVerdict verdict(std::string_view file, std::uint64_t block) {
    const std::uint64_t tail = std::min<std::uint64_t>(file.size(), gzip_hprof_tail_bytes(block));
    return gzip_hprof_tail_verdict(reader_of(file), file.size() - tail, file.size(), block);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view file(reinterpret_cast<const char*>(data), size);
    (void)incomplete(file);
    const GzipHprofHead gzip = read_gzip_hprof_head(file.substr(0, kGzipHprofHeadBytes), file.size());
    if (gzip.kind == GzipHprofHead::Kind::Blocks && verdict(file, gzip.block_bytes) == GzipHprofVerdict::Finished) {
        if (verdict(std::string(file) + '\0', gzip.block_bytes) == GzipHprofVerdict::Finished) {
            std::fprintf(stderr, "a finished gzip dump with a byte more is still finished\n");
            std::abort();
        }
        if (verdict(file.substr(0, size - 1), gzip.block_bytes) == GzipHprofVerdict::Finished) {
            std::fprintf(stderr, "a finished gzip dump with a byte less is still finished\n");
            std::abort();
        }
    }
    return 0;
}
