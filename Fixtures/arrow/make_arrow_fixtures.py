"""Makes the Arrow fixtures of dq's reader and the rows pyarrow reads from each.

    python Fixtures/arrow/make_arrow_fixtures.py   (pyarrow, datasets)

table.arrow (IPC file), table-zstd.arrow (buffers compressed with Zstandard), table.arrows (IPC
stream), table.feather (Feather v2 = IPC file, lz4 off), categories.arrow (a dictionary-encoded
label); hf/: a Hugging Face DatasetDict saved with save_to_disk (train and test splits, a
ClassLabel label with -1 for unlabelled test rows); golden.json: per file, the rows as
pyarrow's to_pylist() gives them.
"""
import json
import os
import shutil

import datasets
import pyarrow as pa
import pyarrow.feather as feather

here = os.path.dirname(os.path.abspath(__file__))
rows = []
for i in range(45):
    rows.append({"id": f"a{i:02d}", "text": None if i % 11 == 4 else f"Arrow text {i} — naïve 😀" + (" more" * (i % 4)),
                 "label": ["neg", "pos", "mixed"][i % 3], "stars": None if i % 7 == 2 else i % 5, "score": i / 4 - 1.5,
                 "ok": i % 2 == 0, "tags": None if i % 9 == 0 else ["a", "b", "c"][: i % 4]})
schema = pa.schema([("id", pa.string()), ("text", pa.string()), ("label", pa.string()), ("stars", pa.int32()),
                    ("score", pa.float64()), ("ok", pa.bool_()), ("tags", pa.list_(pa.string()))])
table = pa.Table.from_pylist(rows, schema=schema)
batches = table.to_batches(max_chunksize=16)

with pa.OSFile(os.path.join(here, "table.arrow"), "wb") as sink, pa.ipc.new_file(sink, schema) as writer:
    for b in batches:
        writer.write_batch(b)
with pa.OSFile(os.path.join(here, "table-zstd.arrow"), "wb") as sink, \
        pa.ipc.new_file(sink, schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
    for b in batches:
        writer.write_batch(b)
with pa.OSFile(os.path.join(here, "table.arrows"), "wb") as sink, pa.ipc.new_stream(sink, schema) as writer:
    for b in batches:
        writer.write_batch(b)
feather.write_feather(table, os.path.join(here, "table.feather"), compression="uncompressed")
categorical = table.set_column(2, "label", table.column("label").dictionary_encode())
with pa.OSFile(os.path.join(here, "categories.arrow"), "wb") as sink, pa.ipc.new_file(sink, categorical.schema) as writer:
    writer.write_table(categorical, max_chunksize=16)

golden = {}
for name in ["table.arrow", "table-zstd.arrow", "table.feather", "categories.arrow"]:
    read = pa.ipc.open_file(os.path.join(here, name)).read_all()
    golden[name] = {"columns": read.column_names, "rows": read.to_pylist()}
read = pa.ipc.open_stream(os.path.join(here, "table.arrows")).read_all()
golden["table.arrows"] = {"columns": read.column_names, "rows": read.to_pylist()}

features = datasets.Features({"text": datasets.Value("string"), "label": datasets.ClassLabel(names=["negative", "positive"]),
                              "source": datasets.Value("string")})
splits = {
    "train": [{"text": f"train review {i}: " + ("great" if i % 2 else "awful"), "label": i % 2, "source": "web"} for i in range(30)],
    "test": [{"text": f"test review {i}", "label": -1 if i % 4 == 0 else i % 2, "source": "shop"} for i in range(12)],
}
dataset = datasets.DatasetDict({k: datasets.Dataset.from_list(v, features=features) for k, v in splits.items()})
shutil.rmtree(os.path.join(here, "hf"), ignore_errors=True)
dataset.save_to_disk(os.path.join(here, "hf"))
golden["hf"] = {"splits": {k: [dict(r, label=(features["label"].int2str(r["label"]) if r["label"] >= 0 else None)) for r in v]
                           for k, v in splits.items()}, "datasets": datasets.__version__, "pyarrow": pa.__version__}
with open(os.path.join(here, "golden.json"), "w") as f:
    json.dump(golden, f, ensure_ascii=False, indent=0)
