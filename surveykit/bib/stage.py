"""The bibliography stage: ``bib/references.bib`` for the configured corpus, merged with the
author's own .bib files and pinned keys from ``survey.toml``, then validated."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from surveykit import io
from surveykit.bib.latex import keep_scripts
from surveykit.bib.problems import (
    BibProblem,
    check_existing,
    compile_problems,
    user_file_lines,
    write_report,
)
from surveykit.bib.report import BibReport
from surveykit.bib.validate import BibValidation, validate_bib
from surveykit.bib.writer import citation_keys_of, write_bib
from surveykit.config import SurveyConfig
from surveykit.corpus.model import Corpus
from surveykit.texengine import unicode_available


@dataclass
class References:
    """The written bibliography, its report and (when run) its validation."""

    path: Path
    report: BibReport
    validation: BibValidation | None = None
    problems: list[BibProblem] = field(default_factory=list)
    report_path: Path | None = None

    @property
    def errors(self) -> list[BibProblem]:
        """What the author must fix (file, line, key, reason), the user's own files first."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors and (self.validation is None or self.validation.ok)

    @property
    def keys(self) -> dict[str, str]:
        """Paper id -> citation key."""
        return dict(self.report.keys)

    def summary(self) -> str:
        text = f"{self.path}: {self.report.summary()}"
        if self.validation is not None:
            text += f"\nvalidation: {self.validation.summary()}"
        return text

    def problems_frame(self) -> pd.DataFrame:
        """``build/bib_report.csv`` as a frame: errors, warnings and every changed input field."""
        from dataclasses import asdict

        from surveykit.bib.problems import COLUMNS

        return pd.DataFrame([asdict(p) for p in self.problems], columns=list(COLUMNS))

    def warnings_frame(self) -> pd.DataFrame:
        """Every warning about an entry: kind, key, paper id, message."""
        cols = ["severity", "kind", "key", "paper_id", "message"]
        rows = [{c: getattr(w, c) for c in cols} for w in self.report.warnings]
        return pd.DataFrame(rows, columns=cols)

    def validation_frame(self) -> pd.DataFrame:
        """Errors and warnings from the LaTeX compile check, one row each."""
        cols = ["source", "kind", "key", "field", "expected", "message"]
        rows: list[dict] = []
        compiled = self.validation.compiled if self.validation else None
        if compiled is not None:
            for kind, messages in (("error", compiled.errors), ("warning", compiled.warnings)):
                for m in messages:
                    rows.append({"source": m.source, "kind": kind, "key": m.key, "field": m.field,
                                 "expected": m.expected, "message": m.message})
            rows += [{"source": "latex", "kind": "undefined citation", "key": k, "field": None,
                      "expected": False, "message": f"citation {k} undefined"}
                     for k in compiled.undefined]
        if self.validation and not self.validation.roundtrip.ok:
            rows += [{"source": "roundtrip", "kind": "error", "key": None, "field": None,
                      "expected": False, "message": p} for p in self.validation.roundtrip.problems]
        return pd.DataFrame(rows, columns=cols)


def _existing(config: SurveyConfig) -> list[Path]:
    missing = [p for p in config.existing_bib if not p.exists()]
    if missing:
        names = ", ".join(str(p) for p in missing)
        where = config.path or "survey.toml"
        raise FileNotFoundError(f"{where}: bib.existing names missing file(s): {names}")
    return list(config.existing_bib)


STYLES = ("bibtex", "biblatex")


def bib_options(config: SurveyConfig) -> dict:
    """``[bib] regenerate_keys`` (default false: keys from .bib sources are kept), ``[bib] style``
    (``"bibtex"`` or ``"biblatex"``) and the previous run's keys (``build/bib_keys.json``)."""
    section = config.section("bib")
    style = str(section.get("style", "bibtex")).lower()
    if style not in STYLES:
        from surveykit.config import ConfigError

        raise ConfigError(f"{config.path or 'survey.toml'}: bib.style must be one of {STYLES}, "
                          f"not {style!r}")
    return {"regenerate_keys": bool(section.get("regenerate_keys", False)), "style": style,
            "previous": _previous_keys(config)}


def _keys_path(config: SurveyConfig) -> Path:
    return config.paths.build / "bib_keys.json"


def _previous_keys(config: SurveyConfig) -> dict[str, str]:
    path = _keys_path(config)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def citation_keys(config: SurveyConfig, corpus: Corpus) -> dict[str, str]:
    """Paper id -> the citation key ``references.bib`` uses (the same rules, nothing written)."""
    return citation_keys_of(list(corpus), pinned=config.pinned_keys, existing=_existing(config),
                            **bib_options(config))


def write_references(config: SurveyConfig, corpus: Corpus | None = None, validate: bool = True) -> References:
    """Write ``bib/references.bib`` atomically; validate it (round trip + LaTeX compile)."""
    from surveykit.corpus.build import load_corpus

    corpus = corpus if corpus is not None else load_corpus(config)
    path = config.paths.ensure().references
    existing = _existing(config)
    problems = check_existing(existing)  # the author's files first: they are never rewritten
    options = bib_options(config)
    with keep_scripts(unicode_available()):  # non-Latin letters kept as UTF-8 for LuaLaTeX
        report = write_bib(list(corpus), path, pinned=config.pinned_keys, existing=existing,
                           **options)
    keys = {**options["previous"], **report.keys}  # papers dropped this run keep their claim
    io.write_text(_keys_path(config), json.dumps(keys, indent=1, sort_keys=True) + "\n")
    problems += report.problems()
    validation = None
    if validate:
        workdir = config.paths.build / "bibcheck"
        validation = validate_bib(path, report, papers=list(corpus), workdir=workdir,
                                  bib_style=options["style"])
        problems += _validation_problems(validation, path, existing)
    report_path = write_report(config.paths.build / "bib_report.csv", problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:  # inside `surveykit run` this makes the run exit 1 naming the entries
        from surveykit.runreport import report_failure

        report_failure("05 bibliography", f"{len(errors)} bibliography errors (all in "
                       f"{report_path})", path, [str(e) for e in errors])
    return References(path, report, validation, problems, report_path)


def _validation_problems(validation: BibValidation, path: Path, existing: list[Path]) -> list[BibProblem]:
    spans = user_file_lines(path.read_text(encoding="utf-8"), existing)
    rows = [BibProblem("error", "roundtrip", str(path), None, None, None, p)
            for p in validation.roundtrip.problems]
    compiled = validation.compiled
    if compiled is not None and not compiled.skipped:
        rows += compile_problems(compiled.errors, path, spans)
        rows += [BibProblem("error", "undefined-citation", str(path), None, key, None,
                            f"citation {key} undefined (the entry did not reach the .bbl)")
                 for key in compiled.undefined]
        rows += [BibProblem("warning", "bibtex-warning", *_where(w, spans, path), w.field, w.message)
                 for w in compiled.warnings if w.expected is False]
    return rows


def _where(message, spans, path: Path) -> tuple[str, int | None, str | None]:
    from surveykit.bib.problems import locate

    file, line = locate(message.line, spans, str(path))
    return file, line, message.key
