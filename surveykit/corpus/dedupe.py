"""Find records of the same work (same DOI, arXiv id or title; a preprint and its published version)
and merge each group into one record that keeps the richest fields, with a report of every merge."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import pandas as pd

from surveykit.corpus.model import Paper
from surveykit.corpus.names import family_name
from surveykit.textutil import fold_ascii, normalize_title

ARXIV_DOI_PREFIX = "10.48550/arxiv."
FUZZY_TITLE_RATIO = 0.92
_ID_RANK = {"arxiv": 0, "doi": 1, "title": 2}  # as in paper_id()


@dataclass(frozen=True)
class Merge:
    """One merge: ``merged`` ids folded into ``kept``, and why."""

    kept: str
    merged: tuple[str, ...]
    reason: str
    titles: tuple[str, ...]
    n_records: int = 2


@dataclass
class DedupeResult:
    papers: list[Paper]
    merges: list[Merge]

    def report(self) -> pd.DataFrame:
        """One row per merge: kept id, merged ids, reason, titles."""
        rows = [
            {
                "kept": m.kept,
                "records": m.n_records,
                "merged": "; ".join(m.merged),
                "reason": m.reason,
                "titles": " | ".join(m.titles),
            }
            for m in self.merges
        ]
        return pd.DataFrame(rows, columns=["kept", "records", "merged", "reason", "titles"])

    def summary(self) -> str:
        removed = sum(m.n_records - 1 for m in self.merges)
        groups = len(self.merges)
        return f"{len(self.papers)} papers after merging {removed} duplicate records in {groups} groups"


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.reason: dict[int, str] = {}

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int, reason: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, drop = min(ra, rb), max(ra, rb)
        self.parent[drop] = keep
        reasons = {r for r in (self.reason.get(keep), self.reason.get(drop), reason) if r}
        self.reason[keep] = ", ".join(sorted(reasons))


def _published_doi(paper: Paper) -> str | None:
    doi = paper.doi
    return doi if doi and not doi.startswith(ARXIV_DOI_PREFIX) else None


def _first_author(paper: Paper) -> str:
    return fold_ascii(family_name(paper.authors[0])).lower() if paper.authors else ""


def _conflict(a: Paper, b: Paper) -> bool:
    """Records that cannot be one work: two different published DOIs or arXiv ids."""
    da, db = _published_doi(a), _published_doi(b)
    if da and db and da != db:
        return True
    return bool(a.arxiv_id and b.arxiv_id and a.arxiv_id != b.arxiv_id)


def _link_exact(papers: Sequence[Paper], uf: _UnionFind) -> None:
    keys: dict[tuple[str, str], int] = {}
    for i, paper in enumerate(papers):
        candidates = [
            ("same DOI", _published_doi(paper)),
            ("same arXiv id", paper.arxiv_id),
            ("same title", normalize_title(paper.title) if len(paper.title) >= 10 else None),
        ]
        for reason, value in candidates:
            if not value:
                continue
            first = keys.setdefault((reason, value), i)
            if first != i and not _conflict(papers[first], paper):
                uf.union(first, i, reason)


def _author_blocks(papers: Sequence[Paper]) -> dict[str, list[int]]:
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, paper in enumerate(papers):
        author = _first_author(paper)
        if author:
            blocks[author].append(i)
    return blocks


def _link_fuzzy_pairwise(papers: Sequence[Paper], uf: _UnionFind) -> None:
    """The fuzzy rule applied to every pair of a first author's records (quadratic; the reference
    :func:`_link_fuzzy` must agree with, kept for the tests)."""
    for members in _author_blocks(papers).values():
        titles = {i: normalize_title(papers[i].title) for i in members}
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                _try_fuzzy(papers, uf, i, j, titles[i], titles[j])


def _try_fuzzy(papers: Sequence[Paper], uf: _UnionFind, i: int, j: int, a: str, b: str) -> None:
    if not a or not b:  # nothing to compare (no letters or digits): never one work by title
        return
    if uf.find(i) == uf.find(j) or _conflict(papers[i], papers[j]):
        return
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    if ratio >= FUZZY_TITLE_RATIO:
        uf.union(i, j, f"similar title ({ratio:.2f}) and first author")


# Candidate generation for the fuzzy rule. SequenceMatcher's ratio is 2*M/(la+lb), M the characters
# in its matching blocks; blocks are common substrings in order, with at least one unmatched
# character between two of them, so there are at most 1 + (la - M) + (lb - M) blocks and at least
# M - (Q - 1) * blocks of a's Q-grams (counted with repeats) also occur in b. A pair that can reach
# the threshold therefore shares at least t = _min_shared(la, lb) Q-grams, and then (prefix filtering,
# one rarity order per block) the n - t + 1 rarest of a's n Q-grams and the rarest of b's share one
# (the rarest common Q-gram is in both). Pairs found that way are checked with the exact rule in
# the pairwise order, so the merges (and their reasons) are the same.
_Q = 3


def _qgrams(title: str) -> list[tuple[str, int]]:
    """The title's Q-grams, each with its occurrence number (a multiset as a set)."""
    seen: dict[str, int] = {}
    grams = []
    for k in range(len(title) - _Q + 1):
        gram = title[k:k + _Q]
        n = seen.get(gram, 0)
        seen[gram] = n + 1
        grams.append((gram, n))
    return grams


