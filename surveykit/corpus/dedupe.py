"""Find records of the same work (same DOI, arXiv id or title; a preprint and its published version)
and merge each group into one record that keeps the richest fields, with a report of every merge."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

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
# the threshold therefore shares at least t = _min_shared(la, lb) Q-grams. The pairs of a block
# that pass this count (and the length bound) are found with sparse products of Q-gram counts
# (_candidate_pairs) and checked with the exact rule in the pairwise order, so the merges (and
# their reasons) are the same.
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


def _qgram_counts(titles: list[str]) -> Any:
    """``(len(titles), vocabulary)`` sparse counts of each title's Q-grams (the multiset of
    :func:`_qgrams`: a gram seen twice counts 2). Vectorised: each gram of code points is one
    63-bit integer (21 bits a code point), numbered by ``np.unique``."""
    import numpy as np
    from scipy import sparse

    lengths = np.array([len(t) for t in titles], dtype=np.int64)
    codes = np.frombuffer("".join(titles).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = codes.astype(np.int64)
    n_grams = np.maximum(lengths - _Q + 1, 0)
    first = np.cumsum(n_grams) - n_grams  # each title's first gram, numbered over all titles
    starts = np.cumsum(lengths) - lengths  # each title's first code point
    position = np.arange(int(n_grams.sum()), dtype=np.int64) + np.repeat(starts - first, n_grams)
    grams = np.zeros(len(position), dtype=np.int64)
    for k in range(_Q):
        grams = (grams << 21) | codes[position + k]
    _, columns = np.unique(grams, return_inverse=True)
    rows = np.repeat(np.arange(len(titles), dtype=np.int64), n_grams)
    counts = sparse.csr_matrix((np.ones(len(columns), dtype=np.int32), (rows, columns.ravel())),
                               shape=(len(titles), max(int(columns.max(initial=-1)) + 1, 1)))
    counts.sum_duplicates()  # repeated grams of one title add up
    return counts


def _candidate_pairs(members: list[int], titles: dict[int, str], counts: Any,
                     chunk: int = 256) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, of one author's records that may reach the fuzzy threshold: the
    lengths allow it (:func:`_may_reach`) and they share at least :func:`_min_shared` Q-grams
    (every pair reaching the threshold is among them; see the comment above ``_Q``).

    Vectorised over the block: titles sorted by length, each chunk of rows compared with the
    records whose lengths it can reach only; ``C C^T`` bounds the shared Q-grams from above (a
    product of counts is at least their minimum), and the exact multiset count decides the rest."""
    import numpy as np

    order = sorted(range(len(members)), key=lambda k: len(titles[members[k]]))
    lengths = np.array([len(titles[members[k]]) for k in order], dtype=np.int64)
    index = np.array([members[k] for k in order], dtype=np.int64)
    counts = counts[order]
    low_factor = FUZZY_TITLE_RATIO / (2.0 - FUZZY_TITLE_RATIO)  # lb >= la * this when lb <= la
    pairs: set[tuple[int, int]] = set()
    grams: dict[int, frozenset] = {}
    for start in range(0, len(order), chunk):
        rows = slice(start, min(start + chunk, len(order)))
        la = lengths[rows][:, None]
        lo = np.searchsorted(lengths, int(np.floor(lengths[rows][0] * low_factor)) - 1, side="left")
        hi = np.searchsorted(lengths, int(np.ceil(lengths[rows][-1] / low_factor)) + 1, side="right")
        lb = lengths[lo:hi][None, :]
        total = la + lb
        ratio_bound = 2.0 * np.minimum(la, lb) / np.where(total == 0, 1, total)
        reach = (total == 0) | (ratio_bound >= FUZZY_TITLE_RATIO)
        m = np.floor(FUZZY_TITLE_RATIO * total / 2).astype(np.int64) - 1
        need = (2 * _Q - 1) * m - (_Q - 1) * (1 + total)
        bound = (counts[rows] @ counts[lo:hi].T).toarray()
        ii = index[rows][:, None]
        jj = index[lo:hi][None, :]
        keep = reach & (ii < jj) & ((need <= 0) | (bound >= need))
        for r, c in zip(*np.nonzero(keep), strict=True):
            i, j, want = int(ii[r, 0]), int(jj[0, c]), int(need[r, c])
            if want > 0:  # the product may overcount repeated grams: the exact multiset count
                a = grams.get(i) or grams.setdefault(i, frozenset(_qgrams(titles[i])))
                b = grams.get(j) or grams.setdefault(j, frozenset(_qgrams(titles[j])))
                if len(a & b) < want:
                    continue
            pairs.add((i, j))
    return pairs


def _link_fuzzy(papers: Sequence[Paper], uf: _UnionFind) -> None:
    """Near-identical titles by the same first author (preprint vs published version).

    Same decisions as comparing every pair of an author's records (:func:`_link_fuzzy_pairwise`),
    but each title is compared only with the records that may reach the threshold
    (:func:`_candidate_pairs`: lengths and shared Q-grams, vectorised)."""
    blocks = [members for members in _author_blocks(papers).values() if len(members) >= 2]
    titles = {i: normalize_title(papers[i].title) for members in blocks for i in members}
    big = [members for members in blocks if len(members) > 8]
    counts = _qgram_counts([titles[i] for members in big for i in members]) if big else None
    offset = 0
    for members in blocks:
        if len(members) <= 8:  # small block: every pair is cheap enough
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    _try_fuzzy(papers, uf, i, j, titles[i], titles[j])
            continue
        block = counts[offset:offset + len(members)]
        offset += len(members)
        for i, j in sorted(_candidate_pairs(members, titles, block)):  # the pairwise order
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
