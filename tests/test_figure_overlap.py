"""No overlapping titles and no cut text at 6 and at 10 topics (issue 12): each figure of notebooks
02 and 04 is rendered as a notebook shows it (plotly in the system Chromium, Playwright, no browser
download) and the boxes of its text elements are compared: titles (figure, subplot, axis, legend
title) must not overlap one another or any other text, and no text may leave the figure. The
keyword chart's panels must show their own topic's terms.
"""

from __future__ import annotations

import pytest

from tests.test_browser import CHROMIUM_ARGS, chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOPIC_COUNTS = (6, 10)
TEXT_BOXES = """() => { const root = document.querySelector('.js-plotly-plot');
  const box = root.getBoundingClientRect(); const out = [];
  for (const t of root.querySelectorAll('.main-svg text, .infolayer text')) {
    if (!t.textContent.trim()) continue;
    const r = t.getBoundingClientRect(); if (r.width === 0 && r.height === 0) continue;
    const kind = t.closest('.annotation') ? 'subtitle' : (t.getAttribute('class') || '');
    out.push({text: t.textContent.slice(0, 50), kind,
              left: r.left - box.left, top: r.top - box.top, right: r.right - box.left,
              bottom: r.bottom - box.top}); }
  return {width: box.width, height: box.height, texts: out}; }"""
TITLE_KINDS = ("gtitle", "xtitle", "ytitle", "subtitle", "legendtitletext")


def _figures(result, corpus, embeddings):
    from surveykit.figures import SurveyFigures
    from surveykit.topics import barchart_figure, documents_map, hierarchy_figure
    from surveykit.workspace import topic_frames

    assignments, table = topic_frames(result)
    figures = SurveyFigures(None, corpus, assignments, table, embeddings, out_dir="unused", write=False)
    return {
        "02 keywords": barchart_figure(result),
        "02 hierarchy": hierarchy_figure(result),
        "02 documents map": documents_map(result, corpus),
        "04 paper_map": figures.paper_map(),
        "04 topic_sizes": figures.topic_sizes(),
        "04 taxonomy": figures.taxonomy(),
        "04 papers_per_year": figures.papers_per_year(),
        "04 topic_similarity": figures.topic_similarity(),
    }


@pytest.fixture(scope="module")
def measured(bundled, tmp_path_factory):
    if chromium() is None:
        pytest.skip("no Chromium found")
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    from surveykit.api import fit_topics

    corpus, embeddings = bundled
    folder = tmp_path_factory.mktemp("overlap")
    pages = {}
    for n in TOPIC_COUNTS:
        result = fit_topics(corpus, embeddings, n_topics=n)
        for name, fig in _figures(result, corpus, embeddings).items():
            path = folder / f"{n}-{name.replace(' ', '_')}.html"
            fig.write_html(path, include_plotlyjs=True, full_html=True)
            pages[(n, name)] = path
    out = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        for key, path in pages.items():
            page.goto(path.as_uri())
            page.wait_for_selector(".main-svg")
            out[key] = page.evaluate(TEXT_BOXES)
        browser.close()
    return out


def _overlap(a: dict, b: dict, slack: float = 1.0) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack)


@pytest.mark.parametrize("n", TOPIC_COUNTS)
def test_no_overlapping_titles(measured, n):
    clashes = {}
    for (count, name), m in measured.items():
        if count != n:
            continue
        titles = [t for t in m["texts"] if any(k in t["kind"] for k in TITLE_KINDS)]
        # a title must not touch another title, a tick label or a legend entry
        pairs = [(a["text"], b["text"]) for a in titles for b in m["texts"]
                 if b is not a and _overlap(a, b)]
        if pairs:
            clashes[name] = pairs
    assert not clashes, f"overlapping titles at {n} topics: {clashes}"


@pytest.mark.parametrize("n", TOPIC_COUNTS)
def test_no_cut_text(measured, n):
    cut = {}
    for (count, name), m in measured.items():
        if count != n:
            continue
        out = [t["text"] for t in m["texts"] if t["left"] < -0.5 or t["top"] < -0.5
               or t["right"] > m["width"] + 0.5 or t["bottom"] > m["height"] + 0.5]
        if out:
            cut[name] = out
    assert not cut, f"text cut off at {n} topics: {cut}"


def test_keyword_panels_show_their_own_topics_terms(bundled):
    from surveykit.api import fit_topics
    from surveykit.topics import barchart_figure

    corpus, embeddings = bundled
    result = fit_topics(corpus, embeddings, n_topics=10)
    fig = barchart_figure(result)
    topics = [t for t in result.topics if t.id != -1]
    assert len(fig.data) == len(topics)
    for trace, topic in zip(fig.data, topics, strict=True):
        assert trace.name == topic.label
        assert set(trace.y) & set(topic.keywords), (topic.label, trace.y, topic.keywords)
