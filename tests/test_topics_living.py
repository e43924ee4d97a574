"""A living taxonomy: papers added later are placed in the saved topics; a report says what changed.

The bundled corpus (recorded MiniLM embeddings) plus five LLM-agent papers from
tests/fixtures/living (their recorded embeddings next to them).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from surveykit.corpus.model import Corpus, Paper
from surveykit.topics import TopicConfig, TopicResult, fit_topics
from surveykit.topics.engine import TopicModel
from surveykit.topics.living import (
    CHANGE_COLUMNS,
    CHANGES_CSV,
    CHANGES_MD,
    match_topics,
    run_topic_stage,
)

MODEL = "test-model"


@pytest.fixture(scope="module")
def grown(bundled, fixtures_dir):
    """The bundled corpus with the five new papers appended, and their embeddings."""
    corpus, embeddings = bundled
    data = json.loads((fixtures_dir / "living" / "new_papers.json").read_text())
    new = [Paper(**p) for p in data["papers"]]
    vectors = np.load(fixtures_dir / "living" / "new_papers_minilm.npy")
    assert len(new) == len(vectors) == 5
    return Corpus(list(corpus.papers) + new), np.vstack([embeddings, vectors]), [p.id for p in new]


def stage(corpus, embeddings, folder, **kwargs):
    """One run of the topic stage into ``folder``, saved as the workspace saves it."""
    result, changes = run_topic_stage(corpus, embeddings, folder=folder, model_id=MODEL, **kwargs)
    result.save(folder)
    changes.save(folder)
    return result, changes


@pytest.fixture(scope="module")
def first_run(bundled, tmp_path_factory):
    folder = tmp_path_factory.mktemp("first")
    result, changes = stage(*bundled, folder)
    return folder, result, changes


@pytest.fixture(scope="module")
def second_run(first_run, grown, tmp_path_factory):
    folder = tmp_path_factory.mktemp("second")
    shutil.copytree(first_run[0], folder, dirs_exist_ok=True)
    corpus, embeddings, _ = grown
    result, changes = stage(corpus, embeddings, folder)
    return folder, result, changes


def topic_json(result: TopicResult) -> list[str]:
    """Each topic's identity as JSON: id, label, automatic label, keywords, section."""
    keep = ("id", "label", "auto_label", "keywords", "section")
    return [json.dumps({k: asdict(t)[k] for k in keep}, sort_keys=True) for t in result.topics]


def test_first_run_fits_and_reports_it(first_run, bundled):
    folder, result, changes = first_run
    assert changes.mode == "fit" and changes.before is None
    assert result.state["centroids"] and set(result.state["thresholds"]) == {
        str(t.id) for t in result.topics}
    assert (folder / CHANGES_MD).read_text().startswith("# What changed")
    # the fit is the plain fit, with the living state next to it
    plain = fit_topics(*bundled)
    assert topic_json(plain) == topic_json(result)
    assert plain.assignments.equals(result.assignments)


def test_adding_five_papers_keeps_every_topic_and_places_them(first_run, second_run, grown):
    _, before, _ = first_run
    folder, after, changes = second_run
    _, _, new_ids = grown
    assert changes.mode == "placed"
    assert topic_json(after) == topic_json(before)  # ids, labels, keywords, sections: identical
    assert [(s.id, s.label, s.topic_ids) for s in after.sections] == [
        (s.id, s.label, s.topic_ids) for s in before.sections]
    old = after.assignments.loc[before.assignments.index]
    assert old.equals(before.assignments)  # every existing paper keeps topic, section, score
    placed = after.assignments.loc[new_ids]
    assert placed["topic"].isin([t.id for t in before.topics]).all()
    assert placed["score"].between(0.0, 1.0).all()
    assert sum(t.size for t in after.topics) == len(before.assignments) + 5
    assert not {p for t in after.topics for p in t.representative_ids} & set(new_ids)
    records = {p["paper_id"]: p for p in after.state["placed"]}
    assert set(records) == set(new_ids)
    assert all(isinstance(p["flagged"], bool) for p in records.values())
    # the saved file says the same
    saved = TopicResult.load(folder)
    assert list(saved.assignments.loc[new_ids, "topic"]) == list(placed["topic"])


def test_change_report_lists_new_papers_and_grown_topics(second_run, grown):
    folder, after, changes = second_run
    _, _, new_ids = grown
    new = changes.of("new paper")
    assert list(new["paper_id"]) == new_ids
    assert new["score"].map(float).between(0, 1).all()
    assert changes.counts["moved paper"] == 0 and changes.counts["label changed"] == 0
    grew = changes.of("topic grew")
    assert grew["size_after"].sum() - grew["size_before"].sum() == 5
    text = (folder / CHANGES_MD).read_text()
    assert "## New papers (5)" in text and "WebArena" in text and "flagged" in text
    table = pd.read_csv(folder / CHANGES_CSV)
    assert list(table.columns) == CHANGE_COLUMNS
    assert (table["change"] == "new paper").sum() == 5
    assert len(changes.table()) == len(changes.rows)


