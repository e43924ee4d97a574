"""Everything wrong with or changed in the bibliography, one row each, in ``build/bib_report.csv``.

- :func:`check_existing`: the author's own ``.bib`` files, validated before anything is written
  (broken entries, duplicate keys with both lines, empty names and stray commas that make BibTeX
  fail); their files are never rewritten.
- :func:`compile_problems`: BibTeX/LaTeX errors of a compile, each traced back to the entry, and
  to the author's file and line when the entry is one of theirs.
- :func:`write_report` / :func:`format_errors`: the CSV, and its first errors for the terminal.
"""

from __future__ import annotations

import csv
import io as _io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from surveykit import io
from surveykit.sources.bibtex_names import person_problems, plain_dotless, repair_accents
from surveykit.sources.bibtex_read import read_entries

PathLike = str | os.PathLike[str]
COLUMNS = ("severity", "kind", "file", "line", "key", "field", "message", "before", "after")


@dataclass(frozen=True)
class BibProblem:
    """One row of the bib report: an error, a warning, or a change made to an input field."""

    severity: str  # "error" | "warning" | "info"
    kind: str
    file: str = ""
    line: int | None = None
    key: str | None = None
    field: str | None = None
    message: str = ""
    before: str | None = None
    after: str | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" [{self.key}]" if self.key else ""
        name = f" {self.field}:" if self.field else ""
        return f"{where}{what}:{name} {self.message}".strip()


def check_existing(paths: Sequence[PathLike]) -> list[BibProblem]:
    """Validate the author's ``.bib`` files: what would make BibTeX fail is an error."""
    problems: list[BibProblem] = []
    for path in paths:
        bibfile = read_entries(path)
        name = str(path)
        for issue in bibfile.issues:
            severity = "error" if issue.severity == "error" else "warning"
            kind = "duplicate-key" if issue.reason.startswith("duplicate key") else "existing-bib"
            message = issue.reason
            if kind == "duplicate-key":
                first = next((e.line for e in bibfile.entries
                              if e.key.lower() == (issue.key or "").lower()), None)
                message = (f"duplicate key {issue.key!r} at lines {first} and {issue.line}: "
                           "BibTeX stops with 'Repeated entry'; rename or delete one of them")
            problems.append(BibProblem(severity, kind, name, issue.line, issue.key, None, message))
        for entry in bibfile.entries:
            for fld, value in entry.fields.items():
                if repair_accents(value) != value:
                    problems.append(BibProblem(
                        "error", "broken-accent", name, entry.line, entry.key, fld,
                        "a backslash followed by an accent mark (pdflatex stops on it); write "
                        f"{repair_accents(value)[:80]!r}", value, repair_accents(value)))
                elif plain_dotless(value) != value:
                    problems.append(BibProblem(
                        "warning", "dotless-i", name, entry.line, entry.key, fld,
                        "an accent on \\i: biber turns it into a dotless i + U+0301 and "
                        "pdflatex stops; write {\\'i}", value, plain_dotless(value)))
            for fld in ("author", "editor"):
                for problem in person_problems(entry.fields.get(fld, "")):
                    fatal = "empty" in problem or "commas" in problem
                    problems.append(BibProblem("error" if fatal else "warning", "person", name,
                                               entry.line, entry.key, fld, problem))
    return problems


def user_file_lines(text: str, existing: Iterable[PathLike]) -> list[tuple[str, int, int]]:
    """(file, first line in ``text``, number of lines) of each author file copied into ``text``."""
    spans = []
    for path in existing:
        try:
            own = read_entries(path).text
        except Exception:  # noqa: BLE001 - a missing file was reported elsewhere
            continue
        start = text.find(own)
        if start >= 0 and own:
            spans.append((str(path), text.count("\n", 0, start) + 1, own.count("\n") + 1))
    return spans


def locate(line: int | None, spans: list[tuple[str, int, int]], output: str) -> tuple[str, int | None]:
    """The author's file and line for a line of the written file (else the written file)."""
    if line is not None:
        for path, first, count in spans:
            if first <= line < first + count:
                return path, line - first + 1
    return output, line


