"""A reproducible pseudo-corpus of any size for the scale benchmarks, resampled from the labelled sets.

Each pseudo paper belongs to a theme (an EMNLP-22 top-level field, an ML4Code tag, or CSAbstruct);
its abstract is a new sequence of real sentences drawn from that theme's abstracts, position by
position (first sentences from first sentences, last from last), so abstracts read like abstracts
and themes stay separable. Titles join a real short name ("Graph4Code") to a real descriptive title
of the theme; authors, years and venues are drawn from plausible pools. About 1% of records are
near-duplicate copies of another record (case, punctuation, a missing abstract), so dedupe has real
work. Same ``--seed`` and size, same file, byte for byte. Nothing from ``../shared`` is copied into
the repository: the output goes where you say (default ``build/pseudo/``, git-ignored).

    python benchmarks/pseudo_corpus.py 10000                   # build/pseudo/pseudo-10000.jsonl
    python benchmarks/pseudo_corpus.py 100000 --format csv --output /tmp/p100k.csv
"""

from __future__ import annotations

import argparse
import csv
import io as _io
import json
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.datasets import (  # noqa: E402
    DatasetMissing,
    load_emnlp22_multi,
    load_ml4code_tags,
    shared_datasets_dir,
)
from surveykit import io  # noqa: E402

DUPLICATE_SHARE = 0.01
YEARS = list(range(2012, 2026))
YEAR_WEIGHTS = [1.0 + 0.35 * i * i for i in range(len(YEARS))]  # recent years dominate
VENUES = ["ACL", "EMNLP", "NAACL", "EACL", "COLING", "TACL", "NeurIPS", "ICML", "ICLR", "AAAI",
          "IJCAI", "KDD", "WWW", "SIGIR", "CIKM", "ICSE", "FSE", "ASE", "PLDI", "OOPSLA", "MSR",
          "TOSEM", "TSE", "JMLR", "Transactions on Machine Learning Research", "arXiv"]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'])")


@dataclass
class Theme:
    """Sentence pools by position, descriptive titles and short names of one theme."""

    name: str
    first: list[str] = field(default_factory=list)
    middle: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    def add(self, title: str, sentences: list[str]) -> None:
        sentences = [s.strip() for s in sentences if len(s.strip()) > 20]
        if len(sentences) < 2 or not title:
            return
        self.first.append(sentences[0])
        self.last.append(sentences[-1])
        self.middle.extend(sentences[1:-1] or sentences[:1])
        self.lengths.append(len(sentences))
        self.titles.append(title.split(":", 1)[1].strip() if ":" in title else title)


def split_sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def _csabstruct_abstracts() -> list[list[str]]:
    folder = shared_datasets_dir() / "csabstruct"
    abstracts = []
    for name in ("train.jsonl", "dev.jsonl", "test.jsonl"):
        path = folder / name
        if not path.exists():
            raise DatasetMissing(f"{path} not found")
        with open(path, encoding="utf-8") as handle:
            abstracts += [json.loads(line)["sentences"] for line in handle if line.strip()]
    return abstracts


def _names_and_heads() -> tuple[list[str], list[str], list[str]]:
    """First names, last names (from the ML4Code author lists) and short title heads."""
    firsts, lasts, heads = set(), set(), set()
    path = shared_datasets_dir() / "ml4code" / "ml4code_publications.jsonl"
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            for name in str(record.get("authors") or "").split(","):
                parts = name.split()
                if len(parts) >= 2 and parts[0].isalpha() and parts[-1].isalpha():
                    firsts.add(parts[0])
                    lasts.add(parts[-1])
            title = str(record.get("title") or "")
            if ":" in title and len(title.split(":")[0].split()) <= 3:
                heads.add(title.split(":")[0].strip())
    return sorted(firsts), sorted(lasts), sorted(heads)


