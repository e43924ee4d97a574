"""The "Related surveys" group: surveys are set apart from the subject topics, kept in the saved
result, listed in a table and discussed in the introduction."""

from __future__ import annotations

from surveykit.evaluate.core import RELATED_TOPIC, unpack_topic_result
from surveykit.tables.build import related_surveys_table
from surveykit.topics import TopicConfig, TopicResult, fit_topics
from surveykit.topics.curation import parse_curation
from surveykit.topics.engine import related_survey_ids


def _survey_types(corpus) -> dict[str, str]:
    return {p.id: ("survey" if "survey" in p.title.lower() or "review" in p.title.lower() else "method")
            for p in corpus}


def test_surveys_form_their_own_group(bundled, tmp_path):
    corpus, embeddings = bundled
    types = _survey_types(corpus)
    surveys = [pid for pid, t in types.items() if t == "survey"]
    assert len(surveys) >= 5
    result = fit_topics(corpus, embeddings, paper_types=types)
    assert result.related == surveys
    assert not set(surveys) & set(result.assignments.index)
    assert len(result.assignments) == len(corpus) - len(surveys)
    assert result.text_tree().startswith(f"0. Related surveys ({len(surveys)})")
    assert result.provenance["n_related_surveys"] == len(surveys)
    result.save(tmp_path)
    assert TopicResult.load(tmp_path).related == surveys
    assignments, _ = unpack_topic_result(corpus, result)
    assert sum(a == RELATED_TOPIC for a in assignments) == len(surveys)


def test_related_surveys_can_be_switched_off(bundled):
    corpus, embeddings = bundled
    result = fit_topics(corpus, embeddings, TopicConfig(related_surveys=False),
                        paper_types=_survey_types(corpus))
    assert result.related == []
    assert len(result.assignments) == len(corpus)


def test_surveys_are_subjects_when_they_are_most_of_the_corpus(bundled):
    corpus, _ = bundled
    everything = dict.fromkeys(corpus.ids, "survey")
    assert related_survey_ids(corpus, everything, TopicConfig(), parse_curation({}), set()) == []


def test_a_curated_survey_stays_a_subject_paper(bundled):
    corpus, _ = bundled
    types = _survey_types(corpus)
    moved = next(pid for pid, t in types.items() if t == "survey")
    curation = parse_curation({"move": {moved: "#0"}})
    assert moved not in related_survey_ids(corpus, types, TopicConfig(), curation, set())


def test_related_surveys_table(bundled):
    corpus, _ = bundled
    surveys = [pid for pid, t in _survey_types(corpus).items() if t == "survey"]
    keys = {pid: f"key{i}" for i, pid in enumerate(corpus.ids)}
    frame = related_surveys_table(corpus, surveys, keys)
    assert list(frame.columns) == ["Ref", "Survey", "Year"]
    assert len(frame) == len(surveys)
    years = [int(y) for y in frame["Year"] if y]
    assert years == sorted(years, reverse=True)
