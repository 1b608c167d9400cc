#!/usr/bin/env bash
# `make bench`: dq against its Python peers on this machine, in one run. Peers live in a
# bench-only virtualenv (bench/.venv) created here; dq itself never needs Python.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=bench/.venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
fi
"$VENV/bin/pip" install --quiet -r bench/requirements.txt
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)"
echo "peers: $("$VENV/bin/python" -c 'import pandas, sqlite3; print("pandas", pandas.__version__, "/ sqlite", sqlite3.sqlite_version)')"
"$VENV/bin/python" bench/ingest_bench.py --dq .build/release/dq "$@"
