#!/bin/bash
# Runs the README's tour as printed, in a fresh folder, and keeps each command's output in
# OUT/NN.txt, for the outputs the README shows; then redraws the README's two pictures,
# docs/images/data-map-trec.svg and (when chromium is installed) docs/images/report-trec.png.
# Usage: scripts/readme-tour.sh OUT [DQ]   (DQ defaults to .build/release/dq; about 2 minutes
# on 2 cores, most of it the tiny-bert data map). A test (theReadmeShowsWhatDqPrints) reruns
# every step but the data map in CI and fails when a shown line drifts.
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
step divergence --dataset trec --top-tokens 4
step label-issues --dataset trec --top 3
step inconsistent --dataset trec --split train --specs Fixtures/demo/trec-specs.json --top 2
step conflicts --dataset trec
step evaluate --dataset trec --split train --specs Fixtures/demo/trec-specs.json
step suspects --dataset trec --show 3
step cartography --dataset trec --split test --model tiny-bert --epochs 8 --lr 3e-3 --batch-size 16 --max-length 32 --top 3 --plot data-map.svg
step report --dataset trec --out report.html
cp data-map.svg "$root/docs/images/data-map-trec.svg"
bash "$root/bench/screenshot_report.sh" "$out/work/report.html" "$root/docs/images/report-trec.png" \
    || echo "docs/images/report-trec.png was not redrawn" >&2
echo "outputs in $out"
