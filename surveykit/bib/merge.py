"""Merge with an author's own .bib: keep their entries verbatim, reuse their keys, avoid clashes.

The author's files are only read. Their text is copied unchanged into the generated file; a corpus
paper that is already among their entries (same DOI, same arXiv id, or same normalised title with
years at most one apart) is cited with the author's key instead of getting a new entry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from surveykit.bib.report import BibWarning
from surveykit.corpus.model import Paper
from surveykit.sources.bibtex import BibFile, entry_to_paper, read_entries
from surveykit.textutil import normalize_title

PathLike = str | os.PathLike[str]


@dataclass
class ExistingBib:
    """One author .bib: its exact text and the paper each of its entries describes."""

    path: Path
    text: str
    keys: list[str]  # citation keys in file order (first of any repeats), as written
    papers: dict[str, Paper]  # key -> paper read from that entry
    bibfile: BibFile = field(repr=False)


@dataclass
class MergePlan:
    """What :func:`merge_with_existing` decided."""

    existing: list[ExistingBib]
    matches: dict[str, str]  # paper id -> the author's key
    taken: set[str]  # every key already defined by the author (lower case)
    warnings: list[BibWarning] = field(default_factory=list)


def read_existing(path: PathLike) -> ExistingBib:
    """Read an author .bib (never written to); entries that cannot be read are reported later."""
    bibfile = read_entries(path)
    papers: dict[str, Paper] = {}
    by_key = {e.key.lower(): e for e in bibfile.entries if e.key and e.duplicate_of is None}
    for entry in bibfile.entries:
        if not entry.key or entry.duplicate_of is not None:
            continue
        paper = entry_to_paper(entry, Path(path).name, [], str(path), by_key)
        if paper is not None:
            papers[entry.key] = paper
    return ExistingBib(Path(path), bibfile.text, bibfile.keys, papers, bibfile)


def merge_with_existing(
    papers: Iterable[Paper],
    existing: PathLike | Sequence[PathLike] | None,
    pinned: Mapping[str, str] | None = None,
) -> MergePlan:
    """Match corpus papers to the author's entries; list the keys generated ones must avoid."""
    if existing is None:
        paths: list[PathLike] = []
    elif isinstance(existing, (str, os.PathLike)):
        paths = [existing]
    else:
        paths = list(existing)
    bibs = [read_existing(p) for p in paths]
    plan = MergePlan(bibs, {}, set())
    for bib in bibs:
        plan.taken |= {e.key.strip().lower() for e in bib.bibfile.entries if e.key}
        for issue in bib.bibfile.issues:
            plan.warnings.append(BibWarning(
                "existing-bib", f"{issue} (the text is copied as it is; fix it in your file)"))
    index = _Index(bibs)
    by_key: dict[str, list[str]] = {}
    for paper in sorted(papers, key=lambda p: p.id):
        key = index.find(paper)
        if key is None:
            continue
        plan.matches[paper.id] = key
        by_key.setdefault(key, []).append(paper.id)
        pin = (pinned or {}).get(paper.id)
        if pin and pin.strip().lower() != key.lower():
            plan.warnings.append(BibWarning(
                "pin-ignored", f"pinned key {pin!r} not used: the paper is already in your .bib "
                f"as [{key}], which is cited instead", paper.id, key))
    for key, ids in sorted(by_key.items()):
        if len(ids) > 1:
            plan.warnings.append(BibWarning(
                "ambiguous-match", f"your entry [{key}] matches {len(ids)} corpus papers "
                f"({', '.join(ids)}); all of them cite it", None, key))
    return plan


class _Index:
    """Lookup of the author's entries by DOI, arXiv id and normalised title (first entry wins)."""

    def __init__(self, bibs: list[ExistingBib]) -> None:
        self.doi: dict[str, str] = {}
        self.arxiv: dict[str, str] = {}
        self.title: dict[str, list[tuple[str, int | None]]] = {}
        for bib in bibs:
            for key in bib.keys:
                paper = bib.papers.get(key)
                if paper is None:
                    continue
                if paper.doi:
                    self.doi.setdefault(paper.doi, key)
                if paper.arxiv_id:
                    self.arxiv.setdefault(paper.arxiv_id, key)
                title = normalize_title(paper.title)
                if title:
                    self.title.setdefault(title, []).append((key, paper.year))

    def find(self, paper: Paper) -> str | None:
        if paper.doi and paper.doi in self.doi:
            return self.doi[paper.doi]
        if paper.arxiv_id and paper.arxiv_id in self.arxiv:
            return self.arxiv[paper.arxiv_id]
        for key, year in self.title.get(normalize_title(paper.title), []):
            if year is None or paper.year is None or abs(year - paper.year) <= 1:
                return key
        return None
