"""Reading a benchmark folder and writing a stress copy of it beside its labels."""
import json
import os


def read_docs(bench):
    """Returns the documents of bench/docs.jsonl, in file order."""
    with open(os.path.join(bench, "docs.jsonl")) as f:
        return [json.loads(line) for line in f]


def write_copy(bench, out, docs):
    """Writes docs as out/docs.jsonl and links bench's labels (pairs.tsv,
    clusters.tsv) into out, so the copy is scored against the same labels."""
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "docs.jsonl"), "w") as f:
        for d in docs:
            f.write(json.dumps(d) + "\n")
    for name in ("pairs.tsv", "clusters.tsv"):
        src, dst = os.path.abspath(os.path.join(bench, name)), os.path.join(out, name)
        if os.path.exists(src) and not os.path.lexists(dst):
            os.symlink(src, dst)
