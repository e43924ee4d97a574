"""The one data model that flows through every stage: a ``Paper`` record and a ``Corpus`` of them."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from surveykit import io
from surveykit.textutil import normalize_title

_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(r"\b([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?\b")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>{}]+)", re.IGNORECASE)
# what exports write where a paper has no abstract (Scopus "[No abstract available]", ACM "No
# abstract available.", a spreadsheet's "N/A" or pandas' "nan"): no abstract
_NO_ABSTRACT = frozenset({"no abstract available", "no abstract", "abstract not available",
                          "abstract unavailable", "not available", "n/a", "na", "nan", "none",
                          "null", "-", "--", "tba"})


def is_no_abstract(text: str | None) -> bool:
    """An empty abstract, or a placeholder for one (:data:`_NO_ABSTRACT`, case, brackets and final
    punctuation aside)."""
    if text is None:
        return True
    stripped = text.strip()
    if len(stripped) > 40:
        return False
    return stripped.strip("[](){}<>*. ").lower() in _NO_ABSTRACT or not stripped


def paper_text(title: str, abstract: str = "") -> str:
    """``"<title>. <abstract>"``: the one text of a paper that the topic and attribute stages read
    and embed (and, without an abstract, ``"<title>."``, the same string a title-only paper has)."""
    return f"{title}. {abstract}".strip()


def normalize_arxiv_id(value: str | None) -> str | None:
    """``arXiv:2408.09667v2`` / ``https://arxiv.org/abs/2408.09667`` -> ``2408.09667`` (no version)."""
    if not value:
        return None
    text = str(value).strip()
    match = _ARXIV_NEW.search(text) or _ARXIV_OLD.search(text)
    return match.group(1) if match else None


def normalize_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1145/ABC`` -> ``10.1145/abc`` (DOIs are case-insensitive)."""
    if not value:
        return None
    match = _DOI.search(str(value).strip())
    return match.group(1).rstrip(".,;").lower() if match else None


@dataclass
class Paper:
    """One paper. Authors are BibTeX-style names, ``"Family, Given"`` (or one name for a group)."""

    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    urls: list[str] = field(default_factory=list)
    code_url: str | None = None
    source: str = ""
    source_key: str | None = None
    entry_type: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        if self.abstract and is_no_abstract(self.abstract):
            self.abstract = ""
        self.arxiv_id = normalize_arxiv_id(self.arxiv_id) or None
        self.doi = normalize_doi(self.doi) or None
        if self.year is not None:
            self.year = int(self.year)
        if not self.id:
            self.id = paper_id(self)

    @property
    def text(self) -> str:
        """Title and abstract (:func:`paper_text`)."""
        return paper_text(self.title, self.abstract)

    @property
    def has_abstract(self) -> bool:
        """The paper has an abstract (a placeholder such as "N/A" was emptied on construction)."""
        return bool((self.abstract or "").strip())

    def to_dict(self) -> dict[str, Any]:
        """Plain dict in field order (JSON-ready); lists and ``extra`` are copies, as with
        ``dataclasses.asdict`` (which is ~10x slower: it deep-copies every string)."""
        out = {name: getattr(self, name) for name in _FIELD_NAMES}
        out["authors"], out["urls"] = list(self.authors), list(self.urls)
        extra = self.extra
        out["extra"] = (dict(extra) if all(isinstance(v, str) for v in extra.values())
                        else copy.deepcopy(extra))
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Inverse of :meth:`to_dict`; unknown keys are ignored, missing ones take defaults."""
        names = {f.name for f in dataclasses.fields(cls)}
        clean = {k: v for k, v in data.items() if k in names}
        for key in ("authors", "urls"):
            if clean.get(key) is None:
                clean[key] = []
            else:
                clean[key] = [str(x) for x in clean[key]]
        if clean.get("extra") is None:
            clean["extra"] = {}
        else:
            clean["extra"] = {str(k): str(v) for k, v in dict(clean["extra"]).items()}
        year = clean.get("year")
        clean["year"] = None if year is None or pd.isna(year) else int(year)
        return cls(**clean)


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(Paper))


def paper_id(paper: Paper) -> str:
    """Stable id from the strongest identifier: arXiv id, then DOI, then the normalised title."""
    if paper.arxiv_id:
        return f"arxiv:{paper.arxiv_id}"
    if paper.doi:
        return f"doi:{paper.doi}"
    digest = hashlib.sha1(normalize_title(paper.title).encode("utf-8")).hexdigest()[:12]
    return f"title:{digest}"