def load_themes() -> list[Theme]:
    """The theme pools, in a fixed order (so the seed alone fixes the output)."""
    themes: dict[str, Theme] = {}
    for labelled in (load_emnlp22_multi(), load_ml4code_tags()):
        for title, abstract, labels in zip(labelled.titles, labelled.abstracts, labelled.labels,
                                           strict=True):
            name = f"{labelled.name}:{labels[0]}"
            themes.setdefault(name, Theme(name)).add(title, split_sentences(abstract))
    cs = Theme("csabstruct")
    emnlp_titles = [t for theme in themes.values() for t in theme.titles]
    for index, sentences in enumerate(_csabstruct_abstracts()):
        cs.add(emnlp_titles[index % len(emnlp_titles)], sentences)
    themes[cs.name] = cs
    usable = [t for t in themes.values() if len(t.lengths) >= 5]
    for theme in themes.values():  # tiny themes lend their pools to the csabstruct theme
        if len(theme.lengths) < 5 and theme is not cs:
            cs.first += theme.first
            cs.middle += theme.middle
            cs.last += theme.last
    return sorted(usable, key=lambda t: t.name)


def _unique_title(rng: random.Random, theme: Theme, heads: list[str], seen: set[str]) -> str:
    for attempt in range(50):
        tail = rng.choice(theme.titles)
        title = f"{rng.choice(heads)}: {tail}" if attempt or rng.random() < 0.8 else tail
        key = re.sub(r"\W+", " ", title.lower()).strip()
        if key not in seen:
            seen.add(key)
            return title
    title = f"{rng.choice(heads)}-{len(seen)}: {rng.choice(theme.titles)}"
    seen.add(re.sub(r"\W+", " ", title.lower()).strip())
    return title


def _authors(rng: random.Random, firsts: list[str], lasts: list[str]) -> str:
    count = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 8])
    return " and ".join(f"{rng.choice(lasts)}, {rng.choice(firsts)}" for _ in range(count))


def _near_duplicate(rng: random.Random, record: dict) -> dict:
    copy = dict(record)
    copy["title"] = rng.choice([record["title"].upper(), record["title"].rstrip(".") + ".",
                                record["title"].replace(":", " -")])
    if rng.random() < 0.5:
        copy["abstract"] = ""
    copy["venue"] = "arXiv"
    return copy


def generate(size: int, seed: int = 0) -> list[dict]:
    """``size`` distinct pseudo papers plus ~1% near-duplicate copies, shuffled reproducibly."""
    rng = random.Random(seed)
    themes = load_themes()
    firsts, lasts, heads = _names_and_heads()
    weights = [len(t.lengths) ** 0.5 for t in themes]
    seen: set[str] = set()
    records = []
    for index in range(size):
        theme = rng.choices(themes, weights)[0]
        length = max(3, min(9, rng.choice(theme.lengths)))
        sentences = [rng.choice(theme.first)]
        sentences += [rng.choice(theme.middle) for _ in range(length - 2)]
        sentences.append(rng.choice(theme.last))
        records.append({
            "id": f"pseudo:{index:06d}",
            "title": _unique_title(rng, theme, heads, seen),
            "abstract": " ".join(dict.fromkeys(sentences)),
            "authors": _authors(rng, firsts, lasts),
            "year": rng.choices(YEARS, YEAR_WEIGHTS)[0],
            "venue": rng.choice(VENUES),
            "theme": theme.name,
        })
    duplicates = [_near_duplicate(rng, records[rng.randrange(size)])
                  for _ in range(int(size * DUPLICATE_SHARE))]
    records += duplicates
    rng.shuffle(records)
    return records


def to_text(records: list[dict], fmt: str) -> str:
    """The records as JSONL (one object a line) or CSV (header ``title,abstract,authors,...``)."""
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    buffer = _io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return buffer.getvalue()


def write_pseudo_corpus(size: int, output: Path | None = None, seed: int = 0,
                        fmt: str = "jsonl") -> Path:
    """Generate and write atomically; returns the path (``build/pseudo/pseudo-<size>.<fmt>``)."""
    output = output or ROOT / "build" / "pseudo" / f"pseudo-{size}-s{seed}.{fmt}"
    output.parent.mkdir(parents=True, exist_ok=True)
    io.write_text(output, to_text(generate(size, seed), fmt))
    return output


def theme_counts(records: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        counts[record["theme"]] += 1
    return dict(counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    try:
        path = write_pseudo_corpus(args.size, args.output, args.seed, args.format)
    except DatasetMissing as exc:
        print(f"skipped: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
