#!/usr/bin/env python3
"""Stress test: the same benchmark with other boilerplate.

newsdup-dev's copies carry ten site lines ("Advertisement", "Skip to main
content", "(Reporting by staff; Editing by the desk)", ...). The held-out
benchmarks use other boilerplate. This builds a copy of a benchmark in which
that boilerplate is replaced, in one of three ways:

  shapes   each of the ten lines (and the spinner's variants of it) becomes
           a different line of the same kind, so the normalizer's shape
           rules and the recurring-furniture rule meet text they never saw;
  prose    as shapes, and every source also gets a footer of two or three
           prose sentences (a membership appeal, an app advert, a comments
           policy) on 70% of its documents: site furniture that has the
           shape of story prose;
  teasers  as shapes, and 60% of documents get "Read more:" lines between
           their paragraphs, each the headline of another document of the
           benchmark, as related-story links do.

Labels and clusters are unchanged, so the scores differ only where the new
boilerplate changes a decision.

    python3 scripts/stress/boilerplate.py --mode prose --out /tmp/bp-prose
    go run ./cmd/eval -bench /tmp/bp-prose -out /tmp/bp-prose-pred
    python3 ../shared/eval/score.py /tmp/bp-prose /tmp/bp-prose-pred

The output holds the benchmark's text: keep it out of the repository.
"""
import argparse
import random
import re

from benchcopy import read_docs, write_copy

# Each dev line (matched loosely, as the spinner rewords some of them) and
# the lines of the same kind that replace it, one chosen per source.
REPLACEMENTS = [
    (r"^Advertisement$", ["Sponsored", "ADVERTISING", "Story continues below"]),
    (r"^Categorized in: ", ["Filed under: International", "Topics: Global affairs", "Posted in: Nation and world"]),
    (r"^Home > ", ["News / International / Europe", "You are here: News » World", "Front page | World | Europe"]),
    (r"^Share this \w+ on Facebook and Twitter\.$", ["Share via email, WhatsApp or Messenger.", "Click to share on LinkedIn (opens in new window)", "Send this story to a friend."]),
    (r"^Subscribe now for unlimited access$", ["Already a subscriber? Log in", "Get full access for 99 cents a week", "Support independent journalism: become a member today"]),
    (r"^Breaking News$", ["LIVE UPDATES", "Latest headlines", "Developing story"]),
    (r"^Skip to \w+ content$", ["Jump to navigation", "Accessibility links", "Go to the main menu"]),
    (r"^Copyright \d{4} The Associated Press", ["© 2022 Agence France-Presse. All rights reserved.", "Copyright Thomson Reuters 2022. Click for restrictions.", "This material may not be published, broadcast, rewritten or redistributed."]),
    (r"^\(Reporting by \w+; Editing by the desk\)$", ["Writing by our correspondent, editing by the news desk", "Compiled by the foreign desk with agency reports", "Additional reporting by wire services"]),
    (r"^Our Morning Update \w+ is \w+ by our editors\. Sign up today\.$", ["Get the best of our journalism delivered to your inbox every weekday morning, free. Sign up now.", "Want more stories like this? Sign up for our daily briefing and never miss a headline again.", "The Evening Digest brings you the day's top stories in five minutes. Subscribe for free."]),
]

# Prose furniture, three sentences of 18-21 words per kind.
PROSE = [
    ["We rely on readers like you to fund independent reporting that holds the powerful to account every single day.",
     "A small monthly contribution keeps our newsroom open and our journalism free for everyone who needs to read it.",
     "Thank you for reading, and thank you to the thousands of members who already support our work across the country."],
    ["Download our free app to get breaking news alerts, personalised briefings and offline reading on your phone or tablet.",
     "The app is available for both Apple and Android devices and takes less than a minute to set up today.",
     "You can choose which topics send you notifications and switch them off again at any time in your settings."],
    ["Comments on this article are moderated and may take a little while to appear after you have submitted them here.",
     "Please keep the discussion civil and on topic, and remember that personal attacks will be removed by our moderators.",
     "Read our community guidelines to find out more about what is and is not allowed in the comment section."],
    ["Got a story tip or a news lead that you think our reporters should know about? Get in touch with us.",
     "You can contact the newsroom securely and confidentially, and we will never reveal our sources without their full consent.",
     "Our team reads every message, although we cannot reply to all of them or promise to cover every single story."],
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench", default="../shared/eval/newsdup-dev", help="benchmark folder to copy")
    ap.add_argument("--mode", choices=["shapes", "prose", "teasers"], required=True)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", required=True, help="folder to write the stress benchmark to")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    docs = read_docs(args.bench)
    sources = sorted({d["source"] for d in docs})
    pick = {s: [rng.randrange(len(r)) for _, r in REPLACEMENTS] for s in sources}
    prose = {s: PROSE[i % len(PROSE)][: 2 + rng.randrange(2)] for i, s in enumerate(sources)}
    titles = [d["title"] for d in docs if d.get("title")]
    compiled = [re.compile(p) for p, _ in REPLACEMENTS]

    replaced = 0
    for d in docs:
        choice = pick[d["source"]]
        lines = d["text"].split("\n")
        for i, line in enumerate(lines):
            for k, rx in enumerate(compiled):
                if rx.search(line.strip()):
                    lines[i] = REPLACEMENTS[k][1][choice[k]]
                    replaced += 1
                    break
        text = "\n".join(lines)
        if args.mode == "prose" and rng.random() < 0.7:
            text += "\n\n" + " ".join(prose[d["source"]])
        if args.mode == "teasers" and rng.random() < 0.6:
            paras = text.split("\n\n")
            for _ in range(1 + rng.randrange(2)):
                at = 1 + rng.randrange(max(1, len(paras) - 1))
                paras.insert(at, "Read more: " + rng.choice(titles))
            text = "\n\n".join(paras)
        d["text"] = text

    write_copy(args.bench, args.out, docs)
    print(f"{replaced} boilerplate lines replaced ({args.mode}) into {args.out}")


if __name__ == "__main__":
    main()
