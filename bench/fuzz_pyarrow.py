"""Compares the mutated Parquet and Arrow files `dq-bench fuzz` kept with what pyarrow reads.

`make fuzz` keeps, per binary target, up to 2,000 mutated inputs dq read (with dq's accepted
rows beside each, as JSON: line, text, label, id) and up to 1,000 it refused. This script reads
each with pyarrow and counts:
- rows that differ: a row dq accepted whose text, label or id is not pyarrow's (as
  `to_pylist` prints it: str() of the value, booleans as true/false);
- files dq read that pyarrow refuses, and files dq refused that pyarrow reads (the second is
  not a defect in itself: dq refuses types it does not convert, such as decimals and dates).

Usage: python bench/fuzz_pyarrow.py FINDINGS_DIR  (prints one JSON line per target)
"""
import json
import math
import os
import sys

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.parquet as pq


def read(path):
    if path.endswith(".parquet"):
        return pq.read_table(path)
    if path.endswith(".feather"):
        return feather.read_table(path)
    with open(path, "rb") as f:
        head = f.read(6)
    if head == b"ARROW1":
        return pa.ipc.open_file(path).read_all()
    return pa.ipc.open_stream(path).read_all()


def class_names(table):
    """ClassLabel names of a Hugging Face table (schema metadata "huggingface"), by column."""
    meta = (table.schema.metadata or {}).get(b"huggingface")
    try:
        features = json.loads(meta)["info"]["features"] if meta else {}
        return {name: f["names"] for name, f in features.items() if f.get("_type") == "ClassLabel"}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}


def column(row, name, names):
    """The value of the column dq recognises as `name` (its name in any case), as dq prints it."""
    for key, value in row.items():
        if key.lower() == name:
            if key in names and isinstance(value, int) and 0 <= value < len(names[key]):
                return names[key][value]
            return text(value)
    return None


def text(value):
    if value is None:
        return None
    if isinstance(value, bytes):  # a binary column dq reads as text when it is UTF-8
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value == math.floor(value) and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def compare(folder):
    counts = {"files_read_by_dq": 0, "files_refused_by_dq": 0, "pyarrow_refuses_dq_read": 0,
              "pyarrow_reads_dq_refused": 0, "rows_compared": 0, "rows_differing": 0,
              "pyarrow_reasons": {}}
    examples = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        stem = name[:-5]
        data = [f for f in os.listdir(folder) if f.startswith(stem + ".") and not f.endswith(".json")]
        if not data:
            continue
        path = os.path.join(folder, data[0])
        with open(os.path.join(folder, name)) as f:
            kept = json.load(f)
        try:
            table = read(path)
            # Mutated buffers can crash to_pylist; a full validation refuses them first.
            table.validate(full=True)
            rows = table.to_pylist()
            names = class_names(table)
        except Exception as error:  # pyarrow refuses the file
            table = None
            reason = str(error).split(":")[0][:60]
        if kept["refused"]:
            counts["files_refused_by_dq"] += 1
            if table is not None:
                counts["pyarrow_reads_dq_refused"] += 1
            continue
        counts["files_read_by_dq"] += 1
        if table is None:
            counts["pyarrow_refuses_dq_read"] += 1
            counts["pyarrow_reasons"][reason] = counts["pyarrow_reasons"].get(reason, 0) + 1
            if len(examples) < 5:
                examples.append(f"{path}: dq read {len(kept['rows'])} rows, pyarrow refuses the file")
            continue
        for line, dq_text, dq_label, dq_id in kept["rows"]:
            counts["rows_compared"] += 1
            k = int(line) - 1
            row = rows[k] if 0 <= k < len(rows) else None
            same = row is not None and column(row, "text", names) == dq_text and column(row, "label", names) == dq_label \
                and (column(row, "id", names) or None) == dq_id  # dq reads an empty id as none
            if not same:
                counts["rows_differing"] += 1
                if len(examples) < 5:
                    examples.append(f"{path} row {line}: dq {[dq_text, dq_label, dq_id]!r}, pyarrow {row!r}")
    return counts, examples


def main():
    root = os.path.join(sys.argv[1], "pyarrow")
    for target in sorted(os.listdir(root)):
        counts, examples = compare(os.path.join(root, target))
        print(json.dumps({"bench": "fuzz-pyarrow", "target": target, "pyarrow": pa.__version__, **counts}))
        for example in examples:
            print("  " + example, file=sys.stderr)


if __name__ == "__main__":
    main()
