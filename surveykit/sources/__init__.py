"""Loaders that turn a source file into papers.

Every loader is a module here with ``load(path, **options) -> LoadResult``: it keeps every entry it
can read and reports each one it cannot (file, line, key, reason) instead of stopping.
"""

from __future__ import annotations

import importlib
import inspect
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


# what a binary file that is not a source usually is, by its first bytes
_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (also .xlsx/.docx)",
    b"\x1f\x8b": "a gzip archive",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\xd0\xcf\x11\xe0": "an old Office document (.xls/.doc)",
    b"PAR1": "a Parquet file",
    b"SQLite format 3": "an SQLite database",
}
_BOMS = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}
_TEXT_CONTROLS = set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B}


def sniff_encoding(path: Path) -> str | None:
    """The encoding a byte-order mark (or UTF-16 without one) names; ``None`` when unmarked.

    Raises :class:`SourceError` for an empty, unreadable or binary file, naming it."""
    if path.is_dir():
        raise SourceError(f"{path}: a folder, not a source file (name the files inside it)")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise SourceError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not head.strip():
        raise SourceError(f"{path}: empty file (no papers to read)")
    for bom, codec in _BOMS.items():
        if head.startswith(bom):
            if not head[len(bom):].decode(codec.replace("-sig", ""), errors="ignore").strip():
                raise SourceError(f"{path}: empty file (only a byte-order mark)")
            return codec
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4 and not head[0::2].count(0):
        return "utf-16-le"  # UTF-16 without a byte-order mark
    if len(head) >= 4 and head[0::2].count(0) > len(head) // 4 and not head[1::2].count(0):
        return "utf-16-be"
    kind = next((name for magic, name in _MAGIC.items() if head.startswith(magic)), None)
    controls = sum(b in _TEXT_CONTROLS for b in head)
    if kind or b"\x00" in head or controls > len(head) // 20:
        what = kind or "binary data, not text"
        raise SourceError(f"{path}: {what}; a source must be a text export (.bib, .ris, .csv, .json...)")
    return None


def _options(module: Any, path: Path, fmt: str, options: dict[str, Any]) -> dict[str, Any]:
    """``options`` checked against the loader's parameters (an error names the unknown one)."""
    params = inspect.signature(module.load).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return options
    takes = [name for name in params if name != "path"]
    unknown = sorted(set(options) - set(takes))
    if unknown:
        raise SourceError(f"{path}: the {fmt} loader takes no option {', '.join(map(repr, unknown))} "
                          f"(it takes: {', '.join(takes) or 'none'})")
    return options


def load_source(path: str | os.PathLike[str], format: str | None = None, **options: Any) -> LoadResult:
    """Load one source file with the loader for ``format`` (guessed from the suffix if omitted).

    Empty, binary and unreadable files are an error naming the file; a byte-order mark (UTF-8,
    UTF-16) picks the encoding unless one is given."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: source file not found")
    sniffed = sniff_encoding(path)
    fmt = (format or detect_format(path)).lower()
    if fmt not in FORMATS:
        raise SourceError(f"{path}: unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    module = importlib.import_module(f"surveykit.sources.{FORMATS[fmt]}")
    if fmt in {"csv", "tsv", "json", "jsonl"}:
        options.setdefault("format", fmt)
    options = _options(module, path, fmt, options)
    takes_encoding = "encoding" in inspect.signature(module.load).parameters
    given = str(options.get("encoding", "utf-8")).lower().replace("_", "-")
    if sniffed and takes_encoding and given in {"utf-8", "utf8"}:
        options["encoding"] = sniffed
    elif sniffed and sniffed.startswith("utf-16") and not takes_encoding and fmt != "arxiv":
        raise SourceError(f"{path}: UTF-16 text; the {fmt} loader reads UTF-8 (save the file as UTF-8)")
    return module.load(path, **options)


__all__ = ["FORMATS", "LoadIssue", "LoadResult", "SourceError", "detect_format", "load_source",
           "sniff_encoding"]
