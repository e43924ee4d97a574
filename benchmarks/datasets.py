"""Labelled development sets from ``../shared/datasets`` as texts + labels, for the benchmarks.

Every loader returns a :class:`LabelledSet` (texts are ``title + ". " + abstract``, made by
``Corpus.texts()``) or raises :class:`DatasetMissing` when the files are absent, so a
benchmark can skip the set with a message. The data is read in place and never copied.

Sets:

* ``emnlp22-single``: the 173 EMNLP-2022 papers with exactly one top-level NLP field; label = that
  field (single-label, 12 possible fields).
* ``emnlp22-multi``: all 828 EMNLP-2022 papers; labels = their top-level fields (multi-label).
* ``ml4code-tags``: the ML4Code papers with at least one tag (515 of 517); labels = their tags
  after :data:`ML4CODE_TAG_ALIASES` (multi-label).
* ``ml4code-family``: the 87 ML4Code papers in the Allamanis et al. survey tables; labels = the
  survey's model family (generative / representational / pattern; 7 papers have two).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from surveykit.corpus.model import Corpus, Paper

ROOT = Path(__file__).resolve().parents[1]

# Near-duplicate ML4Code tags, merged (spelling variants and exact synonyms only; broader/narrower
# pairs such as "generation" vs "code generation" are left apart).
ML4CODE_TAG_ALIASES = {
    "Transformers": "Transformer",
    "code completion": "autocomplete",
    "completion": "autocomplete",
    "LLM": "large language models",
    "editing": "edit",
    "topic modelling": "topic modeling",
    "program synthesis": "synthesis",
    "static": "static analysis",
}


class DatasetMissing(FileNotFoundError):
    """The shared datasets (or one of their files) are not on this machine."""


@dataclass
class LabelledSet:
    """Texts with human labels: one label list per text (one element for single-label sets)."""

    name: str
    description: str
    ids: list[str]
    titles: list[str]
    abstracts: list[str]
    labels: list[list[str]]

    @property
    def texts(self) -> list[str]:
        """``title. abstract`` per paper, exactly as ``Corpus.texts()`` (same embedding cache)."""
        return self.corpus().texts()

    def corpus(self) -> Corpus:
        """The set as a :class:`Corpus` whose paper ids are the dataset's keys."""
        papers = [Paper(title=t, abstract=a, id=i, source=self.name)
                  for i, t, a in zip(self.ids, self.titles, self.abstracts, strict=True)]
        return Corpus(papers, name=self.name)

    @property
    def multi_label(self) -> bool:
        return any(len(labels) > 1 for labels in self.labels)

    @property
    def n_classes(self) -> int:
        """Number of distinct labels: the ``k`` handed to baselines that need one."""
        return len({label for labels in self.labels for label in labels})

    def __len__(self) -> int:
        return len(self.texts)


def shared_datasets_dir() -> Path:
    """``$SURVEYKIT_SHARED/datasets`` or ``../shared/datasets`` next to the project root."""
    env = os.environ.get("SURVEYKIT_SHARED")
    path = (Path(env) if env else ROOT.parent / "shared") / "datasets"
    if not path.is_dir():
        raise DatasetMissing(f"{path} not found: the labelled sets live in ../shared/datasets")
    return path


def _need(path: Path) -> Path:
    if not path.exists():
        raise DatasetMissing(f"{path} not found")
    return path


def _clean(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value).strip()


def _emnlp22_frame() -> pd.DataFrame:
    folder = shared_datasets_dir() / "emnlp22-nlp-taxonomy"
    papers = pd.read_csv(_need(folder / "emnlp22_papers_with_nlp_taxonomy_labels.csv"),
                         index_col=0)
    views = pd.read_csv(_need(folder / "emnlp22_derived_label_views.csv"), index_col="row")
    frame = papers.join(views[["level1_labels"]], how="inner")
    frame["level1"] = frame["level1_labels"].fillna("").map(
        lambda v: [x.strip() for x in v.split(";") if x.strip()])
    return frame


