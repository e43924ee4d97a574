"""The bundled example corpus: 73 LLM-agent papers from a copied listing page plus their metadata."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from surveykit.corpus.dedupe import merge_records
from surveykit.corpus.model import Corpus, Paper
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.listing import parse_listing
from surveykit.sources.report import LoadIssue, LoadResult
from surveykit.textutil import normalize_title

LISTING_FILE = "llm-agents-daily-papers.txt"
BUNDLED_TITLE = "Large Language Model Based Agents: A Survey"  # [survey] title of survey.toml
METADATA_FILE = "llm-agents-metadata.json"


def is_bundled_corpus(corpus: Corpus) -> bool:
    """Every paper came from the bundled listing page (the shipped ``survey.toml`` without
    sources), not from the user's files (``surveykit run --source``, ``[corpus] sources``)."""
    return bool(corpus.papers) and all(LISTING_FILE in (p.source or "") for p in corpus.papers)


NEUTRAL_TITLE = "A Survey"


def title_for(title: str, corpus: Corpus) -> str:
    """The survey's title for this corpus: ``title`` (``[survey] title``), unless it is the bundled
    corpus's title (the shipped ``survey.toml``) while the papers came from other sources
    (``surveykit run --source``): then a neutral title, since that one would name the wrong field.
    The draft and the figures (the taxonomy's root) both say it."""
    if title == BUNDLED_TITLE and not is_bundled_corpus(corpus):
        return NEUTRAL_TITLE
    return title


def source_files(corpus: Corpus) -> list[str]:
    """The names of the files the corpus's papers came from, in order of first use: a paper's
    ``source`` is ``"<format>:<file>"`` parts joined by ``"; "`` (``"bibtex:library.bib"``)."""
    names: dict[str, None] = {}
    for paper in corpus.papers:
        for part in (paper.source or "").split(";"):
            if ":" in part:  # a bare "openalex"/"arxiv" names a service that filled fields in
                name = part.split(":", 1)[1].strip()
                if name:
                    names.setdefault(Path(name).name)
    return list(names)


def bundled_path(name: str) -> Path:
    """Path of a file shipped in ``surveykit/data``."""
    return Path(str(resources.files("surveykit") / "data" / name))


def read_metadata(path: str | os.PathLike[str]) -> list[Paper]:
    """Metadata records (title, arxiv_id, authors as display names, year, venue, code_url)."""
    records = json.loads(Path(path).read_text(encoding="utf-8"))
    papers = []
    for index, record in enumerate(records):
        code = record.get("code_url")
        papers.append(
            Paper(
                title=record["title"],
                authors=[to_bibtex_name(a) for a in record.get("authors") or []],
                year=record.get("year"),
                venue=record.get("venue"),
                arxiv_id=record.get("arxiv_id"),
                code_url=code,
                urls=[f"https://arxiv.org/abs/{record['arxiv_id']}"] if record.get("arxiv_id") else [],
                source=f"metadata:{Path(path).name}",
                source_key=f"record {index + 1}",
            )
        )
    return papers


def attach_metadata(papers: list[Paper], metadata: list[Paper], filename: str) -> LoadResult:
    """Join metadata records to papers by arXiv id or normalised title; report what did not match."""
    by_arxiv = {m.arxiv_id: m for m in metadata if m.arxiv_id}
    by_title = {normalize_title(m.title): m for m in metadata}
    result = LoadResult()
    used: set[int] = set()
    for paper in papers:
        match = (by_arxiv.get(paper.arxiv_id) if paper.arxiv_id else None) or by_title.get(
            normalize_title(paper.title)
        )
        if match is None:
            result.papers.append(paper)
            result.issues.append(
                LoadIssue(filename, "no metadata record for this paper", key=paper.title, severity="warning")
            )
            continue
        used.add(id(match))
        joined = merge_records([paper, match])
        joined.id = match.id
        result.papers.append(joined)
    for record in metadata:
        if id(record) not in used:
            result.issues.append(
                LoadIssue(filename, "metadata record matches no paper", key=record.title, severity="warning")
            )
    return result


def load_bundled(
    listing: str | os.PathLike[str] | None = None, metadata: str | os.PathLike[str] | None = None
) -> LoadResult:
    """Load the listing page and join its metadata (defaults: the files shipped in the package)."""
    listing = Path(listing) if listing else bundled_path(LISTING_FILE)
    metadata = Path(metadata) if metadata else bundled_path(METADATA_FILE)
    parsed = parse_listing(listing.read_text(encoding="utf-8"), filename=listing.name)
    joined = attach_metadata(parsed.papers, read_metadata(metadata), metadata.name)
    joined.issues[:0] = parsed.issues
    return joined


def load_bundled_corpus() -> Corpus:
    """The 73-paper LLM-agents corpus, in page order."""
    return Corpus(load_bundled().papers, name="llm-agents")