def _may_reach(la: int, lb: int) -> bool:
    """Whether lengths la and lb allow the threshold at all (M <= min(la, lb))."""
    if la + lb == 0:
        return True  # SequenceMatcher calls two empty strings identical (ratio 1.0)
    return 2.0 * min(la, lb) / (la + lb) >= FUZZY_TITLE_RATIO


def _min_shared(la: int, lb: int) -> int:
    """A lower bound on the Q-grams two titles of these lengths share when their ratio can reach
    the threshold (rounded down, so never too high)."""
    m = int(FUZZY_TITLE_RATIO * (la + lb) / 2) - 1  # <= the least M reaching the threshold
    return (2 * _Q - 1) * m - (_Q - 1) * (1 + la + lb)


_PREFIX_CACHE: dict[int, int | None] = {}


def _prefix_size(la: int) -> int | None:
    """How many of a title's rarest Q-grams must include a shared one; None when the bound gives
    nothing (short titles: compare with every record of the author)."""
    if la not in _PREFIX_CACHE:
        bounds = [_min_shared(la, lb) for lb in range(1, 2 * la + 2) if _may_reach(la, lb)]
        least = min(bounds) if bounds else 0
        n = la - _Q + 1
        _PREFIX_CACHE[la] = n - least + 1 if least >= 1 and n > 0 else None
    return _PREFIX_CACHE[la]


def _link_fuzzy(papers: Sequence[Paper], uf: _UnionFind) -> None:
    """Near-identical titles by the same first author (preprint vs published version).

    Same decisions as comparing every pair of an author's records (:func:`_link_fuzzy_pairwise`),
    but each title is compared only with the records that share one of its rare Q-grams."""
    for members in _author_blocks(papers).values():
        if len(members) < 2:
            continue
        titles = {i: normalize_title(papers[i].title) for i in members}
        if len(members) <= 8:  # small block: every pair is cheap enough
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    _try_fuzzy(papers, uf, i, j, titles[i], titles[j])
            continue
        grams = {i: _qgrams(titles[i]) for i in members}
        frequency: dict[tuple[str, int], int] = defaultdict(int)
        for i in members:
            for gram in grams[i]:
                frequency[gram] += 1
        # each title's prefix: its rarest Q-grams (one order for the whole block), or None (all)
        prefixes: dict[int, list[tuple[str, int]] | None] = {}
        postings: dict[tuple[str, int], list[int]] = defaultdict(list)
        for i in members:
            size = _prefix_size(len(titles[i]))
            if size is None or size >= len(grams[i]):
                prefixes[i] = None
                continue
            prefixes[i] = sorted(grams[i], key=lambda g: (frequency[g], g))[:size]
            for gram in prefixes[i]:
                postings[gram].append(i)
        sets = {i: frozenset(grams[i]) for i in members}
        lengths = {i: len(titles[i]) for i in members}
        pairs: set[tuple[int, int]] = set()
        for i in members:
            la = lengths[i]
            prefix = prefixes[i]
            if prefix is None:  # no usable prefix: paired with every record
                others = [j for j in members if j != i]
            else:  # a matching title with a prefix shares one of its Q-grams with ours; found
                # once, from the earlier title (titles without a prefix pair up on their own)
                others = {j for g in prefix for j in postings[g] if j > i}
            for j in others:
                lb = lengths[j]
                if not _may_reach(la, lb):
                    continue
                need = _min_shared(la, lb)
                if need <= 0 or len(sets[i] & sets[j]) >= need:
                    pairs.add((i, j) if i < j else (j, i))
        for i, j in sorted(pairs):  # the pairwise order: members are in input order
            _try_fuzzy(papers, uf, i, j, titles[i], titles[j])


