"""Static export with the system Chromium: every figure as valid PDF, SVG, PNG and HTML.

All renders of this module share ONE browser session (module-scoped fixture). Skipped when no
Chromium/Chrome is found (set ``BROWSER_PATH=$(command -v chromium)``).
"""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET

import pytest

from surveykit.figures import BrowserSession, SurveyFigures, build_figures, export_figures, find_browser
from surveykit.figures.stage import FIGURE_NAMES
from tests.test_figures import make_inputs

pytestmark = pytest.mark.chromium


@pytest.fixture(scope="module")
def browser():
    if find_browser() is None:
        pytest.skip("no Chromium/Chrome found (set BROWSER_PATH to enable figure export tests)")
    with BrowserSession() as session:
        yield session


@pytest.fixture(scope="module")
def built(browser, tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    corpus, assignments, topics, embeddings, attributes, keys = make_inputs()
    figures = build_figures(None, corpus, assignments, topics, embeddings, attributes=attributes, keys=keys,
                            out_dir=out, session=browser)
    return out, figures


def check_files(out, name):
    pdf = (out / f"{name}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF"), name
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > 100 and float(box.height) > 50
    png = (out / f"{name}.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width >= 1000 and height >= 300  # 300 dpi of a >= 3.5 in wide figure
    root = ET.fromstring((out / f"{name}.svg").read_bytes())
    assert root.tag.endswith("svg")
    html = (out / f"{name}.html").read_text(encoding="utf-8")
    assert f'id="surveykit-{name}"' in html and "Plotly.newPlot" in html
    return reader


def test_every_figure_in_every_format(built):
    out, figures = built
    assert set(figures) == set(FIGURE_NAMES)
    assert figures.report.ok and not figures.report.errors
    for name in FIGURE_NAMES:
        check_files(out, name)
    assert (out / "plotly.min.js").stat().st_size > 1_000_000
    assert (out / "taxonomy_tree.tex").is_file()
    assert not list(out.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_pdf_has_printed_size(built):
    out, figures = built
    from pypdf import PdfReader

    box = PdfReader(out / "topic_sizes.pdf").pages[0].mediabox
    assert float(box.width) == pytest.approx(3.5 * 72, abs=1)  # single column
    box = PdfReader(out / "paper_map.pdf").pages[0].mediabox
    assert float(box.width) == pytest.approx(7 * 72, abs=1)  # double column


def test_pdf_is_drawn_edge_to_edge(browser):
    """The PDF page shows the whole figure at its size (as the PNG does): an x-axis title just
    above the bottom edge is drawn at 0.75 pt per CSS pixel from the page's corner, not shrunk
    and pushed down under a print margin that cuts it off."""
    import plotly.graph_objects as go
    from pypdf import PdfReader

    fig = go.Figure(go.Bar(x=[1, 2, 3], y=[3, 1, 2]))
    fig.update_layout(width=400, height=200, margin=dict(l=30, r=0, t=0, b=36), xaxis_title="Year")
    page = PdfReader(io.BytesIO(browser.render(fig, "pdf"))).pages[0]
    placed = []

    def visit(text, cm, tm, font, size):
        if text.strip() == "Year":
            placed.append((cm, tm))

    page.extract_text(visitor_text=visit)
    assert placed, "the axis title is missing from the PDF"
    cm, tm = placed[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((300, 150))
    assert cm[0] == pytest.approx(0.75, abs=1e-4) and cm[4] == pytest.approx(0, abs=0.01)
    baseline = cm[3] * tm[5] + cm[5]  # in points above the page's bottom edge
    assert 0 < baseline < 8


def test_sparse_data_exports(browser, tmp_path):
    corpus, assignments, topics, embeddings, attributes, keys = make_inputs((1, 2, 1, 1), years=(2019, 2023))
    figures = SurveyFigures(None, corpus, assignments, topics, embeddings, attributes, keys,
                            out_dir=tmp_path, write=False)
    figs = {name: figures.show(name) for name in figures.available()}
    report = export_figures(figs, tmp_path, formats=("pdf", "png"), session=browser)
    assert report.ok
    for name in figs:
        assert (tmp_path / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        assert (tmp_path / f"{name}.png").read_bytes().startswith(b"\x89PNG")


def test_static_output_is_deterministic(browser, built):
    _, figures = built
    fig = figures["topic_sizes"]
    for fmt in ("svg", "pdf", "png"):
        assert browser.render(fig, fmt) == browser.render(fig, fmt), fmt