def test_a_rerun_without_changes_writes_the_same_bytes(second_run, grown, tmp_path):
    folder, _, _ = second_run
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    before = (tmp_path / "topics.json").read_bytes()
    corpus, embeddings, _ = grown
    _, changes = stage(corpus, embeddings, tmp_path)
    assert (tmp_path / "topics.json").read_bytes() == before
    assert changes.mode == "placed" and "nothing changed" in changes.summary()


def test_placement_does_not_depend_on_arrival_order(first_run, second_run, grown, tmp_path):
    corpus, embeddings, new_ids = grown
    shutil.copytree(first_run[0], tmp_path, dirs_exist_ok=True)
    n = len(corpus) - 5
    keep = list(range(n + 2))
    stage(Corpus([corpus.papers[i] for i in keep]), embeddings[keep], tmp_path)
    result, changes = stage(corpus, embeddings, tmp_path)
    assert len(changes.of("new paper")) == 3
    expected = second_run[1].assignments
    assert result.assignments.loc[new_ids].equals(expected.loc[new_ids])


def test_removed_papers_are_dropped_from_their_topics(first_run, bundled, tmp_path):
    _, before, _ = first_run
    shutil.copytree(first_run[0], tmp_path, dirs_exist_ok=True)
    corpus, embeddings = bundled
    gone = corpus.ids[:3]
    keep = list(range(3, len(corpus)))
    result, changes = stage(Corpus([corpus.papers[i] for i in keep]), embeddings[keep], tmp_path)
    assert changes.mode == "placed"
    assert not set(gone) & set(result.assignments.index)
    assert list(changes.of("removed paper")["paper_id"]) == gone
    assert topic_json(result) == topic_json(before)
    for topic in result.topics:
        assert set(topic.representative_ids) <= set(result.papers_of(topic.id))


def test_refit_when_asked(second_run, grown, tmp_path):
    shutil.copytree(second_run[0], tmp_path, dirs_exist_ok=True)
    corpus, embeddings, _ = grown
    result, changes = stage(corpus, embeddings, tmp_path, refit=True)
    assert changes.mode == "refit" and "refit asked" in changes.reason
    fresh = fit_topics(corpus, embeddings)
    assert result.assignments.equals(fresh.assignments)
    assert topic_json(result) == topic_json(fresh)
    # moved papers are those whose new topic is not the match of their old one
    match = match_topics(second_run[1].assignments["topic"].to_dict(),
                         result.assignments["topic"].to_dict())
    moved = set(changes.of("moved paper")["paper_id"])
    for pid, old in second_run[1].assignments["topic"].items():
        assert (pid in moved) == (match.get(old) != result.assignments.at[pid, "topic"])


def test_changed_settings_refit_and_say_why(first_run, grown, tmp_path):
    shutil.copytree(first_run[0], tmp_path, dirs_exist_ok=True)
    corpus, embeddings, _ = grown
    _, changes = stage(corpus, embeddings, tmp_path, config=TopicConfig(n_topics=8))
    assert changes.mode == "refit" and "config.n_topics (null -> 8)" in changes.reason


def test_a_result_without_living_state_is_refitted_once(first_run, bundled, tmp_path):
    saved = TopicResult.load(first_run[0])
    saved.state = {}
    saved.save(tmp_path)
    data = json.loads((tmp_path / "topics.json").read_text())
    assert "living" not in data and data["format"] == 1
    _, changes = stage(*bundled, tmp_path)
    assert changes.mode == "refit" and "no living state" in changes.reason
    _, again = stage(*bundled, tmp_path)
    assert again.mode == "placed"


def test_transform_returns_the_placements(bundled, grown, second_run):
    corpus, embeddings = bundled
    grown_corpus, grown_embeddings, new_ids = grown
    model = TopicModel()
    assert model.fit(corpus, embeddings) is model  # scikit-learn's contract: fit returns self
    assert model.result_ is not None and len(model.result_.topics) > 0
    new = Corpus([grown_corpus[p] for p in new_ids])
    placements = model.transform(new, grown_embeddings[-5:])
    assert list(placements.index) == new_ids
    assert list(placements.columns) == ["topic", "score", "flagged", "threshold", "by"]
    expected = second_run[1].assignments.loc[new_ids]
    assert list(placements["topic"]) == list(expected["topic"])
    assert np.allclose(placements["score"].astype(float), expected["score"])
    # a saved result places the same way
    saved = TopicModel.from_result(TopicResult.load(second_run[0]))
    assert saved.transform(new_ids, grown_embeddings[-5:]).equals(placements)


