"""Non-Latin titles reach the PDF and the .bib intact: LuaLaTeX chosen automatically and stated."""

from __future__ import annotations

import json
import shutil

import pytest
from test_draft import fake_taxonomy, fixture_config, fixture_corpus

from surveykit.bib.latex import escape_latex, keep_scripts
from surveykit.bib.stage import citation_keys, write_references
from surveykit.corpus.model import Corpus, Paper
from surveykit.draft.compile import compile_tex, latexmk_command
from surveykit.draft.stage import write_draft
from surveykit.texengine import choose_engine, scripts_in, unicode_available

pytestmark = pytest.mark.tex

TITLES = {
    0: "基于大语言模型的智能体综述",
    1: "Агенты на основе больших языковых моделей",
    2: "Μηχανική μάθηση για πράκτορες",
}


@pytest.fixture
def need_lualatex(need_tex):
    if not unicode_available():
        pytest.skip("LuaLaTeX, luaotfload or a CJK font (fonts-wqy-microhei) not installed")


def _foreign_corpus() -> Corpus:
    corpus = fixture_corpus()
    papers = [
        Paper(**{**paper.__dict__, "title": TITLES[index]}) if index in TITLES else paper
        for index, paper in enumerate(corpus)
    ]
    return Corpus(papers, name=corpus.name)


def test_keep_scripts_keeps_other_scripts_and_writes_latin_as_before():
    text = "基于 агент μάθηση: Über α-divergence, 50%"
    lost: list[str] = []
    plain = escape_latex(text, lost)
    assert "Ji Yu" in plain and lost
    lost = []
    with keep_scripts():
        kept = escape_latex(text, lost)
    assert kept == "基于 агент μάθηση: {\\\"U}ber {\\ensuremath{\\alpha}}-divergence, 50\\%"
    assert lost == []


def test_latin_text_is_identical_with_keep_scripts():
    for text in ("Über 50% {x} -- α-divergence «q» ﬁne", "Ελ", "naïve café"):
        outside = escape_latex(text)
        with keep_scripts():
            inside = escape_latex(text)
        if not scripts_in(inside):
            assert inside == outside


def test_engine_choice_and_command():
    assert choose_engine("plain {\\\"U}ber text").name == "pdflatex"
    assert scripts_in("基于大语言 агент") == ("Chinese", "Cyrillic")
    command = " ".join(latexmk_command("survey.tex", engine="lualatex"))
    assert "-lualatex " in command and "-lualatex=lualatex -no-shell-escape" in command
    assert " -pdf " not in command


def test_non_latin_titles_reach_bib_and_pdf(tmp_path, need_lualatex):
    from pypdf import PdfReader

    corpus = _foreign_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path)
    config.paths.ensure()
    write_references(config, corpus, validate=True)
    bib = config.paths.references.read_text(encoding="utf-8")
    for title in TITLES.values():
        assert title.split(" ")[0] in bib, title  # UTF-8, not transliterated
    assert "Ji Yu" not in bib
    keys = citation_keys(config, corpus)
    result = write_draft(config, corpus, assignments, topics, keys)
    report = result.compile
    assert report.status == "ok", report.summary()
    assert report.engine == "lualatex"
    assert report.message.startswith("compiled with LuaLaTeX: the draft holds ")
    assert {"Chinese", "Cyrillic", "Greek"} <= set(report.message.split("holds ")[1].split(" text")[0]
                                                   .split(", "))
    metrics = json.loads((config.paths.draft / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["tex_engine"] == "lualatex"
    text = "".join(page.extract_text() for page in PdfReader(str(result.pdf)).pages)
    squeezed = text.replace("\n", "").replace(" ", "")
    for title in TITLES.values():
        assert title.replace(" ", "")[:6] in squeezed, title

    # deterministic: a fresh compile of the same inputs gives the same bytes
    first = result.pdf.read_bytes()
    shutil.rmtree(config.paths.draft / "_build")
    result.pdf.unlink()
    again = compile_tex(config.paths.draft / "survey.tex", config.paths.references)
    assert again.status == "ok" and again.pdf.read_bytes() == first


def test_latin_corpus_stays_on_pdflatex(tmp_path, need_tex):
    corpus = fixture_corpus()
    assignments, topics = fake_taxonomy(corpus)
    config = fixture_config(tmp_path)
    config.paths.ensure()
    keys = citation_keys(config, corpus)
    result = write_draft(config, corpus, assignments, topics, keys)
    assert result.compile.status == "ok" and result.compile.engine == "pdflatex"
    tex = (config.paths.draft / "survey.tex").read_text(encoding="utf-8")
    assert "fontspec" not in tex and "latexmk -pdf survey.tex" in tex


def test_engine_text_has_cited_entries_and_input_fragments(tmp_path):
    from surveykit.draft.compile import cited_text

    draft = tmp_path / "draft"
    (tmp_path / "tables").mkdir()
    draft.mkdir()
    (tmp_path / "tables" / "t.tex").write_text("基于 & x \\\\\n", encoding="utf-8")
    bib = "@misc{a,\n title = {Агенты}\n}\n@misc{b,\n title = {Μηχανική μάθηση}\n}\n"
    tex = "\\citep{a}\n\\input{\\surveykitup tables/t.tex}\n"
    assert set(scripts_in(cited_text(tex, bib, draft))) == {"Chinese", "Cyrillic"}
    assert scripts_in(cited_text("\\citep{a}", bib)) == ("Cyrillic",)
    assert set(scripts_in(cited_text("\\nocite{*}", bib))) == {"Greek", "Cyrillic"}
    assert scripts_in(cited_text("\\input{../../etc/x}", "", draft)) == ()
