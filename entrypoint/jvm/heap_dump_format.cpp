#include "jvm/heap_dump_format.hpp"

#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <new>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace jvminit::jvm {

bool hprof_is_incomplete(std::string_view head, std::string_view tail, std::uint64_t size_bytes) {
    if (size_bytes == 0) return true;  // opened, nothing written
    const std::size_t compared = std::min(head.size(), kHprofMagic.size());
    // Not segmented HPROF (1.0.1 has no end record): not ours to judge.
    if (head.substr(0, compared) != kHprofMagic.substr(0, compared)) return false;
    if (head.size() < kHprofMagic.size()) return true;  // cut short within the magic
    if (size_bytes < kHprofHeaderBytes + kHprofEndRecordBytes || tail.size() != kHprofEndRecordBytes) return true;
    return !(tail[0] == 0x2C && tail.substr(5) == std::string_view("\0\0\0\0", 4));
}

namespace {

// A HotSpot gzip dump's first header (RFC 1952 2.3): ID1 ID2, CM 8 (deflate), FLG FCOMMENT only, then MTIME,
// XFL and OS (any values: kAnyHeaderBytes), then the zero-terminated comment.
constexpr std::string_view kGzipHprofId{"\x1f\x8b\x08\x10", 4};
constexpr std::size_t kAnyHeaderBytes = 6;
constexpr std::string_view kBlockSizeComment{"HPROF BLOCKSIZE="};
// How every gzip member starts: ID1 ID2 CM (the flags differ: only the first member has a comment).
constexpr std::string_view kGzipMemberStart{"\x1f\x8b\x08", 3};

// The last kHprofEndRecordBytes bytes of some output, and how many bytes it had in all.
struct OutputEnd {
    std::string last;
    std::uint64_t total = 0;

