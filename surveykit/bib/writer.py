"""Write ``references.bib``: the author's entries verbatim, then one generated entry per new paper.

The output is deterministic (generated entries sorted by key, no timestamps), pure ASCII apart from
the author's own text, and written atomically.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence

from surveykit import io
from surveykit.bib.biblatex import to_biblatex
from surveykit.bib.entries import paper_to_entry
from surveykit.bib.fromsource import (
    has_source_entry,
    source_entry,
    source_keys,
    split_publications,
)
from surveykit.bib.keys import make_keys
from surveykit.bib.merge import MergePlan, merge_with_existing
from surveykit.bib.report import BibReport, BibWarning
from surveykit.corpus.model import Paper
from surveykit.sources.bibtex_record import records_of

log = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]

HEADER = """\
% references.bib -- written by surveykit; regenerate it rather than editing it by hand.
% {summary}
% ASCII only (accents as {{\\"o}}); titles keep acronyms in braces. Code links are in
% note = {{Code: \\url{{...}}}}, so load the url package (or hyperref) in your document.
"""


def render_bib(
    papers: Iterable[Paper],
    pinned: Mapping[str, str] | None = None,
    existing: PathLike | Sequence[PathLike] | None = None,
    include_abstract: bool = False,
    regenerate_keys: bool = False,
    previous: Mapping[str, str] | None = None,
    style: str = "bibtex",
) -> tuple[str, BibReport]:
    """The text of the bibliography and its report, without writing anything.

    Papers read from ``.bib`` sources keep their key (unless ``regenerate_keys``) and fields
    (:mod:`surveykit.bib.fromsource`); ``previous`` (paper id -> key of the last run) keeps keys
    stable when papers are added; ``style`` is ``"bibtex"`` or ``"biblatex"``.
    """
    papers = list(papers)
    plan, new_papers, companions, keys = _plan_keys(papers, pinned, existing, regenerate_keys,
                                                     previous)
    report = BibReport(warnings=list(plan.warnings))
    report.existing_files = [str(bib.path) for bib in plan.existing]
    report.existing_keys = [key for bib in plan.existing for key in bib.keys]
    report.reused = dict(plan.matches)
    for paper in papers:
        report.keys[paper.id] = plan.matches.get(paper.id) or keys[paper.id]
    for paper in sorted(papers, key=lambda p: p.id):
        kept = plan.matches.get(paper.id)
        others = [k for k in source_keys(paper) if kept and k.lower() != kept.lower()] \
            if has_source_entry(paper) else []
        if others:
            report.warnings.append(BibWarning(
                "key-of-your-bib", f"also arrived as {', '.join(others)} in a source .bib; cited as "
                f"[{kept}] from your own .bib (which is never rewritten, so no ids alias): change "
                f"\\cite{{{others[0]}}} to \\cite{{{kept}}}", paper.id, kept))
    for part_id, paper_id in sorted(companions.items()):
        report.warnings.append(BibWarning(
            "other-publication", f"[{keys[part_id]}] is another publication of the same work "
            f"(different year, pages, DOI or venue kind); kept as its own entry", paper_id,
            keys[paper_id], "info"))
    unknown = sorted(set(pinned or {}) - {p.id for p in papers})
    for paper_id in unknown:
        report.warnings.append(BibWarning(
            "pin-ignored", f"pinned key {pinned[paper_id]!r} names a paper id that is not in the "
            "corpus", paper_id, pinned[paper_id]))

    entries = _entries(new_papers, keys, plan.taken, include_abstract, report, style)
    if style == "biblatex":
        for entry in entries:
            report.changes.extend(to_biblatex(entry))
    report.entries = entries
    for entry in entries:
        report.warnings.extend(entry.warnings)
    preambles = sorted({text for paper in new_papers for record in records_of(paper.extra)
                        for text in record.get("preamble", [])})
    return _compose(plan, entries, report, preambles), report


def _plan_keys(papers: list[Paper], pinned: Mapping[str, str] | None,
               existing: PathLike | Sequence[PathLike] | None, regenerate_keys: bool,
               previous: Mapping[str, str] | None,
               ) -> tuple[MergePlan, list[Paper], dict[str, str], dict[str, str]]:
    """The merge with the author's files, the papers that get generated entries (companion
    publications split off, ``{part id: paper id}``) and their keys."""
    plan = merge_with_existing(papers, existing, pinned)
    new_papers = [p for p in papers if p.id not in plan.matches]
    companions = {}  # other publications of a corpus paper (a journal extension...): own entries
    expanded = []
    for paper in new_papers:
        parts = split_publications(paper) if has_source_entry(paper) else [paper]
        expanded += parts
        companions.update({part.id: paper.id for part in parts[1:]})
    preferred = {} if regenerate_keys else {
        p.id: source_keys(p)[0] for p in expanded if has_source_entry(p) and source_keys(p)}
    keys = make_keys(expanded, pinned=pinned, taken=plan.taken, preferred=preferred,
                     previous=previous)
    return plan, expanded, companions, keys


def citation_keys_of(papers: Iterable[Paper], pinned: Mapping[str, str] | None = None,
                     existing: PathLike | Sequence[PathLike] | None = None,
                     regenerate_keys: bool = False, previous: Mapping[str, str] | None = None,
                     style: str = "bibtex") -> dict[str, str]:
    """Paper id -> citation key, as :func:`render_bib` gives them, without rendering an entry."""
    papers = list(papers)
    plan, _, _, keys = _plan_keys(papers, pinned, existing, regenerate_keys, previous)
    return {paper.id: plan.matches.get(paper.id) or keys[paper.id] for paper in papers}


def _entries(papers: list[Paper], keys: dict[str, str], taken: set[str], include_abstract: bool,
             report: BibReport, style: str = "bibtex") -> list:
    """One entry per paper, sorted by key; ``.bib`` papers keep their fields, aliases as ``ids``."""
    final = {k.lower() for k in keys.values()} | set(taken)
    claimed: set[str] = set()
    entries = []
    for paper in sorted(papers, key=lambda p: keys[p.id].lower()):
        key = keys[paper.id]
        if not has_source_entry(paper):
            entries.append(paper_to_entry(paper, key, include_abstract))
            continue
        aliases = []
        for alias in source_keys(paper):
            lower = alias.lower()
            if lower == key.lower():
                continue
            if lower in final or lower in claimed:
                report.warnings.append(BibWarning(
                    "alias-dropped", f"{alias!r} is also the key of another entry; it cannot be "
                    "an alias of this one", paper.id, key))
                continue
            claimed.add(lower)
            aliases.append(alias)
        if aliases:
            report.aliases[key] = aliases
        entry = source_entry(paper, key, aliases, style)
        report.changes.extend(entry.changes)
        entries.append(entry)
    entries.sort(key=lambda e: (e.key.lower(), e.key))
    return entries


def write_bib(
    papers: Iterable[Paper],
    path: PathLike,
    pinned: Mapping[str, str] | None = None,
    existing: PathLike | Sequence[PathLike] | None = None,
    include_abstract: bool = False,
    **options,
) -> BibReport:
    """Write the bibliography for ``papers`` to ``path`` (atomically) and report on it.

    ``pinned`` maps paper ids to keys the author chose; ``existing`` is the author's own .bib
    file(s), copied verbatim (never modified) and used to reuse keys for papers they already have.
    ``path`` must not be one of the ``existing`` files.
    """
    targets = [existing] if isinstance(existing, (str, os.PathLike)) else list(existing or [])
    for source in targets:
        if os.path.exists(path) and os.path.exists(source) and os.path.samefile(source, path):
            raise ValueError(f"{path}: refusing to overwrite the author's own .bib; "
                             "write the merged bibliography to another file")
    text, report = render_bib(papers, pinned, existing, include_abstract, **options)
    report.path = io.write_text(path, text)
    _log_warnings(path, report)
    log.info("%s: %s", path, report.summary())
    return report


def _log_warnings(path: PathLike, report: BibReport) -> None:
    """One log line per kind of warning (count, first keys), not one per paper."""
    by_kind: dict[str, list] = {}
    for warning in report.warnings:
        if warning.severity == "warning":
            by_kind.setdefault(warning.kind, []).append(warning)
    for kind, warnings in sorted(by_kind.items()):
        if len(warnings) == 1:
            log.warning("%s: %s", path, warnings[0])
            continue
        shown = ", ".join(str(w.key or w.paper_id) for w in warnings[:5])
        more = f" and {len(warnings) - 5} more" if len(warnings) > 5 else ""
        log.warning("%s: %d entries with %s: %s%s (see the report)", path, len(warnings), kind,
                    shown, more)


def _compose(plan: MergePlan, entries: list, report: BibReport, preambles: Sequence[str] = ()) -> str:
    parts = [HEADER.format(summary=_safe(report.summary()))]
    if preambles:  # macros the source files define for their entries
        parts.append("% ---- preambles of the source .bib files ----\n")
        parts.append("".join(text + "\n" for text in preambles))
    for bib in plan.existing:
        name = _safe(bib.path.name)
        text = bib.text if bib.text.endswith("\n") else bib.text + "\n"
        parts.append(f"% ---- {name}: the author's entries, copied verbatim ----\n")
        parts.append(text)
        parts.append(f"% ---- end of {name} ----\n")
    if plan.existing and entries:
        parts.append("% ---- generated entries ----\n")
    parts.append("\n".join("\n" + e.render() for e in entries))
    return "".join(parts).rstrip("\n") + "\n"


def _safe(text: str) -> str:
    """Comment text BibTeX will not mistake for an entry (no ``@``) on one line."""
    return " ".join(text.replace("@", "(at)").split())
