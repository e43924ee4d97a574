"""Figures drop into a paper unedited: every exported figure, at the width it is exported for (the
width it is meant to be included at), has fonts between 8 and 10 pt and no text outside its canvas.

Each SVG is rendered in the system Chromium (Playwright, no browser download) and every ``<text>``
element's box is compared with the canvas. Skipped without Chromium or Playwright.
"""

from __future__ import annotations

import pytest

from surveykit.figures import BrowserSession, build_figures, find_browser
from tests.test_browser import CHROMIUM_ARGS, chromium
from tests.test_figures import make_inputs

pytestmark = [pytest.mark.chromium, pytest.mark.browser]

MIN_PT, MAX_PT = 8.0, 10.0
PX_PER_PT = 96 / 72  # the SVG is written at 96 px per inch: its width in px / 96 is the print width
TEXT_BOXES = """() => { const svg = document.querySelector('svg'); const box = svg.getBoundingClientRect();
  const out = [];
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const r = t.getBoundingClientRect(); if (r.width === 0 && r.height === 0) continue;
    out.push({text: t.textContent.slice(0, 60), size: parseFloat(getComputedStyle(t).fontSize),
              left: r.left - box.left, top: r.top - box.top, right: r.right - box.left,
              bottom: r.bottom - box.top}); }
  return {width: box.width, height: box.height, texts: out}; }"""


@pytest.fixture(scope="module")
def svgs(tmp_path_factory):
    if find_browser() is None or chromium() is None:
        pytest.skip("no Chromium/Chrome found")
    pytest.importorskip("playwright.sync_api")
    out = tmp_path_factory.mktemp("figures")
    corpus, assignments, topics, embeddings, attributes, keys = make_inputs()
    with BrowserSession() as session:
        build_figures(None, corpus, assignments, topics, embeddings, attributes=attributes, keys=keys,
                      out_dir=out, session=session)
    return sorted(out.glob("*.svg"))


@pytest.fixture(scope="module")
def measured(svgs):
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        for path in svgs:
            page.goto(path.as_uri())
            results[path.stem] = page.evaluate(TEXT_BOXES)
        browser.close()
    return results


def test_every_figure_is_measured(measured):
    assert len(measured) >= 6 and all(m["texts"] for m in measured.values())


def test_fonts_between_8_and_10_pt_at_the_exported_width(measured):
    bad = {name: sorted({round(t["size"] / PX_PER_PT, 2) for t in m["texts"]
                         if not MIN_PT - 0.01 <= t["size"] / PX_PER_PT <= MAX_PT + 0.01})
           for name, m in measured.items()}
    assert not {k: v for k, v in bad.items() if v}, f"font sizes (pt) outside {MIN_PT}-{MAX_PT}: {bad}"


def test_no_text_outside_the_canvas(measured):
    clipped = {name: [(t["text"], round(t["left"]), round(t["top"]), round(t["right"]), round(t["bottom"]))
                      for t in m["texts"] if t["left"] < -0.5 or t["top"] < -0.5
                      or t["right"] > m["width"] + 0.5 or t["bottom"] > m["height"] + 0.5]
               for name, m in measured.items()}
    assert not {k: v for k, v in clipped.items() if v}, f"text outside the canvas: {clipped}"
