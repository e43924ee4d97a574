"""A list of arXiv ids (one per line; URLs and ``arXiv:`` prefixes are fine, ``#`` starts a comment)
looked up on the arXiv API through the cached, rate-limited client. Offline, only cached answers
are used; every id that cannot be resolved is reported with its line."""

from __future__ import annotations

import os
from pathlib import Path

from surveykit.corpus.model import normalize_arxiv_id
from surveykit.sources.report import LoadIssue, LoadResult


def read_ids(path: str | os.PathLike[str]) -> tuple[list[tuple[int, str]], list[LoadIssue]]:
    """(line, arXiv id) pairs in file order, first occurrence only, plus issues for bad lines."""
    ids: list[tuple[int, str]] = []
    issues: list[LoadIssue] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        arxiv_id = normalize_arxiv_id(text)
        if arxiv_id is None:
            issues.append(LoadIssue(str(path), f"not an arXiv id: {text!r}", line=number))
        elif arxiv_id in seen:
            issues.append(LoadIssue(str(path), f"repeats line {seen[arxiv_id]}", line=number,
                                    key=arxiv_id, severity="warning"))
        else:
            seen[arxiv_id] = number
            ids.append((number, arxiv_id))
    return ids, issues


def load(path: str | os.PathLike[str], offline: bool | None = None,
         cache_dir: str | os.PathLike[str] | None = None, http=None) -> LoadResult:
    """Fetch the listed papers from arXiv (cached); report ids arXiv does not know or cannot give."""
    from surveykit.enrich.arxiv import ArxivClient
    from surveykit.enrich.http import HttpClient, HttpError, OfflineMiss

    ids, issues = read_ids(path)
    result = LoadResult(issues=issues)
    client = ArxivClient(http or HttpClient(cache_dir=cache_dir, offline=offline))
    try:
        found = client.by_ids([arxiv_id for _, arxiv_id in ids])
    except OfflineMiss as exc:
        result.issues.append(LoadIssue(str(path), f"offline and not in the cache: {exc}"))
        return result
    except HttpError as exc:
        result.issues.append(LoadIssue(str(path), f"arXiv lookup failed: {exc}"))
        return result
    result.issues.extend(client.issues)
    for line, arxiv_id in ids:
        paper = found.get(arxiv_id)
        if paper is None:
            result.issues.append(LoadIssue(str(path), "arXiv has no paper with this id", line=line,
                                           key=arxiv_id))
            continue
        paper.source, paper.source_key = f"arxiv-ids:{Path(path).name}", f"line {line}"
        result.papers.append(paper)
    return result
