#!/usr/bin/env python3
"""Writes the seeds of fuzz_heap_dump_format: HotSpot-like gzip heap dumps (RFC 1952 members, one per block
of the HPROF file, the first with only the comment "HPROF BLOCKSIZE=<bytes>"), finished and cut short."""
import os
import struct
import zlib

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "heap_dump_format")
HPROF = (b"JAVA PROFILE 1.0.2\0" + struct.pack(">IQ", 8, 0x18f00000001) + b"\x01\0\0\0\0\0\0\0\x04abcd" * 12
         + b"\x2c" + b"\0" * 8)


def member(block, level, comment=None):
    deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
    body = deflate.compress(block) + deflate.flush()
    header = b"\x1f\x8b\x08" + (b"\x10" if comment else b"\0") + b"\0\0\0\0" + b"\0\0"
    if comment:
        header += comment + b"\0"
    return header + body + struct.pack("<II", zlib.crc32(block), len(block) & 0xFFFFFFFF)


def dump(block_bytes, level):
    out = b""
    for at in range(0, len(HPROF), block_bytes):
        comment = b"HPROF BLOCKSIZE=%d" % block_bytes if at == 0 else None
        out += member(HPROF[at:at + block_bytes], level, comment)
    return out


seeds = {
    "finished-64": dump(64, 1),
    "finished-stored-64": dump(64, 0),
    "finished-one-member": dump(4096, 6),
    "cut-short": dump(64, 1)[:-30],
    "plain-hprof": HPROF,
}
for name, data in seeds.items():
    with open(os.path.join(HERE, name + ".bin"), "wb") as f:
        f.write(data)
