"""The drafted survey: grounded extractive text with citations, Markdown and LaTeX, compiled to PDF.

>>> result = write_draft(config, corpus, assignments, topics, keys)
>>> print(result.summary())
"""

from surveykit.draft.compile import CompileReport, compile_tex
from surveykit.draft.grounding import GroundingReport, check_document, check_tex
from surveykit.draft.outline import Drafter, DraftOptions
from surveykit.draft.render import render_latex, render_markdown
from surveykit.draft.stage import DraftResult, draft_document, write_draft

__all__ = [
    "CompileReport",
    "DraftOptions",
    "DraftResult",
    "Drafter",
    "GroundingReport",
    "check_document",
    "check_tex",
    "compile_tex",
    "draft_document",
    "render_latex",
    "render_markdown",
    "write_draft",
]
