# dq's vocabulary: `make demo`, `make test`, `make bench`.
SWIFT ?= swift
DEMO_DIR ?= demo-out
DQ := .build/release/dq
DEMO_DB := $(DEMO_DIR)/dq.sqlite
SEMEVAL_EMOTIONS := anger,anticipation,disgust,fear,joy,love,optimism,pessimism,sadness,surprise,trust

.PHONY: all build release demo test bench fuzz check-deps clean docs

all: build

# The toolchain and the one system library dq links.
check-deps:
	@command -v $(SWIFT) >/dev/null 2>&1 || { \
	  echo "error: swift not found. Install a Swift 6 toolchain from swift.org and put it on PATH." >&2; exit 1; }
	@{ pkg-config --exists sqlite3 2>/dev/null || test -f /usr/include/sqlite3.h; } || { \
	  echo "error: SQLite development files are missing. Install them with:" >&2; \
	  echo "  sudo apt-get install libsqlite3-dev      (Debian/Ubuntu)" >&2; \
	  echo "  brew install sqlite                      (macOS)" >&2; exit 1; }

build: check-deps
	$(SWIFT) build

release: check-deps
	$(SWIFT) build -c release --product dq

# Runs dq on the bundled demo data (TREC question classification) in a fresh store.
demo: release
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@echo "== dq ingest: TREC train and test into $(DEMO_DB)"
	$(DQ) ingest Fixtures/demo/trec/train.csv --dataset trec --split train --meta fine_label --db $(DEMO_DB)
	$(DQ) ingest Fixtures/demo/trec/test.csv --dataset trec --split test --meta fine_label --db $(DEMO_DB)
	@echo "== dq datasets"
	$(DQ) datasets --db $(DEMO_DB)
	@echo "== dq stats"
	$(DQ) stats --dataset trec --db $(DEMO_DB) --top 5
	$(DQ) stats --dataset trec --db $(DEMO_DB) --format json --out $(DEMO_DIR)/stats.json
	@echo "== dq divergence (label pairs, hardest to tell apart first)"
	$(DQ) divergence --dataset trec --top-tokens 4 --db $(DEMO_DB)
	@echo "== dq pvi (tiny-bert from random initialisation, 1 epoch: fitted on the 5,452 training questions, scoring the 500 test ones; about a minute on 2 cores)"
	$(DQ) pvi --dataset trec --model tiny-bert --train-split train --eval-split test --epochs 1 --max-length 32 --top 5 --db $(DEMO_DB) --out $(DEMO_DIR)/pvi-tiny-bert.csv > $(DEMO_DIR)/pvi-tiny-bert.txt
	@sed -n '1,10p' $(DEMO_DIR)/pvi-tiny-bert.txt
	@echo "== dq pvi (bow, 5-fold cross-fitting on the training split; the latest pvi run, so label-issues and suspects use it)"
	$(DQ) pvi --dataset trec --split train --model bow --by fine_label --top 8 --db $(DEMO_DB) --out $(DEMO_DIR)/pvi-bow.csv > $(DEMO_DIR)/pvi-bow.txt
	@sed -n '1,10p;/Lowest PVI/,$$p' $(DEMO_DIR)/pvi-bow.txt
	@echo "== dq cartography (tiny-bert from random initialisation on the 500 test questions, 8 short epochs; under a minute)"
	@echo "   From random initialisation on 500 texts tiny-bert learns little; real use wants pretrained weights (dq models fetch tiny-bert) or --model embeddings:DIR."
	$(DQ) cartography --dataset trec --split test --model tiny-bert --epochs 8 --lr 3e-3 --batch-size 16 --max-length 32 --top 5 --db $(DEMO_DB) --plot $(DEMO_DIR)/data-map.svg --out $(DEMO_DIR)/cartography.csv
	@echo "== dq label-issues (confident learning on the bow run's out-of-sample probabilities)"
	$(DQ) label-issues --dataset trec --top 5 --db $(DEMO_DB) --out $(DEMO_DIR)/label-issues.csv
	@echo "== dq inconsistent (Fixtures/demo/trec-specs.json)"
	$(DQ) inconsistent --dataset trec --split train --specs Fixtures/demo/trec-specs.json --top 3 --db $(DEMO_DB)
	@echo "== dq conflicts (near-duplicate questions with different labels, train and test)"
	$(DQ) conflicts --dataset trec --db $(DEMO_DB)
	@echo "== dq suspects (every signal merged)"
	@echo "== dq evaluate (10% planted errors, 3 repeats: which signal to trust, and the fusion suspects will use)"
	$(DQ) evaluate --dataset trec --split train --specs Fixtures/demo/trec-specs.json --db $(DEMO_DB) --out $(DEMO_DIR)/planted.csv
	$(DQ) suspects --dataset trec --show 10 --db $(DEMO_DB)
	$(DQ) export suspects --dataset trec --format csv --out $(DEMO_DIR)/review.csv --db $(DEMO_DB)
	@echo "== dq report"
	$(DQ) report --dataset trec --out $(DEMO_DIR)/report.html --db $(DEMO_DB)
	@echo "== several annotators (a store of its own): Fleiss's psychiatric diagnoses, and ConvAbuse's 8 annotators of abuse severity (test split; offensive language)"
	$(DQ) ingest Fixtures/annotations/fleiss_diagnoses.csv --dataset diagnoses --annotator-prefix rater_ --db $(DEMO_DIR)/annotations.sqlite
	$(DQ) agreement --dataset diagnoses --table agreement --db $(DEMO_DIR)/annotations.sqlite
	$(DQ) ingest Fixtures/demo/convabuse/test.csv --id id --annotator annotator --label severity --text user --annotation-meta abuse_types --db $(DEMO_DIR)/annotations.sqlite
	$(DQ) agreement --dataset convabuse --metric ordinal --table agreement --db $(DEMO_DIR)/annotations.sqlite
	$(DQ) consensus --dataset convabuse --table consensus_annotators --db $(DEMO_DIR)/annotations.sqlite
	@echo "== multi-label: SemEval-2018 E-c dev, 886 tweets with one 0/1 column per emotion"
	$(DQ) ingest Fixtures/demo/semeval/dev.tsv --id ID --text Tweet --label-columns $(SEMEVAL_EMOTIONS) --db $(DEMO_DIR)/annotations.sqlite
	$(DQ) pvi --dataset semeval --model bow --table v_information_labels --db $(DEMO_DIR)/annotations.sqlite
	$(DQ) suspects --dataset semeval --show 5 --db $(DEMO_DIR)/annotations.sqlite
	@echo "== outputs in $(DEMO_DIR)/: report.html (open it in a browser), review.csv (for annotators), dq.sqlite (the store), stats.json, pvi-tiny-bert.csv, pvi-bow.csv, cartography.csv, data-map.svg, label-issues.csv; annotations.sqlite (annotators and multi-label: dq datasets --db $(DEMO_DIR)/annotations.sqlite)"

