#!/usr/bin/env python3
"""Stress test: rewrites whose spinner also swaps function words, or more content words.

newsdup-dev's rewrites were spun by a thesaurus of content words; function
words ("about", "because", "the") stay in place, and the engine's stopword
grams rely on that. This builds a copy of a benchmark in which every
rewrite document (the rewrite side of an "origin~rewrite" or "copy~rewrite"
pair) also has its function words replaced by paraphrases, each occurrence
with probability RATE, as a thesaurus that covers them would. With
--content-rate C, each lower-case content word (not a function word, not
a figure) that the first spinner left is also replaced with probability C,
by one of three made-up words that no other text holds: a thesaurus with
more coverage than newsdup-dev's (which replaced 25-55% of content words),
whose synonyms the engine cannot know. Every other
document, the labels and the clusters stay as they are, so the scores
differ only where rewrites are missed.

    python3 scripts/stress/funcwords.py --rate 0.3 --out /tmp/fw0.3
    go run ./cmd/eval -bench /tmp/fw0.3 -out /tmp/fw0.3-pred
    python3 ../shared/eval/score.py /tmp/fw0.3 /tmp/fw0.3-pred
    python3 scripts/stress/funcwords.py --rate 0 --content-rate 0.5 --out /tmp/cw0.5

The output holds the benchmark's text: keep it out of the repository.
"""
import argparse
import os
import random
import re

from benchcopy import read_docs, write_copy

# Paraphrases of function words, as a general-purpose thesaurus gives them.
PARAPHRASES = {
    "about": ["approximately", "around", "roughly"], "after": ["following", "subsequent to"],
    "also": ["additionally", "likewise"], "because": ["since", "as"], "before": ["prior to", "ahead of"],
    "but": ["however", "yet"], "could": ["might"], "during": ["throughout", "amid"],
    "just": ["merely", "simply"], "only": ["solely", "merely"], "very": ["extremely", "highly"],
    "more": ["further", "additional"], "most": ["the majority of"], "now": ["currently", "presently"],
    "then": ["subsequently", "afterwards"], "over": ["more than", "across"], "until": ["till", "up to"],
    "while": ["whereas", "although"], "with": ["alongside", "together with"], "if": ["whether", "provided that"],
    "when": ["once", "as soon as"], "which": ["that"], "against": ["versus"], "between": ["among"],
    "under": ["below", "beneath"], "into": ["inside"], "through": ["via", "by way of"], "upon": ["on"],
    "again": ["once more"], "so": ["therefore", "thus"], "some": ["several", "certain"], "each": ["every"],
    "both": ["the two"], "all": ["every one of"], "not": ["never"], "will": ["shall", "is going to"],
    "would": ["could"], "should": ["ought to"], "further": ["additional"], "few": ["several"],
    "same": ["identical"], "other": ["different"], "out": ["outside"], "off": ["away"], "down": ["downward"],
    "up": ["upward"], "once": ["formerly"], "here": ["in this place"], "there": ["in that place"],
    "too": ["as well"], "such": ["these"], "own": ["personal"], "any": ["whatever"], "from": ["out of"],
    "by": ["through"], "at": ["in"], "on": ["upon"], "for": ["to benefit"], "of": ["from"], "to": ["toward"],
    "in": ["within"], "and": ["as well as", "plus"], "or": ["alternatively"], "the": ["this"], "a": ["one"],
}

# Function words that have no paraphrase above: they are never replaced.
FUNCTION = set("""am an are as be been being can did do does doing had has have having he her
hers herself him himself his how i is it its itself may me might must my myself no nor our ours
ourselves she than that their theirs them themselves these they this those was we were what where
who whom whose why you your yours yourself yourselves above below shall""".split())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", default="../shared/eval/newsdup-dev", help="benchmark folder to copy")
    ap.add_argument("--rate", type=float, required=True, help="probability of replacing each function word")
    ap.add_argument("--content-rate", type=float, default=0, help="probability of replacing each content word")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", required=True, help="folder to write the stress benchmark to")
    args = ap.parse_args()

    with open(os.path.join(args.bench, "pairs.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    rewrites = {r[1] for r in rows if r[2] == "rewrite" and len(r) > 3 and "~rewrite" in r[3]}

    rng = random.Random(args.seed)

    def swap(m):
        w = m.group(0)
        options = PARAPHRASES.get(w.lower())
        if not options:
            if args.content_rate and w.islower() and len(w) > 2 and w not in FUNCTION and rng.random() < args.content_rate:
                return w[::-1] + "q" + "abc"[rng.randrange(3)]
            return w
        if rng.random() >= args.rate:
            return w
        r = rng.choice(options)
        return r[0].upper() + r[1:] if w[0].isupper() else r

    docs = read_docs(args.bench)
    n = 0
    for d in docs:
        if d["id"] in rewrites:
            d["text"] = re.sub(r"[A-Za-z]+", swap, d["text"])
            n += 1
    write_copy(args.bench, args.out, docs)
    print(f"{n} rewrite documents respun at rates {args.rate} (function words), {args.content_rate} (content words) into {args.out}")


if __name__ == "__main__":
    main()
