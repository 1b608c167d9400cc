"""Writes the Parquet and Arrow files of Fixtures/columnar-types with pyarrow: typed columns dq
must read as pyarrow's to_pylist prints them or refuse by name, and a file with no rows.

Run: python make_columnar_types.py (pyarrow 26). Writes expected.json beside the files."""
import datetime, decimal, json, pathlib
import pyarrow as pa, pyarrow.parquet as pq, pyarrow.ipc as ipc

here = pathlib.Path(__file__).parent
texts = ["first text", "second text", "third text"]

unsigned = pa.table({
    "text": texts,
    "label": pa.array([0, 18446744073709551615, 4294967295], type=pa.uint64()),
    "small": pa.array([1, 255, 7], type=pa.uint8()),
})
pq.write_table(unsigned, here / "unsigned.parquet")
with ipc.new_stream(here / "unsigned.arrow", unsigned.schema) as w:
    w.write_table(unsigned)

dated = pa.table({
    "text": texts,
    "label": ["a", "b", "a"],
    "day": pa.array([datetime.date(2020, 1, 1)] * 3, type=pa.date32()),
    "price": pa.array([decimal.Decimal("1.50")] * 3, type=pa.decimal128(5, 2)),
})
pq.write_table(dated, here / "dated.parquet")

empty = pa.table({"text": pa.array([], type=pa.string()), "label": pa.array([], type=pa.string())})
pq.write_table(empty, here / "empty.parquet")
with ipc.new_stream(here / "empty.arrow", empty.schema) as w:
    w.write_table(empty)

binary = pa.table({
    "text": pa.array([b"plain text", b"bad \xff\xfe bytes", b"more text"], type=pa.binary()),
    "label": ["a", "b", "a"],
})
pq.write_table(binary, here / "binary-text.parquet")

def class_labels(names, values, file):
    """An Arrow stream as Hugging Face datasets writes one: a ClassLabel in the schema's metadata."""
    features = {"text": {"dtype": "string", "_type": "Value"}, "label": {"names": names, "_type": "ClassLabel"}}
    table = pa.table({"text": [f"text {i}" for i in range(len(values))], "label": pa.array(values, type=pa.int64())})
    table = table.replace_schema_metadata({"huggingface": json.dumps({"info": {"features": features}})})
    with ipc.new_stream(here / file, table.schema) as w:
        w.write_table(table)

class_labels(["neg", "pos"], [0, 1, 5, -1], "class-out-of-range.arrow")
class_labels(["neg", "neg"], [0, 1], "class-named-twice.arrow")

expected = {"unsigned": unsigned.to_pylist(), "dated_columns": dated.column_names}
(here / "expected.json").write_text(json.dumps(expected, indent=1, default=str) + "\n")
