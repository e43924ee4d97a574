"""The figures stage: build every figure of a survey and write it to ``config.paths.figures``.

:class:`SurveyFigures` holds the inputs once and makes each figure with one call that also
writes it (PDF, SVG, PNG, HTML), reusing one browser for the whole session; that is what the
notebook uses. :func:`build_figures` makes them all in one go.

``[figures]`` options in ``survey.toml`` (all optional)::

    formats = ["pdf", "svg", "png", "html"]
    png_dpi = 300
    projection = "auto"        # "tsne", "pca" or "auto" (t-SNE up to 3,000 papers)
    seed = 0
    taxonomy = "sunburst"      # or "treemap"
    max_cites = 8              # papers cited per subtopic in taxonomy_tree.tex
    plotlyjs = "shared"        # or "inline" (standalone HTML files)
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from surveykit import io
from surveykit.bib.latex import keep_scripts
from surveykit.figures import data
from surveykit.figures.attribute_heatmap import plot_attribute_heatmap
from surveykit.figures.export import (
    FORMATS,
    BrowserSession,
    ExportReport,
    export_figures,
    find_browser,
)
from surveykit.figures.forest_tree import forest_tree
from surveykit.figures.paper_map import POINT_BUDGET, plot_paper_map, point_sample
from surveykit.figures.papers_per_year import plot_papers_per_year
from surveykit.figures.taxonomy import plot_taxonomy
from surveykit.figures.theme import topic_colors
from surveykit.figures.topic_similarity import plot_topic_similarity
from surveykit.figures.topic_sizes import plot_topic_sizes
from surveykit.runreport import report_degraded, report_failure
from surveykit.texengine import unicode_available

logger = logging.getLogger(__name__)

FIGURE_NAMES = ("paper_map", "topic_sizes", "taxonomy", "papers_per_year", "attribute_heatmap",
                "topic_similarity")
TREE_FILE = "taxonomy_tree.tex"
_OPTIONS = {"formats", "png_dpi", "projection", "seed", "taxonomy", "max_cites", "plotlyjs",
            "point_budget"}


class FigureSet(dict):
    """``{name: go.Figure}`` plus the :class:`ExportReport` and the forest tree path."""

    report: ExportReport | None = None
    tree: Path | None = None


def _corpus_ids(corpus: Any) -> list[str]:
    if isinstance(corpus, pd.DataFrame):
        return [str(i) for i in (corpus["id"] if "id" in corpus.columns else corpus.index)]
    return [paper.id for paper in corpus]


def figure_options(config: Any) -> dict[str, Any]:
    """The ``[figures]`` section with defaults; unknown keys are an error naming the key."""
    section = config.section("figures") if config is not None else {}
    unknown = sorted(set(section) - _OPTIONS)
    if unknown:
        where = getattr(config, "path", None) or "<config>"
        raise ValueError(f"{where}: unknown [figures] option(s) {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(_OPTIONS))}")
    return {
        "formats": tuple(section.get("formats", FORMATS)),
        "png_dpi": float(section.get("png_dpi", 300)),
        "projection": str(section.get("projection", "auto")),
        "seed": int(section.get("seed", 0)),
        "taxonomy": str(section.get("taxonomy", "sunburst")),
        "max_cites": int(section.get("max_cites", 8)),
        "plotlyjs": str(section.get("plotlyjs", "shared")),
        "point_budget": int(section.get("point_budget", POINT_BUDGET)),
    }


class SurveyFigures:
    """The figures of one survey; each method builds a figure, writes it and returns it.

    >>> figs = SurveyFigures(config, corpus, assignments, topics, embeddings)
    >>> figs.paper_map()          # shown inline in Jupyter, written as PDF/SVG/PNG/HTML
    >>> figs.close()              # stops the browser (also at interpreter exit)
    """

    def __init__(
        self,
        config: Any,
        corpus: Any,
        assignments: pd.DataFrame,
        topics: pd.DataFrame,
        embeddings: np.ndarray | None = None,
        attributes: pd.DataFrame | None = None,
        keys: Mapping[str, str] | None = None,
        coordinates: np.ndarray | pd.DataFrame | None = None,
        out_dir: str | Path | None = None,
        write: bool = True,
        session: BrowserSession | None = None,
    ) -> None:
        self.config = config
        self.options = figure_options(config)
        self.corpus = corpus
        self.assignments = assignments
        self.topics = topics
        self.embeddings = None if embeddings is None else np.asarray(embeddings)
        self.attributes = attributes
        self._keys = dict(keys) if keys is not None else None
        self.ids = _corpus_ids(corpus)
        if out_dir is None:
            if config is None or config.paths is None:
                raise ValueError("give out_dir, or a config with paths (surveykit.config.load_config)")
            out_dir = config.paths.figures
        self.out_dir = Path(out_dir)
        self.write = write
        self.colors = topic_colors(pd.concat([topics["topic"], assignments["topic"]]))
        self.labels = {int(t): str(label) for t, label in zip(topics["topic"], topics["label"], strict=True)}
        self._coordinates = coordinates
        self._session: BrowserSession | None = session
        self._owns_session = session is None
        self.reports: dict[str, ExportReport] = {}
        self._map_sample: go.Figure | None = None  # the static paper map when over point_budget

    # --- shared inputs ------------------------------------------------------------------------

    @property
    def coordinates(self) -> np.ndarray | pd.DataFrame:
        """2D positions of the papers (computed once from the embeddings, deterministic)."""
        if self._coordinates is None:
            if self.embeddings is None:
                raise ValueError("the paper map needs embeddings or precomputed coordinates")
            self._coordinates = data.project_2d(self.embeddings, self.options["projection"],
                                                self.options["seed"])
        return self._coordinates

    @property
    def keys(self) -> dict[str, str]:
        """Citation keys (given, else the bib stage's rule with the config's pinned keys)."""
        if self._keys is None:
            from surveykit.bib.keys import make_keys

            pinned = getattr(self.config, "pinned_keys", None) or None
            self._keys = make_keys(list(self.corpus), pinned=pinned)
        return self._keys

    # --- figures ------------------------------------------------------------------------------

    def paper_map(self, **kwargs: Any) -> go.Figure:
        """Every paper in the interactive map (WebGL above ``point_budget``); the static files
        draw a deterministic sample of ``point_budget`` papers (:func:`point_sample`)."""
        frame = data.map_frame(self.assignments, self.coordinates, ids=self.ids, corpus=self.corpus)
        budget = self.options["point_budget"]
        kwargs.setdefault("budget", budget)
        full = plot_paper_map(frame, self.colors, **kwargs)
        self._map_sample = None
        if not (0 < budget < len(frame)):
            return self._out("paper_map", full)
        self._map_sample = plot_paper_map(point_sample(frame, budget), self.colors, **kwargs)
        if self.write:
            self._write_map(full)
        return full

    def _write_map(self, full: go.Figure) -> ExportReport:
        """The big map: every paper in the HTML, the budget's sample in the static files."""
        static = [f for f in self.options["formats"] if f != "html"]
        reports = []
        # one owner for both writes: the second would otherwise drop the first's HTML as a format
        # "no longer asked for" (the interactive map of a big corpus went missing)
        with self._owned("figures.paper_map"):
            if "html" in self.options["formats"]:
                reports.append(self._export({"paper_map": full}, ["html"], owned=False))
            if static:
                reports.append(self._export({"paper_map": self._map_sample}, static, owned=False))
        self.reports["paper_map"] = reports[-1]
        return reports[-1]

    def topic_sizes(self, **kwargs: Any) -> go.Figure:
        frame = data.topic_sizes_frame(self.assignments, self.topics)
        return self._out("topic_sizes", plot_topic_sizes(frame, self.colors, **kwargs))

    def taxonomy(self, **kwargs: Any) -> go.Figure:
        kwargs.setdefault("kind", self.options["taxonomy"])
        root = self._title() or "All papers"
        frame = data.taxonomy_frame(self.assignments, self.topics, root=root)
        return self._out("taxonomy", plot_taxonomy(frame, self.colors, **kwargs))

    def papers_per_year(self, **kwargs: Any) -> go.Figure:
        counts = data.papers_per_year_frame(self.corpus, self.assignments, self.topics)
        return self._out("papers_per_year", plot_papers_per_year(counts, self.labels, self.colors, **kwargs))

    def attribute_heatmap(self, **kwargs: Any) -> go.Figure:
        if self.attributes is None:
            raise ValueError("the attribute heatmap needs the attributes frame (paper_id, attribute, value)")
        frame = data.attribute_topic_frame(self.attributes, self.assignments, self.topics)
        return self._out("attribute_heatmap", plot_attribute_heatmap(frame, self.colors, **kwargs))

    def topic_similarity(self, **kwargs: Any) -> go.Figure:
        if self.embeddings is None or self.embeddings.shape[1] == 2:
            raise ValueError("topic similarity needs the paper embeddings")
        matrix = data.topic_similarity_frame(self.embeddings, self.assignments, self.topics, ids=self.ids)
        fig = plot_topic_similarity(matrix, self.labels, self.colors, **kwargs)
        return self._out("topic_similarity", fig)

    def _title(self) -> str | None:
        """The survey's title as the draft gives it (:func:`~surveykit.corpus.bundled.title_for`)."""
        from surveykit.corpus.bundled import title_for

        title = getattr(self.config, "title", None)
        return title_for(title, self.corpus) if title and self.corpus is not None else title

    def short_names(self) -> dict[str, str]:
        """Cite key -> the system name a paper's title leads with ("AgentTuning"), where it has one
        and authors (a paper without authors is cited by its title, which already says the name:
        no "GENIE (GENIE, n.d.)")."""
        from surveykit.textutil import system_name

        names = {}
        for paper in self.corpus:
            name = system_name(paper.title)
            if name and paper.authors and paper.id in self.keys:
                names[self.keys[paper.id]] = name
        return names

    def taxonomy_tree(self, **kwargs: Any) -> str:
        """The LaTeX forest tree; written to ``taxonomy_tree.tex`` and returned."""
        kwargs.setdefault("max_cites", self.options["max_cites"])
        kwargs.setdefault("root", self._title() or "Taxonomy")
        with keep_scripts(unicode_available()):  # non-Latin labels as they are, for LuaLaTeX
            kwargs.setdefault("names", self.short_names())
            text = forest_tree(self.topics, self.assignments, self.keys, colors=self.colors, **kwargs)
        if self.write:
            with self._owned("figures.taxonomy_tree"):
                io.write_text(self.out_dir / TREE_FILE, text)
        return text

    def show(self, name: str, **kwargs: Any) -> go.Figure:
        """Build, write and return the figure called ``name`` (one of :data:`FIGURE_NAMES`)."""
        if name not in FIGURE_NAMES:
            raise ValueError(f"unknown figure {name!r}; figures: {', '.join(FIGURE_NAMES)}")
        return getattr(self, name)(**kwargs)

    def available(self) -> list[str]:
        """The figures the inputs allow (no heatmap without attributes, ...)."""
        names = list(FIGURE_NAMES)
        if self.attributes is None:
            names.remove("attribute_heatmap")
        if self.embeddings is None or self.embeddings.shape[1] == 2:
            names.remove("topic_similarity")
            if self._coordinates is None:
                names.remove("paper_map")
        return names

    def build_all(self) -> FigureSet:
        """Every available figure, exported in ONE browser session, plus the forest tree."""
        builders: dict[str, Callable[[], go.Figure]] = {n: getattr(self, n) for n in self.available()}
        write, self.write = self.write, False
        try:
            figures = FigureSet({name: build() for name, build in builders.items()})
        finally:
            self.write = write
        if self.write:
            big_map = figures.get("paper_map") if self._map_sample is not None else None
            figures.report = self._export({k: v for k, v in figures.items()
                                           if big_map is None or k != "paper_map"})
            if big_map is not None:
                self._write_map(big_map)
            self.taxonomy_tree()
            figures.tree = self.out_dir / TREE_FILE
        return figures

    # --- writing ------------------------------------------------------------------------------

    def _out(self, name: str, fig: go.Figure) -> go.Figure:
        if self.write:
            self.reports[name] = self._export({name: fig})
        return fig

    def _export(self, figures: Mapping[str, go.Figure], formats: list[str] | None = None,
                owned: bool = True) -> ExportReport:
        formats = list(self.options["formats"]) if formats is None else formats
        static = [f for f in formats if f != "html"]
        if static and self._session is None and find_browser() is not None:
            self._session = BrowserSession()
            self._owns_session = True
        owner = self._owned("figures." + ("+".join(figures) if len(figures) == 1 else "all")) if owned \
            else contextlib.nullcontext()
        with owner:
            report = export_figures(figures, self.out_dir, formats=formats,
                                    png_dpi=self.options["png_dpi"], session=self._session,
                                    plotlyjs=self.options["plotlyjs"])
        if report.html_only:
            self.close()
            if find_browser() is None:
                report_degraded("04 figures", "no Chromium: figures written as interactive HTML only")
            else:
                report_failure("04 figures", "static figures not written", self.out_dir,
                               [report.message])
        logger.info(report.summary())
        return report

    def _owned(self, stage: str) -> contextlib.AbstractContextManager[Any]:
        """Record what ``stage`` writes in the output manifest (formats no longer asked for go)."""
        paths = getattr(self.config, "paths", None)
        if paths is None or Path(paths.figures).resolve() != self.out_dir.resolve():
            return contextlib.nullcontext()
        from surveykit.manifest import owned_outputs

        return owned_outputs(self.config, stage)

    def close(self) -> None:
        """Stop the browser this object started (a session passed in stays open)."""
        if self._session is not None and self._owns_session:
            self._session.close()
            self._session = None

    def __enter__(self) -> SurveyFigures:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # a notebook rarely calls close()
        with contextlib.suppress(Exception):  # interpreter shutdown: nothing left to do
            self.close()


def build_figures(
    config: Any,
    corpus: Any,
    assignments: pd.DataFrame,
    topics: pd.DataFrame,
    embeddings: np.ndarray | None,
    attributes: pd.DataFrame | None = None,
    keys: Mapping[str, str] | None = None,
    coordinates: np.ndarray | pd.DataFrame | None = None,
    out_dir: str | Path | None = None,
    session: BrowserSession | None = None,
) -> FigureSet:
    """Make every figure the inputs allow and write them to ``config.paths.figures`` (or
    ``out_dir``): ``<name>.pdf/.svg/.png/.html`` in one browser session, and ``taxonomy_tree.tex``.

    Returns ``{name: go.Figure}`` with ``.report`` (what was written; ``report.message`` explains an
    HTML-only run) and ``.tree`` (the forest file). ``session``: a :class:`BrowserSession` to reuse
    (left open); by default one is started and stopped here.
    """
    with SurveyFigures(config, corpus, assignments, topics, embeddings, attributes=attributes, keys=keys,
                       coordinates=coordinates, out_dir=out_dir, session=session) as figures:
        return figures.build_all()


__all__: Sequence[str] = ["FIGURE_NAMES", "FigureSet", "SurveyFigures", "build_figures", "figure_options"]
