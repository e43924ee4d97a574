"""Loaders that turn a source file into papers.

Every loader is a module here with ``load(path, **options) -> LoadResult``: it keeps every entry it
can read and reports each one it cannot (file, line, key, reason) instead of stopping.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from surveykit.sources.report import LoadIssue, LoadResult, SourceError

# format name -> loader module (relative to this package)
FORMATS: dict[str, str] = {
    "bibtex": "bibtex",
    "ris": "ris",
    "csv": "tabular",
    "tsv": "tabular",
    "json": "jsonfile",
    "jsonl": "jsonfile",
    "arxiv": "arxiv_atom",
    "arxiv-ids": "arxiv_ids",
    "openalex": "openalex",
    "semanticscholar": "semanticscholar",
    "listing": "listing",
}

SUFFIXES: dict[str, str] = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".atom": "arxiv",
    ".xml": "arxiv",
    ".txt": "listing",
}


def detect_format(path: str | os.PathLike[str]) -> str:
    """Guess a source's format from its suffix; JSON files are sniffed for OpenAlex/S2 records."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(sorted(SUFFIXES))
        raise SourceError(
            f"{path}: unknown source format {suffix!r} (known suffixes: {known}); name the format explicitly"
        )
    return SUFFIXES[suffix]


def load_source(path: str | os.PathLike[str], format: str | None = None, **options: Any) -> LoadResult:
    """Load one source file with the loader for ``format`` (guessed from the suffix if omitted)."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: source file not found")
    fmt = (format or detect_format(path)).lower()
    if fmt not in FORMATS:
        raise SourceError(f"{path}: unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    module = importlib.import_module(f"surveykit.sources.{FORMATS[fmt]}")
    if fmt in {"csv", "tsv", "json", "jsonl"}:
        options.setdefault("format", fmt)
    return module.load(path, **options)


__all__ = ["FORMATS", "LoadIssue", "LoadResult", "SourceError", "detect_format", "load_source"]
