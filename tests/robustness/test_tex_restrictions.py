"""TeX runs with no shell escape, writes only below its folder and, for surveykit's own
survey.tex, reads nothing through ``..`` or an absolute path (``openin_any=p``)."""

from __future__ import annotations

import pytest

from surveykit.draft.compile import compile_tex, latexmk_command, paranoid_ok
from surveykit.draft.render import texpath

pytestmark = pytest.mark.tex


def test_texpath_and_command():
    assert texpath("../figures/a.pdf") == "\\surveykitup figures/a.pdf"
    assert texpath("../../x/a.tex") == "../../x/a.tex"  # deeper layouts keep their path
    assert texpath("taxonomy_tree.tex") == "taxonomy_tree.tex"
    command = " ".join(latexmk_command("survey.tex", paranoid=True))
    assert "-no-shell-escape" in command and "\\def\\surveykitup{}" in command
    assert paranoid_ok("\\providecommand{\\surveykitup}{../}\\input{\\surveykitup tables/a.tex}")
    assert not paranoid_ok("\\providecommand{\\surveykitup}{../}\\input{/etc/passwd}")


def _doc(body: str) -> str:
    return ("\\providecommand{\\surveykitup}{../}\n\\documentclass{article}\n\\begin{document}\n"
            + body + "\n\\end{document}\n")


def test_own_layout_compiles_with_paranoid_reads(tmp_path, need_tex):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "t.tex").write_text("Table fragment read.\n")
    draft = tmp_path / "draft"
    draft.mkdir()
    tex = draft / "survey.tex"
    tex.write_text(_doc("\\input{\\surveykitup tables/t.tex}"))
    report = compile_tex(tex)
    assert report.status == "ok", report.summary()
    assert "openin_any = p" not in (report.log.read_text() if report.log else "")


def test_reading_outside_is_refused_under_paranoid_reads(tmp_path, need_tex):
    secret = tmp_path / "secret.tex"
    secret.write_text("SECRET\n")
    draft = tmp_path / "out" / "draft"
    draft.mkdir(parents=True)
    tex = draft / "survey.tex"
    # a document of surveykit's layout that also tries an absolute and a parent path (spelt so
    # that it still looks like surveykit's own layout)
    absolute = str(secret).replace("/", "\\string/")
    tex.write_text(_doc("\\input{\\surveykitup x.tex}"
                        "\\edef\\p{" + absolute + "}\\IfFileExists{\\p}{\\input{\\p}}{}"
                        "\\edef\\q{..\\string/..\\string/secret.tex}\\IfFileExists{\\q}{\\input{\\q}}{}"))
    assert paranoid_ok(tex.read_text())
    (tmp_path / "out" / "x.tex").write_text("own file\n")
    report = compile_tex(tex)
    log = report.log.read_text(errors="replace") if report.log else ""
    assert "SECRET" not in log
    pdf_text = ""
    if report.pdf:
        from pypdf import PdfReader

        pdf_text = "".join(page.extract_text() for page in PdfReader(str(report.pdf)).pages)
    assert "SECRET" not in pdf_text and ("own file" in pdf_text or report.pdf is None)
