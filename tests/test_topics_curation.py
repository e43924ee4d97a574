"""The curation file: n_topics, rename, merge, split, move, pin, exclude; unmatched is reported."""

from __future__ import annotations

import pytest

from surveykit.topics import CurationError, fit_topics, load_curation, parse_curation


@pytest.fixture(scope="module")
def base(bundled):
    return fit_topics(*bundled)


def fit_with(bundled, text: str, tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    result = fit_topics(*bundled, curation=path)
    assert path.read_bytes() == before  # the tool never rewrites the author's file
    return result


def topic_of(result, paper_id: str) -> int:
    return int(result.assignments.loc[paper_id, "topic"])


def statuses(result, op: str) -> list[str]:
    return [r["status"] for r in result.curation_report if r["op"] == op]


def test_n_topics(bundled, tmp_path):
    assert fit_with(bundled, "n_topics = 9\n", tmp_path).n_topics == 9


def test_rename_by_paper_label_and_id(bundled, base, tmp_path):
    first, second, third = (base.topics[i] for i in (0, 1, 2))
    text = (
        "[rename]\n"
        f'"paper:{first.representative_ids[0]}" = "Web agents"\n'
        f'"{second.label}" = "Multi-agent reasoning"\n'
        f'"#{third.id}" = "Agentic AI surveys"\n'
    )
    result = fit_with(bundled, text, tmp_path)
    labels = {t.label for t in result.topics}
    assert {"Web agents", "Multi-agent reasoning", "Agentic AI surveys"} <= labels
    assert result.topic(topic_of(result, first.representative_ids[0])).label == "Web agents"
    assert statuses(result, "rename") == ["applied"] * 3
    renamed = result.topic(topic_of(result, first.representative_ids[0]))
    assert renamed.auto_label == first.label


def test_merge(bundled, base, tmp_path):
    a, b = base.topics[0], base.topics[1]
    text = f'merge = [["paper:{a.representative_ids[0]}", "paper:{b.representative_ids[0]}"]]\n'
    result = fit_with(bundled, text, tmp_path)
    assert result.n_topics == base.n_topics - 1
    assert topic_of(result, a.representative_ids[0]) == topic_of(result, b.representative_ids[0])
    assert result.topic(topic_of(result, a.representative_ids[0])).size == a.size + b.size


def test_split(bundled, base, tmp_path):
    big = base.topics[0]
    result = fit_with(bundled, f'[split]\n"paper:{big.representative_ids[0]}" = 3\n', tmp_path)
    assert result.n_topics == base.n_topics + 2
    assert statuses(result, "split") == ["applied"]
    assert len({t.label for t in result.topics}) == result.n_topics


def test_move_and_pin(bundled, base, tmp_path):
    source, target = base.topics[0], base.topics[-1]
    mover = base.papers_of(source.id)[-1]
    pinned = base.papers_of(source.id)[-2]
    text = (
        "[move]\n"
        f'"{mover}" = "paper:{target.representative_ids[0]}"\n'
        "[rename]\n"
        f'"paper:{target.representative_ids[0]}" = "Security of agents"\n'
        "[pin]\n"
        f'"{pinned}" = "Security of agents"\n'
        f'"{base.papers_of(source.id)[-3]}" = "Hand-picked papers"\n'
    )
    result = fit_with(bundled, text, tmp_path)
    security = topic_of(result, target.representative_ids[0])
    assert topic_of(result, mover) == security
    assert topic_of(result, pinned) == security
    assert result.topic(security).label == "Security of agents"
    new_topic = result.topic(topic_of(result, base.papers_of(source.id)[-3]))
    assert new_topic.label == "Hand-picked papers" and new_topic.size == 1
    assert statuses(result, "pin") == ["applied", "applied"]


def test_exclude(bundled, base, tmp_path):
    gone = base.topics[0].representative_ids[0]
    result = fit_with(bundled, f'exclude = ["{gone}"]\n', tmp_path)
    assert gone not in result.assignments.index
    assert result.excluded == [gone]
    assert len(result.assignments) == 72


def test_unmatched_instructions_are_reported(bundled, tmp_path):
    text = (
        'exclude = ["arxiv:0000.00000"]\n'
        'merge = [["paper:arxiv:0000.00001", "no such label"]]\n'
        "[rename]\n"
        '"no such label" = "X"\n'
        '"#99" = "Y"\n'
        "[move]\n"
        '"arxiv:0000.00002" = "#0"\n'
        "[pin]\n"
        '"arxiv:0000.00003" = "Z"\n'
        "[split]\n"
        '"paper:arxiv:0000.00004" = 2\n'
    )
    result = fit_with(bundled, text, tmp_path)
    report = result.curation_report
    assert len(report) == 7
    assert all(r["status"] == "unmatched" for r in report), report
    assert all(r["detail"] for r in report)
    assert result.n_topics == fit_topics(*bundled).n_topics


def test_bad_files_name_the_file_and_key(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text("n_topic = 3\n")
    with pytest.raises(CurationError, match="curation.toml.*n_topic"):
        load_curation(path)
    path.write_text("[split]\n'a b' = 0\n")
    with pytest.raises(CurationError, match=r"\[split\]"):
        load_curation(path)
    path.write_text("merge = [[1]]\n")
    with pytest.raises(CurationError, match="at least two"):
        load_curation(path)
    path.write_text("n_topics = \n")
    with pytest.raises(CurationError, match="not valid TOML"):
        load_curation(path)
    assert load_curation(tmp_path / "absent.toml").is_empty
    assert parse_curation({"merge": [[1, "x"]]}).merge == [["#1", "x"]]


def test_n_topics_and_n_sections_are_reported(bundled, tmp_path):
    result = fit_with(bundled, "n_topics = 6\nn_sections = 9\n", tmp_path)
    report = {r["op"]: r for r in result.curation_report}
    assert report["n_topics"]["status"] == "applied"
    assert report["n_topics"]["target"] == "6"
    assert report["n_sections"]["status"] == "unmatched"
    assert "only 6 topics" in report["n_sections"]["detail"]
    honoured = fit_with(bundled, "n_sections = 2\n", tmp_path)
    assert statuses(honoured, "n_sections") == ["applied"] and len(honoured.sections) == 2
    assert statuses(honoured, "n_topics") == []  # not asked, not reported


def test_curation_mistakes_name_the_key_and_what_is_valid(tmp_path):
    from surveykit.topics.curation import CurationError, load_curation, parse_curation

    with pytest.raises(CurationError, match="did you mean 'n_topics'"):
        parse_curation({"n_topic": 8}, "curation.toml")
    with pytest.raises(CurationError, match="same topic twice"):
        parse_curation({"merge": [["#1", "#1"]]}, "curation.toml")
    with pytest.raises(CurationError, match="2 or more parts"):
        parse_curation({"split": {"#1": 1}}, "curation.toml")
    with pytest.raises(CurationError, match="positive integer"):
        parse_curation({"split": {"#1": 0}}, "curation.toml")
    latin = tmp_path / "curation.toml"
    latin.write_bytes('[rename]\n"#1" = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(CurationError, match="not UTF-8"):
        load_curation(latin)
