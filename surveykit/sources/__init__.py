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
    "wos": "wos",
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
    ".txt": "listing",  # or "wos" when the file starts like a Web of Science export
    ".ciw": "wos",
}


def detect_format(path: str | os.PathLike[str]) -> str:
    """Guess a source's format from its suffix; a ``.txt`` file that starts like a Web of Science
    plain-text export (``FN``/``PT`` lines) is ``wos``, any other is a copied listing page."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        known = ", ".join(sorted(SUFFIXES))
        raise SourceError(
            f"{path}: unknown source format {suffix!r} (known suffixes: {known}); name the format explicitly"
        )
    if suffix == ".txt" and Path(path).is_file():
        return _sniff_text(Path(path))
    return SUFFIXES[suffix]


def _sniff_text(path: Path) -> str:
    """``wos`` for a WoS plain-text export, ``tsv`` for a WoS tab-delimited one (header row
    ``PT<tab>AU...``, UTF-8 or UTF-16), else ``listing``."""
    from surveykit.sources.wos import looks_like_wos

    with open(path, "rb") as handle:
        head = handle.read(8192)
    codec = "utf-16" if head[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8"
    text = head.decode(codec, errors="replace").lstrip("\ufeff")
    if looks_like_wos(text):
        return "wos"
    if text.startswith(("PT\t", "FN\t")):
        return "tsv"
    return SUFFIXES[".txt"]


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
