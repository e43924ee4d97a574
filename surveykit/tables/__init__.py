"""Comparison tables (papers x attributes per topic, topic overview, benchmarks) and their
exporters (LaTeX booktabs, Markdown, CSV, HTML, a styled pandas view)."""

from surveykit.tables.build import (
    DEFAULT_TOPIC_COLUMNS,
    TableError,
    benchmark_table,
    build_tables,
    overview_table,
    short_name,
    show_table,
    topic_attribute_table,
    topic_attribute_tables,
)
from surveykit.tables.export import (
    CHECK,
    LATEX_PACKAGES,
    latex_cell,
    styled,
    to_csv,
    to_html,
    to_latex,
    to_markdown,
    write_table,
)

__all__ = [
    "CHECK",
    "DEFAULT_TOPIC_COLUMNS",
    "LATEX_PACKAGES",
    "TableError",
    "benchmark_table",
    "build_tables",
    "latex_cell",
    "overview_table",
    "short_name",
    "show_table",
    "styled",
    "to_csv",
    "to_html",
    "to_latex",
    "to_markdown",
    "topic_attribute_table",
    "topic_attribute_tables",
    "write_table",
]
