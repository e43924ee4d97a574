"""Topic stage: BERTopic configured for survey corpora, a 2-level taxonomy and author curation.

    from surveykit.topics import fit_topics
    result = fit_topics(corpus, embeddings, curation="curation.toml")
    result.save("build")            # build/topics.json + build/topic_assignments.parquet
    print(result.text_tree())

See :mod:`surveykit.topics.clustering` for how k is chosen, :mod:`surveykit.topics.labels` for the
labels, :mod:`surveykit.topics.curation` for the curation file format and
:mod:`surveykit.topics.living` for placing papers added later into a saved taxonomy
(``run_topic_stage``) and the "what changed" report.
"""

from __future__ import annotations

from typing import Any

from surveykit.topics.config import TopicConfig
from surveykit.topics.curation import Curation, CurationError, load_curation, parse_curation
from surveykit.topics.taxonomy import Section, Topic, TopicResult

_LAZY = {
    "fit_topics": "surveykit.topics.engine",
    "TopicModel": "surveykit.topics.engine",
    "documents_map": "surveykit.topics.visualize",
    "hierarchy_figure": "surveykit.topics.visualize",
    "barchart_figure": "surveykit.topics.visualize",
    "run_topic_stage": "surveykit.topics.living",
    "TopicChanges": "surveykit.topics.living",
}


def __getattr__(name: str) -> Any:  # the engine imports BERTopic: load it on first use
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'surveykit.topics' has no attribute {name!r}")


__all__ = [
    "Curation",
    "CurationError",
    "Section",
    "Topic",
    "TopicChanges",
    "TopicConfig",
    "TopicModel",
    "TopicResult",
    "barchart_figure",
    "documents_map",
    "fit_topics",
    "hierarchy_figure",
    "load_curation",
    "parse_curation",
    "run_topic_stage",
]