    void append(std::string_view bytes) {
        total += bytes.size();
        last.append(bytes.substr(bytes.size() - std::min(bytes.size(), kHprofEndRecordBytes)));
        if (last.size() > kHprofEndRecordBytes) last.erase(0, last.size() - kHprofEndRecordBytes);
    }
    // The end of this output followed by `later`.
    void then(const OutputEnd& later) {
        append(later.last);
        total += later.total - later.last.size();
    }
    bool is_hprof_end() const {
        return total >= kHprofEndRecordBytes && last[0] == 0x2C &&
               std::string_view(last).substr(5) == std::string_view("\0\0\0\0", 4);
    }
};

// One gzip member: how it ended, its length in the file and its output's end.
struct Member {
    enum class End { Whole, CutShort, Invalid, OverBudget } end = End::Invalid;
    std::uint64_t bytes = 0;
    OutputEnd output;
};

// The reads of the file, in chunks of this many bytes: all the memory a judgement takes besides zlib's.
constexpr std::size_t kReadChunkBytes = 64 * 1024;
// Member starts kept of a tail, the last ones (a tail of HotSpot's has a thousand members at most: a block of
// zeros deflates to a kilobyte); more are look-alikes.
constexpr std::size_t kMaxMemberStarts = 4096;

// One gzip member inflated from `at`, reading the file up to `end`: how it ended, its length and its output's
// end. `input`: a buffer of kReadChunkBytes to read into. `budget`: bytes that may still be taken in and given
// out, lowered by this member's; OverBudget when it runs out first.
Member inflate_member(const ReadAt& read, std::uint64_t at, std::uint64_t end, std::vector<char>& input,
                      std::uint64_t& budget) {
    Member member;
    struct Inflater {
        z_stream stream{};
        Inflater() {
            // 16 + MAX_WBITS: a gzip wrapper only; zlib checks the header, the CRC-32 and the length (ISIZE).
            if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
        }
        ~Inflater() { inflateEnd(&stream); }
        Inflater(const Inflater&) = delete;
        Inflater& operator=(const Inflater&) = delete;
    } inflater;
    z_stream& stream = inflater.stream;
    std::array<unsigned char, 16384> output;
    std::uint64_t next = at;
    for (;;) {
        if (stream.avail_in == 0 && next < end) {
            // A look-alike start fails within its first bytes, and many true members are small: 4 KiB first.
            const std::size_t chunk = next == at ? std::min<std::size_t>(input.size(), 4096) : input.size();
            const std::size_t n =
                read(next, input.data(), static_cast<std::size_t>(std::min<std::uint64_t>(chunk, end - next)));
            end = n == 0 ? next : end;  // the file ends here (it shrank)
            next += n;
            stream.next_in = reinterpret_cast<const Bytef*>(input.data());
            stream.avail_in = static_cast<uInt>(n);
        }
        stream.next_out = output.data();
        stream.avail_out = static_cast<uInt>(output.size());
        const uInt offered = stream.avail_in;
        const int rc = inflate(&stream, Z_NO_FLUSH);
        const std::size_t produced = output.size() - stream.avail_out;
        member.output.append(std::string_view(reinterpret_cast<const char*>(output.data()), produced));
        const std::uint64_t work = (offered - stream.avail_in) + produced;
        if (work > budget) {
            member.end = Member::End::OverBudget;
            break;
        }
        budget -= work;
        if (rc == Z_STREAM_END) {
            member.end = Member::End::Whole;
            break;
        }
        if ((rc == Z_OK || rc == Z_BUF_ERROR) && stream.avail_in == 0 && next >= end) {
            // Every byte of the file is in, no end: cut short. (Output still pending cannot change that: zlib
            // takes the trailer in only after the last output, and then returns Z_STREAM_END.)
            member.end = Member::End::CutShort;
            break;
        }
        if (rc == Z_OK || (rc == Z_BUF_ERROR && stream.avail_in == 0)) continue;
        if (rc == Z_MEM_ERROR) throw std::bad_alloc();
        break;  // Z_DATA_ERROR (not deflate data, a wrong CRC-32 or length), Z_NEED_DICT: not a member
    }
    member.bytes = static_cast<std::uint64_t>(stream.total_in);
    return member;
}

// Where gzip members may start in the file from `from` to `end` (ID1 ID2 CM, or the start of them in the
// file's last two bytes), in order: at most kMaxMemberStarts, the last ones.
std::deque<std::uint64_t> member_starts(const ReadAt& read, std::uint64_t from, std::uint64_t end,
                                        std::vector<char>& input) {
    std::deque<std::uint64_t> starts;
    std::uint64_t at = from;
    while (at < end) {
        const std::size_t n =
            read(at, input.data(), static_cast<std::size_t>(std::min<std::uint64_t>(input.size(), end - at)));
        if (n < kGzipMemberStart.size()) break;  // the file ends (or shrank) here
        const std::string_view chunk(input.data(), n);
        for (std::size_t i = chunk.find(kGzipMemberStart); i != std::string_view::npos;
             i = chunk.find(kGzipMemberStart, i + 1)) {
            starts.push_back(at + i);
            if (starts.size() > kMaxMemberStarts) starts.pop_front();
        }
        if (at + n >= end) {
            // A start cut short within its first bytes ("\x1f" or "\x1f\x8b" last): a member cut short too.
            for (std::size_t i = n - (kGzipMemberStart.size() - 1); i < n; ++i)
                if (kGzipMemberStart.substr(0, n - i) == chunk.substr(i)) starts.push_back(at + i);
            break;
        }
        at += n - (kGzipMemberStart.size() - 1);  // a start across two chunks is found in the second
    }
    return starts;
}

}  // namespace