class Corpus:
    """An ordered collection of papers with unique ids; round-trips to JSONL and parquet."""

    def __init__(self, papers: Iterable[Paper] = (), name: str = "corpus") -> None:
        self.name = name
        self.papers: list[Paper] = []
        self._index: dict[str, int] = {}
        for paper in papers:
            self.add(paper)

    def add(self, paper: Paper) -> None:
        """Append a paper; its id must be new."""
        if paper.id in self._index:
            raise ValueError(f"duplicate paper id {paper.id!r} ({paper.title!r})")
        self._index[paper.id] = len(self.papers)
        self.papers.append(paper)

    def __len__(self) -> int:
        return len(self.papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers)

    def __getitem__(self, paper_id: str) -> Paper:
        return self.papers[self._index[paper_id]]

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._index

    def __repr__(self) -> str:
        return f"Corpus(name={self.name!r}, papers={len(self)})"

    def _repr_html_(self) -> str:
        from surveykit.display import corpus_html

        return corpus_html(self)

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.papers]

    def texts(self) -> list[str]:
        """Title and abstract of each paper, the text the topic and attribute stages read."""
        return [paper_text(p.title, p.abstract) for p in self.papers]

    def to_frame(self) -> pd.DataFrame:
        """A pandas view, one row per paper, indexed by id; authors joined with ``; ``."""
        rows = []
        for p in self.papers:
            row = p.to_dict()
            row["authors"] = "; ".join(p.authors)
            row["urls"] = " ".join(p.urls)
            row["n_authors"] = len(p.authors)
            rows.append(row)
        columns = [f.name for f in dataclasses.fields(Paper)] + ["n_authors"]
        frame = pd.DataFrame(rows, columns=columns).set_index("id")
        frame["year"] = frame["year"].astype("Int64")
        return frame

    # --- persistence -------------------------------------------------------------------------

    def to_jsonl(self, path: str | os.PathLike[str]) -> Path:
        lines = [json.dumps(p.to_dict(), ensure_ascii=False, sort_keys=False) for p in self.papers]
        return io.write_text(path, "".join(line + "\n" for line in lines))

    @classmethod
    def from_jsonl(cls, path: str | os.PathLike[str], name: str | None = None) -> Corpus:
        papers = []
        with open(path, encoding="utf-8") as handle:
            for line_no, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    papers.append(Paper.from_dict(json.loads(line)))
                except (ValueError, TypeError) as exc:
                    raise ValueError(f"{path}:{line_no}: not a paper record ({exc})") from exc
        return cls(papers, name=name or Path(path).stem)

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        records = []
        for p in self.papers:
            row = p.to_dict()
            row["extra"] = json.dumps(p.extra, ensure_ascii=False, sort_keys=True)
            records.append(row)
        schema = pa.schema(
            [
                ("title", pa.string()),
                ("abstract", pa.string()),
                ("authors", pa.list_(pa.string())),
                ("year", pa.int64()),
                ("venue", pa.string()),
                ("arxiv_id", pa.string()),
                ("doi", pa.string()),
                ("urls", pa.list_(pa.string())),
                ("code_url", pa.string()),
                ("source", pa.string()),
                ("source_key", pa.string()),
                ("entry_type", pa.string()),
                ("extra", pa.string()),
                ("id", pa.string()),
            ]
        )
        table = pa.Table.from_pylist(records, schema=schema)
        with io.atomic_path(path) as tmp:
            pq.write_table(table, tmp)
        return Path(path)

    @classmethod
    def from_parquet(cls, path: str | os.PathLike[str], name: str | None = None) -> Corpus:
        import pyarrow.parquet as pq

        papers = []
        for row in pq.read_table(path).to_pylist():
            row["extra"] = json.loads(row.get("extra") or "{}")
            papers.append(Paper.from_dict(row))
        return cls(papers, name=name or Path(path).stem)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save by suffix: ``.parquet`` or ``.jsonl``."""
        suffix = Path(path).suffix.lower()
        if suffix == ".parquet":
            return self.to_parquet(path)
        if suffix in {".jsonl", ".ndjson"}:
            return self.to_jsonl(path)
        raise ValueError(f"{path}: save a corpus as .parquet or .jsonl")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Corpus:
        """Load a corpus saved with :meth:`save`."""
        suffix = Path(path).suffix.lower()
        if suffix == ".parquet":
            return cls.from_parquet(path)
        if suffix in {".jsonl", ".ndjson"}:
            return cls.from_jsonl(path)
        raise ValueError(f"{path}: a saved corpus is .parquet or .jsonl")
