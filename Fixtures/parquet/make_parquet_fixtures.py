"""Makes the Parquet fixtures of dq's reader and the rows pyarrow reads from each.

    python Fixtures/parquet/make_parquet_fixtures.py   (pyarrow, pandas, polars, duckdb)

One small labelled table (ids, texts with accents, emoji and embedded newlines, labels, an int,
a float, a bool, nulls, a list<string> of tags), written by pyarrow with every codec dq reads
(none, snappy, gzip, zstd), data pages v1 and v2, dictionary on and off, several row groups and
pages; by pandas, polars (zstd, its default, and snappy) and DuckDB with their defaults; and
once with brotli, which dq refuses (not in golden.json). golden.json holds, per file, the column names
and the rows as pyarrow's `read_table(...).to_pylist()` gives them, plus the writer's versions.
"""
import json
import os

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

here = os.path.dirname(os.path.abspath(__file__))
labels = ["sports", "world", "business", "sci/tech"]
rows = []
for i in range(57):
    rows.append({
        "id": f"s{i:03d}",
        "text": None if i % 13 == 5 else f"Text {i}: café 😀 " + ("line\nbreak " if i % 7 == 0 else "") + "x" * (i % 9),
        "label": labels[(i * 7) % 4],
        "count": None if i % 11 == 3 else i * 1000 - 20000,
        "score": i / 8 - 3.25,
        "flag": i % 3 == 0,
        "tags": None if i % 10 == 4 else [labels[j % 4] for j in range(i % 3)],
    })
schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("label", pa.string()), ("count", pa.int64()),
                    ("score", pa.float64()), ("flag", pa.bool_()), ("tags", pa.list_(pa.string()))])
table = pa.Table.from_pylist(rows, schema=schema)

files = {}
for codec in ["none", "snappy", "gzip", "zstd"]:
    for version in ["1.0", "2.0"]:
        for dictionary in [True, False]:
            name = f"pyarrow-{codec}-v{version[0]}-{'dict' if dictionary else 'plain'}.parquet"
            pq.write_table(table, os.path.join(here, name), compression=codec, data_page_version=version,
                           use_dictionary=dictionary, row_group_size=20, data_page_size=256)
            files[name] = f"pyarrow {pa.__version__}"
frame = pd.DataFrame(rows)
frame.to_parquet(os.path.join(here, "pandas-default.parquet"))
files["pandas-default.parquet"] = f"pandas {pd.__version__} (pyarrow {pa.__version__})"
pl.DataFrame(rows).write_parquet(os.path.join(here, "polars-default.parquet"))
files["polars-default.parquet"] = f"polars {pl.__version__}"
pl.DataFrame(rows).write_parquet(os.path.join(here, "polars-snappy.parquet"), compression="snappy")
files["polars-snappy.parquet"] = f"polars {pl.__version__}"
duck = duckdb.connect()
duck.register("t", table)
duck.execute(f"COPY t TO '{os.path.join(here, 'duckdb-default.parquet')}' (FORMAT parquet)")
files["duckdb-default.parquet"] = f"duckdb {duckdb.__version__}"

# A codec dq does not read, for the error path (not in golden.json).
pq.write_table(table, os.path.join(here, "pyarrow-brotli.parquet"), compression="brotli")

golden = {}
for name, writer in sorted(files.items()):
    read = pq.read_table(os.path.join(here, name))
    golden[name] = {"writer": writer, "columns": read.column_names, "rows": read.to_pylist()}
with open(os.path.join(here, "golden.json"), "w") as f:
    json.dump(golden, f, ensure_ascii=False, indent=0)
