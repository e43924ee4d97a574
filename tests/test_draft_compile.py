"""End to end: the fixture survey compiles with latexmk, zero errors and undefined citations."""

from __future__ import annotations

import pytest
from test_draft import fake_taxonomy, fixture_config, fixture_corpus

from surveykit.bib.stage import citation_keys
from surveykit.draft.compile import compile_tex, latexmk_command, parse_outputs
from surveykit.draft.stage import write_draft

pytestmark = pytest.mark.tex


def test_latexmk_command_disables_shell_escape():
    command = " ".join(latexmk_command("survey.tex"))
    assert "-no-shell-escape" in command and "-shell-escape " not in command.replace("-no-shell-escape", "")
    assert "-halt-on-error" in command and "-interaction=nonstopmode" in command and "-norc" in command


def test_fixture_survey_compiles_clean(tmp_path, fixtures_dir, need_tex):
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path)
    config.paths.ensure()
    for name in ("comparison.tex", "comparison.md", "comparison.caption.txt"):
        (config.paths.tables / name).write_text((fixtures_dir / "draft" / name).read_text())
    keys = citation_keys(config, corpus)
    result = write_draft(config, corpus, assignments, topics, keys)
    report = result.compile
    assert report.status == "ok", report.summary()
    assert report.errors == [] and report.undefined_citations == [] and report.undefined_references == []
    assert report.bibtex_errors == []
    assert report.unused_entries == [] and report.missing_entries == []
    assert set(report.cited_keys) == set(keys.values())
    assert result.pdf == tmp_path / "draft" / "survey.pdf" and result.pdf.stat().st_size > 10_000
    assert result.grounding.ok and result.ok, result.summary()


def test_broken_tex_reports_the_error(tmp_path, need_tex):
    tex = tmp_path / "broken.tex"
    tex.write_text("\\documentclass{article}\n\\begin{document}\nHello \\undefinedmacro.\n\\end{document}\n")
    report = compile_tex(tex, timeout=120)
    assert report.status == "failed" and report.pdf is None
    assert any("Undefined control sequence" in e for e in report.errors), report.summary()


def test_parse_outputs_reads_undefined_citations(tmp_path):
    (tmp_path / "s.log").write_text(
        "LaTeX Warning: Citation `ghost2020' on page 1 undefined on input line 3.\n"
        "LaTeX Warning: Reference `tab:x' on page 1 undefined on input line 4.\n"
    )
    (tmp_path / "s.aux").write_text("\\citation{ghost2020,gu2024blade}\n")
    bib = tmp_path / "r.bib"
    bib.write_text("@article{gu2024blade,\n title={A}}\n@misc{unused2023,\n title={B}}\n")
    report = parse_outputs(tmp_path, "s", bib)
    assert report.undefined_citations == ["ghost2020"] and report.undefined_references == ["tab:x"]
    assert report.unused_entries == ["unused2023"] and report.missing_entries == ["ghost2020"]


def test_parse_outputs_counts_multiply_defined_labels_and_wide_overfull_boxes(tmp_path):
    (tmp_path / "s.log").write_text(
        "LaTeX Warning: Label `tab:overview' multiply defined.\n"
        "Overfull \\hbox (3.2pt too wide) in paragraph at lines 10--12\n"
        "Overfull \\hbox (42.5pt too wide) in alignment at lines 20--30\n"
    )
    report = parse_outputs(tmp_path, "s")
    assert report.multiply_defined == ["tab:overview"]
    assert report.overfull_boxes == 2 and report.overfull_large == [42.5]
    assert len(report.problems) == 2
    assert "2 problem(s)" in report.summary()


