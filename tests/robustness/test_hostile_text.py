"""Hostile HTML in titles, authors, venues and labels is inert in every Markdown output."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from surveykit.tables.export import to_markdown, write_table
from surveykit.textutil import markdown_escape, markdown_url
from tests.test_draft import fake_taxonomy, fixture_config, fixture_corpus

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<!-- comment -->",
    "&lt;script&gt; entity",
    "[click](javascript:alert(1))",
    "a | b ` c * d _ e \\ f",
]
# the only markup surveykit itself writes in Markdown: anchors, the header comment, autolinks
OWN_TAGS = re.compile(r"<(?:a id=\"[^\"<>]*\">|/a>|!-- Drafted by surveykit|https?://[^\s<>]+>)")


def live_markup(text: str) -> list[str]:
    """Every ``<`` that does not start markup surveykit writes itself."""
    starts = [m.start() for m in re.finditer("<", text)]
    return [text[i:i + 40] for i in starts if not OWN_TAGS.match(text, i)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_escape_leaves_no_markup(payload):
    escaped = markdown_escape(payload)
    assert "<" not in escaped and ">" not in escaped
    assert not re.search(r"&(?!amp;|lt;|gt;)", escaped)  # the payload's own entities are shown, not decoded
    assert "](" not in escaped.replace("\\](", "")


def test_only_http_links_are_linked():
    assert markdown_url("javascript:alert(1)") is None
    assert markdown_url("data:text/html,<script>") is None
    assert markdown_url("https://x.org/a<b>") == "https://x.org/a%3Cb%3E"


def test_markdown_tables_escape_every_cell(tmp_path):
    frame = pd.DataFrame({"Name <b>": PAYLOADS, "Venue": PAYLOADS[::-1]})
    text = to_markdown(frame)
    assert live_markup(text) == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert len(text.splitlines()) == len(PAYLOADS) + 2  # no cell broke the table
    assert all(line.count(" | ") == 1 for line in text.splitlines()[2:])
    write_table(frame, tmp_path, "hostile", caption="<script>x</script>", formats=("md", "html"))
    assert live_markup((tmp_path / "hostile.md").read_text(encoding="utf-8")) == []
    assert "<script" not in (tmp_path / "hostile.html").read_text(encoding="utf-8")


def test_survey_md_shows_hostile_text_literally(tmp_path):
    from surveykit.draft.stage import write_draft

    corpus = fixture_corpus()
    for i, paper in enumerate(corpus):
        paper.title = f"{PAYLOADS[i % len(PAYLOADS)]} {paper.title}"
        paper.venue = PAYLOADS[(i + 1) % len(PAYLOADS)]
        paper.authors = [f"<img src=x onerror=alert({i})>, Eve", *paper.authors]
        paper.urls = ["javascript:alert(1)"]
        paper.arxiv_id = None
        paper.doi = None
    assignments, topics = fake_taxonomy(corpus)
    topics["label"] = [f"<script>t{t}</script>" for t in topics["topic"]]
    assignments["topic_label"] = [f"<script>t{t}</script>" for t in assignments["topic"]]
    keys = {pid: f"key{i}" for i, pid in enumerate(corpus.ids)}
    config = fixture_config(tmp_path / "out")
    config.title = "<script>alert('title')</script> & Co"
    config.paths.ensure()
    write_table(pd.DataFrame({"Name": PAYLOADS}), config.paths.tables, "overview",
                caption="Overview", formats=("md", "tex"))
    result = write_draft(config, corpus, assignments, topics, keys, compile=False)
    text = result.markdown.read_text(encoding="utf-8")
    assert live_markup(text) == []
    assert not re.search(r"(?<!\\)\]\(javascript:|<javascript:", text)  # shown as text, never a link
    assert "&lt;script&gt;" in text