def test_workspace_places_on_a_rerun_and_still_draws_figures(tmp_path, fixtures_dir):
    from surveykit.corpus.build import build_corpus
    from surveykit.topics import documents_map, hierarchy_figure
    from surveykit.workspace import Workspace

    embeddings = np.load(fixtures_dir / "topics" / "bundled_minilm.npy")
    ws = Workspace.open(None, tmp_path)
    build_corpus(ws.config, progress=False)
    ws.__dict__["embeddings"] = embeddings
    ws.fit_topics()
    assert ws.topic_changes.mode == "fit"
    saved = (ws.paths.build / "topics.json").read_bytes()
    again = Workspace.open(None, tmp_path)
    again.__dict__["embeddings"] = embeddings
    result = again.fit_topics()
    assert again.topic_changes.mode == "placed"
    assert (ws.paths.build / "topics.json").read_bytes() == saved
    assert (ws.paths.build / CHANGES_MD).exists() and (ws.paths.build / CHANGES_CSV).exists()
    documents_map(result, again.corpus)
    hierarchy_figure(result)


def test_run_has_a_refit_flag_that_reaches_notebook_02():
    import papermill

    from surveykit.cli import build_parser
    from surveykit.pipeline import find_notebooks_dir

    assert build_parser().parse_args(["run", "--refit"]).refit is True
    assert build_parser().parse_args(["run"]).refit is False
    declared = papermill.inspect_notebook(str(find_notebooks_dir() / "02_topics.ipynb"))
    assert "refit" in declared


def test_what_invalidates_a_saved_taxonomy(first_run):
    from surveykit.topics import Curation
    from surveykit.topics.living import fingerprint, refit_reason

    saved = TopicResult.load(first_run[0])
    same = fingerprint(TopicConfig(), Curation(), MODEL)
    assert refit_reason(saved, same, refit=False) is None
    assert "refit asked" in refit_reason(saved, same, refit=True)
    other_model = fingerprint(TopicConfig(), Curation(), "another-model")
    assert "embedding_model" in refit_reason(saved, other_model, refit=False)
    curated = fingerprint(TopicConfig(), Curation(rename={"#0": "Web agents"}), MODEL)
    assert "curation.rename" in refit_reason(saved, curated, refit=False)
    assert "no previous topics" in refit_reason(None, same, refit=False)


def test_a_move_written_before_the_paper_arrived_is_applied_when_it_is_placed(
        bundled, grown, tmp_path):
    corpus, embeddings = bundled
    grown_corpus, grown_embeddings, new_ids = grown
    target = corpus.ids[0]
    path = tmp_path / "curation.toml"
    path.write_text(f'[move]\n"{new_ids[-1]}" = "paper:{target}"\n', encoding="utf-8")
    first, _ = stage(corpus, embeddings, tmp_path, curation=path)
    assert [r["status"] for r in first.curation_report if r["op"] == "move"] == ["unmatched"]
    result, changes = stage(grown_corpus, grown_embeddings, tmp_path, curation=path)
    assert changes.mode == "placed"
    assert result.assignments.at[new_ids[-1], "topic"] == result.assignments.at[target, "topic"]
    assert [r["status"] for r in result.curation_report if r["op"] == "move"] == ["applied"]
    row = changes.of("new paper").set_index("paper_id").loc[new_ids[-1]]
    assert row["detail"] == "moved by curation" and row["flagged"] is False


def test_new_surveys_join_the_related_surveys_group(bundled, grown, tmp_path):
    corpus, embeddings = bundled
    grown_corpus, grown_embeddings, new_ids = grown
    types = {p.id: "survey" if "survey" in p.title.lower() else "method" for p in grown_corpus}
    types[new_ids[0]] = "survey"
    first, _ = stage(corpus, embeddings, tmp_path, paper_types=types)
    assert first.related
    result, changes = stage(grown_corpus, grown_embeddings, tmp_path, paper_types=types)
    assert changes.mode == "placed"
    assert result.related == first.related + [new_ids[0]]
    assert new_ids[0] not in result.assignments.index
    assert set(new_ids[1:]) <= set(result.assignments.index)
    new = changes.of("new paper").set_index("paper_id")
    assert new.at[new_ids[0], "label_after"] == "Related surveys"
    grew = changes.of("topic grew")
    assert "Related surveys" in set(grew["label_after"])
    assert TopicResult.load(tmp_path).related == result.related
    assert "Related surveys" in changes.to_markdown()
