"""Publication-ready figures of a survey: compute DataFrames (``data``), plot them (one module per
figure), export PDF/SVG/PNG/HTML in one browser session (``export``), all with one theme and one
colour per topic (``theme``)."""

from surveykit.figures.attribute_heatmap import plot_attribute_heatmap
from surveykit.figures.data import (
    FigureDataError,
    attribute_topic_frame,
    map_frame,
    papers_per_year_frame,
    project_2d,
    taxonomy_frame,
    topic_similarity_frame,
    topic_sizes_frame,
)
from surveykit.figures.export import (
    BrowserNotFoundWarning,
    BrowserSession,
    ExportReport,
    FigureExportError,
    export_figures,
    find_browser,
)
from surveykit.figures.forest_tree import forest_document, forest_tree
from surveykit.figures.paper_map import plot_paper_map
from surveykit.figures.papers_per_year import plot_papers_per_year
from surveykit.figures.stage import FIGURE_NAMES, FigureSet, SurveyFigures, build_figures
from surveykit.figures.taxonomy import plot_taxonomy
from surveykit.figures.theme import apply_theme, column_width, palette, publication_template, topic_colors
from surveykit.figures.topic_similarity import plot_topic_similarity
from surveykit.figures.topic_sizes import plot_topic_sizes

__all__ = [
    "FIGURE_NAMES",
    "BrowserNotFoundWarning",
    "BrowserSession",
    "ExportReport",
    "FigureDataError",
    "FigureExportError",
    "FigureSet",
    "SurveyFigures",
    "apply_theme",
    "attribute_topic_frame",
    "build_figures",
    "column_width",
    "export_figures",
    "find_browser",
    "forest_document",
    "forest_tree",
    "map_frame",
    "palette",
    "papers_per_year_frame",
    "plot_attribute_heatmap",
    "plot_paper_map",
    "plot_papers_per_year",
    "plot_taxonomy",
    "plot_topic_similarity",
    "plot_topic_sizes",
    "project_2d",
    "publication_template",
    "taxonomy_frame",
    "topic_colors",
    "topic_similarity_frame",
    "topic_sizes_frame",
]
