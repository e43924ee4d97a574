"""Robustness cases and their outcomes: each bad input, fault or hostile text either handled (a
correct result, limits stated) or a clear error naming the file; never a traceback or a silently
empty output. Writes benchmarks/results/robustness.md.

    python benchmarks/robustness.py              # in-process cases (seconds)
    python benchmarks/robustness.py --pipeline   # also whole runs: 0-3 papers, two runs at once,
                                                 # a locked folder, Ctrl-C (several minutes)
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "robustness.md"
FIXTURES = ROOT / "tests" / "fixtures"

from surveykit import io  # noqa: E402
from surveykit.config import ConfigError, load_config  # noqa: E402
from surveykit.runlock import RunLocked  # noqa: E402
from surveykit.sources import SourceError, load_source  # noqa: E402
from surveykit.textutil import markdown_escape  # noqa: E402

CLEAR = (ConfigError, SourceError, RunLocked)
Row = tuple[str, str, str, str]  # group, case, outcome, detail


def _first_line(text: str, width: int = 150) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return (line[: width - 1] + "…") if len(line) > width else line


def _case(group: str, name: str, run: Callable[[Path], str], expect_file: str | None = None) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            detail = run(Path(tmp))
            outcome = "handled"
        except CLEAR as exc:
            message = str(exc).replace(tmp, "…")
            named = expect_file is None or expect_file in message
            outcome = "clear error" if named else "error without the file"
            detail = _first_line(message)
        except Exception as exc:  # the outcome this table exists to catch
            outcome = "TRACEBACK"
            detail = f"{type(exc).__name__}: {_first_line(str(exc))}"
    return group, name, outcome, detail


# --- config -------------------------------------------------------------------------------------


def _config_case(text: str | bytes) -> Callable[[Path], str]:
    def run(tmp: Path) -> str:
        path = tmp / "survey.toml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        load_config(path)
        return "loaded"
    return run


CONFIG_CASES = {
    'enrich = "false" (a string)': '[corpus]\nenrich = "false"\n',
    'n_topics = "eight"': '[topics]\nn_topics = "eight"\n',
    "misspelt key n_topic": "[topics]\nn_topic = 8\n",
    "misspelt section [figurs]": "[figurs]\nformats = ['pdf']\n",
    "duplicate [tables] topic_columns": "[tables]\ntopic_columns = ['domain', 'domain']\n",
    "unknown [draft.backend] key": "[draft.backend]\nbase_ur = 'http://x'\n",
    "source entry without path": "[corpus]\nsources = [{format = 'csv'}]\n",
    "invalid TOML": "[corpus\n",
    "UTF-16 config": "[survey]\ntitle = 'x'\n".encode("utf-16"),
}


# --- sources ------------------------------------------------------------------------------------


def _source_case(name: str, data: bytes, **options: object) -> Callable[[Path], str]:
    def run(tmp: Path) -> str:
        path = tmp / name
        if data == b"<dir>":
            path.mkdir()
        elif data != b"<missing>":
            path.write_bytes(data)
        result = load_source(path, **options)
        if not result.papers:
            raise RuntimeError(f"0 papers, no error ({len(result.issues)} issues)")
        return f"{len(result.papers)} papers, {len(result.issues)} issue(s)"
    return run


def _corpus_case(name: str, data: bytes) -> Callable[[Path], str]:
    def run(tmp: Path) -> str:
        from surveykit.config import parse_config
        from surveykit.corpus.build import build_corpus

        path = tmp / name
        path.write_bytes(data)
        config = parse_config({"corpus": {"sources": [str(path)]}}, None, tmp / "out")
        build = build_corpus(config, progress=False, save=False)
        return f"{len(build.corpus)} papers"
    return run


BIB = (FIXTURES / "bibtex" / "zotero.bib").read_bytes()
RIS = (FIXTURES / "ris" / "zotero.ris").read_bytes()
CSV = "Title,Abstract,Year\nÜber Agenten,Ein Abstract.,2024\n".encode()
SOURCE_CASES: dict[str, tuple[str, bytes, dict]] = {
    "empty .bib": ("empty.bib", b"", {}),
    "whitespace-only .ris": ("blank.ris", b" \n\n", {}),
    "BOM-only .csv": ("bom.csv", b"\xef\xbb\xbf", {}),
    "binary garbage as .bib": ("garbage.bib", random.Random(0).randbytes(4096), {}),
    "a PDF named .bib": ("paper.bib", b"%PDF-1.7\n%\xe2\xe3", {}),
    "an .xlsx named .csv": ("sheet.csv", b"PK\x03\x04\x14\x00", {}),
    "missing path": ("nope.bib", b"<missing>", {}),
    "a folder as a source": ("lib.bib", b"<dir>", {}),
    "UTF-16 (BOM) .bib": ("u16.bib", BIB.decode().encode("utf-16"), {}),
    "UTF-8 BOM .bib": ("bom.bib", b"\xef\xbb\xbf" + BIB, {}),
    "UTF-16 without BOM .ris": ("u16.ris", RIS.decode().encode("utf-16-le"), {}),
    "UTF-16 (BOM) .csv": ("u16.csv", CSV.decode().encode("utf-16"), {}),
    "loader option it does not take": ("lib.bib", BIB, {"delimiter": ";"}),
}


# --- hostile text ---------------------------------------------------------------------------------


def _markdown_table(tmp: Path) -> str:
    import pandas as pd

    from surveykit.tables.export import write_table

    payloads = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "a | b", "[x](javascript:y)"]
    write_table(pd.DataFrame({"Title": payloads}), tmp, "t", caption="<b>c</b>", formats=("md", "html"))
    for name in ("t.md", "t.html"):
        text = (tmp / name).read_text(encoding="utf-8")
        if "<script" in text or "<img" in text:
            raise RuntimeError(f"{name}: live markup")
    return "tables/*.md and *.html: payloads shown as text"


def _markdown_text(tmp: Path) -> str:
    from surveykit.draft.render import md_text, yaml_str

    for payload in ("<script>x</script>", "<img onerror=x>", "& < >"):
        if "<" in md_text(payload) or "<" in yaml_str(payload):
            raise RuntimeError("live markup")
    return "survey.md text, references and front matter: entities"


# --- foreign text, TeX ligatures, owned outputs ----------------------------------------------------


def _cjk_title(tmp: Path) -> str:
    from surveykit.bib import render_bib
    from surveykit.corpus.model import Paper
    from surveykit.sources.bibtex import parse_bibtex_string

    text, report = render_bib([Paper(title="基于大语言模型的智能体综述", authors=["Wang, Lei"], year=2024)])
    warned = [w for w in report.warnings if w.kind == "unicode-approximated"]
    (paper,) = parse_bibtex_string(text).papers
    if "?" in paper.title or not warned:
        raise RuntimeError(f"title became {paper.title!r}")
    return f".bib title {paper.title!r}, with the warning (pdflatex has no CJK font)"


def _non_latin_pdf(tmp: Path) -> str:
    """Chinese, Russian and Greek titles: kept in the .bib, typeset by LuaLaTeX, found in the PDF."""
    from pypdf import PdfReader

    from surveykit.bib import render_bib
    from surveykit.bib.latex import keep_scripts
    from surveykit.bib.texcheck import compile_check
    from surveykit.corpus.model import Paper
    from surveykit.texengine import unicode_available

    titles = ["基于大语言模型的智能体综述", "Агенты на основе языковых моделей", "Μηχανική μάθηση"]
    papers = [Paper(title=t, authors=["Wang, Lei"], year=2024 + i) for i, t in enumerate(titles)]
    if not unicode_available():
        return "no LuaLaTeX or CJK font: transliterated with a warning (see the row above)"
    with keep_scripts():
        text, report = render_bib(papers)
    if any(t not in text for t in titles):
        raise RuntimeError("a title was not kept in the .bib")
    bib = tmp / "refs.bib"
    bib.write_text(text, encoding="utf-8")
    result = compile_check(bib, report.all_keys, workdir=tmp / "check")
    pdf = "".join(p.extract_text() for p in PdfReader(str(tmp / "check" / "check.pdf")).pages)
    missing = [t for t in titles if t.replace(" ", "") not in pdf.replace(" ", "").replace("\n", "")]
    if missing or not result.ok:
        raise RuntimeError(f"not in the PDF: {missing}; {result.summary()}")
    return ".bib keeps the UTF-8 titles; compiled with LuaLaTeX (fallback fonts), all 3 in the PDF text"


def _ligatures(tmp: Path) -> str:
    from surveykit.bib.latex import escape_latex
    from surveykit.sources.bibtex import parse_bibtex_string

    typed = "A--B, ''quoted'', ,,x, ?`y"
    latex = escape_latex(typed)
    (paper,) = parse_bibtex_string("@misc{k, title = {" + latex + "}}").papers
    if paper.title != typed:
        raise RuntimeError(f"read back as {paper.title!r}")
    return f"{typed!r} written {latex!r}, read back as typed"


def _non_latin_dedupe(tmp: Path) -> str:
    from surveykit.corpus.dedupe import dedupe
    from surveykit.corpus.model import Paper

    titles = ["基于大语言模型的智能体综述", "多智能体协作框架研究", "🤖🤖", "✨ — ✨", "Агенты ИИ: обзор"]
    result = dedupe([Paper(title=t, authors=["Wang, Lei"], year=2024) for t in titles])
    if result.merges:
        raise RuntimeError(f"merged: {[m.titles for m in result.merges]}")
    return f"{len(titles)} titles (CJK, emoji-only, Cyrillic), same first author: {len(result.papers)} papers"


def _stale_topic_tables(tmp: Path) -> str:
    from surveykit import io
    from surveykit.config import parse_config
    from surveykit.manifest import owned_outputs

    config = parse_config({"survey": {"title": "T"}}, tmp / "survey.toml")
    config.paths.ensure()
    mine = config.paths.tables / "my_table.tex"
    for n in (8, 6):
        with owned_outputs(config, "tables"):
            for i in range(n):
                io.write_text(config.paths.tables / f"topic_{i:02d}.tex", f"{i}\n")
        if n == 8:
            mine.write_text("the author's\n", encoding="utf-8")
            io.write_text(config.paths.tables / "topic_05.tex", "5\n")
    left = sorted(p.name for p in config.paths.tables.glob("topic_*.tex"))
    if left != [f"topic_{i:02d}.tex" for i in range(6)] or not mine.exists():
        raise RuntimeError(f"left: {left}")
    return "topic_06/07.* removed (build/manifest.json), the author's tables/my_table.tex kept"


def _fault_injection(tmp: Path) -> str:
    results = ROOT / "benchmarks" / "results" / "fault_injection.md"
    if not results.exists():
        raise RuntimeError("run benchmarks/fault_injection.py first")
    text = results.read_text(encoding="utf-8")
    if "| NO" in text.split("## Run 2")[-1]:
        raise RuntimeError("a kill point did not recover (benchmarks/results/fault_injection.md)")
    together = [ln for ln in text.splitlines() if ln.startswith("Together:")]
    summary = together[-1] if together else [ln for ln in text.splitlines() if "kill points" in ln][-1]
    return summary.split(":", 1)[-1].split(":")[0].strip() + " (benchmarks/results/fault_injection.md)"


# --- whole runs -----------------------------------------------------------------------------------


def _surveykit(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "surveykit.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, check=False)


def _last_error(proc: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("surveykit")]
    return lines[-1] if lines else _first_line(proc.stderr[-300:])


def _tiny(n: int) -> Callable[[Path], str]:
    def run(tmp: Path) -> str:
        import csv

        from surveykit.corpus.bundled import load_bundled

        source = tmp / f"papers{n}.csv"
        with open(source, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Title", "Abstract", "Authors", "Year"])
            for paper in load_bundled().papers[:n]:
                writer.writerow([paper.title, paper.abstract, "; ".join(paper.authors), paper.year])
        proc = _surveykit("run", "--source", str(source), "--output-dir", str(tmp / "out"))
        if "Traceback" in proc.stderr.split("surveykit run:")[-1]:
            raise RuntimeError(_last_error(proc))
        if proc.returncode != 0:
            raise SourceError(_last_error(proc).replace(str(tmp), "…"))
        pdf = (tmp / "out" / "draft" / "survey.pdf").exists()
        return f"exit 0, survey.pdf {'written' if pdf else 'missing'}"
    return run


def _two_runs(tmp: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, "-m", "surveykit.cli", "run", "--only", "01",
                               "--output-dir", str(tmp / f"out{i}")], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for i in range(2)]
    codes = [p.wait(timeout=600) for p in procs]
    if codes != [0, 0]:
        raise RuntimeError(f"exit codes {codes}: {procs[0].stderr.read()[-300:]}")
    leftovers = [p.name for p in (ROOT / "notebooks").iterdir() if "ipc" in p.name]
    return f"both exit 0; sockets left in notebooks/: {len(leftovers)}"


def _same_folder(tmp: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    first = subprocess.Popen([sys.executable, "-m", "surveykit.cli", "run", "--only", "01", "02",
                              "--output-dir", str(tmp / "out")], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not (tmp / "out" / ".surveykit.lock").exists() and time.time() < deadline:
        time.sleep(0.2)
    second = _surveykit("run", "--only", "01", "--output-dir", str(tmp / "out"))
    first.wait(timeout=600)
    if second.returncode == 0:
        raise RuntimeError("the second run was not refused")
    raise RunLocked(_last_error(second).replace(str(tmp), "…"))


def _interrupt(tmp: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "surveykit.cli", "run", "--only", "01", "02",
                             "--output-dir", str(tmp / "out")], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(20)
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=120)[1]
    if "Traceback" in err:
        raise RuntimeError("traceback on Ctrl-C")
    return f"exit {proc.returncode}: {_last_error(subprocess.CompletedProcess([], 0, '', err))}"


def _pipeline_rows() -> list[str]:
    """The whole-run rows of the last ``--pipeline`` run (kept when only the quick cases run)."""
    if not RESULTS.exists():
        return []
    return [ln for ln in RESULTS.read_text(encoding="utf-8").splitlines()
            if ln.startswith("| whole run |") and "SIGKILL at" not in ln]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pipeline", action="store_true", help="also the whole-run cases (minutes)")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for name, text in CONFIG_CASES.items():
        rows.append(_case("survey.toml", name, _config_case(text), "survey.toml"))
    for name, (file, data, options) in SOURCE_CASES.items():
        rows.append(_case("sources", name, _source_case(file, data, **options), file))
    rows.append(_case("sources", "a .bib whose every entry is broken",
                      _corpus_case("broken.bib", b"@article{a, title = {open\n@misc{\n"), "broken.bib"))
    rows.append(_case("hostile text", "<script>, <img onerror> in table cells", _markdown_table))
    rows.append(_case("hostile text", "<script>, <img onerror> in survey.md text", _markdown_text))
    rows.append(_case("foreign text", "Chinese title in the .bib", _cjk_title))
    rows.append(_case("foreign text", "non-Latin title (Chinese, Russian, Greek) in the PDF", _non_latin_pdf))
    rows.append(_case("foreign text", "typed --, '', ,, and ?` in a title", _ligatures))
    rows.append(_case("foreign text", "non-Latin and letterless titles, one first author", _non_latin_dedupe))
    rows.append(_case("owned outputs", "8 topics, then 6", _stale_topic_tables))
    rows.append(_case("whole run", "SIGKILL at seeded points, then re-run", _fault_injection))
    if args.pipeline:
        for n in (0, 1, 2, 3):
            rows.append(_case("whole run", f"{n} paper(s)", _tiny(n)))
        rows.append(_case("whole run", "two runs at once, different folders", _two_runs))
        rows.append(_case("whole run", "a second run on the same folder", _same_folder))
        rows.append(_case("whole run", "Ctrl-C during 02", _interrupt))
    lines = ["| group | case | outcome | what the user sees |", "| --- | --- | --- | --- |"]
    lines += ["| " + " | ".join(markdown_escape(cell) for cell in row) + " |" for row in rows]
    kept = [] if args.pipeline else _pipeline_rows()
    lines += kept
    bad = [r for r in rows if r[2] not in ("handled", "clear error")]
    table = "\n".join(lines)
    print(table)
    header = ("# Robustness: cases and outcomes\n\nGenerated by `python benchmarks/robustness.py"
              f"{' --pipeline' if args.pipeline else ''}`. handled: a correct result (limits stated); "
              "clear error: a message naming the file and what is wrong, no traceback.\n\n")
    if kept:
        header += (f"The last {len(kept)} rows (whole runs of minutes) are kept from the last "
                   "`--pipeline` run.\n\n")
    io.write_text(RESULTS, header + table + f"\n\n{len(rows) + len(kept)} cases, {len(bad)} not handled.\n")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
