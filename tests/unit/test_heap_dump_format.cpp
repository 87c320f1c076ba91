// Telling a finished gzipped heap dump from one HotSpot did not finish (jvm/heap_dump_format.hpp). The dumps
// are made here with zlib the way HotSpot makes them (heapDumperCompression.cpp): the HPROF file in blocks,
// each its own gzip member, the first member's header with only the comment "HPROF BLOCKSIZE=<bytes>".
#define ZLIB_CONST
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "jvm/heap_dump_format.hpp"

namespace jvminit::jvm {
namespace {

const std::string kEndRecord("\x2c\0\0\0\0\0\0\0\0", 9);  // HEAP_DUMP_END

// An HPROF file: the header, `records`, and HEAP_DUMP_END when `finished`.
std::string hprof(const std::string& records, bool finished = true) {
    std::string file("JAVA PROFILE 1.0.2\0\0\0\0\x08\0\0\x01\x8f\0\0\0\x01", 31);
    file += records;
    if (finished) file += kEndRecord;
    return file;
}

// `n` bytes of a record body that deflate cannot shrink.
std::string random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 generator(seed);
    std::string bytes(n, '\0');
    for (char& c : bytes) c = static_cast<char>(generator() & 0xFF);
    return bytes;
}

// One gzip member of `block` at deflate `level` (0: stored, as deflate falls back to for data it cannot
// shrink), with `comment` in its header when given.
std::string gzip_member(std::string_view block, int level, const char* comment = nullptr) {
    z_stream stream{};
    EXPECT_EQ(deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    gz_header header{};
    std::string comment_bytes = comment ? comment : "";
    if (comment) {
        header.comment = reinterpret_cast<Bytef*>(comment_bytes.data());
        header.os = 0;  // HotSpot's: "\x1f\x8b\x08\x10", MTIME 0, XFL, OS 0
        EXPECT_EQ(deflateSetHeader(&stream, &header), Z_OK);
    }
    std::string out(deflateBound(&stream, block.size()) + 64, '\0');
    stream.next_in = reinterpret_cast<const Bytef*>(block.data());
    stream.avail_in = static_cast<uInt>(block.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    return out;
}

// A HotSpot gzip dump of `file` in blocks of `block_bytes`.
std::string gzip_dump(const std::string& file, std::size_t block_bytes, int level = 1) {
    const std::string comment = "HPROF BLOCKSIZE=" + std::to_string(block_bytes);
    std::string dump;
    for (std::size_t at = 0; at < file.size(); at += block_bytes)
        dump += gzip_member(std::string_view(file).substr(at, block_bytes), level, at == 0 ? comment.c_str() : nullptr);
    return dump;
}

// A reader of `file`, in memory, as output_files.cpp gives one of a file on disk; it counts the bytes read.
struct Reader {
    std::string_view file;
    std::uint64_t bytes_read = 0;
    ReadAt read() {
        return [this](std::uint64_t offset, char* buffer, std::size_t length) {
            const std::size_t n = offset >= file.size() ? 0 : std::min<std::size_t>(length, file.size() - offset);
            std::copy_n(file.data() + offset, n, buffer);
            bytes_read += n;
            return n;
        };
    }
};

// The judgement as output_files.cpp asks for it: the head, and a reader of the file.
bool incomplete(const std::string& dump) {
    Reader reader{dump};
    return gzip_hprof_is_incomplete(std::string_view(dump).substr(0, kGzipHprofHeadBytes), reader.read(), dump.size());
}

// gzip_hprof_tail_is_complete on the bytes of `dump` (blocks of `block`) from `from`.
bool tail_is_complete(const std::string& dump, std::size_t from, std::size_t block) {
    Reader reader{dump};
    return gzip_hprof_tail_is_complete(reader.read(), from, dump.size(), block);
}

TEST(GzipHprofHead, TellsHotSpotsGzipDumpByItsFirstHeader) {
    using Kind = GzipHprofHead::Kind;
    struct Case {
        const char* what;
        std::string file;
        Kind kind;
        std::uint64_t block_bytes;
    };
    const std::string hotspot("\x1f\x8b\x08\x10\0\0\0\0\x04\0HPROF BLOCKSIZE=1048576\0", 34);  // JDK 17's bytes
    const std::string body = std::string(hotspot) + "\xcc\xbd\x09\x78";
    const std::vector<Case> cases = {
        {"JDK 17's first header, 1 MiB blocks", body, Kind::Blocks, 1048576},
        {"made here like HotSpot", gzip_dump(hprof("abc"), 4096), Kind::Blocks, 4096},
        {"the largest block size judged", gzip_member("x", 1, "HPROF BLOCKSIZE=67108864"), Kind::Blocks, 64u << 20},
        {"a block size above 64 MiB", gzip_member("x", 1, "HPROF BLOCKSIZE=67108865"), Kind::Other, 0},
        {"block size 0", gzip_member("x", 1, "HPROF BLOCKSIZE=0"), Kind::Other, 0},
        {"no block size", gzip_member("x", 1, "HPROF BLOCKSIZE="), Kind::Other, 0},
        {"a block size with a letter", gzip_member("x", 1, "HPROF BLOCKSIZE=12x"), Kind::Other, 0},
        {"a block size past 64 bits", gzip_member("x", 1, "HPROF BLOCKSIZE=99999999999999999999"), Kind::Other, 0},
        {"another comment", gzip_member("x", 1, "made by hand"), Kind::Other, 0},
        {"gzip(1) of a dump: a file name, no comment",
         std::string("\x1f\x8b\x08\x08\0\0\0\0\0\x03java_pid7.hprof\0", 26), Kind::Other, 0},
        {"gzip without a header field", gzip_member("x", 6), Kind::Other, 0},
        {"plain HPROF", hprof("abc"), Kind::Other, 0},
        {"empty: opened, nothing written", "", Kind::CutShort, 0},
        {"cut short in the flags", hotspot.substr(0, 3), Kind::CutShort, 0},
        {"cut short in the comment", hotspot.substr(0, 20), Kind::CutShort, 0},
        {"cut short in the block size", hotspot.substr(0, 30), Kind::CutShort, 0},
        {"cut short before the comment's end", hotspot.substr(0, 33), Kind::CutShort, 0},
        {"a start of another gzip file's header", std::string("\x1f\x8b\x08\x08", 4), Kind::Other, 0},
    };
    for (const auto& c : cases) {
        const GzipHprofHead head =
            read_gzip_hprof_head(std::string_view(c.file).substr(0, kGzipHprofHeadBytes), c.file.size());
        EXPECT_EQ(head.kind, c.kind) << c.what;
        EXPECT_EQ(head.block_bytes, c.block_bytes) << c.what;
    }
    // Each start of HotSpot's header is a dump cut short, when it is the whole file.
    for (std::size_t n = 1; n < hotspot.size(); ++n)
        EXPECT_EQ(read_gzip_hprof_head(hotspot.substr(0, n), n).kind, Kind::CutShort) << n << " bytes";
    // A block size too long for the head is no HotSpot header, even where the file goes on.
    const std::string long_digits = hotspot.substr(0, 26) + std::string(60, '1') + '\0';
    EXPECT_EQ(
        read_gzip_hprof_head(std::string_view(long_digits).substr(0, kGzipHprofHeadBytes), long_digits.size()).kind,
        Kind::Other);
}

TEST(GzipHprofIsIncomplete, FinishedDumpsAreComplete) {
    struct Case {
        const char* what;
        std::string dump;
    };
    const std::string records = random_bytes(3000, 1) + std::string(5000, 'a');
    const std::vector<Case> cases = {
        {"one member", gzip_dump(hprof(records), 1 << 20)},
        {"many members of 64 bytes", gzip_dump(hprof(records), 64)},
        {"members of 1000 bytes, stored (level 0)", gzip_dump(hprof(records), 1000, 0)},
        {"level 9", gzip_dump(hprof(records), 512, 9)},
        // The end record across the last two members: the last holds only its last 3 bytes.
        {"the end record across two members", gzip_dump(hprof(std::string(1024 - 31 - 6, 'r')), 1024)},
        {"the end record alone in the last member", gzip_dump(hprof(std::string(1024 - 31, 'r')), 1024)},
        {"only the header and the end record", gzip_dump(hprof(""), 1 << 20)},
        // The last member's output fills jvminit's 16 KiB inflate buffer exactly twice.
        {"a last block of 32 KiB", gzip_dump(hprof(std::string(65536 + 32768 - 31 - 9, 'q')), 65536)},
        {"a last block of 32 KiB, stored", gzip_dump(hprof(random_bytes(65536 + 32768 - 31 - 9, 13)), 65536, 0)},
    };
    for (const auto& c : cases) EXPECT_FALSE(incomplete(c.dump)) << c.what;
}

TEST(GzipHprofIsIncomplete, EveryDumpCutShortIsIncomplete) {
    // Cut after each of its bytes (the full volume, a kill during the dump): within a header, the deflate
    // data, a trailer, and right after a whole member (a kill between two blocks: no HEAP_DUMP_END).
    const std::string dump = gzip_dump(hprof(random_bytes(600, 2) + std::string(2000, 'z')), 256);
    std::vector<std::size_t> member_ends;
    for (std::size_t n = 0; n < dump.size(); ++n) {
        EXPECT_TRUE(incomplete(dump.substr(0, n))) << "cut after " << n << " of " << dump.size() << " bytes";
        if (dump.compare(n, 3, "\x1f\x8b\x08") == 0) member_ends.push_back(n);
    }
    EXPECT_GT(member_ends.size(), 5u) << "the dump should have many members";
}

TEST(GzipHprofIsIncomplete, ADumpThatIsNotAsHotSpotFinishedItIsIncomplete) {
    const std::string finished = gzip_dump(hprof(random_bytes(2000, 3)), 512);
    const std::string unfinished_hprof = gzip_dump(hprof(random_bytes(2000, 3), false), 512);
    std::string bad_crc = finished;
    bad_crc[bad_crc.size() - 8] = static_cast<char>(bad_crc[bad_crc.size() - 8] ^ 0x01);
    std::string bad_length = finished;
    bad_length[bad_length.size() - 1] = static_cast<char>(bad_length[bad_length.size() - 1] ^ 0x01);
    struct Case {
        const char* what;
        std::string dump;
    };
    const std::vector<Case> cases = {
        {"whole members of an HPROF file without HEAP_DUMP_END", unfinished_hprof},
        {"a byte after the last member", finished + std::string(1, '\0')},
        {"a whole member after the end record", finished + gzip_member("more", 1)},
        {"the last member's CRC-32 wrong", bad_crc},
        {"the last member's length wrong", bad_length},
    };
    for (const auto& c : cases) EXPECT_TRUE(incomplete(c.dump)) << c.what;
}

TEST(GzipHprofIsIncomplete, BytesThatOnlyLookLikeAMemberAreFoundOut) {
    // A Java program's byte[] holding gzip data (a cached HTTP response), in a block deflate stores as it is:
    // whole gzip streams and starts of one inside the last member, up to its last bytes.
    const std::string embedded = gzip_member("cached response", 6);
    std::string records = random_bytes(1500, 4);
    for (int i = 0; i < 5; ++i) records += embedded + random_bytes(40, static_cast<unsigned>(10 + i));
    records += std::string("\x1f\x8b\x08", 3) + embedded.substr(0, 12);
    const std::string finished = gzip_dump(hprof(records), 2048, 0);
    ASSERT_GE(std::count(finished.begin(), finished.end(), '\x1f'), 8) << "the look-alikes are in the dump";
    EXPECT_FALSE(incomplete(finished));
    for (std::size_t n = finished.size() - 700; n < finished.size(); ++n)
        EXPECT_TRUE(incomplete(finished.substr(0, n))) << "cut after " << n << " of " << finished.size() << " bytes";
}

TEST(GzipHprofIsIncomplete, TheTailHoldsTheLastMemberOfDataDeflateCannotShrink) {
    // Blocks of random bytes grow a little in deflate: the tail gzip_hprof_tail_bytes gives must still reach
    // back to the last member's start, and one byte less than that member must not do.
    const std::size_t block = 64 * 1024;
    const std::string file = hprof(random_bytes(3 * block - 1 - 31 - kEndRecord.size(), 5));
    ASSERT_EQ(file.size(), 3 * block - 1);  // the last block one byte short of whole: HotSpot's last is partial
    const std::string dump = gzip_dump(file, block, 9);
    const std::size_t last_member = gzip_member(file.substr(2 * block), 9).size();
    ASSERT_GT(last_member, block) << "deflate should not shrink random bytes";
    ASSERT_LT(last_member, gzip_hprof_tail_bytes(block));
    EXPECT_FALSE(incomplete(dump));
    EXPECT_FALSE(tail_is_complete(dump, dump.size() - last_member + 1, block));
    EXPECT_TRUE(tail_is_complete(dump, dump.size() - last_member, block));
}

TEST(GzipHprofIsIncomplete, ReadsAboutOneBlockOfAFinishedDumpWhateverItsSize) {
    // 40 blocks of 4 KiB: the tail read is about one block (and the look for member starts reads it once more
    // while inflating), not the whole dump.
    const std::size_t block = 4096;
    const std::string dump = gzip_dump(hprof(random_bytes(40 * block, 6)), block);
    Reader reader{dump};
    EXPECT_FALSE(
        gzip_hprof_is_incomplete(std::string_view(dump).substr(0, kGzipHprofHeadBytes), reader.read(), dump.size()));
    EXPECT_LE(reader.bytes_read, 2 * gzip_hprof_tail_bytes(block));
    EXPECT_LT(reader.bytes_read, dump.size() / 4);
}

TEST(GzipHprofIsIncomplete, AMemberStartAcrossTwoReadsIsFound) {
    // The tail is read 64 KiB at a time. Blocks of 64 KiB, stored (level 0): the last member, of n + 23 bytes,
    // starts 69,696 - (n + 23) bytes into the tail; n from 4,125 to 4,155 moves its start across the end of
    // the first read, 65,536 bytes in.
    const std::size_t block = 64 * 1024;
    ASSERT_EQ(gzip_hprof_tail_bytes(block), 69696u);
    for (std::size_t n = 4125; n <= 4155; ++n) {
        const std::string file = hprof(random_bytes(2 * block + n - 31 - kEndRecord.size(), 8));
        const std::string dump = gzip_dump(file, block, 0);
        ASSERT_EQ(gzip_member(file.substr(2 * block), 0).size(), n + 23);
        EXPECT_FALSE(incomplete(dump)) << "last block of " << n << " bytes";
        EXPECT_TRUE(incomplete(dump.substr(0, dump.size() - 1))) << "last block of " << n << " bytes, cut";
    }
}

TEST(GzipHprofIsIncomplete, ADumpCutBetweenTwoBlocksIsIncompleteEvenWhenItsLastBytesLookLikeTheEndRecord) {
    // A kill during the dump leaves whole members (HotSpot writes a block's member at once). Here the heap holds
    // an int 44 and two zero ints right at the end of the second block: 2C 00 00 00 00 00 00 00 00, the end
    // record's bytes (the fresh-user trial's SIGKILL of a real JDK 17 left such a dump, taken as finished).
    const std::size_t block = 1024;
    std::string records = random_bytes(2 * block - 31 - kEndRecord.size(), 9) + kEndRecord + random_bytes(1500, 10);
    const std::string file = hprof(records);
    ASSERT_EQ(file.substr(2 * block - kEndRecord.size(), kEndRecord.size()), kEndRecord);
    const std::string dump = gzip_dump(file, block);
    const std::size_t two_members = gzip_member(file.substr(0, block), 1, "HPROF BLOCKSIZE=1024").size() +
                                    gzip_member(file.substr(block, block), 1).size();
    EXPECT_FALSE(incomplete(dump));
    EXPECT_TRUE(incomplete(dump.substr(0, two_members))) << "cut after the second block";
}

TEST(GzipHprofIsIncomplete, ADumpOfWholeBlocksCountsAsIncomplete) {
    // HotSpot's last member never holds a whole block (a dump segment that leaves 10 KiB or less of a buffer
    // sends it, so the end record goes into a buffer with room to spare): one that does is a dump cut after a
    // block, whatever its last bytes.
    const std::size_t block = 1024;
    const std::string whole = gzip_dump(hprof(random_bytes(2 * block - 31 - kEndRecord.size(), 11)), block);
    const std::string partial = gzip_dump(hprof(random_bytes(2 * block - 32 - kEndRecord.size(), 11)), block);
    EXPECT_TRUE(incomplete(whole));
    EXPECT_FALSE(incomplete(partial));
}

TEST(GzipHprofIsIncomplete, ACutDumpOfManyTinyMembersIsToldAfterTwoOrThreeOfThem) {
    // A heap of zeros deflates to tiny members: every one in the tail inflates to a whole block. Cut inside a
    // member (a full volume) or after one (a kill), the verdict comes from the last members, not all of them
    // (the trial: 330 ms for one such dump when all were inflated).
    const std::size_t block = 64 * 1024;
    const std::string file = hprof(std::string(400 * block, '\0'));
    const std::string zeros = gzip_dump(file, block, 9);
    const std::size_t last_start = zeros.size() - gzip_member(file.substr(400 * block), 9).size();
    // Inside the last member, inside the one before, right after it (a kill), and one or two bytes into the
    // last member's header (not yet "\x1f\x8b\x08").
    for (const std::size_t cut_at : {zeros.size() - 1, last_start - 50, last_start, last_start + 1, last_start + 2}) {
        SCOPED_TRACE("cut after " + std::to_string(cut_at) + " of " + std::to_string(zeros.size()) + " bytes");
        const std::string cut = zeros.substr(0, cut_at);
        Reader reader{cut};
        EXPECT_TRUE(
            gzip_hprof_is_incomplete(std::string_view(cut).substr(0, kGzipHprofHeadBytes), reader.read(), cut.size()));
        EXPECT_LT(reader.bytes_read, 3 * gzip_hprof_tail_bytes(block));
    }
    EXPECT_FALSE(incomplete(zeros));
}

TEST(GzipHprofIsIncomplete, AFinishedDumpWithMegabytesOfGzipDataInItsLastBlockIsFinished) {
    // A Java program's cache of gzipped responses: deflate cannot shrink gzip data, so the last member holds
    // whole gzip streams of 64 KiB of text each (6 times smaller), each inflated as a look-alike before the
    // member's own start is reached (the review: a shared budget ran out on these and the finished dump was
    // judged unfinished, so retention deleted it first).
    const std::size_t block = 1 << 20;
    std::string text;
    for (int i = 0; text.size() < 64 * 1024; ++i)
        text += "{\"id\": " + std::to_string(i * 7919 % 100003) + ", \"name\": \"item\"}\n";
    std::string records = random_bytes(block - 31 - 100, 12);  // the first block
    for (int i = 0; i < 80; ++i) records += std::string(18, '\x23') + gzip_member(text + std::to_string(i), 6);
    const std::string dump = gzip_dump(hprof(records), block, 1);
    Reader reader{dump};
    EXPECT_FALSE(
        gzip_hprof_is_incomplete(std::string_view(dump).substr(0, kGzipHprofHeadBytes), reader.read(), dump.size()));
    EXPECT_TRUE(incomplete(dump.substr(0, dump.size() - 1)));
    EXPECT_TRUE(incomplete(dump.substr(0, dump.size() / 2 + block / 2)));
}

TEST(GzipHprofIsIncomplete, LookAlikesByTheMegabyteGetNoVerdictAfterBoundedWork) {
    // A HotSpot header followed by gzip headers whose file name never ends: each look-alike reads to the end
    // (the trial: 36 s for a 1 MiB tail). The work stops at kGzipHprofWorkBlocks tails, with no verdict: not
    // HotSpot's, so it counts as finished, as anything jvminit cannot judge.
    const std::size_t block = 64 * 1024;
    std::string looks_alike = gzip_member("x", 1, "HPROF BLOCKSIZE=65536");
    while (looks_alike.size() < 4 * block) looks_alike += "\x1f\x8b\x08\x08";
    Reader crafted{looks_alike};
    EXPECT_FALSE(gzip_hprof_is_incomplete(std::string_view(looks_alike).substr(0, kGzipHprofHeadBytes), crafted.read(),
                                          looks_alike.size()));
    EXPECT_LT(crafted.bytes_read, (kGzipHprofWorkBlocks + 2) * gzip_hprof_tail_bytes(block));
}

TEST(GzipHprofIsIncomplete, AReadErrorGivesNoJudgement) {
    const std::string cut = gzip_dump(hprof(random_bytes(3000, 7)), 512).substr(0, 1000);
    const ReadAt failing = [](std::uint64_t, char*, std::size_t) -> std::size_t {
        throw std::runtime_error("pread: Input/output error");
    };
    EXPECT_THROW(gzip_hprof_is_incomplete(std::string_view(cut).substr(0, kGzipHprofHeadBytes), failing, cut.size()),
                 std::runtime_error);
}

TEST(GzipHprofIsIncomplete, AnythingElseIsNotOursToJudge) {
    EXPECT_FALSE(incomplete(gzip_member(hprof("abc", false), 6)));       // gzip(1)'s, no HotSpot comment
    EXPECT_FALSE(incomplete(hprof("abc", false)));                       // plain HPROF: hprof_is_incomplete
    EXPECT_FALSE(incomplete(gzip_member("x", 1, "HPROF BLOCKSIZE=0")));  // no block size
    EXPECT_TRUE(incomplete(""));                                         // opened, nothing written
}

}  // namespace
}  // namespace jvminit::jvm
