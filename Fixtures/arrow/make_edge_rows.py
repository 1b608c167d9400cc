"""Makes Fixtures/arrow/edges.arrow: rows on both sides of the checks that ingest's byte path
makes on a string's bytes (whitespace that is not ASCII, labels that need trimming, control
characters, empty values, nulls, splits a split may and may not be called), and two texts that
are not UTF-8, in batches of 97 rows; the text column is a large_string, the others strings.

    python Fixtures/arrow/make_edge_rows.py   (pyarrow)
"""
import os
import random

import pyarrow as pa

here = os.path.dirname(os.path.abspath(__file__))
values = ["plain", " lead", "trail ", "\u00a0", "\u3000\u00a0", "\u00a0x", "é", "naïve café", "\t\n", "\u000bx\u000c", "",
          "\u0001", "x\u007f", "with, comma", None]
splits = ["train", "test", " train", "", None, "a,b", "dév"]
rng = random.Random(7)
columns = {name: [rng.choice(values) for _ in range(600)] for name in ["id", "text", "pair", "label", "note"]}
columns["split"] = [rng.choice(splits) for _ in range(600)]
columns["text"][0] = columns["text"][0] or "plain"
fields = [pa.field(name, pa.large_string() if name == "text" else pa.string()) for name in columns]
text = pa.array(columns["text"], pa.large_string())
# Two texts that are not UTF-8: the same offsets and validity, other bytes.
raw = pa.array([b"\xc3" if i == 5 else b"a\xffb" if i == 300 else (v.encode() if v is not None else None)
                for i, v in enumerate(columns["text"])], pa.large_binary())
text = pa.Array.from_buffers(pa.large_string(), len(raw), raw.buffers())
arrays = [text if name == "text" else pa.array(values, pa.string()) for name, values in columns.items()]
table = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
with pa.OSFile(os.path.join(here, "edges.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
    for batch in table.to_batches(max_chunksize=97):
        writer.write_batch(batch)
