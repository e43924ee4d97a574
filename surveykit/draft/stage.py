"""The draft stage: corpus + taxonomy -> ``draft/survey.md``, ``survey.tex``, ``provenance.jsonl``
and, with TeX, ``survey.pdf``. Each step is also callable alone (see :func:`draft_document`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from surveykit import io, texengine
from surveykit.bib.latex import keep_scripts
from surveykit.config import SurveyConfig
from surveykit.corpus.bundled import NEUTRAL_TITLE  # noqa: F401 - re-exported
from surveykit.corpus.model import Corpus
from surveykit.draft.assets import find_figures, find_tables, is_theme_table, theme_of
from surveykit.draft.backend import BackendConfig, ChatBackend, RewriteReport, rewrite_document
from surveykit.draft.bibstyle import write_style
from surveykit.draft.compile import CompileReport, cited_text, compile_tex
from surveykit.draft.compose import build_document
from surveykit.draft.framing import survey_title  # noqa: F401 - re-exported
from surveykit.draft.grounding import (
    GroundingReport,
    bib_keys,
    check_document,
    check_tex,
    provenance_rows,
    write_provenance,
)
from surveykit.draft.metrics import draft_metrics
from surveykit.draft.model import SurveyDocument
from surveykit.draft.outline import Drafter, DraftOptions
from surveykit.draft.render import render_latex, render_markdown
from surveykit.runreport import report_degraded, report_failure

_log = logging.getLogger(__name__)


@dataclass
class DraftResult:
    """Paths written and the reports of the draft stage."""

    tex: Path
    markdown: Path
    provenance: Path
    pdf: Path | None
    grounding: GroundingReport
    compile: CompileReport
    rewrite: RewriteReport | None = None
    document: SurveyDocument | None = None
    skipped_papers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.grounding.ok and self.compile.status in ("ok", "skipped")

    def _repr_html_(self) -> str:
        from surveykit.display import draft_html

        return draft_html(self)

    def summary(self) -> str:
        lines = [
            f"draft: {self.tex}, {self.markdown}, {self.provenance}" + (f", {self.pdf}" if self.pdf else ""),
            self.grounding.summary(),
            self.compile.summary(),
        ]
        if self.rewrite is not None:
            lines.append(self.rewrite.summary())
        if self.skipped_papers:
            lines.append(
                f"{len(self.skipped_papers)} assigned paper(s) without a corpus entry or key left out: "
                + ", ".join(self.skipped_papers[:5])
            )
        return "\n".join(lines)


def draft_document(
    config: SurveyConfig,
    corpus: Corpus,
    assignments: pd.DataFrame,
    topics: pd.DataFrame,
    keys: Mapping[str, str],
    attributes: Any = None,
    related: Sequence[str] = (),
) -> tuple[SurveyDocument, Drafter]:
    """The survey as data (nothing rendered); writes only a fallback taxonomy tree fragment.
    ``related``: paper ids of the "Related surveys" group (``TopicResult.related``)."""
    paths = config.paths.ensure()
    options = DraftOptions.from_config(config.section("draft"))
    drafter = Drafter(corpus, assignments, topics, keys, options, attributes=attributes, config=config,
                      related=related, roles=sentence_roles(config, corpus))
    big = len(assignments) > options.caps_above
    tables = largest_topic_tables(find_tables(paths.tables), topics,
                                  options.max_topic_tables if big else 0)
    figures = find_figures(paths.figures)
    document = build_document(
        drafter, tables, figures, paths.draft, paths.references, survey_title(config, corpus),
        config.author,
    )
    return document, drafter


def largest_topic_tables(tables: list[Any], topics: pd.DataFrame, cap: int) -> list[Any]:
    """The tables without the per-topic ones beyond the ``cap`` largest themes (0: all kept);
    every theme's table stays in tables/ (``.tex``, ``.csv``) and its section names the CSV."""
    found = [t for t in tables if is_theme_table(t)]
    if not cap or len(found) <= cap:
        return tables
    sizes = {int(t): int(n) for t, n in zip(topics["topic"], topics["size"], strict=True)}
    ranked = sorted(found, key=lambda t: (-sizes.get(theme_of(t), 0), t.name))
    dropped = {t.name for t in ranked[cap:]}
    return [t for t in tables if t.name not in dropped]


def sentence_roles(config: SurveyConfig, corpus: Corpus) -> list[list[Any]]:
    """The sentence roles of every abstract: ``build/sentence_roles.parquet`` when it matches the
    corpus (written by the topics stage), else annotated now (embeddings from the cache)."""
    from surveykit.embed import embed_texts
    from surveykit.roles.annotate import load_or_annotate

    cache = config.paths.cache / "embeddings"
    return load_or_annotate(corpus.papers, config.paths.build / "sentence_roles.parquet",
                            embed=lambda texts: embed_texts(texts, cache_dir=cache, progress=False))


