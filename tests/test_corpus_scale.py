"""Corpus loading and dedupe at scale (issue 14): the fast paths give what the simple ones gave."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

from surveykit.corpus.dedupe import (
    _candidate_pairs,
    _link_exact,
    _link_fuzzy,
    _link_fuzzy_pairwise,
    _qgram_counts,
    _qgrams,
    _UnionFind,
)
from surveykit.corpus.model import Paper
from surveykit.sources.tabular import known_columns, resolve_columns
from surveykit.textutil import collapse_ws, normalize_title


def test_qgram_counts_are_the_qgram_multisets():
    titles = ["", "ab", "abc", "abcabcabc", "über agenten über", "结构化结构化 agents", "a\ud800b c"]
    counts = _qgram_counts(titles)
    for row, title in enumerate(titles):
        expected = sorted(Counter(gram for gram, _ in _qgrams(title)).values())
        assert sorted(counts[row].data.tolist()) == expected
    # equal grams share a column, different grams do not
    pair = _qgram_counts(["abcd", "bcde"])
    assert (pair[0] @ pair[1].T).toarray()[0, 0] == 1  # "bcd", and only it, is shared
    assert pair[0].nnz == 2 and pair[1].nnz == 2


def _links(papers, fuzzy):
    uf = _UnionFind(len(papers))
    _link_exact(papers, uf)
    fuzzy(papers, uf)
    return [uf.find(i) for i in range(len(papers))], dict(uf.reason)


def test_vectorised_candidates_merge_like_every_pair_in_a_big_block():
    stems = ["Planning with language models for web agents", "Tool use in language agents",
             "Memory for long-horizon agents", "A survey of agent benchmarks", "Agents"]
    titles = []
    for k, stem in enumerate(stems):
        titles += [stem, stem + "s", stem.upper() + "!", stem.replace(" ", "  ") + f" part {k}", stem[:-2]]
    papers = [Paper(id=f"title:{i}", title=t, authors=["Wang, Wei"], source="t")
              for i, t in enumerate(titles)]
    assert len(papers) > 8  # the vectorised path, not the small-block one
    assert _links(papers, _link_fuzzy) == _links(papers, _link_fuzzy_pairwise)
    members = list(range(len(papers)))
    names = {i: normalize_title(p.title) for i, p in enumerate(papers)}
    pairs = _candidate_pairs(members, names, _qgram_counts([names[i] for i in members]), chunk=3)
    assert all(i < j for i, j in pairs) and (0, 1) in pairs


def test_collapse_ws_is_the_regular_expression_rule():
    for text in ["  a \t b\n", "\u00a0x\u2003y\u3000", "a\x1cb\x1fc", "", " ", "one"]:
        assert collapse_ws(text) == re.sub(r"\s+", " ", text).strip()


def test_to_dict_is_asdict():
    paper = Paper(title="T", authors=["A, B"], urls=["u"], extra={"k": "v"}, year=2020)
    assert paper.to_dict() == dataclasses.asdict(paper)
    assert list(paper.to_dict()) == list(dataclasses.asdict(paper))
    copy = paper.to_dict()
    copy["authors"].append("x")
    copy["extra"]["k"] = "w"
    assert paper.authors == ["A, B"] and paper.extra == {"k": "v"}


def test_known_columns_are_resolved_once_per_key_set():
    keys = ("Title", "abstract", "Author Full Names", "PY", "DOI", "other")
    assert dict(known_columns(keys)) == resolve_columns(list(keys), None, "f.json")
    known_columns(keys)
    assert known_columns.cache_info().hits >= 1
