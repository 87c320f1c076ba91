// Telling a heap dump HotSpot finished from one it did not, by its bytes: the plain HPROF file and the
// gzipped one (-XX:HeapDumpGzipLevel). HotSpot leaves an unfinished dump behind when a write fails (a full
// volume: "Dump file is incomplete") and when the JVM dies during the dump (an OOM kill, SIGKILL); the
// retention (output_files.hpp) deletes such a dump before any complete one. Everything here is pure (a
// gzip dump's bytes come through the reader its caller gives).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

namespace jvminit::jvm {

// The magic of a segmented HPROF file, and the record a finished one ends with: HEAP_DUMP_END, tag 0x2C, u4
// time, u4 length 0 (HotSpot's heapDumper.cpp writes it last). JDK 11+ always writes this format; JDK 8 (and
// 9, 10) only for a used heap over 2 GB (SegmentedHeapDumpThreshold), else "JAVA PROFILE 1.0.1" without
// segments and without HEAP_DUMP_END: such a file cannot be told finished or not.
inline constexpr std::string_view kHprofMagic{"JAVA PROFILE 1.0.2\0", 19};
inline constexpr std::size_t kHprofHeaderBytes = 31;    // the magic, u4 id size, u8 time
inline constexpr std::size_t kHprofEndRecordBytes = 9;  // HEAP_DUMP_END

// Whether an HPROF file is one HotSpot did not finish. `head`: the file's first bytes (up to
// kHprofMagic.size()), `tail`: its last kHprofEndRecordBytes (fewer for a shorter file), `size_bytes`: its
// size. True for an empty file, a start of the magic cut short, and a segmented HPROF file that does not end
// with HEAP_DUMP_END; false for anything else (JDK 8's 1.0.1 format, a gzip file, a user's file): not ours to
// judge.
bool hprof_is_incomplete(std::string_view head, std::string_view tail, std::uint64_t size_bytes);

// HotSpot's gzipped dump (-XX:HeapDumpGzipLevel=1..9, JDK 15+; heapDumperCompression.cpp): the HPROF file
// cut into blocks, each compressed into a gzip member of its own (RFC 1952: a header, deflate data, the
// CRC-32 and length of the block), the members one after the other. The first member's header has only the
// comment flag set and the comment "HPROF BLOCKSIZE=<bytes>" (1048576 in JDK 15 to 25). A JVM that could not
// finish leaves the members it wrote, the last one cut short (a full volume, measured with JDK 17; a kill at
// any moment), or whole members that stop before HEAP_DUMP_END (a kill between two blocks).
inline constexpr std::size_t kGzipHprofHeadBytes = 64;  // the first header with its comment fits in this
inline constexpr std::uint64_t kGzipHprofMaxBlockBytes = std::uint64_t{64} << 20;  // larger: not judged

// What the first bytes of a file say about it as a HotSpot gzip dump. `head`: its first bytes, up to
// kGzipHprofHeadBytes (fewer for a shorter file), `size_bytes`: its size.
struct GzipHprofHead {
    enum class Kind {
        Other,     // not a HotSpot gzip dump (not gzip, another program's gzip, a block size out of range)
        CutShort,  // all the file has is the start of a HotSpot gzip header: unfinished
        Blocks,    // a HotSpot gzip dump of `block_bytes` blocks (1 to kGzipHprofMaxBlockBytes)
    };
    Kind kind = Kind::Other;
    std::uint64_t block_bytes = 0;
};
GzipHprofHead read_gzip_hprof_head(std::string_view head, std::uint64_t size_bytes);

// How many of a gzip dump's last bytes gzip_hprof_tail_is_complete looks at: more than the largest member of
// one block can take (zlib's deflateBound for the block: stored blocks when deflate does not shrink the data,
// plus the gzip header, comment and trailer), so that they hold the start of the last member. Bytes.
std::uint64_t gzip_hprof_tail_bytes(std::uint64_t block_bytes);

// Reads up to `length` bytes of a file at `offset` into `buffer` and returns how many: fewer only at the
// file's end. Throws on an error (a judgement then has no result: the caller counts the dump as complete).
using ReadAt = std::function<std::size_t(std::uint64_t offset, char* buffer, std::size_t length)>;

// What the bytes of a HotSpot gzip dump of `block_bytes` blocks from `from` to its end (`size_bytes`) say:
// Finished when they end the way a finished dump does: the whole gzip member that ends exactly at the end (zlib checks
// its CRC-32 and length), HotSpot's last, holds less than a block (the end record goes into a buffer with room to
// spare), and the HPROF bytes end with HEAP_DUMP_END (from the members before it too, when the last holds fewer than
// its 9 bytes). `from` must be at most size - gzip_hprof_tail_bytes, so that the last member starts there. Unfinished
// for a member cut short (a full volume; a whole member followed by one cut short decides at once), bytes after the
// last member, a corrupted member, a dump cut after a whole block (a kill: HotSpot writes whole members) and one that
// stops before HEAP_DUMP_END (a kill after a block of a little less, whose last bytes do not happen to look like the
// end record). Bytes that only look like a member start (gzip data a Java program held in a byte[], stored as it is)
// are tried too and end inside the member that holds them. Inflates the members from the last start back, up to
// kGzipHprofWorkBlocks tails' worth of bytes in and out: beyond that (look- alikes by the megabyte, not HotSpot's),
// NoVerdict: a dump is never counted unfinished unless it is known to be. Reads 64 KiB at a time and keeps at most 4096
// member starts: memory stays under 400 KiB.
enum class GzipHprofVerdict { Finished, Unfinished, NoVerdict };
GzipHprofVerdict gzip_hprof_tail_verdict(const ReadAt& read, std::uint64_t from, std::uint64_t size_bytes,
                                         std::uint64_t block_bytes);
// The same, NoVerdict counted as finished.
bool gzip_hprof_tail_is_complete(const ReadAt& read, std::uint64_t from, std::uint64_t size_bytes,
                                 std::uint64_t block_bytes);
inline constexpr std::uint64_t kGzipHprofWorkBlocks = 32;

// Both above for one file: true for a HotSpot gzip dump cut short within its header, and for one whose last
// gzip_hprof_tail_bytes are not complete; false for a finished one and for anything that is not a HotSpot
// gzip dump. `head` as for read_gzip_hprof_head; `read` reads the file.
bool gzip_hprof_is_incomplete(std::string_view head, const ReadAt& read, std::uint64_t size_bytes);

}  // namespace jvminit::jvm
