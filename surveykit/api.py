"""The public API: ``import surveykit as sk``.

A survey project (``survey.toml`` and what its stages saved)::

    import surveykit as sk

    survey = sk.Survey.open("survey.toml")
    survey.build_corpus()          # 01: load the sources, merge duplicates, save build/corpus.parquet
    topics = survey.fit_topics()   # 02: topics + taxonomy (+ curation.toml), saved under build/
    survey.attributes()            # 03: attributes with evidence
    survey.tables()                # 03: comparison tables, written to tables/
    figs = survey.figures()        # 04: figures, written to figures/
    survey.bibliography()          # 05: bib/references.bib, validated
    survey.draft()                 # 06: draft/survey.md, .tex, .pdf

Papers without a project::

    corpus = sk.load(["library.bib", "more.ris"])   # a Corpus, duplicates merged
    topics = sk.fit_topics(corpus)                  # embeddings computed (and cached) on the way

Everything here is a thin layer over :class:`surveykit.workspace.Workspace` and the stage functions:
the notebooks, ``surveykit run`` and this API make the same calls.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from surveykit.config import CONFIG_NAME, SurveyConfig, load_config
from surveykit.corpus.model import Corpus
from surveykit.manifest import owned_outputs
from surveykit.workspace import Workspace, topic_frames

if TYPE_CHECKING:
    import pandas as pd

    from surveykit.attributes import AttributeTable
    from surveykit.bib.stage import References
    from surveykit.corpus.build import CorpusBuild
    from surveykit.display import FileList
    from surveykit.draft.stage import DraftResult
    from surveykit.figures.stage import SurveyFigures
    from surveykit.topics import TopicResult
    from surveykit.topics.living import TopicChanges

PathLike = str | os.PathLike[str]


class Tables(dict):
    """The comparison tables by name (``overview``, ``benchmarks``, ``topic_00``, ...), as written
    to ``folder``; a dict of DataFrames that shows as a compact list in Jupyter."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], folder: Path) -> None:
        super().__init__(tables)
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"Tables({len(self)} in {self.folder}: {', '.join(self)})"

    def _repr_html_(self) -> str:
        from surveykit.display import html_table

        rows = [{"table": name, "rows": len(frame), "columns": len(frame.columns),
                 "files": f"{name}.tex/.md/.csv/.html"} for name, frame in self.items()]
        return html_table(rows, title=f"{len(self)} tables in {self.folder}")


