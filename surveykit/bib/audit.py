"""Measure bibliography fidelity: source ``.bib`` files in, ``references.bib`` out.

:func:`render_sources` runs the path a survey takes (load, dedupe, render); :func:`audit` compares
the written text with the sources: keys kept (as entry keys or ``ids`` aliases), fields written
unchanged or named in a report line, names whose letters survived.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import bibtexparser

from surveykit.bib.report import BibReport
from surveykit.bib.writer import render_bib
from surveykit.corpus.dedupe import dedupe
from surveykit.sources.bibtex import load, read_entries
from surveykit.sources.bibtex_middleware import SeparatePersons
from surveykit.sources.bibtex_names import plain_dotless, repair_accents, split_persons
from surveykit.textutil import fold_ascii, latex_to_unicode

PathLike = str | os.PathLike[str]


def render_sources(paths: Sequence[PathLike], **options) -> tuple[str, BibReport]:
    """The bibliography ``surveykit`` writes for these ``.bib`` sources (in this order)."""
    papers = [paper for path in paths for paper in load(path).papers]
    return render_bib(dedupe(papers).papers, **options)


@dataclass
class Audit:
    """What was lost or kept; every list holds human-readable lines."""

    source_keys: int = 0
    keys_kept: int = 0
    fields: int = 0
    fields_lost: list[str] = field(default_factory=list)
    names: int = 0
    names_corrupted: list[str] = field(default_factory=list)
    missing_keys: list[str] = field(default_factory=list)

    @property
    def keys_kept_share(self) -> float:
        return self.keys_kept / self.source_keys if self.source_keys else 1.0


def _letters(value: str) -> str:
    return "".join(c for c in fold_ascii(latex_to_unicode(value)).lower() if c.isalnum())


def audit(paths: Sequence[PathLike], text: str, report: BibReport) -> Audit:
    """Compare the written ``text`` (and its ``report``) with the source files."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    persons = bibtexparser.parse_string(text, parse_stack=[SeparatePersons()])
    authors = {e.key.lower(): e.fields_dict["author"].value for e in persons.entries
               if "author" in e.fields_dict}
    written: dict[str, dict[str, str]] = {}
    for entry in library.entries:
        fields = {f.key.lower(): str(f.value).strip() for f in entry.fields}
        fields = {k: v[1:-1] if v.startswith("{") and v.endswith("}") else v
                  for k, v in fields.items()}
        fields["_persons"] = authors.get(entry.key.lower(), [])  # type: ignore[assignment]
        written[entry.key.lower()] = fields
        for alias in fields.get("ids", "").split(","):
            if alias.strip():
                written.setdefault(alias.strip().lower(), fields)
    changed = {(c.key.lower(), c.field.lower()) for c in report.changes}
    dropped_keys = {c.key.lower() for c in report.changes if c.field == "key"}
    result = Audit()
    for path in paths:
        for entry in read_entries(path).entries:
            if entry.duplicate_of is not None or not entry.key:
                continue
            result.source_keys += 1
            lower = entry.key.lower()
            out = written.get(lower)
            if out is not None:
                result.keys_kept += 1
            elif lower not in dropped_keys:
                result.missing_keys.append(f"{path}:{entry.line} [{entry.key}] not in the output")
            for name, value in entry.fields.items():
                result.fields += 1
                if (lower, name) in changed or (lower, "entrytype") in changed and name == "type":
                    continue
                renamed = {c.field.lower() for c in report.changes if c.key.lower() == lower}
                as_written = entry.raw_fields.get(name, "").strip()
                if out is not None and (out.get(name) in (value, as_written) or name in renamed):
                    continue
                result.fields_lost.append(f"{path}:{entry.line} [{entry.key}] {name} = {value[:60]!r}")
            if out is None or "author" not in entry.fields:
                continue
            before = split_persons(plain_dotless(repair_accents(entry.fields["author"])))
            after = out.get("_persons") or []
            result.names += len(before)
            if (lower, "author") in changed:
                before = [p.strip().rstrip(",").strip() for p in before if p.strip().rstrip(",")]
            if [_letters(p) for p in before] != [_letters(p) for p in after]:
                result.names_corrupted.append(f"[{entry.key}] {entry.fields['author'][:80]!r} -> "
                                              f"{out.get('author', '')[:80]!r}")
    return result


__all__ = ["Audit", "audit", "render_sources"]
