"""Writes semeval-ec-dev-40-joined.csv: the same 40 tweets as semeval-ec-dev-40.tsv (the first
40 rows of SemEval-2018 E-c dev, ../shared/datasets/semeval2018_ec), with the labels whose
indicator is 1 joined by ';' in one column, as pandas users turn indicator columns into lists.
Run: python Fixtures/multilabel/make_joined.py"""
import csv
import os

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "semeval-ec-dev-40.tsv"), newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
header, body = rows[0], rows[1:]
emotions = header[2:]
with open(os.path.join(here, "semeval-ec-dev-40-joined.csv"), "w", newline="", encoding="utf-8") as f:
    out = csv.writer(f)
    out.writerow(["ID", "Tweet", "labels"])
    for row in body:
        out.writerow([row[0], row[1], ";".join(e for e, v in zip(emotions, row[2:]) if v == "1")])
