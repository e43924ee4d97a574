"""Comparison tables: content on fake topic frames, escaping per format, and LaTeX that compiles."""

from __future__ import annotations

import re
import subprocess

import pandas as pd
import pytest

from surveykit.attributes import extract_attributes
from surveykit.config import parse_config
from surveykit.tables import (
    CHECK,
    LATEX_PACKAGES,
    benchmark_table,
    build_tables,
    latex_cell,
    overview_table,
    show_table,
    to_csv,
    to_html,
    to_latex,
    to_markdown,
    topic_attribute_table,
)

NASTY = "50% & $3 #1 under_score {brace} ~tilde ^hat back\\slash <less> |bar| Jörg – “quoted” ✓"


@pytest.fixture(scope="module")
def bundled():
    from surveykit.corpus.bundled import load_bundled_corpus

    corpus = load_bundled_corpus()
    attributes = extract_attributes(corpus, embeddings=False)
    ids = corpus.ids
    topic_of = {pid: i % 3 for i, pid in enumerate(ids)}
    assignments = pd.DataFrame(
        {
            "topic": [topic_of[p] for p in ids],
            "topic_label": [f"Topic {topic_of[p]}" for p in ids],
            "section": [0 if topic_of[p] < 2 else 1 for p in ids],
            "section_label": ["Methods & tools" if topic_of[p] < 2 else "Evaluation_100%" for p in ids],
            "score": [0.5] * len(ids),
        },
        index=pd.Index(ids, name="paper_id"),
    )
    topics = pd.DataFrame(
        {
            "topic": [0, 1, 2, -1],
            "label": ["Memory & planning", "Multi-agent {systems}", "Benchmarks_100%", "Outliers"],
            "section": [0, 0, 1, 9],
            "section_label": ["Methods & tools", "Methods & tools", "Evaluation_100%", ""],
            "size": [25, 24, 24, 0],
            "keywords": [
                ["memory", "planning", "tool_use"],
                ["multi-agent", "debate"],
                ["benchmark", "#tasks"],
                [],
            ],
            "representatives": [ids[0:9:3], ids[1:10:3], ids[2:11:3], []],
        }
    )
    keys = {pid: f"key{i}:{i % 7}" for i, pid in enumerate(ids)}
    return corpus, attributes, assignments, topics, keys


def test_latex_cells_are_escaped_and_cites_are_not():
    cell = latex_cell(NASTY)
    assert re.search(r"(?<!\\)[&%$#_~^|<>]", cell) is None
    for raw in ("{brace}", "back\\slash"):
        assert raw not in cell
    assert r"50\%" in cell and r"\&" in cell and r"under\_score" in cell and r"\checkmark" in cell
    assert cell.isascii()
    assert latex_cell(CHECK) == r"\checkmark"
    assert latex_cell("gu2024blade, wang2024x", cite=True) == r"\cite{gu2024blade,wang2024x}"
    assert latex_cell("bad{key}", cite=True).startswith("bad{\\textbraceleft}")
    assert latex_cell("", cite=True) == ""


def test_markdown_csv_html_escaping():
    frame = pd.DataFrame({"Name": ["a|b", "x\ny"], "Ref": ["k1,k2", ""], "Ok": [CHECK, ""]})
    frame.attrs["cite_columns"] = ["Ref"]
    markdown = to_markdown(frame)
    assert "| a\\|b | k1, k2 | ✓ |" in markdown and "| x y |  |  |" in markdown
    assert markdown.splitlines()[1] == "| --- | --- | :---: |"
    assert to_csv(frame).splitlines()[1] == 'a|b,"k1, k2",✓'
    html = to_html(pd.DataFrame({"A": ["<b>&</b>"]}), caption="x < y")
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html and "<caption>x &lt; y</caption>" in html


def test_topic_table_has_check_marks_and_cite_keys(bundled):
    corpus, attributes, assignments, topics, keys = bundled
    frame = topic_attribute_table(corpus, attributes, assignments, topics, keys, topic=0)
    assert list(frame.columns[:4]) == ["Paper", "Ref", "Year", "Type"]
    assert len(frame) == (assignments["topic"] == 0).sum()
    assert "Memory" not in frame.columns  # flags are named in one Components column
    assert any("Memory" in cell for cell in frame["Components"])
    assert frame.attrs["cite_columns"] == ["Ref"]
    checks = topic_attribute_table(corpus, attributes, assignments, topics, keys, 0, merge_flags=False)
    assert set(checks["Memory"]) <= {CHECK, ""} and CHECK in set(checks["Memory"])
    assert frame["Year"].tolist() == sorted(frame["Year"].tolist())
    narrow = topic_attribute_table(corpus, attributes, assignments, topics, keys, 0, columns=["memory"])
    assert list(narrow.columns) == ["Paper", "Ref", "Year", "Memory"]


