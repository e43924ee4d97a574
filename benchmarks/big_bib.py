"""Load and dedupe a big synthetic .bib (issue 13, item 6: a 20 MB library of 10,876 entries hung).

Generates a deterministic .bib (default ~20 MB, 10,876+ entries) that looks like a real library:
persons with accents written as LaTeX (``M{\\"u}ller``) and as Unicode, long abstracts, journals and
proceedings, DOIs and arXiv ids, a few very prolific first authors (the blocks the fuzzy dedupe
compares), true duplicates (a preprint and its published version, title case / punctuation /
one-word variants) and near-duplicate titles that are different works ("Part I" / "Part II", two
different DOIs). Then times (a) reading the .bib through ``surveykit.sources.load_source`` and
(b) ``surveykit.corpus.dedupe.dedupe`` separately, with the peak RSS growth of each, prints a table
and writes ``benchmarks/results/big_bib.md``.

    python benchmarks/big_bib.py [--mb 20] [--entries N] [--label after] [--output PATH]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_ENTRIES = 10_876
DEFAULT_MB = 20.0

_WORDS_TEXT = (
    "learning neural network deep graph language model agents reinforcement policy gradient "
    "attention transformer retrieval augmented generation benchmark evaluation robust efficient "
    "scalable distributed federated privacy adversarial contrastive representation embedding "
    "semantic parsing reasoning planning multi-agent tool use instruction tuning alignment "
    "feedback human preference optimization sparse dense mixture experts inference quantization "
    "compression pruning distillation knowledge transfer domain adaptation few-shot zero-shot "
    "prompting chain thought verification synthesis program code search ranking recommendation "
    "vision multimodal speech audio video segmentation detection tracking estimation causal "
    "discovery bayesian variational probabilistic uncertainty calibration interpretability "
    "explanation fairness bias safety hallucination memory long context streaming online "
    "continual lifelong meta curriculum self-supervised pretraining fine-tuning scaling laws "
    "emergent abilities simulation environment robotics control navigation manipulation"
)
_WORDS = _WORDS_TEXT.split()
_SMALL = ["a", "for", "with", "of", "in", "via", "towards", "on", "and", "the"]
_GIVEN = ["José", "Zoë", "Søren", "François", "Jürgen", "Ana", "Wei", "Yuki", "Olga", "Ibrahim",
          "Chloé", "Łukasz", "Marta", "Raj", "Hélène", "Ömer", "Nils", "Ines", "Tomáš", "Li"]
_FAMILY = ["Wang", "Zhang", "Li", "Liu", "Chen", "Müller", "García", "Nguyen", "Smith", "Kim",
           "Schäfer", "Øster", "Dvořák", "Łoś", "Ibáñez", "Kowalski", "Yılmaz", "Sørensen",
           "Papadopoulos", "O'Brien", "van der Berg", "Novák", "Silva", "Rossi", "Dubois",
           "Tanaka", "Ivanova", "Haddad", "Fischer", "Björk"]
_LATEX = {"ü": '{\\"u}', "ä": '{\\"a}', "ö": '{\\"o}', "é": "{\\'e}", "á": "{\\'a}",
          "ø": "{\\o}", "ř": "{\\v{r}}", "ł": "{\\l}", "ñ": "{\\~n}", "ç": "{\\c{c}}"}
_JOURNALS = ["Journal of Machine Learning Research", "Transactions on Pattern Analysis and "
             "Machine Intelligence", "Artificial Intelligence", "Nature Machine Intelligence",
             "Computational Linguistics", "ACM Computing Surveys"]
_CONFS = ["Advances in Neural Information Processing Systems", "International Conference on "
          "Machine Learning", "Annual Meeting of the Association for Computational Linguistics",
          "International Conference on Learning Representations", "AAAI Conference on "
          "Artificial Intelligence", "Conference on Empirical Methods in Natural Language "
          "Processing"]


def _latexify(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return text
    return "".join(_LATEX.get(c, c) for c in text)


def _person(rng: random.Random, prolific: list[str]) -> str:
    if prolific and rng.random() < 0.35:
        family = rng.choice(prolific)
    else:
        family = rng.choice(_FAMILY) + ("" if rng.random() < 0.5 else rng.choice(
            ["son", "ek", "ová", "elli", "ström", "ini", "ez"]))
    return f"{_latexify(family, rng)}, {_latexify(rng.choice(_GIVEN), rng)}"


def _title(rng: random.Random) -> str:
    words = [rng.choice(_WORDS if k % 3 else _WORDS + _SMALL) for k in range(rng.randint(6, 13))]
    title = " ".join(words)
    if rng.random() < 0.3:
        title += ": " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(2, 5)))
    return title[0].upper() + title[1:]


def _abstract(rng: random.Random, size: int) -> str:
    out, n = [], 0
    while n < size:
        sentence = " ".join(rng.choice(_WORDS + _SMALL) for _ in range(rng.randint(8, 22)))
        sentence = sentence[0].upper() + sentence[1:] + ". "
        out.append(sentence)
        n += len(sentence)
    return "".join(out).strip()


def _variant(title: str, rng: random.Random) -> str:
    """The same work's title as another record writes it."""
    kind = rng.randrange(4)
    if kind == 0:
        return title.upper() if rng.random() < 0.3 else title.title()
    if kind == 1:
        return title.replace(" ", " - ", 1) + "."
    if kind == 2:  # a plural / one-letter change: fuzzy match
        return title + "s" if not title.endswith("s") else title[:-1]
    return "{" + title + "}"


