"""What a loader returns: the papers it could read and an issue for every entry it could not."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from surveykit.corpus.model import Paper


class SourceError(Exception):
    """A source that cannot be read at all (missing file, unknown format); names the file."""


@dataclass(frozen=True)
class LoadIssue:
    """One entry that was skipped, or loaded with a problem. ``line`` is 1-based."""

    file: str
    reason: str
    line: int | None = None
    key: str | None = None
    severity: str = "error"  # "error": entry skipped; "warning": entry kept, something is off

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        what = f" [{self.key}]" if self.key else ""
        return f"{where}{what}: {self.severity}: {self.reason}"


@dataclass
class LoadResult:
    """Papers read from one or more sources, plus every issue met on the way."""

    papers: list[Paper] = field(default_factory=list)
    issues: list[LoadIssue] = field(default_factory=list)

    def add_paper(self, paper: Paper, seen: dict[str, str], file: str, line: int | None,
                  key: str | None, name: str) -> None:
        """Keep ``paper``. When an earlier paper of the same file has its id (``seen``: id -> how to
        name that one, e.g. ``[Key] at line 3``), warn: both are loaded, the corpus keeps one."""
        if paper.id in seen:
            self.issues.append(LoadIssue(
                file, f"same paper as {seen[paper.id]} ({paper.id}); both are loaded, the corpus "
                "will keep one", line, key, "warning"))
        else:
            seen[paper.id] = name
        self.papers.append(paper)

    def extend(self, other: LoadResult) -> LoadResult:
        self.papers.extend(other.papers)
        self.issues.extend(other.issues)
        return self

    @property
    def errors(self) -> list[LoadIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[LoadIssue]:
        return [i for i in self.issues if i.severity != "error"]

    def issues_frame(self) -> pd.DataFrame:
        """The issues as a table (file, line, key, severity, reason)."""
        cols = ["file", "line", "key", "severity", "reason"]
        return pd.DataFrame([{c: getattr(i, c) for c in cols} for i in self.issues], columns=cols)

    def summary(self) -> str:
        return (
            f"{len(self.papers)} papers loaded, {len(self.errors)} entries skipped, "
            f"{len(self.warnings)} warnings"
        )
