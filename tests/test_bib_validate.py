"""Validation: round trip, parsing recorded pdflatex/bibtex output, and real compiles (need TeX)."""

from __future__ import annotations

import shutil

import pytest

from surveykit.bib import (
    classify_warnings,
    compile_check,
    escape_latex,
    parse_tex_outputs,
    roundtrip_check,
    validate_bib,
    write_bib,
)
from surveykit.bib.latex import ASCII_ESCAPES, UNICODE_LETTERS, UNICODE_SYMBOLS
from surveykit.bib.validate import check_document
from surveykit.corpus.model import Paper


def test_roundtrip_detects_a_changed_value(tmp_path):
    out = tmp_path / "r.bib"
    report = write_bib([Paper(title="BLADE: Agents", authors=["Gu, Ken"], year=2024)], out)
    assert roundtrip_check(out, report).ok
    out.write_text(out.read_text().replace("{BLADE}", "BLADE"))
    check = roundtrip_check(out, report)
    assert not check.ok and "fields differ" in check.problems[0]


def test_roundtrip_detects_a_broken_entry(tmp_path):
    out = tmp_path / "r.bib"
    report = write_bib([Paper(title="One", authors=["Gu, Ken"], year=2024)], out)
    out.write_text(out.read_text().replace("year   = {2024}", "year   = {2024"))
    assert not roundtrip_check(out, report).ok


def test_recorded_outputs_are_parsed_and_mapped_to_keys(fixtures_dir, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(fixtures_dir / "bib" / "broken", work)
    result = parse_tex_outputs(work)
    errors = {(e.source, e.key, e.message) for e in result.errors}
    assert errors == {
        ("bibtex", "good2020", "Repeated entry"),
        ("bibtex", "broken2024", "I was expecting a `,' or a `}'"),
        ("latex", "badmacro2022", "Undefined control sequence."),
    }
    warnings = {(w.key, w.field) for w in result.warnings}
    assert warnings == {("badmacro2022", None), ("weird2023", None), ("missingkey", None),
                        ("noauthor2021", "author"), ("broken2024", "year")}
    assert result.undefined == ["missingkey"]
    assert not result.ok


def test_style_file_errors_name_the_entry(tmp_path):
    # recorded from plainnat with more than 31 papers sharing one author-year label
    (tmp_path / "check.blg").write_text(
        "Database file #1: refs.bib\n"
        "128 isn't valid ASCII for entry doe2022arec\n"
        "while executing---line 1394 of file plainnat.bst\n"
        "(There was 1 error message)\n")
    result = parse_tex_outputs(tmp_path)
    assert [(e.key, e.message) for e in result.errors] == [
        ("doe2022arec", "128 isn't valid ASCII for entry doe2022arec "
                        "(while executing---line 1394 of file plainnat.bst)")]


def test_warnings_are_classified_against_the_papers(fixtures_dir, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(fixtures_dir / "bib" / "broken", work)
    result = parse_tex_outputs(work)
    papers = {"noauthor2021": Paper(title="No Author Here", year=2021),
              "broken2024": Paper(title="Missing comma", authors=["Bro, Ken"], year=2024)}
    classify_warnings(result, papers)
    by_key = {(w.key, w.field): w.expected for w in result.warnings}
    assert by_key[("noauthor2021", "author")] is True  # the paper has no authors
    assert by_key[("broken2024", "year")] is False  # it has a year: the entry is at fault
    assert by_key[("weird2023", None)] is None  # not one of ours


def test_compile_check_skips_without_tex(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda tool: None)
    result = compile_check(tmp_path / "none.bib", ["k"])
    assert result.skipped == "pdflatex not found"
    assert result.summary() == "skipped: pdflatex not found"


def test_check_document_cites_every_key():
    doc = check_document(["a", "b:c"], style="plain", fontenc=None)
    assert r"\cite{a}" in doc and r"\cite{b:c}" in doc and "natbib" not in doc
    assert r"\usepackage{natbib}" in check_document(["a"], style="plainnat")


# --- real compiles ---------------------------------------------------------------------------

def _every_special_character() -> str:
    return "".join(ASCII_ESCAPES) + "".join(UNICODE_LETTERS) + "".join(UNICODE_SYMBOLS) + (
        "Jörg Öztürk François Dvořák Erdős Ștefan naïve Ångström – — ‘’ “” … ǘ 中 😀")


@pytest.mark.tex
def test_every_special_character_compiles_cleanly(need_tex, tmp_path):
    text = _every_special_character()
    paper = Paper(title=f"GPT-4 and BLADE: {text}", authors=["Öztürk, Jörg", "Dupont, François",
                  "Łęski, Đorđe"], year=2024, venue=f"Workshop on {text}",
                  code_url="https://x.org/a_b%20c#frag~d&e=1", extra={"note": text})
    out = tmp_path / "special.bib"
    report = write_bib([paper], out, include_abstract=True)
    assert escape_latex(text).isascii()
    for style in ("plainnat", "plain"):
        validation = validate_bib(out, report, [paper], style=style, workdir=tmp_path / style)
        compiled = validation.compiled
        assert validation.roundtrip.ok, validation.roundtrip.problems
        assert compiled.errors == [], [str(e) for e in compiled.errors]
        assert compiled.warnings == [] and compiled.undefined == []
        assert compiled.missing_glyphs == []
        bbl = (tmp_path / style / "check.bbl").read_text()
        assert r"\url{https://x.org/a_b%20c#frag~d&e=1}" in bbl  # the link reaches LaTeX intact


@pytest.mark.tex
def test_ot1_documents_compile_without_t1_only_glyphs(need_tex, tmp_path):
    paper = Paper(title="Jörg’s “Öztürk” Study – 11.88% of $0.88", authors=["Öztürk, Jörg",
                  "Dupont, François", "Łukasz, Erdős"], year=2024)
    out = tmp_path / "ot1.bib"
    report = write_bib([paper], out)
    compiled = compile_check(out, report.all_keys, fontenc=None, workdir=tmp_path / "w")
    assert compiled.ok and compiled.warnings == [], compiled.summary()


@pytest.mark.tex
def test_broken_bib_errors_are_reported_with_keys(need_tex, fixtures_dir, tmp_path):
    bib = fixtures_dir / "bib" / "broken" / "refs.bib"
    result = compile_check(bib, ["good2020", "noauthor2021", "badmacro2022", "weird2023",
                                 "broken2024", "missingkey"])
    assert result.workdir is None  # temporary directory removed
    assert {e.key for e in result.errors} == {"good2020", "broken2024", "badmacro2022"}
    assert result.undefined == ["missingkey"]
