"""A copied paper-listing page (e.g. Hugging Face "Daily Papers"): title lines, each followed by its
abstract paragraph; page chrome (headers, buttons, dates, footers) is noise.

A block is a run of non-blank lines. A paper is a short one-line block (the title) followed by a
long block (the abstract). Anything else is chrome: it is skipped, and reported as a warning when it
looks like text that could have been a paper (so nothing a user pasted disappears unseen).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from surveykit.corpus.model import Paper
from surveykit.sources.report import LoadIssue, LoadResult, SourceError
from surveykit.textutil import collapse_ws

_ESCAPED = re.compile(r"\\([%$&_#])")  # \% \$ \& \_ \# left over from arXiv LaTeX sources

MAX_TITLE_CHARS = 300
MIN_ABSTRACT_CHARS = 200
MIN_ABSTRACT_WORDS = 30


@dataclass(frozen=True)
class _Block:
    line: int  # 1-based line of the block's first line
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return _ESCAPED.sub(r"\1", collapse_ws(" ".join(self.lines)))


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line:
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append(_Block(start, tuple(current)))
            current = []
    if current:
        blocks.append(_Block(start, tuple(current)))
    return blocks


def _is_title(block: _Block) -> bool:
    text = block.text
    return len(block.lines) == 1 and 3 <= len(text) <= MAX_TITLE_CHARS and len(text.split()) >= 1


def _is_abstract(block: _Block) -> bool:
    text = block.text
    return len(text) >= MIN_ABSTRACT_CHARS and len(text.split()) >= MIN_ABSTRACT_WORDS


def parse_listing(text: str, filename: str = "<string>") -> LoadResult:
    """Parse listing-page text into papers (title + abstract), reporting leftover long text."""
    result = LoadResult()
    blocks = _blocks(text)
    used: set[int] = set()
    i = 0
    while i < len(blocks) - 1:
        block, following = blocks[i], blocks[i + 1]
        if _is_title(block) and _is_abstract(following) and not _is_abstract(block):
            result.papers.append(
                Paper(
                    title=block.text,
                    abstract=following.text,
                    source=f"listing:{filename}",
                    source_key=f"line {block.line}",
                )
            )
            used.update({i, i + 1})
            i += 2
        else:
            i += 1
    for index, block in enumerate(blocks):
        if index in used:
            continue
        if _is_abstract(block):
            result.issues.append(
                LoadIssue(
                    filename,
                    "paragraph without a title line before it; skipped",
                    line=block.line,
                    severity="warning",
                )
            )
    return result


def load(path: str | os.PathLike[str], encoding: str = "utf-8") -> LoadResult:
    """Load a listing page saved as text."""
    path = Path(path)
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path}: not {encoding} text ({exc})") from exc
    result = parse_listing(text, filename=str(path))
    if not result.papers:
        result.issues.append(LoadIssue(str(path), "no title + abstract pairs found", line=1))
    return result
