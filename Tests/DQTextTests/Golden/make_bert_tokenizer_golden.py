"""Writes bert_tokenizer_golden.json: Hugging Face BertTokenizer ids for varied strings.

Run from the repository root with transformers installed (bench/.venv has it after `make bench`):
    bench/.venv/bin/python Tests/DQTextTests/Golden/make_bert_tokenizer_golden.py
The vocabulary is Fixtures/tokenizer/bert-uncased-vocab.txt (bert-base-uncased's, 30,522 entries,
as shipped with sentence-transformers/all-MiniLM-L6-v2). Each case is tokenized uncased
(do_lower_case=True, accents stripped) and cased (do_lower_case=False), single and as a pair,
with and without truncation.
"""
import csv
import json
import random

import transformers
from transformers import BertTokenizer

VOCAB = "Fixtures/tokenizer/bert-uncased-vocab.txt"
OUT = "Tests/DQTextTests/Golden/bert_tokenizer_golden.json"

HANDWRITTEN = [
    "", " ", "\t\n", "Hello, world!", "HELLO World", "don't stop-believing...", "e-mail: a.b@c.com",
    "https://example.com/path?q=1&x=2", "Price: $3.50 (approx.) — 20% off!", "naïve café résumé", "Ångström Øre Æsir",
    "Crème brûlée à la carte", "İstanbul ışık", "straße STRASSE", "ﬁne ﬂow", "Ⅻ ½ ²", "😀 emoji 👍🏽 family 👨‍👩‍👧",
    "中文分词测试", "日本語のテキスト", "한국어 텍스트", "混合 mixed 文本 text", "Привет, мир", "Γειά σου κόσμε",
    "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "ไทย ภาษา", "a\u00a0b\u2003c", "zero\u200bwidth\u200djoiner",
    "control\u0001char\u0007s", "tab\tseparated\tvalues", "line\nbreaks\r\nhere", "soft\u00adhyphen",
    "combining e\u0301 and a\u0308", "replacement \ufffd char", "supercalifragilisticexpialidocious",
    "a" * 99, "b" * 100, "c" * 101, "antidisestablishmentarianism " * 3, "x" * 250 + " tail",
    "unaffable unwanted running", "##hash ##tags", "[CLS] [SEP] [MASK] [UNK] [PAD]", "UPPER lower MiXeD",
    "1234567890 3.14159 1,000,000", "#39;s quot; &amp; &lt;tag&gt;", "What is `` Nine Inch Nails '' ?",
    "o'clock rock'n'roll", "¿Qué? ¡Sí!", "«quotes» „German“ ‚single‘", "ellipsis… dash – em — ",
    "math ∑ ∫ √ ≤ ≥ ≠", "arrows → ← ↑", "currency € £ ¥ ₹", "smart ‘quotes’ “double”", "under_score snake_case",
    "CamelCaseWord", "per/slash back\\slash", "a.b.c d-e-f g_h_i", "   leading and trailing   ",
]


def corpus_strings(rng):
    out = []
    for path, count in [("../shared/datasets/cola/train.csv", 60), ("../shared/datasets/trec/train.csv", 40),
                        ("../shared/datasets/ag_news/test.csv", 40), ("../shared/datasets/mnli/validation_matched.csv", 40)]:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        for row in rng.sample(rows, count):
            out.append((row["text"], row.get("text_pair")))
    return out


def encode(tokenizer, text, pair, max_length):
    kwargs = {"truncation": "longest_first", "max_length": max_length} if max_length else {}
    enc = tokenizer(text, pair, **kwargs) if pair is not None else tokenizer(text, **kwargs)
    return enc["input_ids"], enc["token_type_ids"]


def main():
    rng = random.Random(4)
    singles = [(t, None) for t in HANDWRITTEN] + corpus_strings(rng)
    pairs = [(rng.choice(HANDWRITTEN), rng.choice(HANDWRITTEN)) for _ in range(30)]
    cases = []
    for lower in (True, False):
        tokenizer = BertTokenizer(vocab=VOCAB, do_lower_case=lower)
        # Guard against a constructor that silently ignores the vocabulary.
        assert tokenizer("Hello, world!")["input_ids"] == [101, 7592 if lower else 100, 1010, 2088, 999, 102]
        for text, pair in singles + pairs:
            for max_length in (None, 16):
                ids, types = encode(tokenizer, text, pair, max_length)
                cases.append({"text": text, "pair": pair, "lower": lower, "max_length": max_length,
                              "input_ids": ids, "token_type_ids": types})
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"generator": f"transformers {transformers.__version__} BertTokenizer", "vocab": VOCAB,
                   "cases": cases}, f, ensure_ascii=False, indent=0)
    print(f"{len(cases)} cases -> {OUT}")


if __name__ == "__main__":
    main()