def report_compile(report: CompileReport, tex_path: Path) -> None:
    """Tell the run what the compile gave: no TeX is a declared degraded mode, anything short of
    a PDF (or a PDF with LaTeX/BibTeX errors) a failure naming the log and the first errors."""
    if report.engine == "lualatex":
        _log.warning("06 draft: %s", report.message.split(";")[0])  # stated in the run output
    if report.status == "skipped":
        report_degraded("06 draft", f"no TeX ({report.message}): survey.tex and survey.md written, "
                        "no PDF")
    elif report.status != "ok" or report.pdf is None:
        errors = report.errors + report.bibtex_errors + ([report.message] if report.message else [])
        what = "no PDF" if report.pdf is None else f"PDF with {report.status}"
        report_failure("06 draft", f"compile {report.status}: {what}", report.log or tex_path, errors)


def backend_from_config(config: SurveyConfig) -> ChatBackend | None:
    settings = BackendConfig.from_config(config.section("draft").get("backend"))
    return ChatBackend(settings) if settings else None


def write_draft(
    config: SurveyConfig,
    corpus: Corpus,
    assignments: pd.DataFrame,
    topics: pd.DataFrame,
    keys: Mapping[str, str],
    attributes: Any = None,
    compile: bool = True,
    related: Sequence[str] = (),
    backend: ChatBackend | None | bool = None,
    timeout: float = 300.0,
) -> DraftResult:
    """Draft, check, render and (with TeX and ``compile``) build the PDF.

    ``backend``: ``None`` (default) = the endpoint of ``[draft.backend]`` / ``SURVEYKIT_LLM_*`` when
    one is configured, else no rewriting (nothing is configured by default); ``False`` = never;
    ``True`` = the configured endpoint; or a :class:`ChatBackend`. ``references.bib`` is written
    first when it does not exist yet. ``related``: the "Related surveys" group
    (``TopicResult.related``), discussed in the introduction.
    """
    paths = config.paths.ensure()
    if not paths.references.exists():
        from surveykit.bib.stage import write_references

        write_references(config, corpus, validate=False)
    unicode = texengine.unicode_available()  # non-Latin letters written as they are
    with keep_scripts(unicode):
        document, drafter = draft_document(config, corpus, assignments, topics, keys, attributes,
                                           related)
    rewrite = None
    if backend is None or backend is True:
        backend = backend_from_config(config)
    if backend:
        abstracts = {key: corpus[pid].abstract or "" for pid, key in drafter.keys.items()}
        rewrite = rewrite_document(document, backend, abstracts=abstracts)
    bib = bib_keys(paths.references)
    grounding = check_document(document, corpus, drafter.keys, bib)
    if rewrite is not None:
        grounding.rewrites = {"accepted": rewrite.accepted, "rejected": len(rewrite.rejected)}
    preamble: dict[str, Any] = {"bibstyle": write_style(paths.draft)}
    with keep_scripts(unicode):
        tex = render_latex(document, preamble)
        bib_text = paths.references.read_text(encoding="utf-8", errors="replace")
        engine = texengine.choose_engine(cited_text(tex, bib_text, paths.draft))
        if engine.name == "lualatex":  # the template's fontspec branch, with the fonts found
            tex = render_latex(document, {**preamble, "unicode_fonts": engine.fonts})
    check_tex(tex, bib, grounding)
    papers = {key: corpus[pid] for pid, key in drafter.keys.items()}
    markdown = render_markdown(document, papers)
    tex_path = io.write_text(paths.draft / "survey.tex", tex)
    md_path = io.write_text(paths.draft / "survey.md", markdown)
    prov_path = write_provenance(
        paths.draft / "provenance.jsonl", provenance_rows(document, corpus, drafter.keys)
    )
    metrics = {**draft_metrics(document, drafter), "tex_engine": engine.name,
               "tex_scripts": list(engine.scripts)}
    io.write_text(paths.draft / "metrics.json", json.dumps(metrics, indent=1, sort_keys=True) + "\n")
    report = (
        compile_tex(tex_path, paths.references, timeout)
        if compile
        else CompileReport("skipped", message="compile=False")
    )
    if compile:
        report_compile(report, tex_path)
    return DraftResult(
        tex_path, md_path, prov_path, report.pdf, grounding, report, rewrite, document, drafter.skipped
    )
