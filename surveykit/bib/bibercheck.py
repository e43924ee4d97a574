"""biblatex + biber check of a bibliography: ``\\nocite{*}`` in a tiny document, pdflatex, biber,
pdflatex; biber's ``ERROR``/``WARN`` lines and LaTeX ``!`` errors, tied to entry keys."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from surveykit.bib.texcheck import CompileResult, TexMessage

PathLike = str | os.PathLike[str]

DOCUMENT = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[backend=biber,style=authoryear]{biblatex}
\usepackage{url}
\addbibresource{refs.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""
_BIBER_LINE = re.compile(r"^\[\d+\] [\w:]+> (ERROR|WARN) - (.*)$")
_ENTRY = re.compile(r"entry '([^']+)'|Entry '?([^'\s]+)'?")
_BIB_LINE = re.compile(r"line (\d+)")


def biber_available() -> str | None:
    """None when pdflatex, biber and biblatex.sty are there, else the reason to skip."""
    for tool in ("pdflatex", "biber", "kpsewhich"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    found = subprocess.run(["kpsewhich", "biblatex.sty"], capture_output=True, text=True, check=False)
    return None if found.stdout.strip() else "biblatex.sty not found"


def biber_check(bib_path: PathLike, workdir: PathLike | None = None,
                timeout: float = 180.0) -> CompileResult:
    """Compile every entry of ``bib_path`` with biblatex/biber; errors and warnings by key."""
    reason = biber_available()
    if reason:
        return CompileResult(skipped=reason, style="biblatex")
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="surveykit-biber-") as tmp:
            result = _run(Path(bib_path), Path(tmp), timeout)
            result.workdir = None
            return result
    work = Path(workdir) / "biber"
    work.mkdir(parents=True, exist_ok=True)
    return _run(Path(bib_path), work, timeout)


def _run(bib: Path, work: Path, timeout: float) -> CompileResult:
    started = time.monotonic()
    result = CompileResult(style="biblatex", workdir=work)
    shutil.copyfile(bib, work / "refs.bib")
    for stale in ("check.aux", "check.bbl", "check.bcf", "check.blg", "check.log"):
        (work / stale).unlink(missing_ok=True)
    (work / "check.tex").write_text(DOCUMENT, "utf-8")
    latex = ["pdflatex", "-no-shell-escape", "-interaction=nonstopmode", "check.tex"]
    for command in (latex, ["biber", "check"], latex):
        remaining = timeout - (time.monotonic() - started)
        try:
            subprocess.run(command, cwd=work, capture_output=True, timeout=max(remaining, 1.0),
                           check=False)
        except subprocess.TimeoutExpired:
            result.errors.append(TexMessage("biber", f"{command[0]} timed out"))
            break
    parse_biber(work, result)
    result.seconds = time.monotonic() - started
    return result


def parse_biber(work: Path, result: CompileResult) -> CompileResult:
    """Read ``check.blg`` (biber) and ``check.log`` (LaTeX) in ``work``."""
    blg = work / "check.blg"
    text = blg.read_text("utf-8", errors="replace") if blg.exists() else ""
    if not text:
        result.errors.append(TexMessage("biber", "biber wrote no log (did it run?)"))
    for line in text.splitlines():
        match = _BIBER_LINE.match(line)
        if not match:
            continue
        entry = _ENTRY.search(match.group(2))
        at = _BIB_LINE.search(match.group(2))
        message = TexMessage("biber", match.group(2).strip(),
                             (entry.group(1) or entry.group(2)) if entry else None, None,
                             int(at.group(1)) if at else None)
        (result.errors if match.group(1) == "ERROR" else result.warnings).append(message)
    log = work / "check.log"
    for line in (log.read_text("utf-8", errors="replace") if log.exists() else "").splitlines():
        if line.startswith("! "):
            result.errors.append(TexMessage("latex", line[2:].strip()))
    return result


__all__ = ["biber_available", "biber_check", "parse_biber"]