GzipHprofHead read_gzip_hprof_head(std::string_view head, std::uint64_t size_bytes) {
    using Kind = GzipHprofHead::Kind;
    if (size_bytes == 0) return {Kind::CutShort, 0};  // opened, nothing written
    const std::size_t comment_at = kGzipHprofId.size() + kAnyHeaderBytes;
    const std::size_t digits_at = comment_at + kBlockSizeComment.size();
    for (std::size_t i = 0; i < std::min(head.size(), digits_at); ++i) {
        if (i < kGzipHprofId.size() && head[i] != kGzipHprofId[i]) return {};
        if (i >= comment_at && head[i] != kBlockSizeComment[i - comment_at]) return {};
    }
    const std::size_t end = head.find('\0', std::min(head.size(), digits_at));
    if (end == std::string_view::npos) {
        const bool digits_so_far =
            std::all_of(head.begin() + static_cast<std::ptrdiff_t>(std::min(head.size(), digits_at)), head.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
        // The whole file is a start of the header: cut short. Otherwise no terminator within the head.
        return digits_so_far && head.size() == size_bytes ? GzipHprofHead{Kind::CutShort, 0} : GzipHprofHead{};
    }
    const std::string_view digits = head.substr(digits_at, end - digits_at);
    std::uint64_t block = 0;
    const auto [rest, error] = std::from_chars(digits.data(), digits.data() + digits.size(), block);
    if (digits.empty() || error != std::errc() || rest != digits.data() + digits.size() || block == 0 ||
        block > kGzipHprofMaxBlockBytes)
        return {};
    return {Kind::Blocks, block};
}

std::uint64_t gzip_hprof_tail_bytes(std::uint64_t block_bytes) {
    // deflateBound is block + block/4096 + block/16384 + block/2^25 + 7 for the deflate data (stored blocks
    // of 64 KiB cost 5 bytes each); the gzip header with the comment and the trailer take under 100 bytes.
    return block_bytes + block_bytes / 1024 + 4096;
}

GzipHprofVerdict gzip_hprof_tail_verdict(const ReadAt& read, std::uint64_t from, std::uint64_t size_bytes,
                                         std::uint64_t block_bytes) {
    using enum GzipHprofVerdict;
    std::vector<char> input(kReadChunkBytes);
    const std::deque<std::uint64_t> starts = member_starts(read, from, size_bytes, input);
    std::uint64_t budget = kGzipHprofWorkBlocks * gzip_hprof_tail_bytes(block_bytes);
    // From the last start back, so that the member ending at the file's end, HotSpot's last, is found before
    // the members before it are inflated. Look-alikes (gzip data in a byte[], stored as it is) are inflated
    // too, but end elsewhere: inside the member that holds them.
    struct Chain {
        OutputEnd output;
        bool last_block_partial;
    };
    std::unordered_map<std::uint64_t, Chain> reaches_end;  // whole members to the end, under an end record's size
    std::unordered_set<std::uint64_t> cut_short;           // starts whose member runs off the end
    for (auto start = starts.rbegin(); start != starts.rend(); ++start) {
        Member member = inflate_member(read, *start, size_bytes, input, budget);
        if (member.end == Member::End::OverBudget) return NoVerdict;
        if (member.end == Member::End::CutShort) cut_short.insert(*start);
        if (member.end != Member::End::Whole) continue;
        const std::uint64_t next = *start + member.bytes;
        Chain chain{std::move(member.output), false};
        if (next == size_bytes) {
            chain.last_block_partial = chain.output.total < block_bytes;
        } else if (const auto rest = reaches_end.find(next); rest != reaches_end.end()) {
            chain.output.then(rest->second.output);
            chain.last_block_partial = rest->second.last_block_partial;
        } else {
            // A whole member, then one that runs off the end: the dump stops inside a member.
            if (cut_short.count(next) != 0) return Unfinished;
            continue;  // bytes after it that are no member: a look-alike inside a member
        }
        // The members from here to the end hold the end record's bytes and more: they decide. HotSpot's last
        // member holds less than a block (a dump segment that leaves 10 KiB or less of a buffer sends it, so
        // the end record always goes into a buffer with room to spare); a whole block last is a dump cut
        // after a block (a kill) whose last bytes happen to look like the end record (an int 44, two zero
        // ints). A kill after a block of a little less (most blocks inside a dump) is told by the end record.
        if (chain.output.total >= kHprofEndRecordBytes)
            return chain.output.is_hprof_end() && chain.last_block_partial ? Finished : Unfinished;
        reaches_end.emplace(*start, std::move(chain));  // the end record may begin in a member before
    }
    return Unfinished;
}

bool gzip_hprof_tail_is_complete(const ReadAt& read, std::uint64_t from, std::uint64_t size_bytes,
                                 std::uint64_t block_bytes) {
    return gzip_hprof_tail_verdict(read, from, size_bytes, block_bytes) != GzipHprofVerdict::Unfinished;
}

bool gzip_hprof_is_incomplete(std::string_view head, const ReadAt& read, std::uint64_t size_bytes) {
    const GzipHprofHead parsed = read_gzip_hprof_head(head, size_bytes);
    switch (parsed.kind) {
        case GzipHprofHead::Kind::Other: return false;
        case GzipHprofHead::Kind::CutShort: return true;
        case GzipHprofHead::Kind::Blocks:
            const std::uint64_t tail = std::min(size_bytes, gzip_hprof_tail_bytes(parsed.block_bytes));
            return !gzip_hprof_tail_is_complete(read, size_bytes - tail, size_bytes, parsed.block_bytes);
    }
    return false;
}

}  // namespace jvminit::jvm
