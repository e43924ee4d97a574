"""Compile ``survey.tex`` with latexmk (pdflatex + bibtex, no shell escape) and read the logs.

latexmk runs in the .tex file's folder with ``-outdir=_build`` so the auxiliary files stay out of
the way; the PDF is then moved next to the .tex atomically (a reader never sees a half-written
``survey.pdf``, and a failed compile leaves the previous one in place). ``-norc`` ignores rc files,
and pdflatex gets ``-no-shell-escape`` explicitly. Without pdflatex, bibtex or latexmk the
report says ``skipped``. When the .tex or the .bib entries it cites hold letters of a non-Latin
script (written as they are, see :mod:`surveykit.texengine`), latexmk runs LuaLaTeX instead
(``-lualatex``, the same restrictions) and the report says so (``engine``, ``message``).

A compile is skipped when the .tex, the .bib and every file the last compile read from the output
folder (figures, tables: the ``.fls`` recorder file) have the content they had then, and the PDF is
the one it wrote (``_build/surveykit-compile.json``); the report is then read from the logs of that
compile. ``_build`` is kept after a good compile, so latexmk reuses the .aux and .bbl and runs only
the passes a change needs (a fresh build needs pdflatex, bibtex and two more pdflatex passes).

The report lists LaTeX errors (``! ...`` lines), undefined citations and references, BibTeX
errors and warnings, the cited keys (from the .aux) against the .bib entries (unused entries,
missing entries) and the page count of the PDF.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from surveykit import io, texengine
from surveykit.texengine import Engine

BUILD_DIR = "_build"
CACHE_FILE = "surveykit-compile.json"
_CITATION = re.compile(r"\\citation\{([^}]*)\}")
_UNDEF_CITE = re.compile(r"Citation [`']([^']+)' on page \S+ undefined")
_UNDEF_REF = re.compile(r"Reference [`']([^']+)' on page \S+ undefined")
_ERROR = re.compile(r"^(?:! |.*:\d+: )(.+)$", re.MULTILINE)
_BLG_ERROR = re.compile(r"^(.*---line \d+ of file .*|I couldn't open .*|I found no .*)$", re.MULTILINE)
_BLG_WARNING = re.compile(r"^Warning--(.+)$", re.MULTILINE)
_OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)", re.MULTILINE)
_MULTIPLY = re.compile(r"Label [`']([^']+)' multiply defined")
OVERFULL_LIMIT = 10.0  # pt: wider overfull boxes are problems (text running into the margin)


@dataclass
class CompileReport:
    status: str  # "ok", "errors", "failed", "timeout" or "skipped"
    pdf: Path | None = None
    seconds: float = 0.0
    pages: int | None = None
    errors: list[str] = field(default_factory=list)
    undefined_citations: list[str] = field(default_factory=list)
    undefined_references: list[str] = field(default_factory=list)
    bibtex_errors: list[str] = field(default_factory=list)
    bibtex_warnings: list[str] = field(default_factory=list)
    cited_keys: list[str] = field(default_factory=list)
    unused_entries: list[str] = field(default_factory=list)
    missing_entries: list[str] = field(default_factory=list)
    overfull_boxes: int = 0
    overfull_large: list[float] = field(default_factory=list)  # widths above OVERFULL_LIMIT
    multiply_defined: list[str] = field(default_factory=list)
    log: Path | None = None
    message: str = ""
    engine: str = "pdflatex"  # or "lualatex" (see surveykit.texengine)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def problems(self) -> list[str]:
        """Errors, undefined citations and references, multiply-defined labels, BibTeX errors and
        overfull boxes wider than :data:`OVERFULL_LIMIT`: what a reader would see as broken."""
        return (
            self.errors
            + [f"undefined citation {k}" for k in self.undefined_citations]
            + [f"undefined reference {k}" for k in self.undefined_references]
            + [f"label {k} multiply defined" for k in self.multiply_defined]
            + self.bibtex_errors
            + [f"overfull box {w:.1f}pt too wide" for w in self.overfull_large]
        )

    def _repr_html_(self) -> str:
        from surveykit.display import compile_html

        return compile_html(self)

    def summary(self) -> str:
        if self.status == "skipped":
            return f"compile: skipped ({self.message})"
        text = (
            f"compile: {self.status} in {self.seconds:.1f}s, {self.pages} pages; "
            f"{len(self.errors)} LaTeX error(s), {len(self.undefined_citations)} undefined citation(s), "
            f"{len(self.undefined_references)} undefined reference(s), {len(self.bibtex_errors)} BibTeX "
            f"error(s), {len(self.bibtex_warnings)} BibTeX warning(s); {len(self.cited_keys)} keys cited, "
            f"{len(self.unused_entries)} unused bib entries, {self.overfull_boxes} overfull box(es) "
            f"({len(self.overfull_large)} above {OVERFULL_LIMIT:g}pt), "
            f"{len(self.multiply_defined)} multiply-defined label(s); {len(self.problems)} problem(s)"
        )
        for line in self.problems[:10]:
            text += f"\n  - {line}"
        if self.message:
            text += f"\n  {self.message}"
        return text


def tex_missing() -> str | None:
    """None when latexmk, pdflatex and bibtex are on PATH, else what is missing."""
    for tool in ("latexmk", "pdflatex", "bibtex"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    return None


def latexmk_command(
    tex_name: str, outdir: str = BUILD_DIR, paranoid: bool = False, engine: str = "pdflatex"
) -> list[str]:
    """latexmk with pdflatex (or ``engine="lualatex"``) and bibtex, no shell escape;
    ``paranoid``: ``\\surveykitup`` defined empty, so inputs are found through
    TEXINPUTS/BIBINPUTS without ``../`` (see :func:`tex_env`)."""
    source = r'"\def\surveykitup{}\input{%S}"' if paranoid else "%S"
    mode = "-pdf" if engine == "pdflatex" else f"-{engine}"
    return [
        "latexmk",
        "-norc",
        mode,
        "-bibtex",
        "-bibfudge-",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        f"-outdir={outdir}",
        f"-{engine}={engine} -no-shell-escape -interaction=nonstopmode -halt-on-error "
        f"-file-line-error %O {source}",
        tex_name,
    ]


_CITE = re.compile(r"\\(?:no)?cite[a-zA-Z]*\*?(?:\[[^\]]*\])*\{([^}]*)\}")
_INPUT = re.compile(r"\\input\{([^}]*)\}")
_BIB_ENTRY = re.compile(r"^@\w+\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)


def cited_text(tex: str, bib_text: str, folder: Path | None = None) -> str:
    """The .tex, the fragments it ``\\input``s from below ``folder``'s parent (tables, trees) and
    the .bib entries it cites (all of them for ``\\nocite{*}``): the text the PDF can show, from
    which :func:`surveykit.texengine.choose_engine` picks the engine."""
    keys = {k.strip() for group in _CITE.findall(tex) for k in group.split(",")}
    starts = list(_BIB_ENTRY.finditer(bib_text))
    parts = [tex]
    if folder is not None:
        root = folder.parent.resolve()
        for name in _INPUT.findall(tex):
            path = (folder / name.replace("\\surveykitup", "../").replace("../ ", "../").strip())
            path = path if path.suffix == ".tex" else path.with_name(path.name + ".tex")
            if path.resolve().is_relative_to(root) and path.is_file():
                parts.append(_read(path))
    for index, match in enumerate(starts):
        if "*" in keys or match.group(1) in keys:
            end = starts[index + 1].start() if index + 1 < len(starts) else len(bib_text)
            parts.append(bib_text[match.start():end])
    return "\n".join(parts)


def choose_engine(tex_path: Path, bib_path: Path | None) -> Engine:
    """The engine for ``tex_path`` (see :mod:`surveykit.texengine`)."""
    tex = tex_path.read_text(encoding="utf-8", errors="replace")
    bib = _read(bib_path) if bib_path is not None else ""
    return texengine.choose_engine(cited_text(tex, bib, tex_path.parent))


def paranoid_ok(tex: str) -> bool:
    """True when the document reads nothing through ``../`` or an absolute path (surveykit's own
    ``survey.tex`` uses ``\\surveykitup``), so TeX can run with ``openin_any=p``."""
    definition = "\\providecommand{\\surveykitup}{../}"
    body = tex.replace(definition, "")
    return definition in tex and not re.search(r"\{\s*(?:\.\./|/)", body)


def tex_env(folder: Path, paranoid: bool) -> dict[str, str]:
    """The environment of the TeX run: no shell escape, writes only below the build folder
    (``openout_any=p``), and with ``paranoid`` reads only below the current folder and the output
    folder searched through TEXINPUTS/BIBINPUTS (``openin_any=p``: no absolute paths, no ``..``)."""
    env = dict(os.environ, openout_any="p", shell_escape="f")
    if paranoid:
        up = str(folder.parent) + "/"
        env["openin_any"] = "p"
        env["TEXINPUTS"] = f".:{up}:" + os.environ.get("TEXINPUTS", "")
        env["BIBINPUTS"] = f".:{up}:" + os.environ.get("BIBINPUTS", "")
    return env


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"


def compile_inputs(tex_path: Path, bib_path: Path | None, build: Path, paranoid: bool) -> str | None:
    """One digest of everything a compile reads from the output folder: the .tex, the .bib and the
    files the last compile's ``.fls`` lists below the output folder; None without an ``.fls``."""
    fls = build / f"{tex_path.stem}.fls"
    if not fls.exists():
        return None
    folder, root = tex_path.parent, tex_path.parent.parent.resolve()
    files = {tex_path.resolve()}
    if bib_path is not None:
        files.add(Path(bib_path).resolve())
    for line in fls.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("INPUT "):
            continue
        name = Path(line[6:].strip())
        path = (name if name.is_absolute() else folder / name).resolve()
        if not path.exists() and not name.is_absolute():
            path = (root / name).resolve()
        if path.is_relative_to(root) and not path.is_relative_to(build.resolve()):
            files.add(path)
    digest = hashlib.sha256(" ".join(latexmk_command(tex_path.name, paranoid=paranoid)).encode())
    for path in sorted(files):
        digest.update(f"{path}\0{_digest(path)}\0".encode())
    return digest.hexdigest()


