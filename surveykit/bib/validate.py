"""Check a written bibliography: parse it back, and compile it with pdflatex + bibtex.

- :func:`roundtrip_check`: bibtexparser reads the file back; every generated entry must come back
  with the same key, type, fields and values, every author entry must be there verbatim, nothing
  may fail to parse and no key may repeat.
- :func:`compile_check` (in :mod:`surveykit.bib.texcheck`): cite every key in a test document and
  run pdflatex/bibtex; :func:`classify_warnings` separates warnings about data the corpus really
  lacks from the rest.
- :func:`validate_bib`: both, with the warnings classified against the papers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser
from bibtexparser.model import Entry

from surveykit.bib.bibercheck import biber_check
from surveykit.bib.report import BibReport
from surveykit.bib.texcheck import (
    CompileResult,
    TexMessage,
    check_document,
    classify_warnings,
    compile_check,
    parse_tex_outputs,
    tex_available,
)
from surveykit.corpus.model import Paper
from surveykit.sources.bibtex import read_entries

PathLike = str | os.PathLike[str]

__all__ = [
    "BibValidation", "CompileResult", "RoundTrip", "TexMessage", "check_document",
    "classify_warnings", "compile_check", "parse_tex_outputs", "roundtrip_check", "tex_available",
    "validate_bib",
]


# --- round trip ------------------------------------------------------------------------------

@dataclass
class RoundTrip:
    ok: bool
    problems: list[str] = field(default_factory=list)
    n_entries: int = 0


def roundtrip_check(path: PathLike, report: BibReport) -> RoundTrip:
    """Parse ``path`` with bibtexparser and compare it with what ``report`` says was written."""
    text = Path(path).read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text, parse_stack=[])
    problems = [f"line {(b.start_line or 0) + 1}: block does not parse ({_reason(b)})"
                for b in library.failed_blocks]
    parsed: dict[str, Entry] = {}
    for entry in library.entries:
        lower = entry.key.strip().lower()
        if lower in parsed:
            problems.append(f"key {entry.key!r} is defined twice")
        parsed.setdefault(lower, entry)
    for wanted in report.entries:
        got = parsed.get(wanted.key.lower())
        if got is None:
            problems.append(f"[{wanted.key}] missing from the file")
            continue
        if got.key != wanted.key or got.entry_type.lower() != wanted.entry_type:
            problems.append(f"[{wanted.key}] read back as @{got.entry_type}{{{got.key}}}")
        fields = {f.key: f.value for f in got.fields}
        expected = {n: (v if n in wanted.bare else "{" + v + "}") for n, v in wanted.fields.items()}
        if fields != expected:
            diff = sorted(set(fields.items()) ^ set(expected.items()))
            problems.append(f"[{wanted.key}] fields differ: {diff[:4]}")
    for key in report.existing_keys:
        if key.lower() not in parsed:
            problems.append(f"author entry [{key}] missing from the file")
    for bib_path in report.existing_files:
        for entry in read_entries(bib_path).entries:
            if entry.raw and entry.raw not in text:
                problems.append(f"author entry [{entry.key}] is not byte-identical")
    expected_keys = {k.lower() for k in report.all_keys}
    extra = sorted(set(parsed) - expected_keys)
    if extra:
        problems.append(f"unexpected entries: {extra[:5]}")
    return RoundTrip(not problems, problems, len(library.entries))


def _reason(block) -> str:
    error = getattr(block, "error", None)
    return " ".join(str(getattr(error, "abort_reason", None) or error or "unknown").split())


# --- everything ------------------------------------------------------------------------------

@dataclass
class BibValidation:
    roundtrip: RoundTrip
    compiled: CompileResult | None = None

    @property
    def ok(self) -> bool:
        """Round trip clean, and (when compiled) no errors, undefined keys or surprise warnings."""
        if not self.roundtrip.ok:
            return False
        if self.compiled is None or self.compiled.skipped:
            return True
        unexpected = [w for w in self.compiled.warnings if w.expected is False]
        return self.compiled.ok and not unexpected

    def summary(self) -> str:
        trip = "round trip ok" if self.roundtrip.ok else \
            f"round trip: {len(self.roundtrip.problems)} problems"
        return trip + ("; " + self.compiled.summary() if self.compiled else "")


def validate_bib(
    path: PathLike,
    report: BibReport,
    papers: Iterable[Paper] = (),
    compile: bool = True,
    bib_style: str = "bibtex",
    **compile_options,
) -> BibValidation:
    """Round-trip check plus (optionally) :func:`compile_check` with classified warnings; with
    ``bib_style="biblatex"`` the compile uses biblatex + biber (:func:`biber_check`)."""
    validation = BibValidation(roundtrip_check(path, report))
    if compile and bib_style == "biblatex":
        validation.compiled = biber_check(path, compile_options.get("workdir"))
    elif compile:
        compiled = compile_check(path, report.all_keys, **compile_options)
        by_id = {p.id: p for p in papers}
        by_key = {e.key: by_id[e.paper_id] for e in report.entries if e.paper_id in by_id}
        validation.compiled = classify_warnings(compiled, by_key)
    return validation
