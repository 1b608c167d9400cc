#!/usr/bin/env bash
# The scale-out path, checked on one machine: docs/scale-out/ddp_probabilities.py under torchrun
# with two CPU processes (gloo), then dq imports the shards as they are.
#   PY=bench/.venv/bin/python bash bench/scale_out_ddp.sh [rows]      (needs torch, transformers)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-bench/.venv/bin/python}
DQ=${DQ:-.build/release/dq}
ROWS=${1:-600}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# The first ROWS questions: g′ and g train on the first two thirds, score the last third.
head -n $((ROWS + 1)) Fixtures/demo/trec/train.csv > "$WORK/all.csv"
FIT=$((ROWS * 2 / 3))
head -n $((FIT + 1)) "$WORK/all.csv" > "$WORK/fit.csv"
(head -n 1 "$WORK/all.csv"; tail -n +$((FIT + 2)) "$WORK/all.csv") > "$WORK/held.csv"
TORCHRUN="$(dirname "$PY")/torchrun"
for procs in 1 2; do
  start=$(date +%s.%N)
  "$TORCHRUN" --standalone --nproc_per_node "$procs" docs/scale-out/ddp_probabilities.py \
    --train "$WORK/fit.csv" --score "$WORK/held.csv" --model Fixtures/bert/random-tiny \
    --epochs 2 --lr 1e-3 --batch-size 16 --max-length 32 --out "$WORK/probs-$procs" --dynamics "$WORK/dynamics-$procs" 2>"$WORK/torchrun.err" \
    || { cat "$WORK/torchrun.err"; exit 1; }
  end=$(date +%s.%N)
  echo "torchrun, $procs process(es): $(echo "$end - $start" | bc) s; shards: $(ls "$WORK/probs-$procs" | tr '\n' ' ')$(ls "$WORK/dynamics-$procs" | tr '\n' ' ')"
done
"$DQ" ingest "$WORK/all.csv" --dataset trec --db "$WORK/dq.sqlite" > /dev/null
"$DQ" pvi --dataset trec --import-probs "$WORK/probs-2" --db "$WORK/dq.sqlite" --format csv | head -3
"$DQ" cartography --dataset trec --import "$WORK/dynamics-2" --db "$WORK/dq.sqlite" --format csv | head -3
echo "rows scored: $(tail -n +2 -q "$WORK"/probs-2/*.csv | wc -l) of $((ROWS - FIT)); dynamics rows per epoch: $(cat "$WORK"/dynamics-2/dynamics_epoch_0.*.jsonl | wc -l) of $FIT"