def test_overview_table(bundled):
    corpus, attributes, assignments, topics, keys = bundled
    frame = overview_table(corpus, attributes, assignments, topics, keys, n_terms=2, n_cites=2)
    assert list(frame.columns) == ["Section", "Topic", "Papers", "Years", "Key terms", "Representative"]
    members = assignments.index[assignments["topic"] == 0]
    years = [corpus[p].year for p in members]
    assert frame.iloc[0]["Years"] == f"{min(years)}\u2013{max(years)}"  # the span the text cites
    assert "Years" not in overview_table(corpus, attributes, None, topics, keys).columns
    assert frame["Topic"].tolist() == ["Memory & planning", "Multi-agent {systems}", "Benchmarks_100%"]
    assert frame.iloc[0]["Key terms"] == "memory, planning"
    assert frame.iloc[0]["Representative"] == "key0:0,key3:3"
    flat = topics.assign(section=range(len(topics)), section_label=topics["label"])
    assert "Section" not in overview_table(corpus, attributes, assignments, flat, keys).columns


def test_benchmark_table_lists_the_benchmarks_of_the_bundled_corpus(bundled):
    corpus, attributes, assignments, topics, keys = bundled
    frame = benchmark_table(corpus, attributes, assignments, topics, keys)
    rows = frame.set_index("Name")
    for name in ("BLADE", "MLAgentBench", "VisualAgentBench", "TravelPlanner", "MM-Bench", "BoxingGym"):
        assert name in rows.index
    assert rows.at["BLADE", "Size"] == "12 datasets" and rows.at["BLADE", "Code"] == CHECK
    assert rows.at["MLAgentBench", "Size"] == "13 tasks"
    assert rows.at["TravelPlanner", "Kind"] == "Studied"
    assert "111 problems" in rows.at["MM-Bench", "Size"]
    # the year its reference cites: on arXiv in 2023, published at ICML 2024
    assert rows.at["MLAgentBench", "Year"] == "2024"


def test_paper_cells_name_a_paper_in_a_few_words():
    from surveykit.tables.build import short_name

    assert short_name("BLADE: Benchmarking Language Model Agents for Data-Driven Science") == "BLADE"
    title = ("Put Your Money Where Your Mouth Is: Evaluating Strategic Planning and Execution of LLM "
             "Agents in an Auction Arena")
    assert short_name(title) == "Put Your Money Where Your Mouth Is"
    long = ("Identifying the Risks of LM Agents with an LM-Emulated Sandbox for the Safe Deployment "
            "of Tool-Using Language Models")
    assert short_name(long) == long  # no short name: the whole title, wrapped, never cut off


def test_year_cells_give_the_year_the_row_cites(bundled):
    """A row's Year is the year of the reference in its Ref cell (the venue's year for a
    published paper), never the arXiv year next to a citation of the published version."""
    corpus, attributes, assignments, topics, keys = bundled
    paper = next(p for p in corpus.papers if p.title.startswith("diff History"))
    assert (paper.year, paper.venue) == (2023, "ICML 2024")
    frame = topic_attribute_table(corpus, attributes, assignments, topics, keys,
                                  topic=int(assignments.at[paper.id, "topic"]))
    row = frame[frame["Paper"].str.startswith("diff History")].iloc[0]
    assert row["Year"] == "2024"


def test_build_tables_writes_every_format(bundled, tmp_path):
    corpus, attributes, assignments, topics, keys = bundled
    config = parse_config({"tables": {"formats": ["tex", "md", "csv", "html"]}}, None, output_dir=tmp_path)
    tables = build_tables(config, corpus, attributes, assignments, topics, keys)
    assert set(tables) == {"overview", "benchmarks", "topic_00", "topic_01", "topic_02"}
    for name in tables:
        for ext in ("tex", "md", "csv", "html"):
            assert (tmp_path / "tables" / f"{name}.{ext}").stat().st_size > 0
    assert "Code URL" not in (tmp_path / "tables" / "benchmarks.tex").read_text()
    view = show_table(tables["overview"], "overview_again", config)
    assert "Memory &amp; planning" in view.to_html()
    assert (tmp_path / "tables" / "overview_again.tex").exists()


def test_to_latex_modes():
    frame = pd.DataFrame({"A": ["x"], "B": [CHECK]})
    assert r"\resizebox" not in to_latex(frame, wide="auto")
    assert r"\resizebox{\textwidth}{!}" in to_latex(frame, wide="resize")
    landscape = to_latex(frame, wide="landscape")
    assert r"\begin{landscape}" in landscape and landscape.rstrip().endswith(r"\end{landscape}")
    with pytest.raises(ValueError, match="wide must be"):
        to_latex(frame, wide="huge")


