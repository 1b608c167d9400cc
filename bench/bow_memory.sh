#!/usr/bin/env bash
# bow at a million rows (issue 33, item 5): seconds and peak RSS of 5-fold
# `dq pvi --model bow --null prior --out FILE` on 1M generated 4-label texts, each round run
# alone; with BASE=path/to/another/dq, that binary in the same rounds, interleaved, and the
# largest per-sample PVI difference between the two. L2=1/n (or auto, or a number) passes
# --l2; without it, dq's default (auto since 2026-12-07; the 2026-12-06 figures are at 1/n).
# Usage: [L2=…] bench/bow_memory.sh [ROUNDS]   (needs python3; run from anywhere)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
swift build -c release --product dq >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(date -u +%Y-%m-%d)"
python3 bench/make_bow_csv.py "$WORK/1m.csv" --rows 1000000 --labels 4
.build/release/dq ingest "$WORK/1m.csv" --dataset bench --db "$WORK/1m.sqlite" -q >/dev/null
binaries=("dq:.build/release/dq")
[ -n "${BASE:-}" ] && binaries+=("base:$BASE")
for round in $(seq "$ROUNDS"); do
  for entry in "${binaries[@]}"; do
    name=${entry%%:*}; bin=${entry#*:}
    /usr/bin/time -f "$name round $round: %e s, peak RSS %M KB" "$bin" pvi --dataset bench --model bow --folds 5 --null prior ${L2:+--l2 "$L2"} \
      --db "$WORK/1m.sqlite" --out "$WORK/$name.csv" >/dev/null 2>"$WORK/$name.err" || { cat "$WORK/$name.err"; exit 1; }
    tail -1 "$WORK/$name.err"
  done
done
if [ -n "${BASE:-}" ]; then
  python3 - "$WORK/dq.csv" "$WORK/base.csv" <<'PY'
import csv, sys
a = {r["id"]: float(r["PVI"]) for r in csv.DictReader(open(sys.argv[1]))}
b = {r["id"]: float(r["PVI"]) for r in csv.DictReader(open(sys.argv[2]))}
print(f"mean PVI {sum(a.values()) / len(a):.7f} vs base {sum(b.values()) / len(b):.7f}; "
      f"largest per-sample difference {max(abs(a[k] - b[k]) for k in a):.4f} bits")
PY
fi
