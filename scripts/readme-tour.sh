#!/bin/bash
# Runs the README's tour as printed, in a fresh folder, and keeps each command's output in
# OUT/NN.txt, for the outputs the README shows. Usage: scripts/readme-tour.sh OUT [DQ]
# (DQ defaults to .build/release/dq). The tiny-bert cartography step takes minutes on 2 cores.
set -euo pipefail
out=$(realpath -m "$1"); dq=$(realpath "${2:-.build/release/dq}"); root=$(pwd)
rm -rf "$out" && mkdir -p "$out/work"
cd "$out/work"
ln -s "$root/Fixtures" Fixtures
n=0
step() {
    n=$((n + 1))
    printf '$ dq %s\n' "$*" > "$out/$(printf %02d $n).txt"
    "$dq" "$@" >> "$out/$(printf %02d $n).txt" 2> "$out/$(printf %02d $n).err"
}
step ingest Fixtures/demo/trec/train.csv --dataset trec --meta fine_label
step ingest Fixtures/demo/trec/test.csv --dataset trec --split test --meta fine_label
step datasets
step stats --dataset trec --top 3
step pvi --dataset trec --split train --model bow --top 4
step cartography --dataset trec --split train --model tiny-bert --epochs 4 --plot data-map.svg
step label-issues --dataset trec --top 3
step inconsistent --dataset trec --split train --specs Fixtures/demo/trec-specs.json --top 2
step conflicts --dataset trec
step evaluate --dataset trec --split train --specs Fixtures/demo/trec-specs.json
step suspects --dataset trec --show 3
echo "outputs in $out"
