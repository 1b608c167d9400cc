"""Makes reviewed.json, what Argilla 2.x exports after two users answered dq's review records.

records.json is `dq export suspects --format argilla` of Fixtures/specs/planted-reviews.csv
(ingested as dataset "reviews", then `dq pvi --model bow --folds 2 --null prior` and
`dq suspects --top 4`). Each record goes through Argilla's own Record.from_dict (so Argilla
accepts dq's format), gets responses to the "label" question from two users, and is written
as Record.to_dict(), the list `dataset.records.to_json(path)` writes.

Run with the argilla package (tested with 2.8.0): python make_reviewed.py
"""
import json

import argilla as rg

ALICE = "5a1ce000-0000-4000-8000-000000000001"
BOB = "b0b00000-0000-4000-8000-000000000002"

with open("records.json") as f:
    records = [rg.Record.from_dict(r) for r in json.load(f)]

for i, record in enumerate(records):
    suggested = record.suggestions.to_dict()["label"]["value"]
    given = record.metadata["given_label"]
    # alice takes every suggestion; bob keeps the given label of the second record.
    record.responses.add(rg.Response("label", suggested, user_id=ALICE, status="submitted"))
    record.responses.add(rg.Response("label", given if i == 1 else suggested, user_id=BOB, status="submitted"))

with open("reviewed.json", "w") as f:
    json.dump([r.to_dict() for r in records], f, indent=1)
