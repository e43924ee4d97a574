"""Font sizes of the text a PDF shows, as set (font size x text and transformation matrix scale):
how a test or benchmark checks that no table was shrunk below a readable size."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable

_TABLE_PAGE = re.compile(r"\bTable \d+(?::| \(continued\))")
_FIGURE_PAGE = re.compile(r"\bFigure \d+:")


def page_font_sizes(
    pdf: str | os.PathLike[str], pages: Iterable[int] | None = None
) -> dict[int, list[float]]:
    """Page number (1-based) -> the effective font sizes (pt) of its text runs."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    wanted = set(pages) if pages is not None else None
    out: dict[int, list[float]] = {}
    for number, page in enumerate(reader.pages, start=1):
        if wanted is not None and number not in wanted:
            continue
        sizes: list[float] = []

        def visit(text, cm, tm, font, size, sizes=sizes):
            if text.strip() and size:
                sizes.append(size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]))

        page.extract_text(visitor_text=visit)
        out[number] = sizes
    return out


def table_pages(pdf: str | os.PathLike[str]) -> list[int]:
    """Pages that show a table caption (``Table 3:``) or a continued table and no figure (a figure's
    own lettering is not the table's)."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    texts = [page.extract_text() or "" for page in reader.pages]
    return [n for n, text in enumerate(texts, start=1)
            if _TABLE_PAGE.search(text) and not _FIGURE_PAGE.search(text)]


def smallest_table_text(pdf: str | os.PathLike[str]) -> float | None:
    """The smallest font size (pt) on the pages that show tables (and no figure), or ``None``."""
    sizes = [s for values in page_font_sizes(pdf, table_pages(pdf)).values() for s in values]
    return round(min(sizes), 2) if sizes else None


__all__ = ["page_font_sizes", "smallest_table_text", "table_pages"]
