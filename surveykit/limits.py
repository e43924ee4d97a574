"""Stated limits instead of tracebacks: a figure a small corpus cannot have (a hierarchy of one
topic, a map of one paper) is reported as a one-line note in the notebook, and the run goes on."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limit:
    """A figure or table left out, and why (shown as one line in Jupyter)."""

    what: str
    reason: str

    def __str__(self) -> str:
        return f"{self.what}: not drawn: {self.reason}"

    def _repr_markdown_(self) -> str:
        return f"*{html.escape(str(self))}*"

    def _repr_html_(self) -> str:
        return f"<em>{html.escape(str(self))}</em>"


def figure_or_limit(make: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``make(*args, **kwargs)``; when the inputs are too small for it (a ``ValueError``, e.g. "a
    hierarchy needs at least two topics"), a :class:`Limit` naming the figure and the reason.

    Only for plot-only cells: nothing downstream reads their result."""
    from surveykit.runreport import report_degraded

    try:
        return make(*args, **kwargs)
    except ValueError as exc:
        limit = Limit(getattr(make, "__name__", "figure").replace("_", " "), str(exc))
        module = getattr(make, "__module__", "") or ""
        stage = module.split(".")[1] if module.startswith("surveykit.") else "notebook"
        report_degraded(stage, str(limit))  # the run lists it once and still exits 0
        return limit