_PREPRINT_VENUE = re.compile(
    r"^\s*(arxiv|corr|preprint|biorxiv|medrxiv|ssrn)\b|arxiv\s+(preprint|e-?prints?)", re.IGNORECASE)


def _richness(paper: Paper) -> tuple[int, int, int]:
    """Published (a DOI, or a venue that is not arXiv/CoRR) first, then filled fields, abstract."""
    venue = paper.venue and not _PREPRINT_VENUE.search(paper.venue)
    published = int(bool(_published_doi(paper) or venue))
    filled = sum(bool(getattr(paper, f.name)) for f in dataclasses.fields(Paper))
    return published, filled, len(paper.abstract)


def _rank(paper: Paper) -> tuple:
    """Richest first; equal richness ordered by id, source, key and title (order-independent)."""
    return (tuple(-x for x in _richness(paper)), paper.id, paper.source, paper.source_key or "",
            paper.title)


def merge_records(records: Sequence[Paper]) -> Paper:
    """One record from several of the same work: the richest record's fields, gaps filled from the
    others; longest abstract and author list; URLs and extra fields united; the strongest id."""
    ranked = sorted(records, key=_rank)  # ties broken by content, never by input order
    base = ranked[0]
    merged = dataclasses.replace(
        base, authors=list(base.authors), urls=list(base.urls), extra=dict(base.extra)
    )
    for other in ranked[1:]:
        for name in ("title", "year", "venue", "arxiv_id", "code_url", "entry_type", "source_key"):
            if not getattr(merged, name) and getattr(other, name):
                setattr(merged, name, getattr(other, name))
        if _published_doi(other) and not _published_doi(merged) or not merged.doi and other.doi:
            merged.doi = other.doi
        if len(other.abstract) > len(merged.abstract):
            merged.abstract = other.abstract
        if len(other.authors) > len(merged.authors):
            merged.authors = list(other.authors)
        for url in other.urls:
            if url not in merged.urls:
                merged.urls.append(url)
        for key, value in other.extra.items():
            merged.extra.setdefault(key, value)
    from surveykit.sources.bibtex_record import SOURCE_RECORD, combine_records

    bib_records = [r.extra[SOURCE_RECORD] for r in ranked if r.extra.get(SOURCE_RECORD)]
    if bib_records:
        merged.extra[SOURCE_RECORD] = combine_records(bib_records)
    sources = []
    for record in records:
        for source in record.source.split("; "):
            if source and source not in sources:
                sources.append(source)
    merged.source = "; ".join(sources)
    merged.id = min((r.id for r in records), key=lambda i: (_ID_RANK[i.split(":")[0]], i))
    return merged


def dedupe(papers: Iterable[Paper], fuzzy: bool = True) -> DedupeResult:
    """Merge duplicate records; the output keeps the order of each group's first record."""
    papers = list(papers)
    uf = _UnionFind(len(papers))
    _link_exact(papers, uf)
    if fuzzy:
        _link_fuzzy(papers, uf)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(papers)):
        groups[uf.find(i)].append(i)
    out: list[Paper] = []
    merges: list[Merge] = []
    for root in sorted(groups):
        members = groups[root]
        if len(members) == 1:
            out.append(papers[members[0]])
            continue
        records = [papers[i] for i in members]
        merged = merge_records(records)
        out.append(merged)
        dropped = tuple(sorted({r.id for r in records} - {merged.id}))
        merges.append(
            Merge(merged.id, dropped, uf.reason.get(root, ""), tuple(r.title for r in records), len(records))
        )
    # two groups can still share an id (e.g. one arXiv id under two different DOIs): keep both
    seen: dict[str, int] = {}
    for paper in out:
        count = seen.get(paper.id, 0)
        seen[paper.id] = count + 1
        if count:
            paper.id = f"{paper.id}#{count + 1}"
    return DedupeResult(out, merges)
