"""arXiv API Atom feeds (``export.arxiv.org/api/query`` responses) -> papers.

Entry id -> arXiv id (version dropped, kept in ``source_key``), title and summary with white space
collapsed, authors, year of first submission, ``arxiv:doi``, ``arxiv:journal_ref`` (venue), abstract
and PDF links, primary category and comment (into ``extra``), and a code URL from the comment or
abstract. The error entries arXiv answers with (id ``.../api/errors#...``) are reported, not loaded.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from surveykit.corpus.model import Paper, normalize_arxiv_id
from surveykit.corpus.names import to_bibtex_name
from surveykit.sources.report import LoadIssue, LoadResult, SourceError
from surveykit.textutil import collapse_ws

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ENTRY_TAG = re.compile(r"<(?:[A-Za-z_][\w.\-]*:)?entry[\s>/]")
_CODE_URL = re.compile(
    r"https?://(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org)/[\w.\-]+/[\w.\-]+", re.IGNORECASE
)
_VERSION = re.compile(r"v(\d+)$")


class ArxivApiError(ValueError):
    """An error entry of the arXiv API (bad id, bad query)."""


def find_code_url(*texts: str | None) -> str | None:
    """The first GitHub/GitLab/Bitbucket repository URL in the texts, without trailing dots or .git."""
    for text in texts:
        if not text:
            continue
        match = _CODE_URL.search(text)
        if match:
            url = match.group(0).rstrip(".")
            return url[:-4] if url.lower().endswith(".git") else url
    return None


def _text(entry: ET.Element, path: str) -> str:
    node = entry.find(path, NS)
    return collapse_ws(node.text or "") if node is not None and node.text else ""


def is_error_entry(entry: ET.Element) -> bool:
    return "/api/errors" in _text(entry, "atom:id")


def entry_to_paper(entry: ET.Element, source: str = "arxiv") -> Paper:
    """One Atom ``<entry>`` -> Paper; raises ArxivApiError for an error entry, ValueError if unusable."""
    entry_id = _text(entry, "atom:id")
    if "/api/errors" in entry_id:
        raise ArxivApiError(f"arXiv API error: {_text(entry, 'atom:summary') or entry_id}")
    arxiv_id = normalize_arxiv_id(entry_id)
    if not arxiv_id:
        raise ValueError(f"entry id {entry_id!r} holds no arXiv id")
    title = _text(entry, "atom:title")
    if not title:
        raise ValueError(f"entry {arxiv_id} has no title")
    abstract = _text(entry, "atom:summary")
    comment = _text(entry, "arxiv:comment")
    journal_ref = _text(entry, "arxiv:journal_ref")
    published = _text(entry, "atom:published")
    urls: list[str] = []
    for link in entry.findall("atom:link", NS):
        href = (link.get("href") or "").strip()
        if href and link.get("title") != "doi" and (
            link.get("rel") == "alternate" or link.get("title") == "pdf"
        ) and href not in urls:
            urls.append(href)
    extra: dict[str, str] = {}
    primary = entry.find("arxiv:primary_category", NS)
    if primary is not None and primary.get("term"):
        extra["primary_class"] = primary.get("term", "")
    categories = [c.get("term", "") for c in entry.findall("atom:category", NS) if c.get("term")]
    if categories:
        extra["categories"] = " ".join(categories)
    if comment:
        extra["comment"] = comment
    if published:
        extra["published"] = published[:10]
    updated = _text(entry, "atom:updated")
    if updated:
        extra["updated"] = updated[:10]
    version = _VERSION.search(entry_id.rstrip("/"))
    authors = [to_bibtex_name(_text(a, "atom:name")) for a in entry.findall("atom:author", NS)]
    year = int(published[:4]) if published[:4].isdigit() else None
    return Paper(
        title=title,
        abstract=abstract,
        authors=[a for a in authors if a],
        year=year,
        venue=journal_ref or None,
        arxiv_id=arxiv_id,
        doi=_text(entry, "arxiv:doi") or None,
        urls=urls,
        code_url=find_code_url(comment, abstract),
        source=source,
        source_key=f"{arxiv_id}v{version.group(1)}" if version else arxiv_id,
        entry_type="misc",
        extra=extra,
    )


def parse_feed(data: str | bytes, file: str = "<arxiv>", source: str | None = None) -> LoadResult:
    """Parse an arXiv Atom feed; error entries and unusable entries become issues."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        snippet = collapse_ws(text[:80])
        raise SourceError(f"{file}{f':{line}' if line else ''}: not an Atom feed ({exc}); "
                          f"starts with {snippet!r}") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise SourceError(f"{file}: root element is {root.tag!r}, not an Atom <feed>")
    lines = [text.count("\n", 0, m.start()) + 1 for m in _ENTRY_TAG.finditer(text)]
    entries = root.findall("atom:entry", NS)
    if len(lines) != len(entries):
        lines = [None] * len(entries)
    result = LoadResult()
    source = source or f"arxiv:{Path(file).name}"
    for entry, line in zip(entries, lines, strict=True):
        key = _text(entry, "atom:id").rsplit("/", 1)[-1] or None
        try:
            result.papers.append(entry_to_paper(entry, source=source))
        except ArxivApiError as exc:
            result.issues.append(LoadIssue(file, str(exc), line, key))
        except ValueError as exc:
            result.issues.append(LoadIssue(file, f"{exc}; skipped", line, key))
    return result


def total_results(data: str | bytes) -> int | None:
    """The feed's ``opensearch:totalResults`` (None if absent or not a feed)."""
    try:
        node = ET.fromstring(data).find("opensearch:totalResults", NS)
    except ET.ParseError:
        return None
    return int(node.text) if node is not None and (node.text or "").strip().isdigit() else None


def load(path: str | os.PathLike[str]) -> LoadResult:
    """Load a saved arXiv API response (``.atom`` / ``.xml``)."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: source file not found")
    return parse_feed(path.read_bytes(), str(path))
