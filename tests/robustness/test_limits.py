"""A figure a small corpus cannot have is a stated limit, reported to the run, not a traceback."""

from __future__ import annotations

import pytest

from surveykit.limits import Limit, figure_or_limit
from surveykit.runreport import ENV, read_outcomes


def hierarchy_figure(n_topics: int) -> str:
    if n_topics < 2:
        raise ValueError("a hierarchy needs at least two topics")
    return "figure"


def test_small_inputs_give_a_stated_limit(tmp_path, monkeypatch):
    report = tmp_path / "run_report.jsonl"
    monkeypatch.setenv(ENV, str(report))
    assert figure_or_limit(hierarchy_figure, 3) == "figure"
    limit = figure_or_limit(hierarchy_figure, 1)
    assert isinstance(limit, Limit)
    assert str(limit) == "hierarchy figure: not drawn: a hierarchy needs at least two topics"
    assert "<em>" in limit._repr_html_()
    (outcome,) = read_outcomes(report)
    assert outcome.kind == "degraded" and "at least two topics" in outcome.message


def test_other_errors_still_raise():
    def broken() -> None:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        figure_or_limit(broken)
