"""The workspace the notebooks share, and the frames the later stages read."""

from __future__ import annotations

import numpy as np
import pytest

from surveykit.corpus.build import build_corpus
from surveykit.workspace import ASSIGNMENT_COLUMNS, TOPIC_COLUMNS, Workspace, topic_frames


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, fixtures_dir):
    out = tmp_path_factory.mktemp("ws")
    ws = Workspace.open(None, out)
    build_corpus(ws.config, progress=False)
    ws.__dict__["embeddings"] = np.load(fixtures_dir / "topics" / "bundled_minilm.npy")
    return ws


def test_stages_read_what_earlier_stages_saved(workspace):
    with pytest.raises(FileNotFoundError, match="02_topics"):
        _ = Workspace.open(None, workspace.paths.root).topics
    result = workspace.fit_topics()
    assert (workspace.paths.build / "topics.json").exists()
    again = Workspace.open(None, workspace.paths.root)
    assert again.topics.labels() == result.labels()
    assert len(again.corpus) == 73


def test_topic_frames_follow_the_contract(workspace):
    assignments, topics = topic_frames(workspace.topics)
    assert list(assignments.columns) == ASSIGNMENT_COLUMNS
    assert list(topics.columns) == TOPIC_COLUMNS
    related = set(workspace.topics.related)  # the "Related surveys" group has no subject topic
    assert related and list(assignments.index) == [p for p in workspace.corpus.ids if p not in related]
    assert assignments["topic"].notna().all() and assignments["topic_label"].notna().all()
    assert topics["size"].sum() == len(assignments)
    for row in topics.itertuples():
        assert set(row.representatives) <= set(assignments.index[assignments["topic"] == row.topic])
        assert (assignments.loc[assignments["topic"] == row.topic, "section"] == row.section).all()


def test_keys_match_the_bibliography_rules(workspace):
    keys = workspace.keys
    assert len(keys) == 73 and keys["arxiv:2408.09667"] == "guBLADEBenchmarkingLanguage2024"
