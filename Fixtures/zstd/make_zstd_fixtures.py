"""Makes Fixtures/zstd: a text and its Zstandard frames, for dq's decoder.

    python Fixtures/zstd/make_zstd_fixtures.py   (zstandard 0.2x, the libzstd binding)

text.txt: 120 KB of seeded word salad (compressible: Huffman literals in four streams, FSE
tables). Frames: level 1; level 19 with the content checksum; two frames back to back with a
skippable frame between; 64 KB of random bytes (raw blocks); 100 KB of zeros (RLE).
"""
import os
import random

import zstandard

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(5)
words = "the of and to in a is that for it as was with be by on not he this are or his from at which but have an they".split()
text = " ".join(rng.choice(words) + ("\n" if rng.random() < 0.05 else "") for _ in range(24000)).encode()[:120000]
open(os.path.join(here, "text.txt"), "wb").write(text)
open(os.path.join(here, "text-1.zst"), "wb").write(zstandard.ZstdCompressor(level=1).compress(text))
open(os.path.join(here, "text-19-checksum.zst"), "wb").write(zstandard.ZstdCompressor(level=19, write_checksum=True).compress(text))
half = len(text) // 2
skippable = (0x184D2A53).to_bytes(4, "little") + (5).to_bytes(4, "little") + b"hello"
open(os.path.join(here, "text-two-frames.zst"), "wb").write(
    zstandard.ZstdCompressor(level=3).compress(text[:half]) + skippable + zstandard.ZstdCompressor(level=3).compress(text[half:]))
noise = bytes(rng.getrandbits(8) for _ in range(65536))
open(os.path.join(here, "random.bin"), "wb").write(noise)
open(os.path.join(here, "random.zst"), "wb").write(zstandard.ZstdCompressor(level=3).compress(noise))
open(os.path.join(here, "zeros.zst"), "wb").write(zstandard.ZstdCompressor(level=3).compress(bytes(100000)))
