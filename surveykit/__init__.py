"""surveykit: from a pile of papers to a compiled, citable survey.

The public API::

    import surveykit as sk

    survey = sk.Survey.open("survey.toml")     # a project: every stage, run or loaded
    corpus = sk.load("library.bib")            # papers without a project
    topics = sk.fit_topics(corpus)             # topics + taxonomy (embeddings computed and cached)
"""

from __future__ import annotations

from typing import Any

# loaded on first use: the topic engine imports BERTopic, the API the workspace, the corpus pandas
# (`surveykit run` with nothing to do imports none of them)
_LAZY = {
    "Corpus": "surveykit.corpus.model",
    "Paper": "surveykit.corpus.model",
    "Survey": "surveykit.api",
    "Tables": "surveykit.api",
    "load": "surveykit.api",
    "embed_papers": "surveykit.api",
    "fit_topics": "surveykit.api",
    "TopicModel": "surveykit.topics",
    "TopicConfig": "surveykit.topics",
    "TopicResult": "surveykit.topics",
    "Workspace": "surveykit.workspace",
    "setup_notebook": "surveykit.display",
}


def __getattr__(name: str) -> Any:
    if name == "display":
        import importlib

        return importlib.import_module("surveykit.display")
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'surveykit' has no attribute {name!r}")


__all__ = [
    "Corpus",
    "Paper",
    "Survey",
    "Tables",
    "TopicConfig",
    "TopicModel",
    "TopicResult",
    "Workspace",
    "__version__",
    "embed_papers",
    "fit_topics",
    "load",
    "setup_notebook",
]
__version__ = "0.1.0"