def test_an_unchanged_document_is_not_compiled_again(tmp_path, need_tex):
    draft, figures = tmp_path / "draft", tmp_path / "figures"
    draft.mkdir()
    figures.mkdir()
    (figures / "part.tex").write_text("First version.\n")
    tex = draft / "survey.tex"
    tex.write_text("\\documentclass{article}\n\\begin{document}\nHello.\n\\input{../figures/part.tex}\n"
                   "\\end{document}\n")
    first = compile_tex(tex, timeout=120)
    assert first.status == "ok" and first.seconds > 0, first.summary()
    again = compile_tex(tex, timeout=120)
    assert again.status == "ok" and again.seconds == 0 and "not recompiled" in again.message
    assert again.pdf == first.pdf and again.pages == 1
    (figures / "part.tex").write_text("Second version.\n")  # an input the .fls recorded
    third = compile_tex(tex, timeout=120)
    assert third.seconds > 0 and third.status == "ok" and not third.message
    first.pdf.write_bytes(b"%PDF-1.5 damaged")  # the PDF is not the one compiled: compile
    assert compile_tex(tex, timeout=120).seconds > 0


def test_a_work_without_a_year_is_cited_as_n_d(tmp_path, need_tex):
    from pypdf import PdfReader

    from surveykit.draft.bibstyle import STYLE, patched_style, write_style

    assert patched_style("no such rule") is None  # an unexpected plainnat: the draft keeps plainnat
    assert write_style(tmp_path) == STYLE
    (tmp_path / "refs.bib").write_text(
        "@misc{undated, author = {Ada Smith}, title = {An undated note}}\n"
        "@misc{dated, author = {Bo Jones}, title = {A dated note}, year = {2021}}\n", encoding="utf-8")
    tex = tmp_path / "doc.tex"
    tex.write_text("\\documentclass{article}\\usepackage[round]{natbib}\\begin{document}\n"
                   "\\citet{undated} and \\citet{dated}.\n"
                   f"\\bibliographystyle{{{STYLE}}}\\bibliography{{refs}}\\end{{document}}\n",
                   encoding="utf-8")
    report = compile_tex(tex, tmp_path / "refs.bib")
    assert report.status == "ok", report.message
    text = " ".join(PdfReader(report.pdf).pages[0].extract_text().split())
    assert "Smith (n.d.)" in text and "Jones (2021)" in text and "()" not in text


def test_markdown_year_suffixes_are_the_pdfs(tmp_path, need_tex):
    """Two "Wang et al. (2024)": the Markdown gives "a" and "b" as the PDF's bibliography style
    does (by the authors' full names, not by cite key)."""
    import re

    from surveykit.bib.writer import write_bib
    from surveykit.corpus.model import Paper
    from surveykit.draft.bibstyle import STYLE, write_style
    from surveykit.draft.render import cite_labels

    papers = {
        "aaaWang2024": Paper(title="Executable code actions", year=2024, id="p1",
                             authors=["Wang, Xingyao", "Chen, Yangyi", "Yuan, Lifan"]),
        "zzzWang2024": Paper(title="A survey of agents", year=2024, id="p2",
                             authors=["Wang, Lei", "Ma, Chen", "Feng, Xueyang"]),
        "mmmWang2024": Paper(title="Émigré agents", year=2024, id="p3",
                             authors=["Wang, Élise", "Li, Bo", "Wu, An"]),
    }
    write_style(tmp_path)
    write_bib(papers.values(), tmp_path / "refs.bib", pinned={p.id: key for key, p in papers.items()})
    tex = tmp_path / "doc.tex"
    tex.write_text("\\documentclass{article}\\usepackage[round]{natbib}\\begin{document}\n"
                   + " ".join(f"\\citet{{{key}}}." for key in papers)
                   + f"\n\\bibliographystyle{{{STYLE}}}\\bibliography{{refs}}\\end{{document}}\n",
                   encoding="utf-8")
    assert compile_tex(tex, tmp_path / "refs.bib").status == "ok"
    from surveykit.draft.compile import BUILD_DIR

    bbl = (tmp_path / BUILD_DIR / "doc.bbl").read_text(encoding="utf-8")
    in_pdf = {m.group(2): m.group(1) for m in re.finditer(
        r"\\bibitem\[[^\n]*?natexlab\{(\w)\}[^\n]*\]\{(\w+)\}", bbl)}
    labels = cite_labels(papers)
    assert in_pdf == {key: label.year[-1] for key, label in labels.items()}
    assert in_pdf["zzzWang2024"] == "b" and in_pdf["aaaWang2024"] == "c"
