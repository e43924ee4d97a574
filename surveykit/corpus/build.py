"""Stage 1: read the configured sources (or the bundled corpus), enrich, dedupe, save."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from surveykit.config import SurveyConfig
from surveykit.corpus.bundled import attach_metadata, load_bundled
from surveykit.corpus.dedupe import DedupeResult, dedupe
from surveykit.corpus.model import Corpus, Paper
from surveykit.sources import SourceError, load_source
from surveykit.sources.report import LoadResult


@dataclass
class CorpusBuild:
    """The corpus and everything learnt while building it."""

    corpus: Corpus
    load: LoadResult
    dedupe: DedupeResult | None
    enrichment: pd.DataFrame | None = None

    def summary(self) -> str:
        parts = [self.load.summary()]
        if self.dedupe is not None:
            parts.append(self.dedupe.summary())
        text = "; ".join(parts)
        bare = sum(1 for p in self.corpus.papers if not p.has_abstract)
        if bare:
            verb = "has" if bare == 1 else "have"
            text += (f"\n{bare} of {len(self.corpus)} papers {verb} no abstract: the topics and the "
                     "draft read their titles alone"
                     + ("" if self.enrichment is not None else
                        " ([corpus] enrich = true fetches abstracts from arXiv, OpenAlex, Crossref "
                        "and Semantic Scholar; needs the network)"))
        return text


def load_sources(config: SurveyConfig, progress: bool = True) -> LoadResult:
    """Load every configured source; with none configured, the bundled LLM-agents corpus."""
    if config.uses_bundled_corpus:
        return load_bundled()
    result = LoadResult()
    for spec in tqdm(config.sources, desc="sources", unit="file", disable=not progress):
        options = {k: v for k, v in spec.items() if k not in {"path", "metadata"}}
        loaded = load_source(spec["path"], **options)
        if spec.get("metadata"):
            meta_path = Path(spec["path"]).parent / spec["metadata"]
            meta = load_source(meta_path)
            joined = attach_metadata(loaded.papers, meta.papers, str(meta_path))
            loaded = LoadResult(joined.papers, loaded.issues + meta.issues + joined.issues)
        if not loaded.papers:
            raise SourceError(no_papers_message(spec["path"], loaded))
        result.extend(loaded)
    return result


def no_papers_message(path: str | Path, loaded: LoadResult, shown: int = 3) -> str:
    """``<file>: no papers read`` with the first reasons the loader gave (never a silent empty corpus)."""
    reasons = [f"line {i.line}: {i.reason}" if i.line else i.reason for i in loaded.issues[:shown]]
    more = f" (+{len(loaded.issues) - shown} more)" if len(loaded.issues) > shown else ""
    why = ("; ".join(reasons) + more) if reasons else "no entry of its format found"
    return f"{path}: no papers read from this file: {why}"


def _enrich(papers: list[Paper], config: SurveyConfig, progress: bool):
    from surveykit.enrich import enrich_corpus

    return enrich_corpus(papers, cache_dir=config.paths.cache / "http", progress=progress)


def build_corpus(config: SurveyConfig, progress: bool = True, save: bool = True) -> CorpusBuild:
    """Load, optionally enrich, dedupe, and save the corpus with its reports under ``build/``."""
    loaded = load_sources(config, progress=progress)
    papers = list(loaded.papers)
    enrichment = None
    if config.enrich:
        papers, enrichment = _enrich(papers, config, progress)
    merged = dedupe(papers) if config.dedupe else None
    if merged is not None:
        papers = merged.papers
    build = CorpusBuild(Corpus(papers, name=config.title), loaded, merged, enrichment)
    if save:
        save_build(build, config)
    return build


def save_build(build: CorpusBuild, config: SurveyConfig) -> None:
    """Write ``corpus.parquet``, ``load_report.csv`` and ``dedupe_report.csv`` under ``build/``."""
    from surveykit import io

    paths = config.paths.ensure()
    build.corpus.save(paths.corpus)
    io.write_text(paths.build / "load_report.csv", build.load.issues_frame().to_csv(index=False))
    if build.dedupe is not None:
        io.write_text(paths.build / "dedupe_report.csv", build.dedupe.report().to_csv(index=False))


def load_corpus(config: SurveyConfig) -> Corpus:
    """The corpus saved by :func:`build_corpus` (run notebook 01 first)."""
    path = config.paths.corpus
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: no saved corpus yet; run notebooks/01_corpus.ipynb (or `surveykit corpus`) first"
        )
    return Corpus.load(path)
