"""Writes movies_long.csv: 300 short synthetic reviews, each labelled pos/neg by up to four
annotators of planted reliability (w1 0.95, w2 0.90, w3 0.80, w4 0.55; each annotates an item
with probability 0.75), one row per annotation. For the annotator command tests; seeded.
"""
import random

random.seed(3)
words = {"pos": "great good lovely superb fun enjoyable brilliant".split(), "neg": "awful bad boring dull poor terrible weak".split()}
skill = {"w1": 0.95, "w2": 0.9, "w3": 0.8, "w4": 0.55}
with open("movies_long.csv", "w") as f:
    f.write("item,text,worker,answer\n")
    for i in range(300):
        truth = random.choice(["pos", "neg"])
        text = " ".join(random.choice(words[truth]) for _ in range(5)) + f" movie {i}"
        for worker in ["w1", "w2", "w3", "w4"]:
            if random.random() < 0.75:
                label = truth if random.random() < skill[worker] else ("neg" if truth == "pos" else "pos")
                f.write(f"m{i},{text},{worker},{label}\n")
