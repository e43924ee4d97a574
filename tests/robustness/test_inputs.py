"""Inputs at the edges: empty, missing, binary, UTF-16/BOM files and wrong options give a clear
error naming the file, or the papers; never a silently empty corpus."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from surveykit.cli import main
from surveykit.config import parse_config
from surveykit.corpus.build import build_corpus
from surveykit.sources import SourceError, load_source

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BIB = (FIXTURES / "bibtex" / "zotero.bib").read_text(encoding="utf-8")
RIS = (FIXTURES / "ris" / "zotero.ris").read_text(encoding="utf-8")
CSV = "Title,Abstract,Authors,Year\nÜber Agenten,Ein Abstract über Agenten.,Müller J.,2024\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.bib", b"", "empty file"),
        ("blank.ris", b"  \n\n\t\n", "empty file"),
        ("bom-only.csv", b"\xef\xbb\xbf", "only a byte-order mark"),
        ("garbage.bib", random.Random(1).randbytes(4096), "binary"),
        ("paper.bib", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        ("library.csv", b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive"),
        ("nul.txt", b"title\x00abstract\x00" * 50, "binary"),
    ],
)
def test_unusable_files_are_a_clear_error(tmp_path, name, data, message):
    path = _write(tmp_path, name, data)
    with pytest.raises(SourceError, match=message) as info:
        load_source(path)
    assert str(path) in str(info.value)


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        load_source(tmp_path / "nope.bib")
    folder = tmp_path / "lib.bib"
    folder.mkdir()
    with pytest.raises(SourceError, match="a folder"):
        load_source(folder)


@pytest.mark.parametrize(
    ("name", "text"),
    [("lib.bib", BIB), ("lib.ris", RIS), ("lib.csv", CSV)],
)
@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_byte_order_marks_and_utf16_are_read(tmp_path, name, text, codec):
    path = _write(tmp_path, name, text.encode(codec))
    expected = load_source(_write(tmp_path, "plain-" + name, text.encode("utf-8")))
    result = load_source(path)
    assert [p.title for p in result.papers] == [p.title for p in expected.papers]
    assert result.papers
    assert not [i for i in result.issues if "latin-1" in i.reason]


def test_an_option_the_loader_does_not_take_is_named(tmp_path):
    path = _write(tmp_path, "lib.bib", BIB.encode())
    with pytest.raises(SourceError, match=r"lib.bib: the bibtex loader takes no option 'delimiter'"):
        load_source(path, delimiter=";")


def test_a_source_without_papers_stops_the_corpus_naming_the_file(tmp_path):
    path = _write(tmp_path, "broken.bib", b"@article{a, title = {unterminated\n@misc{\n")
    config = parse_config({"corpus": {"sources": [str(path)]}}, None, tmp_path / "out")
    with pytest.raises(SourceError, match=r"broken.bib: no papers read"):
        build_corpus(config, progress=False, save=False)


def test_cli_reports_garbage_sources_with_exit_2(tmp_path, capsys):
    path = _write(tmp_path, "garbage.bib", b"\x00\x01\x02" * 100)
    _write(tmp_path, "survey.toml", b"[survey]\ntitle = 'T'\n")
    assert main(["corpus", "--config", str(tmp_path / "survey.toml"), "--output-dir", str(tmp_path / "o"),
                 "--source", str(path)]) == 2
    err = capsys.readouterr().err
    assert "garbage.bib" in err and "binary" in err and "Traceback" not in err
