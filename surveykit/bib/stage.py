"""The bibliography stage: ``bib/references.bib`` for the configured corpus, merged with the
author's own .bib files and pinned keys from ``survey.toml``, then validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from surveykit.bib.report import BibReport
from surveykit.bib.validate import BibValidation, validate_bib
from surveykit.bib.writer import render_bib, write_bib
from surveykit.config import SurveyConfig
from surveykit.corpus.model import Corpus


@dataclass
class References:
    """The written bibliography, its report and (when run) its validation."""

    path: Path
    report: BibReport
    validation: BibValidation | None = None

    @property
    def ok(self) -> bool:
        return self.validation is None or self.validation.ok

    @property
    def keys(self) -> dict[str, str]:
        """Paper id -> citation key."""
        return dict(self.report.keys)

    def summary(self) -> str:
        text = f"{self.path}: {self.report.summary()}"
        if self.validation is not None:
            text += f"\nvalidation: {self.validation.summary()}"
        return text

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


def citation_keys(config: SurveyConfig, corpus: Corpus) -> dict[str, str]:
    """Paper id -> the citation key ``references.bib`` uses (the same rules, nothing written)."""
    _, report = render_bib(list(corpus), pinned=config.pinned_keys, existing=_existing(config))
    return dict(report.keys)


def write_references(config: SurveyConfig, corpus: Corpus | None = None, validate: bool = True) -> References:
    """Write ``bib/references.bib`` atomically; validate it (round trip + LaTeX compile)."""
    from surveykit.corpus.build import load_corpus

    corpus = corpus if corpus is not None else load_corpus(config)
    path = config.paths.ensure().references
    report = write_bib(list(corpus), path, pinned=config.pinned_keys, existing=_existing(config))
    validation = None
    if validate:
        workdir = config.paths.build / "bibcheck"
        validation = validate_bib(path, report, papers=list(corpus), workdir=workdir)
    return References(path, report, validation)