test: check-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Benchmarks against Python peers, installed into bench/.venv by the bench scripts.
bench: release
	bash bench/run.sh

# Mutated fixture files through dq's readers: crashes, hangs, and rows that differ from a
# reference parser, then the kept binary inputs against pyarrow (FUZZ_INPUTS, FUZZ_SEED;
# findings in fuzz-findings/). See docs/store.md.
FUZZ_INPUTS ?= 10000000
FUZZ_SEED ?= 1
fuzz: check-deps
	$(SWIFT) build -c release --product dq-bench
	.build/release/dq-bench fuzz $(FUZZ_INPUTS) $(FUZZ_SEED) fuzz-findings
	@if [ -x bench/.venv/bin/python ]; then bench/.venv/bin/python bench/fuzz_pyarrow.py fuzz-findings; \
	else echo "the comparison with pyarrow needs bench/.venv (make bench makes it): bench/.venv/bin/python bench/fuzz_pyarrow.py fuzz-findings"; fi

clean:
	rm -rf .build $(DEMO_DIR)

# The option tables of docs/commands, made from the commands' parsers (checked by make test).
docs:
	$(SWIFT) build --build-tests
	DQ_UPDATE_DOCS=1 $(SWIFT) test --skip-build --filter everyCommandPageHasTheOptionTableItsParserGives
