"""Issue 14, scale: the caps that keep a big survey readable and the stages sub-quadratic."""

from __future__ import annotations

import os
import random
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from surveykit import runreport
from surveykit.attributes import match
from surveykit.attributes.schema import compile_pattern
from surveykit.bib.stage import citation_keys
from surveykit.corpus import dedupe as dedupe_module
from surveykit.corpus.model import Paper
from surveykit.draft.compile import compile_tex
from surveykit.draft.stage import report_compile, write_draft
from surveykit.figures.paper_map import plot_paper_map, point_sample
from surveykit.tables.export import write_table
from tests.test_draft import fake_taxonomy, fixture_config, fixture_corpus

# --- draft cap ------------------------------------------------------------------------------------


def test_draft_describes_only_the_most_central_papers_of_a_theme(tmp_path):
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)  # 3 themes of 2 papers; scores fall with the rank
    config = fixture_config(tmp_path, discussed_per_theme=1, max_cited=1, caps_above=0)  # caps on
    keys = citation_keys(config, corpus)
    result = write_draft(config, corpus, assignments, topics, keys, compile=False)
    assert result.grounding.ok, result.grounding.summary()
    md = " ".join(result.markdown.read_text(encoding="utf-8").split())
    for topic in (0, 1, 2):
        assert "the other 1 paper is counted in" in md and f"topic\\_{topic:02d}.csv of the tables" in md
    rows = [r for r in result.provenance.read_text(encoding="utf-8").splitlines() if '"extract"' in r]
    described = {re.search(r'"source_paper_id": "([^"]+)"', r).group(1) for r in rows}
    central = {assignments[assignments["topic"] == t]["score"].idxmax() for t in (0, 1, 2)}
    others = set(assignments.index) - central
    # the less central paper of a theme is not described in the thematic sections
    assert central & described and not (others & described - _challenge_sources(result))


def _challenge_sources(result) -> set[str]:
    """Papers quoted outside the thematic sections (introduction, challenges) may be any paper."""
    out = set()
    for line in result.provenance.read_text(encoding="utf-8").splitlines():
        if '"extract"' in line and '"section": "sec:section' not in line:
            found = re.search(r'"source_paper_id": "([^"]+)"', line)
            if found:
                out.add(found.group(1))
    return out


def test_draft_cap_defaults_are_declared():
    from surveykit.config_schema import SCHEMA
    from surveykit.draft.outline import DISCUSSED_PER_THEME, MAX_CITED, DraftOptions

    keys = SCHEMA.tables["draft"].keys
    assert keys["discussed_per_theme"].default == DISCUSSED_PER_THEME == DraftOptions().discussed_per_theme
    assert keys["max_cited"].default == MAX_CITED == DraftOptions().max_cited


# --- table cap ------------------------------------------------------------------------------------


def test_printed_table_keeps_the_priority_rows_and_the_csv_keeps_all(tmp_path):
    frame = pd.DataFrame({"Paper": [f"P{i}" for i in range(40)], "Year": [str(2000 + i) for i in range(40)]})
    frame.attrs["priority"] = [39, 5, 20, *range(40)]
    paths = write_table(frame, tmp_path, "topic_07", caption="A theme", max_rows=3)
    tex = paths["tex"].read_text(encoding="utf-8")
    body = [line for line in tex.splitlines() if re.match(r"P\d+ &", line)]
    assert body == [r"P5 & 2005 \\", r"P20 & 2020 \\", r"P39 & 2039 \\"]  # table order kept
    assert "3 of 40 rows shown" in tex and "topic\\_07.csv" in tex
    assert len(re.findall(r"^\| P\d+ ", paths["md"].read_text(encoding="utf-8"), re.M)) == 3
    assert len(pd.read_csv(paths["csv"])) == 40


