"""A list of arXiv ids resolved through the (recorded) arXiv API."""

from __future__ import annotations

from pathlib import Path

from surveykit.enrich.http import HttpClient
from surveykit.sources import load_source

APIS = Path(__file__).parent / "fixtures" / "apis"


class _Response:
    def __init__(self, text: str) -> None:
        self.status_code, self.text, self.headers = 200, text, {"Content-Type": "application/atom+xml"}


class _Session:
    def __init__(self) -> None:
        self.calls = 0

    def get(self, url, params=None, headers=None, timeout=None):
        self.calls += 1
        return _Response((APIS / "arxiv_id_list.atom").read_text(encoding="utf-8"))


def _ids_file(tmp_path: Path) -> Path:
    path = tmp_path / "ids.txt"
    path.write_text(
        "# my reading list\n"
        "https://arxiv.org/abs/2408.09667v2\n"
        "\n"
        "arXiv:2310.03302  # MLAgentBench\n"
        "2408.09667\n"
        "not-an-id\n"
        "2501.99999\n"
    )
    return path


def test_ids_are_resolved_and_problems_reported_with_lines(tmp_path):
    session = _Session()
    http = HttpClient(cache_dir=tmp_path / "cache", session=session, intervals={})
    result = load_source(_ids_file(tmp_path), format="arxiv-ids", http=http)
    assert [p.arxiv_id for p in result.papers] == ["2408.09667", "2310.03302"]
    assert result.papers[0].title.startswith("BLADE")
    assert result.papers[0].source_key == "line 2"
    problems = {(i.line, i.severity) for i in result.issues}
    assert problems == {(5, "warning"), (6, "error"), (7, "error")}
    assert session.calls == 1  # one batched request


def test_offline_without_cache_reports_instead_of_fetching(tmp_path):
    class _NoNetwork:
        def get(self, *args, **kwargs):
            raise AssertionError("network touched")

    http = HttpClient(cache_dir=tmp_path / "cache", session=_NoNetwork(), offline=True)
    result = load_source(_ids_file(tmp_path), format="arxiv-ids", http=http)
    assert result.papers == []
    assert any("offline" in i.reason for i in result.issues)
