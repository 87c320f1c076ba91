#include "jvm/heap_dump_format.hpp"

#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <new>
#include <string>
#include <unordered_map>
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

// One gzip member inflated from the start of `in`: how it ended, its length in `in` and its output's end.
struct Member {
    enum class End { Whole, CutShort, Invalid } end = End::Invalid;
    std::size_t bytes = 0;
    OutputEnd output;
};

Member inflate_member(std::string_view in) {
    Member member;
    if (in.size() > UINT_MAX) return member;  // gzip_hprof_tail_bytes keeps a tail far below this
    z_stream stream{};
    stream.next_in = reinterpret_cast<const Bytef*>(in.data());
    stream.avail_in = static_cast<uInt>(in.size());
    // 16 + MAX_WBITS: a gzip wrapper only; zlib checks the header, the CRC-32 and the length (ISIZE).
    if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
    std::array<unsigned char, 16384> buffer;
    for (;;) {
        stream.next_out = buffer.data();
        stream.avail_out = static_cast<uInt>(buffer.size());
        const int rc = inflate(&stream, Z_NO_FLUSH);
        member.output.append(
            std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size() - stream.avail_out));
        if (rc == Z_OK && (stream.avail_in > 0 || stream.avail_out == 0)) continue;
        if (rc == Z_STREAM_END)
            member.end = Member::End::Whole;
        else if (rc == Z_OK || rc == Z_BUF_ERROR)  // every byte given in, no end: cut short
            member.end = Member::End::CutShort;
        else if (rc == Z_MEM_ERROR) {
            inflateEnd(&stream);
            throw std::bad_alloc();
        }  // else Z_DATA_ERROR (not deflate data, a wrong CRC-32 or length), Z_NEED_DICT: not a member
        break;
    }
    member.bytes = static_cast<std::size_t>(stream.total_in);
    inflateEnd(&stream);
    return member;
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

bool gzip_hprof_tail_is_complete(std::string_view tail) {
    std::vector<std::size_t> starts;
    for (std::size_t at = tail.find(kGzipMemberStart); at != std::string_view::npos;
         at = tail.find(kGzipMemberStart, at + 1))
        starts.push_back(at);
    // From the last start back: whether whole members from each start reach the end, and their output's end.
    // A member's end is either the tail's end or another start, looked at already: each member inflated once.
    std::unordered_map<std::size_t, OutputEnd> reaches_end;
    for (auto start = starts.rbegin(); start != starts.rend(); ++start) {
        Member member = inflate_member(tail.substr(*start));
        if (member.end != Member::End::Whole) continue;
        const std::size_t next = *start + member.bytes;
        if (next != tail.size()) {
            const auto rest = reaches_end.find(next);
            if (rest == reaches_end.end()) continue;  // bytes after it that are no member reaching the end
            member.output.then(rest->second);
        }
        if (member.output.is_hprof_end()) return true;
        reaches_end.emplace(*start, std::move(member.output));
    }
    return false;
}

bool gzip_hprof_is_incomplete(std::string_view head, std::string_view tail, std::uint64_t size_bytes) {
    switch (read_gzip_hprof_head(head, size_bytes).kind) {
        case GzipHprofHead::Kind::Other: return false;
        case GzipHprofHead::Kind::CutShort: return true;
        case GzipHprofHead::Kind::Blocks: return !gzip_hprof_tail_is_complete(tail);
    }
    return false;
}

}  // namespace jvminit::jvm