def test_topic_tables_rank_rows_by_topic_score():
    from surveykit.attributes.extract import AttributeTable
    from surveykit.corpus.model import Corpus
    from surveykit.tables.build import topic_attribute_table

    papers = [Paper(title=f"Paper {i}", abstract="x", year=2020 - i, id=f"p{i}") for i in range(5)]
    corpus = Corpus(papers)
    assignments = pd.DataFrame({"topic": [0] * 5, "score": [0.1, 0.9, 0.5, 0.7, 0.3]},
                               index=[p.id for p in papers])
    attributes = AttributeTable(pd.DataFrame(columns=["paper_id", "attribute", "value", "value_label"]),
                                corpus.ids, [])
    frame = topic_attribute_table(corpus, attributes, assignments, None, {p.id: p.id for p in papers}, 0, [])
    ranked = [frame["Ref"].iloc[i] for i in frame.attrs["priority"]]
    assert ranked == ["p1", "p3", "p2", "p4", "p0"]


# --- paper map point budget --------------------------------------------------------------------


def _map_frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    topics = rng.integers(0, 7, n)
    return pd.DataFrame({"x": rng.normal(size=n), "y": rng.normal(size=n), "topic": topics,
                         "topic_label": [f"T{t}" for t in topics], "title": "t", "year": 2020},
                        index=[f"id{i}" for i in range(n)])


def test_point_budget_sample_is_deterministic_and_order_free():
    frame = _map_frame(20000)
    sample = point_sample(frame, 1000)
    shuffled = point_sample(frame.sample(frac=1.0, random_state=3), 1000)
    assert set(sample.index) == set(shuffled.index)
    assert len(sample) <= 1000 + 7 and set(sample["topic"]) == set(frame["topic"])
    assert list(sample.index) == [i for i in frame.index if i in set(sample.index)]  # order kept
    assert point_sample(frame, 0) is frame and point_sample(frame.head(50), 1000).equals(frame.head(50))


def test_big_paper_map_uses_webgl_and_places_labels_on_the_sample():
    frame = _map_frame(12000)
    colors = {t: "#336699" for t in range(7)}
    fig = plot_paper_map(frame, colors, budget=2000)
    assert {trace.type for trace in fig.data} == {"scattergl"}
    assert sum(len(trace.x) for trace in fig.data) == len(frame)
    small = plot_paper_map(point_sample(frame, 2000), colors, budget=2000)
    assert {trace.type for trace in small.data} == {"scatter"}


# --- fail loudly when latexmk leaves no PDF -------------------------------------------------------


def _fake_tex(folder: Path) -> None:
    folder.mkdir()
    for name in ("latexmk", "pdflatex", "bibtex", "kpsewhich"):
        path = folder / name
        path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_latexmk_without_a_pdf_is_a_run_failure(tmp_path, monkeypatch):
    _fake_tex(tmp_path / "bin")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    report_file = tmp_path / "run_report.jsonl"
    monkeypatch.setenv(runreport.ENV, str(report_file))
    tex = tmp_path / "survey.tex"
    tex.write_text("\\documentclass{article}\\begin{document}x\\end{document}\n", encoding="utf-8")
    report = compile_tex(tex)
    assert report.pdf is None and not (tmp_path / "survey.pdf").exists()
    report_compile(report, tex)
    failures = [o for o in runreport.read_outcomes(report_file) if o.kind == runreport.FAILURE]
    assert failures and "no PDF" in failures[0].message
    from surveykit.cli import report_failures

    assert report_failures(failures) == 1


def test_promised_pdf_missing_fails_the_run(tmp_path, monkeypatch):
    from surveykit import pipeline
    from surveykit.config import parse_config

    monkeypatch.setattr("surveykit.draft.compile.tex_missing", lambda: None)
    config = parse_config({}, None, tmp_path)
    draft = config.paths.draft
    draft.mkdir(parents=True)
    for name in ("survey.tex", "survey.md"):
        (draft / name).write_text("x", encoding="utf-8")
    outcomes = pipeline.check_promises(config, ["06"], since=0.0)
    assert [o.file for o in outcomes] == [str(draft / "survey.pdf")]
    assert outcomes[0].kind == runreport.FAILURE


# --- dedupe candidate generation -----------------------------------------------------------------


