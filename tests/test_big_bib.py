"""Issue 13, item 6: a big .bib loads and dedupes fast, with the merges of the pairwise rule."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from surveykit.corpus import dedupe as dedupe_module
from surveykit.corpus.dedupe import _link_exact, _link_fuzzy, _link_fuzzy_pairwise, _UnionFind, dedupe
from surveykit.corpus.model import Paper
from surveykit.sources import load_source

ROOT = Path(__file__).resolve().parents[1]


def _generator():
    spec = importlib.util.spec_from_file_location("big_bib", ROOT / "benchmarks" / "big_bib.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _links(papers, fuzzy):
    uf = _UnionFind(len(papers))
    _link_exact(papers, uf)
    fuzzy(papers, uf)
    return [uf.find(i) for i in range(len(papers))], dict(uf.reason)


def test_generated_bib_loads_and_dedupes_like_the_pairwise_rule(tmp_path):
    path = tmp_path / "big.bib"
    path.write_text(_generator().generate(1_100, 2.0), encoding="utf-8")
    assert path.stat().st_size > 1_800_000
    start = time.perf_counter()
    loaded = load_source(path)
    result = dedupe(loaded.papers)
    elapsed = time.perf_counter() - start
    assert len(loaded.papers) == 1_100
    assert any("similar title" in m.reason for m in result.merges)
    assert elapsed < 30, elapsed
    # same groups and same reasons as comparing every pair (on a subset: the reference is slow)
    subset = loaded.papers[:500]
    assert _links(subset, _link_fuzzy) == _links(subset, _link_fuzzy_pairwise)


def _paper(i: int, title: str, author: str = "Wang, Wei", doi: str | None = None) -> Paper:
    return Paper(id=f"title:{i}", title=title, authors=[author], doi=doi, source="t")


def test_candidate_index_agrees_on_edge_cases():
    titles = ["", "", "!!", "Ab", "abc", "A study of agents", "A study of agent", "A study of agents 2",
              "Part I: planning with language models", "Part II: planning with language models",
              "Planning with language models", "Planning with language model", "planning",
              "Über Agenten", "Uber Agenten", "结构化", "\u00e9tude des agents", "etude des agents"]
    titles += [f"Tool use for language agents number {k}" for k in range(12)]
    papers = [_paper(i, t, doi=f"10.1/{i}" if i % 7 == 3 else None) for i, t in enumerate(titles)]
    assert _links(papers, _link_fuzzy) == _links(papers, _link_fuzzy_pairwise)


def test_fuzzy_dedupe_compares_titles_sub_quadratically(monkeypatch):
    """Title comparisons (SequenceMatcher runs) grow about linearly with the library, not with the
    square of an author's block (deterministic: counts, not seconds)."""
    gen = _generator()
    calls = [0]

    class Counting(dedupe_module.SequenceMatcher):
        def ratio(self):
            calls[0] += 1
            return super().ratio()

    monkeypatch.setattr(dedupe_module, "SequenceMatcher", Counting)

    def comparisons(n: int) -> int:
        papers = load_source_text(gen.generate(n, n * 0.0008))
        calls[0] = 0
        dedupe(papers)
        return calls[0]

    small, big = comparisons(300), comparisons(1_200)
    assert 0 < big < 6 * small, (small, big)  # every pair per author would be ~16x


def load_source_text(text: str) -> list[Paper]:
    from surveykit.sources.bibtex_map import parse_bibtex_string

    return parse_bibtex_string(text).papers

