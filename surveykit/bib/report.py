"""What writing a bibliography reports: keys per paper, warnings, counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from surveykit.bib.problems import BibProblem


@dataclass(frozen=True)
class BibWarning:
    """Something a LaTeX user should know about one paper's entry (or about an input file).

    ``kind`` is one of: ``missing-author``, ``missing-year``, ``missing-title``,
    ``unicode-approximated``, ``needs-t1``, ``venue-year-mismatch``, ``pin-ignored``,
    ``existing-bib``, ``ambiguous-match``. ``severity`` is ``"warning"`` or ``"info"``.
    """

    kind: str
    message: str
    paper_id: str | None = None
    key: str | None = None
    severity: str = "warning"

    def __str__(self) -> str:
        where = f"[{self.key}] " if self.key else (f"[{self.paper_id}] " if self.paper_id else "")
        return f"{self.severity}: {where}{self.kind}: {self.message}"


@dataclass(frozen=True)
class FieldChange:
    """An input field written differently from how it was read (or not written), and why."""

    key: str
    field: str
    before: str | None
    after: str | None
    reason: str
    file: str = ""
    line: int | None = None
    severity: str = "info"


@dataclass
class BibReport:
    """Result of :func:`surveykit.bib.write_bib` / :func:`surveykit.bib.render_bib`.

    ``keys``: citation key for every paper id (generated, pinned or the author's own key).
    ``reused``: paper id -> key of the author's existing entry that stands for it.
    ``entries``: the generated entries, in file order (for validation).
    """

    path: Path | None = None
    keys: dict[str, str] = field(default_factory=dict)
    reused: dict[str, str] = field(default_factory=dict)
    entries: list = field(default_factory=list)
    existing_files: list[str] = field(default_factory=list)
    existing_keys: list[str] = field(default_factory=list)
    warnings: list[BibWarning] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)  # kept key -> its other keys

    def problems(self) -> list[BibProblem]:
        """Warnings and field changes as report rows (the author's file issues come from
        :func:`surveykit.bib.problems.check_existing`)."""
        where = str(self.path or "references.bib")
        rows = [BibProblem(w.severity, w.kind, where, None, w.key or w.paper_id, None, w.message)
                for w in self.warnings if w.kind != "existing-bib"]
        rows += [BibProblem(c.severity, "changed" if c.after is not None else "dropped",
                            c.file or where, c.line, c.key, c.field, c.reason, c.before, c.after)
                 for c in self.changes]
        rows += [BibProblem("info", "alias", where, None, key, "ids",
                            f"also known as {', '.join(others)}: biblatex resolves these through "
                            f"ids; with bibtex change \\cite{{{others[0]}}} to \\cite{{{key}}}")
                 for key, others in sorted(self.aliases.items())]
        return rows

    @property
    def n_papers(self) -> int:
        return len(self.keys)

    @property
    def n_generated(self) -> int:
        return len(self.entries)

    @property
    def n_existing(self) -> int:
        return len(self.existing_keys)

    @property
    def all_keys(self) -> list[str]:
        """Every key defined in the written file: the author's entries then the generated ones."""
        return list(self.existing_keys) + [e.key for e in self.entries]

    def warnings_of(self, kind: str) -> list[BibWarning]:
        return [w for w in self.warnings if w.kind == kind]

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for warning in self.warnings:
            if warning.severity == "warning":
                counts[warning.kind] = counts.get(warning.kind, 0) + 1
        detail = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no warnings"
        return (f"{self.n_papers} papers: {self.n_generated} entries written, "
                f"{len(self.reused)} cited with the author's own keys, "
                f"{self.n_existing} author entries kept verbatim; {detail}")
