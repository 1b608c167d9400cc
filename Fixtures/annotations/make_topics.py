"""Writes topics.csv: 400 short synthetic news snippets, each about one to three of five topics
(sports, politics, tech, health, arts), the text drawn from topic words, the label list written
`a;b` (every third row as a JSON array). 8% of the (sample, topic) memberships are flipped after
the text is written; planted_topics.csv lists them (id, topic, given: 1 if the flipped list
claims the topic). Seeded; for the multi-label tests.
"""
import json
import random

random.seed(11)
topics = ["sports", "politics", "tech", "health", "arts"]
words = {"sports": "match goal team league coach", "politics": "vote senate election party law",
         "tech": "software chip startup code data", "health": "doctor vaccine clinic diet sleep",
         "arts": "film museum novel music paint"}
filler = "the a today new report week city people said".split()
with open("topics.csv", "w") as f, open("planted_topics.csv", "w") as planted:
    f.write("id,text,labels\n")
    planted.write("id,topic,given\n")
    for i in range(400):
        true = sorted(random.sample(topics, random.choice([1, 1, 2, 2, 3])), key=topics.index)
        text = " ".join(random.choice(words[t].split()) if random.random() < 0.6 else random.choice(filler) for t in true for _ in range(4))
        given = []
        for t in topics:
            has = t in true
            if random.random() < 0.08:
                has = not has
                planted.write(f"t{i},{t},{int(has)}\n")
            if has:
                given.append(t)
        cell = json.dumps(given) if i % 3 == 0 else ";".join(given)
        f.write(f't{i},{text} {i},"{cell.replace(chr(34), chr(34) * 2)}"\n')