def _cached(tex_path: Path, bib_path: Path | None, build: Path, paranoid: bool) -> CompileReport | None:
    """The last compile's report when nothing it read has changed and its PDF is still there."""
    try:
        record = json.loads((build / CACHE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pdf = tex_path.parent / f"{tex_path.stem}.pdf"
    key = compile_inputs(tex_path, bib_path, build, paranoid)
    if key is None or record.get("inputs") != key or record.get("pdf") != _digest(pdf):
        return None
    os.utime(pdf)  # current: as if written now (a run checks its PDF is newer than its start)
    io.claim(pdf)  # still this stage's output (the output manifest must not drop it)
    report = parse_outputs(build, tex_path.stem, bib_path)
    report.pdf, report.pages = pdf, pdf_pages(pdf)
    report.status = "ok" if not report.errors else "errors"
    report.message = "unchanged since the last compile: not recompiled"
    _state_engine(report, choose_engine(tex_path, bib_path))
    return report


def _state_engine(report: CompileReport, engine: Engine) -> None:
    """Record the engine; LuaLaTeX is stated in the message ("compiled with LuaLaTeX: ...")."""
    report.engine = engine.name
    if engine.message:
        report.message = f"{engine.message}; {report.message}" if report.message else engine.message


def compile_tex(
    tex_path: str | Path, bib_path: str | Path | None = None, timeout: float = 300.0
) -> CompileReport:
    """Compile ``tex_path`` to a PDF beside it; parse the logs. Never raises for TeX problems.

    Nothing is compiled when nothing the last good compile read has changed (see the module)."""
    tex_path = Path(tex_path).resolve()
    missing = tex_missing()
    if missing:
        return CompileReport("skipped", message=missing)
    folder = tex_path.parent
    build = folder / BUILD_DIR
    paranoid = paranoid_ok(tex_path.read_text(encoding="utf-8", errors="replace"))
    bib = Path(bib_path) if bib_path is not None else None
    cached = _cached(tex_path, bib, build, paranoid)
    if cached is not None:
        return cached
    if build.is_dir() and not (build / CACHE_FILE).exists():
        shutil.rmtree(build)  # stale .aux/.bbl/.fdb files from a failed run mislead latexmk
    build.mkdir(exist_ok=True)
    (build / CACHE_FILE).unlink(missing_ok=True)
    env = tex_env(folder, paranoid)
    engine = choose_engine(tex_path, bib)
    # PDF dates and /ID from SOURCE_DATE_EPOCH: the same inputs give the same PDF bytes (the
    # day's start, unless the caller fixed it; \today in the document is unaffected).
    env.setdefault("SOURCE_DATE_EPOCH", str(int(time.time()) // 86400 * 86400))
    started = time.monotonic()
    try:
        done = subprocess.run(
            latexmk_command(tex_path.name, paranoid=paranoid, engine=engine.name),
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        status = "ok" if done.returncode == 0 else "failed"
        output = done.stdout + done.stderr
    except subprocess.TimeoutExpired:
        status, output = "timeout", ""
    seconds = time.monotonic() - started
    report = parse_outputs(build, tex_path.stem, bib_path)
    report.seconds = seconds
    _state_engine(report, engine)
    report.status = status if status != "ok" or not report.errors else "errors"
    built = build / f"{tex_path.stem}.pdf"
    if status == "ok" and built.exists():
        target = folder / f"{tex_path.stem}.pdf"
        tmp = folder / f".{tex_path.stem}.pdf.tmp"
        shutil.copyfile(built, tmp)
        os.replace(tmp, target)
        io.claim(target)
        report.pdf = target
        report.pages = pdf_pages(target)
        key = compile_inputs(tex_path, bib, build, paranoid)
        if key is not None and report.status == "ok":
            record = {"inputs": key, "pdf": _digest(target)}
            (build / CACHE_FILE).write_text(json.dumps(record) + "\n", encoding="utf-8")
    if status == "failed" and not report.errors:
        report.message = output.strip().splitlines()[-1] if output.strip() else "latexmk failed"
    if status == "timeout":
        report.message = f"latexmk did not finish in {timeout:.0f}s"
    return report


def parse_outputs(build: Path, stem: str, bib_path: str | Path | None = None) -> CompileReport:
    """Read ``<stem>.log``, ``.blg`` and ``.aux`` in ``build`` into a report (status left ``ok``)."""
    report = CompileReport("ok", log=build / f"{stem}.log")
    log = _read(build / f"{stem}.log")
    report.errors = list(dict.fromkeys(m.strip() for m in _ERROR.findall(log)))
    report.undefined_citations = sorted(set(_UNDEF_CITE.findall(log)))
    report.undefined_references = sorted(set(_UNDEF_REF.findall(log)))
    widths = [float(w) for w in _OVERFULL.findall(log)]
    report.overfull_boxes = len(widths)
    report.overfull_large = [w for w in widths if w > OVERFULL_LIMIT]
    report.multiply_defined = sorted(set(_MULTIPLY.findall(log)))
    blg = _read(build / f"{stem}.blg")
    report.bibtex_errors = [m.strip() for m in _BLG_ERROR.findall(blg)]
    report.bibtex_warnings = [m.strip() for m in _BLG_WARNING.findall(blg)]
    cited: list[str] = []
    for group in _CITATION.findall(_read(build / f"{stem}.aux")):
        cited += [k.strip() for k in group.split(",") if k.strip() and k.strip() not in cited]
    report.cited_keys = sorted(set(cited))
    if bib_path is not None and Path(bib_path).exists():
        from surveykit.draft.grounding import bib_keys

        entries = bib_keys(bib_path)
        report.unused_entries = sorted(entries - set(cited))
        report.missing_entries = sorted(set(cited) - entries - {"*"})
    return report


def pdf_pages(path: Path) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    try:
        return len(PdfReader(str(path)).pages)
    except Exception:  # a damaged PDF must not break the report
        return None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
