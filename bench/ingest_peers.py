"""The ingest benchmark's Python peer: pandas read_csv (or read_parquet, for a .parquet file; pyarrow's
IPC reader and to_pandas, for an .arrow file) + to_sql into a fresh SQLite file."""
import sqlite3
import sys

import pandas as pd

csv_path, db_path = sys.argv[1], sys.argv[2]
if csv_path.endswith(".parquet"):
    frame = pd.read_parquet(csv_path)
elif csv_path.endswith(".arrow"):
    import pyarrow as pa
    frame = pa.ipc.open_file(csv_path).read_all().to_pandas()
else:
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
with sqlite3.connect(db_path) as connection:
    frame.to_sql("samples", connection, index=False, chunksize=100_000)
print(len(frame))
