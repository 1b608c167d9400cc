#!/usr/bin/env bash
# The V-information of input attributes on MultiNLI (validation matched), bow, 5-fold
# cross-fitting: original pairs, hypothesis only, premise only, shuffled words, length only.
# Prints `dq vinfo compare` (docs/evaluation.md has the table).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product dq >/dev/null
DQ=.build/release/dq
DB=$(mktemp -d)/mnli.sqlite
$DQ ingest ../shared/datasets/mnli/validation_matched.csv --dataset mnli --db "$DB" >/dev/null
$DQ pvi --dataset mnli --model bow --top 0 --db "$DB" >/dev/null
for transform in pair-only text-only shuffle length; do
  $DQ pvi --dataset mnli --model bow --transform "$transform" --top 0 --db "$DB" >/dev/null
done
$DQ vinfo compare --dataset mnli --per-label --db "$DB"