_BST_WHERE = re.compile(r"\s*\(while executing---line \d+ of file [^)]*\)")


def compile_problems(messages: Iterable, output: PathLike, spans: list[tuple[str, int, int]],
                     kind: str = "bibtex") -> list[BibProblem]:
    """TeX errors (:class:`~surveykit.bib.texcheck.TexMessage`) as report rows, once each, at
    the author's file and line when the entry is theirs."""
    entry_lines: dict[str, tuple[str, int]] = {}
    for path, _, _ in spans:
        for entry in read_entries(path).entries:
            entry_lines.setdefault(entry.key.lower(), (path, entry.line))
    rows: dict[tuple, BibProblem] = {}
    for message in messages:
        file, line = locate(getattr(message, "line", None), spans, str(output))
        if file == str(output) and message.key and message.key.lower() in entry_lines:
            file, line = entry_lines[message.key.lower()]
        source = getattr(message, "source", kind)
        text = _BST_WHERE.sub("", message.message)
        rows.setdefault((file, message.key, text), BibProblem(
            "error", f"{source}-error", file, line, message.key, getattr(message, "field", None),
            text))
    return list(rows.values())


def write_report(path: PathLike, problems: Iterable[BibProblem]) -> Path:
    """All rows, errors first then warnings then changes, as CSV (atomic)."""
    order = {"error": 0, "warning": 1, "info": 2}
    # the author's files first (what they must fix), the written file's echoes of it after
    rows = sorted(problems, key=lambda p: (order.get(p.severity, 3), p.kind == "roundtrip",
                                           p.file.endswith("references.bib"), p.file, p.line or 0,
                                           p.key or "", p.field or "", p.kind, p.message))
    buffer = _io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in asdict(row).items()})
    return io.write_text(path, buffer.getvalue())


def format_errors(errors: Sequence[BibProblem], report: PathLike, limit: int = 10) -> str:
    """The first ``limit`` errors, one per line, and where to find the rest."""
    lines = [f"  {e}" for e in errors[:limit]]
    more = f" ({len(errors) - limit} more)" if len(errors) > limit else ""
    lines.append(f"all {len(errors)}{more} are in {report}")
    return "\n".join(lines)


def draft_problems(draft_dir: PathLike, references: PathLike,
                   existing: Sequence[PathLike] = ()) -> list[BibProblem]:
    """Why ``survey.pdf`` is missing or older than ``survey.tex``: the BibTeX errors (traced to
    the entry and the author's file) and LaTeX errors of the last latexmk run."""
    from surveykit.bib.texcheck import CompileResult, _entry_lines, _parse_blg
    from surveykit.draft.compile import BUILD_DIR, tex_missing

    folder = Path(draft_dir)
    tex, pdf = folder / "survey.tex", folder / "survey.pdf"
    if not tex.exists() or tex_missing():
        return []
    if pdf.exists() and pdf.stat().st_mtime >= tex.stat().st_mtime:
        return []
    bib_text = Path(references).read_text("utf-8", errors="replace") if Path(references).exists() else ""
    result = CompileResult()
    blg = folder / BUILD_DIR / "survey.blg"
    if blg.exists():
        _parse_blg(blg.read_text("utf-8", errors="replace"), _entry_lines(bib_text), result)
    rows = compile_problems(result.errors, references, user_file_lines(bib_text, existing))
    log = folder / BUILD_DIR / "survey.log"
    text = log.read_text("utf-8", errors="replace") if log.exists() else ""
    rows += [BibProblem("error", "latex-error", str(log), None, None, None, line[2:].strip())
             for line in dict.fromkeys(x for x in text.splitlines() if x.startswith("! "))]
    rows.append(BibProblem("error", "no-pdf", str(pdf), None, None, None,
                           f"{pdf.name} was not written (latexmk failed; log: {log})"))
    return rows


__all__ = ["BibProblem", "check_existing", "compile_problems", "draft_problems", "format_errors",
           "user_file_lines", "write_report"]