def load_emnlp22_single() -> LabelledSet:
    """The EMNLP-2022 papers with a single top-level field, labelled with it."""
    frame = _emnlp22_frame()
    frame = frame[frame["level1"].map(len) == 1]
    return LabelledSet(
        "emnlp22-single", "EMNLP-22, papers with one top-level field (single-label)",
        [str(u) for u in frame["url"]],
        [_clean(t) for t in frame["title"]],
        [_clean(a) for a in frame["abstract"]],
        list(frame["level1"]),
    )


def load_emnlp22_multi() -> LabelledSet:
    """All EMNLP-2022 papers with all their top-level fields."""
    frame = _emnlp22_frame()
    frame = frame[frame["level1"].map(len) > 0]
    return LabelledSet(
        "emnlp22-multi", "EMNLP-22, all papers, top-level fields (multi-label)",
        [str(u) for u in frame["url"]],
        [_clean(t) for t in frame["title"]],
        [_clean(a) for a in frame["abstract"]],
        list(frame["level1"]),
    )


def _ml4code_records() -> list[dict]:
    path = _need(shared_datasets_dir() / "ml4code" / "ml4code_publications.jsonl")
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def normalize_ml4code_tags(tags: list[str]) -> list[str]:
    """Tags with :data:`ML4CODE_TAG_ALIASES` applied, stripped, unique, in their order."""
    out: list[str] = []
    for tag in tags:
        tag = ML4CODE_TAG_ALIASES.get(tag.strip(), tag.strip())
        if tag and tag not in out:
            out.append(tag)
    return out


def load_ml4code_tags() -> LabelledSet:
    """ML4Code papers with their (normalised) hand-typed tags; untagged papers dropped."""
    records = [r for r in _ml4code_records() if normalize_ml4code_tags(r.get("tags") or [])]
    return LabelledSet(
        "ml4code-tags", "ML4Code, all tagged papers, tags (multi-label)",
        [r["key"] for r in records],
        [_clean(r["title"]) for r in records],
        [_clean(r.get("abstract")) for r in records],
        [normalize_ml4code_tags(r["tags"]) for r in records],
    )


def load_ml4code_family() -> LabelledSet:
    """The ML4Code papers in the survey's tables, labelled with the survey's model family."""
    import yaml

    path = _need(shared_datasets_dir() / "ml4code" / "allamanistaxonomy.yml")
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    families = {str(r["bibkey"]): [str(c) for c in r.get("categories") or []] for r in rows}
    records = [r for r in _ml4code_records() if families.get(r["key"])]
    return LabelledSet(
        "ml4code-family", "ML4Code, papers in the survey tables, model family",
        [r["key"] for r in records],
        [_clean(r["title"]) for r in records],
        [_clean(r.get("abstract")) for r in records],
        [families[r["key"]] for r in records],
    )


DATASETS: dict[str, Callable[[], LabelledSet]] = {
    "emnlp22-single": load_emnlp22_single,
    "ml4code-family": load_ml4code_family,
    "emnlp22-multi": load_emnlp22_multi,
    "ml4code-tags": load_ml4code_tags,
}
QUICK = ("emnlp22-single", "ml4code-family")


def available(names: Iterable[str]) -> Iterator[LabelledSet]:
    """The sets of ``names`` that are on this machine, in order; each missing one is reported on
    stderr and skipped (the benchmarks run with whatever part of ../shared/datasets is here)."""
    for name in names:
        try:
            data = load_dataset(name)
        except DatasetMissing as exc:
            print(f"skipping {name}: {exc}", file=sys.stderr)
            continue
        yield data


def load_dataset(name: str) -> LabelledSet:
    """One set by name (see :data:`DATASETS`)."""
    if name not in DATASETS:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    return DATASETS[name]()