def test_dedupe_compares_few_pairs_among_5000_titles_of_one_author(monkeypatch):
    rng = random.Random(0)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(4, 10))) for _ in range(3000)]
    papers = [Paper(title=" ".join(rng.choice(words) for _ in range(8)), authors=["Ann Smith"],
                    id=f"title:p{i}") for i in range(5000)]
    papers += [Paper(title=papers[i].title + "s", authors=["Ann Smith"], id=f"title:d{i}") for i in range(20)]
    calls = []
    original = dedupe_module._try_fuzzy

    def counting(papers_, uf, i, j, a, b):
        calls.append((i, j))
        return original(papers_, uf, i, j, a, b)

    monkeypatch.setattr(dedupe_module, "_try_fuzzy", counting)
    result = dedupe_module.dedupe(papers)
    n = len(papers)
    pairs = n * (n - 1) // 2
    assert len(calls) < 2 * n, f"{len(calls)} fuzzy comparisons for {n} titles (all pairs: {pairs})"
    assert len(result.papers) == 5000  # the 20 near-duplicates were still found


# --- attribute screen ----------------------------------------------------------------------------


@pytest.mark.parametrize("pattern, literals", [
    ("framework", {"framework"}),
    ("benchmark(?:s|ing)?", {"benchmark"}),
    ("web (?:agent|navigation)", {"agent", "navigation"}),  # the longer of two required parts
    ("(?:GUI|graphical user interface)", {"gui", "graphical user interface"}),
    (r"\w+Net", {"net"}),
    (r"\w+", None),
])
def test_required_literals(pattern, literals):
    found = match.pattern_literals(compile_pattern(pattern, "test"))
    assert (None if found is None else set(found)) == literals


def test_screened_spans_equal_the_plain_scan():
    patterns = [compile_pattern(p, "test") for p in
                ("agents?", "LLM", "tool[- ]use", r"\w*Bench", "(?:memory|retrieval)", "GPT-4")]
    rng = random.Random(1)
    vocab = ["agent", "Agents", "llm", "LLM", "tool-use", "tool use", "WebBench", "bench", "memory",
             "Retrieval", "gpt-4", "GPT-4o", "the", "of", "ſtate", "K", "\u212a"]
    for _ in range(500):
        text = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 12)))
        plain = [m.span() for p in patterns for m in p.finditer(text) if m.end() > m.start()]
        assert match._spans(patterns, text) == plain, text


def test_draft_prints_only_the_largest_themes_tables():
    from surveykit.draft.assets import Asset
    from surveykit.draft.stage import largest_topic_tables

    tables = [Asset("table", name, Path(f"{name}.tex"), "", f"tab:{name}")
              for name in ("overview", "topic_00", "topic_01", "topic_02", "topic_03")]
    topics = pd.DataFrame({"topic": [0, 1, 2, 3], "size": [5, 40, 12, 40]})
    kept = [t.name for t in largest_topic_tables(tables, topics, 2)]
    assert kept == ["overview", "topic_01", "topic_03"]
    assert largest_topic_tables(tables, topics, 0) == tables


def test_a_small_survey_discusses_every_paper(tmp_path):
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path, discussed_per_theme=1, max_cited=1)  # 6 papers <= caps_above
    keys = citation_keys(config, corpus)
    result = write_draft(config, corpus, assignments, topics, keys, compile=False)
    assert "is counted in" not in " ".join(result.markdown.read_text(encoding="utf-8").split())


def test_the_draft_says_which_themes_its_printed_tables_cover():
    from surveykit.draft.assets import Asset
    from surveykit.draft.outline import Drafter

    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)  # 3 themes
    drafter = Drafter(corpus, assignments, topics, {p: f"k{p}" for p in corpus.ids})
    tables = [Asset("table", f"topic_0{t}", Path(f"topic_0{t}.tex"), "", f"tab:topic_0{t}") for t in (0, 1)]
    text = " ".join(s.plain() for b in drafter.comparison_section(tables, []).blocks for s in b.sentences)
    assert "the two largest of the 3 themes (one table each" in text and "holds all 3" in text
    every = tables + [Asset("table", "topic_02", Path("topic_02.tex"), "", "tab:topic_02")]
    text = " ".join(s.plain() for b in drafter.comparison_section(every, []).blocks for s in b.sentences)
    assert "each theme (one table per theme" in text
