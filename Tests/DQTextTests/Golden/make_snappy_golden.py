"""Writes snappy_golden.json: raw Snappy blocks made by pyarrow's Snappy codec (Google's
library), for inputs that exercise every kind of element its compressor writes: short and long
literals (lengths in the tag and in 1 or 2 bytes after it), copies with 1- and 2-byte offsets,
overlapping copies (offsets below 16: patterns that repeat themselves) and copies of up to 64
bytes. (It compresses 64 KiB at a time, so it never writes 4-byte offsets; dq's own
compressor's round trips cover those.)

Run from the repository root with pyarrow installed (bench/.venv has it):
    bench/.venv/bin/python Tests/DQTextTests/Golden/make_snappy_golden.py
"""
import base64
import json
import random

import pyarrow as pa

OUT = "Tests/DQTextTests/Golden/snappy_golden.json"


def inputs():
    rng = random.Random(7)
    words = "the a of movie phone battery screen delivery refund quick brown fox".split()
    yield "empty", b""
    yield "one byte", b"x"
    yield "runs", b"a" * 1000 + b"ab" * 500 + b"abc" * 333 + b"abcdefghijklmnopq" * 40
    yield "words", " ".join(rng.choice(words) for _ in range(4_000)).encode()
    yield "random bytes", bytes(rng.randrange(256) for _ in range(3_000))
    yield "literal of 200", bytes(rng.randrange(256) for _ in range(200))
    yield "few symbols", bytes(rng.randrange(4) for _ in range(20_000))
    block = bytes(rng.randrange(256) for _ in range(1_500))
    yield "far repeat", block + b"-" * 10 + block + bytes(rng.randrange(256) for _ in range(300)) + block


def main():
    cases = []
    for name, data in inputs():
        compressed = pa.compress(data, codec="snappy", asbytes=True)
        cases.append({"name": name, "plain": base64.b64encode(data).decode(),
                      "snappy": base64.b64encode(compressed).decode()})
    with open(OUT, "w") as f:
        json.dump({"pyarrow": pa.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
