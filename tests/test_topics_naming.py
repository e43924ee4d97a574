"""Topic and section names from the chat backend: validated, curation first, reported."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from surveykit.corpus.bundled import load_bundled_corpus
from surveykit.draft.backend import BackendConfig, BackendError, ChatBackend
from surveykit.topics import fit_topics
from surveykit.topics.naming import clean_name, name_topics


@pytest.fixture(scope="module")
def fitted(fixtures_dir):
    corpus = load_bundled_corpus()
    embeddings = np.load(fixtures_dir / "topics" / "bundled_minilm.npy")
    return corpus, fit_topics(corpus, embeddings)


class ScriptedBackend:
    """Answers prompts in turn from a list (an exception in the list is raised)."""

    def __init__(self, replies):
        self.replies = list(replies)
        self.prompts = []

    def complete(self, text, system=""):
        self.prompts.append(text)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


@pytest.mark.parametrize(("reply", "name"), [
    ("Web Agent Reinforcement Learning", "Web Agent Reinforcement Learning"),
    ('"Multi-Agent Collaboration."', "Multi-Agent Collaboration"),
    ("Name: Safety & Security", "Safety & Security"),
    ("Agents", None),
    ("A Very Long Name With Far Too Many Words", None),
    ("**Bold Name**", None),
    ("Line one\nLine two", None),
])
def test_clean_name(reply, name):
    assert clean_name(reply)[0] == name


def test_names_replace_labels_and_are_reported(fitted):
    corpus, original = fitted
    result = copy.deepcopy(original)
    first, second = result.topics[0], result.topics[1]
    second.label = "My Own Name"  # as the curation file's [rename] leaves it
    replies = ["Agent Training Methods", "Far Too Many Words For A Name", "Agent Training Methods"]
    replies += [BackendError("timeout")] * 10
    backend = ScriptedBackend(replies)
    report = name_topics(result, corpus, backend)
    assert first.label == "Agent Training Methods" and first.auto_label == original.topics[0].label
    assert second.label == "My Own Name" and report["kept"]["My Own Name"].startswith("renamed")
    assert "Agent Training Methods" in report["renamed"].values()
    assert any("taken" in why or "words" in why for why in report["kept"].values())
    assert result.provenance["names"] is report
    assert "Keywords:" in backend.prompts[0] and "Representative papers:" in backend.prompts[0]
    labels = [t.label.lower() for t in result.topics]
    assert len(labels) == len(set(labels))
    for section in result.sections:  # a one-topic section carries its topic's name
        if len(section.topic_ids) == 1:
            assert section.label == result.topic(section.topic_ids[0]).label


def test_chat_backend_is_used_when_configured(fitted):
    corpus, original = fitted

    class Session:
        def post(self, url, json=None, headers=None, timeout=None):
            class Reply:
                status_code = 200

                def json(self_inner):
                    return {"choices": [{"message": {"content": "Named Topic " + str(len(calls))}}]}
            calls.append(json)
            return Reply()

    calls: list = []
    config = BackendConfig("http://127.0.0.1:9/v1", "m", rewrite_topic_names=True)
    result = copy.deepcopy(original)
    name_topics(result, corpus, ChatBackend(config, session=Session()))
    assert calls and calls[0]["messages"][0]["role"] == "system"
    assert all(t.label.startswith("Named Topic") for t in result.topics)
    assert json.loads(result.to_json())["provenance"]["names"]["model"] == "m"


def test_workspace_asks_the_backend_only_when_told(tmp_path, monkeypatch):
    from surveykit.config import parse_config
    from surveykit.workspace import Workspace

    monkeypatch.delenv("SURVEYKIT_LLM_BASE_URL", raising=False)
    backend = {"base_url": "http://127.0.0.1:9/v1", "model": "m"}
    off = Workspace(parse_config({"draft": {"backend": backend}}, None, tmp_path))
    on = Workspace(parse_config({"draft": {"backend": {**backend, "rewrite_topic_names": True}}},
                                None, tmp_path))
    plain = Workspace(parse_config({}, None, tmp_path))
    assert off._naming_backend() is None and plain._naming_backend() is None
    assert isinstance(on._naming_backend(), ChatBackend)


def test_topics_without_a_word_of_their_own_become_one_other_papers_topic():
    import numpy as np

    from surveykit.topics.engine import pool_nameless

    class Scorer:  # topics 1 and 3 have no word of their own
        def __init__(self, topics: np.ndarray) -> None:
            self.topics = topics

        def nameless(self, rows: np.ndarray) -> bool:
            return int(self.topics[rows[0]]) in (1, 3)

    topics = np.array([0, 1, 2, 3, 1, 0, 3, 2])
    pooled = pool_nameless(topics, Scorer(topics))
    assert pooled.tolist() == [0, 1, 2, 1, 1, 0, 1, 2]
    lone = np.array([0, 1, 2, 0])  # one such topic: nothing to pool
    assert pool_nameless(lone, Scorer(lone)) is lone


def test_the_other_papers_section_comes_last():
    import numpy as np

    from surveykit.topics.engine import _named_sections

    class Scorer:
        def keywords(self, rows, n, topical=False):
            return []

    labels = {0: "Other papers", 1: "Web agents", 2: "Tool use"}
    sizes = {0: 9, 1: 5, 2: 3}
    rows = {0: np.arange(9), 1: np.arange(9, 14), 2: np.arange(14, 17)}
    _, order, keys = _named_sections([0, 1, 2], np.array([0, 1, 2]), sizes, rows, labels,
                                     (Scorer(), Scorer()))
    assert [keys[g][0] for g in order] == ["Web agents", "Tool use", "Other papers"]
