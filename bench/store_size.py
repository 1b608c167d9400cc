"""Store size of out-of-sample probabilities, before and after migration 6 (docs/store.md).

Builds dq's `sample_probabilities` table (WITHOUT ROWID, 16 KiB pages, as dq creates it) for
N samples x K labels of softmax probabilities, once with JSON text (dq up to schema 5) and once
with packed little-endian doubles (schema 6), and prints each file's size per million samples.
Standard library only: python3 bench/store_size.py [N] [K]
"""
import json, math, os, random, sqlite3, struct, sys, tempfile

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
k = int(sys.argv[2]) if len(sys.argv) > 2 else 20
rng = random.Random(13)

def probabilities():
    logits = [rng.gauss(0, 2) for _ in range(k)]
    top = max(logits)
    e = [math.exp(x - top) for x in logits]
    s = sum(e)
    return [x / s for x in e]

def size(encode, column):
    path = tempfile.mktemp(suffix=".sqlite")
    db = sqlite3.connect(path)
    db.execute("PRAGMA page_size = 16384")
    db.execute(f"""CREATE TABLE sample_probabilities (run_id INTEGER NOT NULL, sample_id INTEGER NOT NULL,
                   probabilities {column} NOT NULL, PRIMARY KEY (run_id, sample_id)) WITHOUT ROWID""")
    rng.seed(13)
    db.executemany("INSERT INTO sample_probabilities VALUES (1, ?, ?)", ((i, encode(probabilities())) for i in range(n)))
    db.commit()
    db.execute("VACUUM")
    db.close()
    bytes_ = os.path.getsize(path)
    os.remove(path)
    return bytes_

text = size(lambda p: json.dumps(p, separators=(",", ":")), "TEXT")
packed = size(lambda p: struct.pack(f"<{k}d", *p), "BLOB")
scale = 1_000_000 / n
print(f"{n:,} samples x {k} labels, scaled to 1M samples:")
print(f"  JSON text (schema 5):      {text * scale / 2**20:8.0f} MiB  ({text / n:.0f} bytes a sample)")
print(f"  packed doubles (schema 6): {packed * scale / 2**20:8.0f} MiB  ({packed / n:.0f} bytes a sample)")
print(f"  ratio: {text / packed:.2f}x smaller")