class Survey:
    """One survey project: its config (``survey.toml``) and every stage, run or loaded.

    Stage outputs saved by an earlier session (or notebook) are read on first use, so any stage can
    be run alone once the ones before it have run.

    Parameters
    ----------
    workspace : Workspace
        The config and saved outputs; usually made by :meth:`Survey.open`.
    """

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @classmethod
    def open(cls, config: PathLike | None = CONFIG_NAME, output_dir: PathLike | None = None,
             sources: Iterable[PathLike] | None = None) -> Survey:
        """Open a survey project.

        Parameters
        ----------
        config : path, optional
            The ``survey.toml`` (defaults when the default file is absent: the bundled corpus).
        output_dir : path, optional
            Where ``build/``, ``tables/``, ``figures/``, ``bib/`` and ``draft/`` go; by default
            next to the config file.
        sources : paths, optional
            Source files to use instead of ``[corpus] sources``.

        Returns
        -------
        Survey
        """
        loaded = load_config(config, output_dir, list(sources) if sources else None)
        return cls(Workspace(loaded))

    def __repr__(self) -> str:
        return f"Survey(config={self.config.path}, outputs={self.paths.root})"

    def _repr_html_(self) -> str:
        from surveykit.display import html_table

        build = self.paths.build
        rows = [{"stage": name, "saved": "yes" if (build / file).exists() else "not yet",
                 "file": f"build/{file}"}
                for name, file in (("corpus", "corpus.parquet"), ("topics", "topics.json"),
                                   ("attributes", "attributes.parquet"))]
        return html_table(rows, title=f"Survey {self.config.title!r}: config {self.config.path}, "
                                      f"outputs {self.paths.root}")

    # --- config and saved outputs ------------------------------------------------------------

    @property
    def config(self) -> SurveyConfig:
        """The validated ``survey.toml``."""
        return self.workspace.config

    @property
    def paths(self) -> Any:
        """The output folders (``build``, ``tables``, ``figures``, ``bib``, ``draft``, ``cache``)."""
        return self.workspace.paths

    @property
    def corpus(self) -> Corpus:
        """The corpus saved by :meth:`build_corpus` (``build/corpus.parquet``)."""
        return self.workspace.corpus

    @property
    def embeddings(self) -> np.ndarray:
        """One row per paper in corpus order, cached by content."""
        return self.workspace.embeddings

    @property
    def topics(self) -> TopicResult:
        """The topic result of the last :meth:`fit_topics` (``build/topics.json``)."""
        return self.workspace.topics

    @property
    def topic_changes(self) -> TopicChanges:
        """What changed in the topics at the last :meth:`fit_topics` of this session."""
        return self.workspace.topic_changes

    @property
    def keys(self) -> dict[str, str]:
        """Paper id -> citation key (the keys of ``bib/references.bib``)."""
        return self.workspace.keys

    # --- stages -------------------------------------------------------------------------------

    def build_corpus(self, progress: bool = True) -> CorpusBuild:
        """Stage 1: read the sources, enrich (when configured), merge duplicates, save.

        Parameters
        ----------
        progress : bool
            Show progress bars.

        Returns
        -------
        CorpusBuild
            The corpus, the load report (every skipped entry) and the dedupe report.
        """
        from surveykit.corpus.build import build_corpus

        with owned_outputs(self.config, "corpus"):
            build = build_corpus(self.config, progress=progress)
        self._forget("corpus", "embedding_model", "embeddings", "sentence_roles", "paper_types", "keys")
        self.workspace.__dict__["corpus"] = build.corpus
        return build

    def fit_topics(self, refit: bool | None = None) -> TopicResult:
        """Stage 2: topics and the 2-level taxonomy, with ``[topics]`` and the curation file.

        Parameters
        ----------
        refit : bool, optional
            True fits from scratch even when a saved result with the same settings exists (by
            default new papers are placed in its topics); None uses ``[topics] refit``.

        Returns
        -------
        TopicResult
            Saved to ``build/topics.json``; the change report is :attr:`topic_changes`.
        """
        with owned_outputs(self.config, "topics"):
            return self.workspace.fit_topics(refit=refit)

    def attributes(self) -> AttributeTable:
        """Stage 3: each paper's attributes with the sentence each value came from; saved.

        Returns
        -------
        AttributeTable
        """
        with owned_outputs(self.config, "attributes"):
            return self.workspace.extract_attributes()

    def _attributes(self) -> AttributeTable:
        try:
            return self.workspace.attributes
        except FileNotFoundError:
            return self.attributes()

    def _frames(self, topics: TopicResult | None) -> tuple[pd.DataFrame, pd.DataFrame, TopicResult]:
        result = topics if topics is not None else self.topics
        assignments, table = topic_frames(result)
        return assignments, table, result

    def tables(self, topics: TopicResult | None = None) -> Tables:
        """Stage 3: every comparison table, written to ``tables/`` (LaTeX, Markdown, CSV, HTML).

        Parameters
        ----------
        topics : TopicResult, optional
            The taxonomy to tabulate; by default the saved one.

        Returns
        -------
        Tables
            Table name -> DataFrame.
        """
        from surveykit.tables import build_tables

        assignments, table, result = self._frames(topics)
        attributes = self._attributes()
        with owned_outputs(self.config, "tables"):  # a topic that is gone: its tables go too
            built = build_tables(self.config, self.corpus, attributes, assignments, table, self.keys,
                                 related=result.related)
        return Tables(built, self.paths.tables)

    def show_table(self, table: pd.DataFrame, name: str) -> Any:
        """A table as a styled view (wrapped text), written to ``tables/`` under ``name``.

        Parameters
        ----------
        table : DataFrame
            One of :meth:`tables` (or your own).
        name : str
            The file stem under ``tables/``.
        """
        from surveykit.display import fit_styler
        from surveykit.tables import show_table

        return fit_styler(show_table(table, name, self.config, topics=topic_frames(self.topics)[1],
                                     n_papers=len(self.corpus)))

    def figures(self, topics: TopicResult | None = None, write: bool = True) -> SurveyFigures:
        """Stage 4: the figures; each method of the result shows one figure and writes it.

        Parameters
        ----------
        topics : TopicResult, optional
            The taxonomy to draw; by default the saved one.
        write : bool
            Write PDF/SVG/PNG/HTML to ``figures/`` as each figure is made.

        Returns
        -------
        SurveyFigures
            Call ``.paper_map()``, ``.topic_sizes()``, ... then ``.close()``.
        """
        from surveykit.figures import SurveyFigures

        assignments, table, _ = self._frames(topics)
        try:
            attributes = self.workspace.attributes.long
        except FileNotFoundError:
            attributes = None
        return SurveyFigures(self.config, self.corpus, assignments, table, self.embeddings,
                             attributes=attributes, keys=self.keys, write=write,
                             coordinates=self.workspace.map_coordinates)

    def bibliography(self, validate: bool = True) -> References:
        """Stage 5: write ``bib/references.bib`` and check it the way LaTeX will.

        Parameters
        ----------
        validate : bool
            Parse the file back and compile a test document (skipped without TeX).

        Returns
        -------
        References
        """
        from surveykit.bib.stage import write_references

        with owned_outputs(self.config, "bibliography"):
            return write_references(self.config, self.corpus, validate=validate)

    def draft(self, topics: TopicResult | None = None, compile: bool = True) -> DraftResult:
        """Stage 6: draft ``survey.md`` and ``survey.tex`` with grounded citations; compile the PDF.

        Parameters
        ----------
        topics : TopicResult, optional
            The taxonomy to follow; by default the saved one.
        compile : bool
            Build ``survey.pdf`` with latexmk when TeX is installed.

        Returns
        -------
        DraftResult
        """
        from surveykit.draft import write_draft

        assignments, table, result = self._frames(topics)
        attributes = self._attributes()
        with owned_outputs(self.config, "draft"):
            return write_draft(self.config, self.corpus, assignments, table, self.keys,
                               attributes=attributes, related=result.related, compile=compile)

    def files(self, folder: str) -> FileList:
        """The files in one output folder (``"tables"``, ``"figures"``, ``"bib"``, ``"draft"``, ``"build"``).

        Parameters
        ----------
        folder : str
            The name of an output folder.
        """
        from surveykit.display import FileList

        return FileList(getattr(self.paths, folder))

    def _forget(self, *names: str) -> None:
        for name in names:
            self.workspace.__dict__.pop(name, None)


