"""Copies the real-data slices the demo and docs/guide.md use from ../shared/datasets.

- convabuse/test.csv: the test split of ConvAbuse (Cercas Curry et al., EMNLP 2021; CC BY 4.0),
  one row per annotation: id, annotator, severity (1 not abusive, 0 ambiguous, -1 to -3 mildly to
  very strongly abusive), abuse_types (;-joined) and the judged user turn. Contains offensive language.
- semeval/dev.tsv: SemEval-2018 Task 1 E-c English dev (Mohammad et al., 2018; research use),
  byte for byte: one 0/1 column per emotion.

Run from the project root: python3 Fixtures/demo/make_real_slices.py
"""
import csv
import shutil

SHARED = "../shared/datasets"

with open(f"{SHARED}/convabuse/annotations.csv", newline="", encoding="utf-8") as f:
    rows = [r for r in csv.DictReader(f) if r["split"] == "test"]
with open("Fixtures/demo/convabuse/test.csv", "w", newline="", encoding="utf-8") as f:
    out = csv.writer(f, lineterminator="\n")
    columns = ["id", "annotator", "severity", "abuse_types", "user"]
    out.writerow(columns)
    for r in rows:
        out.writerow([r[c] for c in columns])
shutil.copyfile(f"{SHARED}/semeval2018_ec/dev.tsv", "Fixtures/demo/semeval/dev.tsv")
print(f"convabuse/test.csv: {len(rows)} annotations; semeval/dev.tsv copied")