@pytest.mark.tex
def test_every_latex_table_compiles(bundled, tmp_path, need_tex):
    corpus, attributes, assignments, topics, keys = bundled
    config = parse_config({"tables": {"formats": ["tex"]}}, None, output_dir=tmp_path)
    tables = build_tables(config, corpus, attributes, assignments, topics, keys)
    nasty = pd.DataFrame({"Name": [NASTY, "plain"], "Ref": ["key1:1", ""], "Flag": [CHECK, ""]})
    nasty.attrs["cite_columns"] = ["Ref"]
    to_latex(nasty, tmp_path / "tables" / "nasty.tex", caption=NASTY, label="tab:nasty", wide="landscape")
    bibitems = "\n".join(rf"\bibitem{{{key}}} Paper {i}." for i, key in enumerate(sorted(set(keys.values()))))
    document = "\n".join(
        [
            r"\documentclass{article}",
            r"\usepackage[T1]{fontenc}",
            rf"\usepackage{{{','.join(LATEX_PACKAGES)}}}",
            r"\begin{document}",
            r"\newcommand{\surveykittables}{tables/}",
            r"\input{tables/all_tables.tex}",
            r"\input{tables/nasty.tex}",
            r"\begin{thebibliography}{99}",
            bibitems,
            r"\end{thebibliography}",
            r"\end{document}",
        ]
    )
    (tmp_path / "doc.tex").write_text(document)
    for _ in range(2):
        result = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout[-3000:]
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert "Undefined control sequence" not in log and "Citation" not in log.split("undefined")[0][-0:]
    assert "There were undefined references" not in log
    assert len(tables) == 5 and (tmp_path / "doc.pdf").stat().st_size > 0


def test_show_table_of_a_big_survey_keeps_the_cap_build_tables_wrote(tmp_path):
    """Notebook 03 shows the benchmarks table again: above CAPS_ABOVE papers it must not rewrite
    the printed table with every row (a 100k survey's 14,799-row table made a 1,598-page PDF)."""
    from surveykit.tables.build import CAPS_ABOVE

    config = parse_config({"tables": {"formats": ["tex", "md", "csv"], "max_rows": 8}}, None,
                          output_dir=tmp_path)
    frame = pd.DataFrame({"Name": [f"Bench {i}" for i in range(50)], "Year": list(range(50))})
    view = show_table(frame, "benchmarks", config, n_papers=CAPS_ABOVE + 1)
    tex = (tmp_path / "tables" / "benchmarks.tex").read_text()
    assert tex.count("Bench ") == 8 and "8 of 50 rows shown" in tex
    assert len((tmp_path / "tables" / "benchmarks.csv").read_text().splitlines()) == 51
    assert view.to_html().count("Bench ") == 8
    show_table(frame, "small", config, n_papers=CAPS_ABOVE)  # a small survey prints every row
    assert (tmp_path / "tables" / "small.tex").read_text().count("Bench ") == 50


@pytest.mark.tex
def test_a_one_word_header_of_a_wrapping_column_is_never_hyphenated(tmp_path, need_tex):
    from pypdf import PdfReader

    from surveykit.tables.export import _RAGGED, _header_row

    # the bundled survey's "Components" column: 1.6 cm at 8 pt, where the word is 46.3 pt wide
    spec = f"{_RAGGED}p{{1.6cm}}{_RAGGED}p{{1.6cm}}"
    header = _header_row(["Components", "Tool use"], spec)
    assert header.startswith(r"\makebox[\linewidth][l]{Components} & Tool use")  # whole, on its line
    for name, row in (("plain", r"Components & Tool use \\"), ("ours", header)):
        (tmp_path / f"{name}.tex").write_text("\n".join([
            r"\documentclass[11pt]{article}", r"\usepackage[T1]{fontenc}", r"\usepackage{lmodern}",
            rf"\usepackage{{{','.join(LATEX_PACKAGES)}}}", r"\begin{document}", r"\scriptsize",
            r"\setlength{\tabcolsep}{3pt}", rf"\begin{{tabular}}{{{spec}}}", row, r"x & y \\",
            r"\end{tabular}", r"\end{document}"]))
        result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                                cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-3000:]
    plain, ours = (PdfReader(tmp_path / f"{n}.pdf").pages[0].extract_text() for n in ("plain", "ours"))
    assert "Compo-" in plain  # the case: TeX hyphenates the word a point too wide for its column
    assert "Components" in ours and "Compo-" not in ours