def _entry(key: str, rec: dict) -> str:
    fields = [("title", "{" + rec["title"] + "}"),
              ("author", "{" + " and ".join(rec["authors"]) + "}"),
              ("year", str(rec["year"]))]
    if rec.get("journal"):
        fields.append(("journal", "{" + rec["journal"] + "}"))
    if rec.get("booktitle"):
        fields.append(("booktitle", "{" + rec["booktitle"] + "}"))
    if rec.get("doi"):
        fields.append(("doi", "{" + rec["doi"] + "}"))
    if rec.get("eprint"):
        fields += [("eprint", "{" + rec["eprint"] + "}"), ("archiveprefix", "{arXiv}")]
    fields += [("pages", f"{{{rec['page']}--{rec['page'] + 11}}}"),
               ("abstract", "{" + rec["abstract"] + "}"),
               ("keywords", "{" + ", ".join(rec["keywords"]) + "}")]
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    return f"@{rec['type']}{{{key},\n{body}\n}}\n\n"


def generate(n_entries: int = DEFAULT_ENTRIES, target_mb: float = DEFAULT_MB,
             seed: int = 13) -> str:
    """A deterministic synthetic .bib of ``n_entries`` entries and about ``target_mb`` MB."""
    rng = random.Random(seed)
    prolific = [rng.choice(_FAMILY) for _ in range(6)]
    abstract_size = max(200, int(target_mb * 1_000_000 / n_entries) - 520)
    records: list[dict] = []
    chunks: list[str] = []
    for index in range(n_entries):
        roll = rng.random()
        if records and roll < 0.06:  # the same work again: preprint vs published, title variant
            base = dict(rng.choice(records))
            base["title"] = _variant(base["title"], rng)
            if base.get("doi") and rng.random() < 0.5:
                base.pop("doi")
                base["journal"], base["booktitle"] = "arXiv preprint", None
            base["abstract"] = base["abstract"][: len(base["abstract"]) * 3 // 4]
            rec = base
        elif records and roll < 0.09:  # a different work with a near-identical title
            base = dict(rng.choice(records))
            suffix = rng.choice([" Part II", " II", " (extended)", " 2"])
            base["title"] = base["title"] + suffix
            base["doi"] = f"10.{1000 + index % 900}/nd.{index}"
            base["eprint"] = None
            rec = base
        else:
            conf = rng.random() < 0.5
            rec = {
                "type": "inproceedings" if conf else "article",
                "title": _title(rng),
                "authors": [_person(rng, prolific) for _ in range(rng.randint(1, 8))],
                "year": rng.randint(1995, 2025),
                "journal": None if conf else rng.choice(_JOURNALS),
                "booktitle": rng.choice(_CONFS) if conf else None,
                "doi": f"10.{1000 + index % 900}/sk.{index:06d}" if rng.random() < 0.6 else None,
                "eprint": f"{rng.randint(15, 24):02d}{rng.randint(1, 12):02d}."
                          f"{rng.randint(0, 99999):05d}" if rng.random() < 0.35 else None,
                "page": rng.randint(1, 900),
                "abstract": _abstract(rng, int(abstract_size * rng.uniform(0.6, 1.4))),
                "keywords": rng.sample(_WORDS, 4),
            }
            records.append(rec)
        chunks.append(_entry(f"key{index:05d}", rec))
    return "".join(chunks)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(n_entries: int, target_mb: float, label: str, output: Path | None) -> dict:
    from surveykit.corpus.dedupe import dedupe
    from surveykit.sources import load_source

    text = generate(n_entries, target_mb)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.bib"
        path.write_text(text, encoding="utf-8")
        size_mb = path.stat().st_size / 1e6
        rss_before = _peak_rss_mb()
        start = time.perf_counter()
        loaded = load_source(path)
        load_s = time.perf_counter() - start
        rss_load = _peak_rss_mb()
        start = time.perf_counter()
        result = dedupe(loaded.papers)
        dedupe_s = time.perf_counter() - start
        rss_dedupe = _peak_rss_mb()
    row = {"label": label, "entries": n_entries, "size_mb": size_mb,
           "papers": len(loaded.papers), "after_dedupe": len(result.papers),
           "merges": len(result.merges), "load_s": load_s, "dedupe_s": dedupe_s,
           "load_rss_mb": rss_load - rss_before, "dedupe_rss_mb": rss_dedupe - rss_load,
           "rss_mb": rss_dedupe}
    header = ("| run | entries | MB | papers | after dedupe | groups | load s | dedupe s | "
              "load +RSS MB | dedupe +RSS MB | peak RSS MB |")
    line = ("| {label} | {entries} | {size_mb:.1f} | {papers} | {after_dedupe} | {merges} | "
            "{load_s:.1f} | {dedupe_s:.1f} | {load_rss_mb:.0f} | {dedupe_rss_mb:.0f} | "
            "{rss_mb:.0f} |").format(**row)
    print(header)
    print(line)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        existing = output.read_text(encoding="utf-8") if output.exists() else ""
        if header not in existing:
            existing = (
                "# Big .bib: load and dedupe time (issue 13, item 6)\n\n"
                "Generated by `python benchmarks/big_bib.py` (synthetic, deterministic; seed 13).\n"
                "Load = `load_source` on the .bib; dedupe = `dedupe(papers)` with fuzzy titles.\n"
                "+RSS = growth of the process's peak resident size during the step (generator included in\n"
                "the baseline); peak RSS = the whole process. 2 shared cores; wall-clock seconds.\n\n"
                + header + "\n" + "|---" * (header.count("|") - 1) + "|\n")
        output.write_text(existing + line + "\n", encoding="utf-8")
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=DEFAULT_ENTRIES)
    parser.add_argument("--mb", type=float, default=DEFAULT_MB)
    parser.add_argument("--label", default="current")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks/results/big_bib.md")
    parser.add_argument("--write-bib", type=Path, help="only write the generated .bib here")
    args = parser.parse_args()
    if args.write_bib:
        args.write_bib.write_text(generate(args.entries, args.mb), encoding="utf-8")
        return
    run(args.entries, args.mb, args.label, args.output)


if __name__ == "__main__":
    main()