def load(paths: PathLike | Iterable[PathLike], dedupe: bool = True, **options: Any) -> Corpus:
    """Read papers from one or more source files into a :class:`Corpus`.

    The format is guessed from each file's suffix (BibTeX, RIS, CSV/TSV, JSON/JSONL, arXiv,
    OpenAlex/Semantic Scholar, Web of Science, a listing page). Entries that cannot be read are
    skipped with a warning naming the file and line.

    Parameters
    ----------
    paths : path or paths
        The source files.
    dedupe : bool
        Merge records of the same work (same DOI, arXiv id or title), keeping the richest fields.
    **options
        Passed to every loader (for example ``format="csv"``).

    Returns
    -------
    Corpus
    """
    from surveykit.corpus.dedupe import dedupe as merge
    from surveykit.sources import load_source
    from surveykit.sources.report import LoadResult

    files = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not files:
        raise ValueError("no source files given")
    loaded = LoadResult()
    for path in files:
        loaded.extend(load_source(path, **options))
    if loaded.issues:
        warnings.warn(f"{loaded.summary()} (first: {loaded.issues[0]})", stacklevel=2)
    papers = merge(loaded.papers).papers if dedupe else loaded.papers
    name = Path(files[0]).stem if len(files) == 1 else "corpus"
    return Corpus(papers, name=name)


def embed_papers(corpus: Corpus, model: str | None = None, cache_dir: PathLike | None = None) -> np.ndarray:
    """Embed each paper's title + abstract (all-MiniLM-L6-v2 by default, offline, cached).

    Parameters
    ----------
    corpus : Corpus
    model : str, optional
        A sentence-transformers model name or folder.
    cache_dir : path, optional
        The embedding cache (default ``SURVEYKIT_EMBED_CACHE`` or the user cache).

    Returns
    -------
    ndarray of shape (n_papers, dim)
        Unit-length rows in corpus order.
    """
    from surveykit.embed import embed_corpus

    kwargs: dict[str, Any] = {"model": model}
    if cache_dir is not None:
        kwargs["cache_dir"] = Path(cache_dir)
    return embed_corpus(corpus, **kwargs)


def fit_topics(corpus: Corpus, embeddings: np.ndarray | None = None, curation: PathLike | None = None,
               **params: Any) -> TopicResult:
    """Topics, labels and a 2-level taxonomy for a corpus.

    Parameters
    ----------
    corpus : Corpus
        From :func:`load` (or ``Survey.corpus``).
    embeddings : ndarray, optional
        One row per paper in corpus order; computed with :func:`embed` when omitted.
    curation : path, optional
        A curation TOML file (rename, merge, split, move, pin, exclude, ``n_topics``).
    **params
        ``[topics]`` settings, e.g. ``n_topics=8`` or ``seed=0``.

    Returns
    -------
    TopicResult
    """
    import dataclasses
    import difflib

    from surveykit.topics import TopicConfig, TopicModel

    names = [f.name for f in dataclasses.fields(TopicConfig)]
    for key in params:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; settings: {', '.join(names)}"
            raise TypeError(f"fit_topics() got an unknown topic setting {key!r}{hint}")
    vectors = embed_papers(corpus) if embeddings is None else embeddings
    return TopicModel(TopicConfig.from_dict(params), curation).fit(corpus, vectors).result_


__all__ = ["Survey", "Tables", "embed_papers", "fit_topics", "load"]
