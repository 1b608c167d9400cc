"""BM25 peers for bench/run.sh: bm25s (method "lucene", k1 1.2, b 0.75) and rank_bm25 (BM25Okapi)
on the corpus and queries dq-bench used; checks bm25s's top-10 scores against dq's.

Both tokenise as dq does (lower-cased runs of ASCII letters and digits); the time to do so
counts toward the index build, as dq's does. rank_bm25 is timed on the first 10 queries only
(it scores every document in Python) and its query time is scaled to 100.
"""
import argparse
import json
import re
import time

TOKEN = re.compile(r"[a-z0-9]+")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("queries")
    parser.add_argument("dq_json")
    args = parser.parse_args()
    with open(args.corpus, encoding="utf-8") as f:
        docs = f.read().split("\n")[:-1]
    with open(args.queries, encoding="utf-8") as f:
        queries = f.read().split("\n")[:-1]
    dq = json.load(open(args.dq_json))

    import bm25s
    start = time.perf_counter()
    tokens = [TOKEN.findall(d.lower()) for d in docs]
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    retriever.index(tokens, show_progress=False)
    index_seconds = time.perf_counter() - start
    start = time.perf_counter()
    query_tokens = [TOKEN.findall(q.lower()) for q in queries]
    ids, scores = retriever.retrieve(query_tokens, k=10, show_progress=False, n_threads=1)
    query_seconds = time.perf_counter() - start
    worst = 0.0
    for q, mine in enumerate(dq["results"]):
        theirs = sorted(float(s) for s in scores[q])[::-1]
        ours = [s for _, s in mine]
        worst = max(worst, max(abs(a - b) / max(abs(b), 1e-9) for a, b in zip(ours, theirs)))
    print(json.dumps({"bench": "bm25s", "version": bm25s.__version__, "index_seconds": index_seconds,
                      "query_seconds": query_seconds, "largest_relative_difference_from_dq": worst}))
    del retriever

    from rank_bm25 import BM25Okapi
    start = time.perf_counter()
    okapi = BM25Okapi([TOKEN.findall(d.lower()) for d in docs], k1=1.2, b=0.75)
    index_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for q in queries[:10]:
        okapi.get_top_n(TOKEN.findall(q.lower()), docs, n=10)
    query_seconds = (time.perf_counter() - start) * len(queries) / 10
    print(json.dumps({"bench": "rank_bm25", "index_seconds": index_seconds, "query_seconds_scaled_to_all": query_seconds}))


if __name__ == "__main__":
    main()
