"""Ingest benchmark: dq ingest vs pandas read_csv+to_sql vs the sqlite3 shell's .import, same CSV.
With --parquet, the same rows as a Snappy Parquet file written by pandas' defaults (pyarrow, one
row group of up to a million rows): dq ingest vs pandas read_parquet+to_sql, and dq's ingest of
the CSV in the same run. With --arrow, the same as an Arrow IPC file (pyarrow, large strings,
batches of 65,536 rows): dq ingest vs pyarrow read + to_pandas + to_sql, and dq's CSV ingest.
Where a C compiler is found, every mode also times SQLite alone storing the same rows
(sqlite_insert.c: one prepared INSERT a row, dq's settings, no checks), the bound on any ingest
into a SQLite file. Tools take turns round by round, so a change in the machine's speed
touches all of them; the best round of each is reported, and each round's ratios too."""
import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile

from measure import measure


def fresh(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dq", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--parquet", action="store_true")
    parser.add_argument("--arrow", action="store_true")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    work = tempfile.mkdtemp(prefix="dq-bench-ingest-")
    data = os.path.join(work, "rows.csv")
    subprocess.run([sys.executable, os.path.join(here, "make_ingest_csv.py"), data, "--rows", str(args.rows)], check=True)
    db = os.path.join(work, "bench.sqlite")
    if args.parquet:
        # In a child process: a forked child's peak resident memory counts this process's pages
        # until it execs, so this process must stay small.
        parquet = os.path.join(work, "rows.parquet")
        subprocess.run([sys.executable, "-c", "import sys, pandas as pd; "
                        "pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).to_parquet(sys.argv[2])", data, parquet], check=True)
    if args.arrow:
        arrow = os.path.join(work, "rows.arrow")
        subprocess.run([sys.executable, "-c", "import sys, pandas as pd, pyarrow as pa; "
                        "t = pa.Table.from_pandas(pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False), preserve_index=False); "
                        "t = t.cast(pa.schema([(f.name, pa.large_string()) for f in t.schema])); "
                        "w = pa.ipc.new_file(sys.argv[2], t.schema); [w.write_batch(b) for b in t.to_batches(max_chunksize=65536)]; w.close()",
                        data, arrow], check=True)
    # SQLite alone, storing the same rows with no checks: the bound on any ingest into SQLite.
    floor = None
    if shutil.which("cc"):
        floor = os.path.join(work, "sqlite_insert")
        subprocess.run(["cc", "-O2", os.path.join(here, "sqlite_insert.c"), "-lsqlite3", "-o", floor], check=True)
        rows_bin = os.path.join(work, "rows.bin")
        subprocess.run([sys.executable, "-c", "import sys, pandas as pd; "
                        "f = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False); "
                        "out = open(sys.argv[2], 'wb'); "
                        "[out.write(b'\\0'.join(v.encode() for v in row) + b'\\0') for row in zip(f['id'], f['text'], f['label'])]; "
                        "out.close()",
                        data, rows_bin], check=True)
    csv_data = data
    data = parquet if args.parquet else arrow if args.arrow else data
    runners = {
        "dq ingest": lambda: measure([args.dq, "ingest", data, "--dataset", "bench", "--db", fresh(db), "--format", "csv"]),
        "pandas read_csv+to_sql": lambda: measure([sys.executable, os.path.join(here, "ingest_peers.py"), data, fresh(db)]),
        "sqlite3 .import --csv": lambda: measure(["sqlite3", fresh(db)], stdin=f".import --csv {data} samples\n"),
    }
    if args.parquet or args.arrow:
        del runners["sqlite3 .import --csv"]
        peer = runners.pop("pandas read_csv+to_sql")
        runners["dq ingest of the CSV"] = lambda: measure([args.dq, "ingest", csv_data, "--dataset", "bench", "--db", fresh(db), "--format", "csv"])
        runners["pandas read_parquet+to_sql" if args.parquet else "pyarrow read+to_pandas+to_sql"] = peer
    if floor:
        runners["SQLite alone (C, sqlite_insert.c)"] = lambda: measure([floor, rows_bin, fresh(db)])
    best = {}
    rounds = []
    for _ in range(args.repeat):
        this_round = {}
        for name, run in runners.items():
            result = this_round[name] = run()
            if name not in best or result["seconds"] < best[name]["seconds"]:
                best[name] = result
        rounds.append(this_round)
    size = os.path.getsize(data) / 1e6
    kind = "Snappy Parquet" if args.parquet else "Arrow IPC" if args.arrow else "CSV"
    print(f"ingest: {args.rows:,} rows, {size:.0f} MB {kind}, best of {args.repeat}; "
          f"{platform.processor() or platform.machine()}")
    print("| tool | seconds | rows/s | peak RSS (MB) | dq speed-up |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, result in best.items():
        ratio = result["seconds"] / best["dq ingest"]["seconds"]
        print(f"| {name} | {result['seconds']:.2f} | {args.rows / result['seconds']:,.0f} | "
              f"{result['peak_rss_mb']:.0f} | {ratio:.2f}× |")
    for number, this_round in enumerate(rounds, 1):
        dq = this_round["dq ingest"]["seconds"]
        print(f"round {number}: " + "; ".join(f"{name} {result['seconds']:.2f} s ({result['seconds'] / dq:.2f}×)"
                                             for name, result in this_round.items()))


if __name__ == "__main__":
    main()
