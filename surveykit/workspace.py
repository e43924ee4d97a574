"""What the notebooks share: the config plus everything earlier stages saved, loaded on first use.

Each notebook opens the workspace, reads what the notebooks before it saved under ``build/`` and
saves its own results there, so any notebook can be re-run alone::

    ws = Workspace.open("../survey.toml")
    ws.corpus          # build/corpus.parquet          (01_corpus)
    ws.embeddings      # cached by content              (02_topics)
    ws.topics          # build/topics.json              (02_topics)
    ws.attributes      # build/attributes.parquet       (03_tables)
    ws.keys            # paper id -> citation key       (same rules as bib/references.bib)
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from surveykit.config import CONFIG_NAME, SurveyConfig, load_config
from surveykit.corpus.model import Corpus

if TYPE_CHECKING:
    from surveykit.attributes import AttributeTable
    from surveykit.draft.backend import ChatBackend
    from surveykit.topics import TopicResult

ASSIGNMENT_COLUMNS = ["topic", "topic_label", "section", "section_label", "score"]
TOPIC_COLUMNS = ["topic", "label", "section", "section_label", "size", "keywords", "representatives"]


def topic_frames(result: TopicResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The topic result as the two frames the tables, figures and draft read.

    ``assignments``: index paper id; ``topic``, ``topic_label``, ``section``, ``section_label``,
    ``score``. ``topics``: one row per topic in taxonomy order; ``topic``, ``label``, ``section``,
    ``section_label``, ``size``, ``keywords`` (list), ``representatives`` (list of paper ids).
    """
    sections = {s.id: s.label for s in result.sections}
    labels = result.labels()
    assignments = result.assignments.copy()
    assignments.index.name = "paper_id"
    assignments["topic_label"] = assignments["topic"].map(labels)
    assignments["section_label"] = assignments["section"].map(sections)
    assignments = assignments[ASSIGNMENT_COLUMNS]
    rows = []
    for section in result.sections:
        for topic_id in section.topic_ids:
            topic = result.topic(topic_id)
            rows.append({
                "topic": topic.id, "label": topic.label, "section": section.id,
                "section_label": section.label, "size": topic.size,
                "keywords": list(topic.keywords), "representatives": list(topic.representative_ids),
            })
    return assignments, pd.DataFrame(rows, columns=TOPIC_COLUMNS)


class Workspace:
    """One survey's config and saved stage outputs; properties load lazily and are cached."""

    def __init__(self, config: SurveyConfig) -> None:
        self.config = config
        self.paths = config.paths.ensure()

    @classmethod
    def open(cls, config_path: str | os.PathLike[str] | None = CONFIG_NAME,
             output_dir: str | os.PathLike[str] | None = None) -> Workspace:
        """Read ``survey.toml`` (defaults when absent) and make the output folders."""
        return cls(load_config(config_path, output_dir))

    def __repr__(self) -> str:
        return f"Workspace(config={self.config.path}, outputs={self.paths.root})"

    # --- stage outputs ----------------------------------------------------------------------

    @cached_property
    def corpus(self) -> Corpus:
        from surveykit.corpus.build import load_corpus

        return load_corpus(self.config)

    @cached_property
    def embeddings(self) -> np.ndarray:
        """One row per paper (corpus order); computed once per text and model, then cached."""
        from surveykit.embed import embed_corpus

        options = self.config.section("topics")
        return embed_corpus(self.corpus, model=options.get("embedding_model"),
                            cache_dir=self.paths.cache / "embeddings")

    @cached_property
    def topics(self) -> TopicResult:
        from surveykit.topics import TopicResult

        try:
            return TopicResult.load(self.paths.build)
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"{exc}; run notebooks/02_topics.ipynb first") from None

    @property
    def assignments(self) -> pd.DataFrame:
        return topic_frames(self.topics)[0]

    @property
    def topic_table(self) -> pd.DataFrame:
        return topic_frames(self.topics)[1]

    @cached_property
    def attributes(self) -> AttributeTable:
        from surveykit.attributes import AttributeTable
        from surveykit.attributes.extract import attributes_path

        path = attributes_path(self.config)
        if not path.exists():
            raise FileNotFoundError(f"{path}: no attributes yet; run notebooks/03_tables.ipynb first")
        return AttributeTable.load(path)

    @cached_property
    def keys(self) -> dict[str, str]:
        from surveykit.bib.stage import citation_keys

        return citation_keys(self.config, self.corpus)

    # --- running stages ---------------------------------------------------------------------

    def phrase_embedder(self, texts: list[str]) -> np.ndarray:
        """Embed label phrases with the papers' model and cache (closeness of a label to its
        topic's centre)."""
        from surveykit.embed import embed_texts

        options = self.config.section("topics")
        return embed_texts(texts, model=options.get("embedding_model"),
                           cache_dir=self.paths.cache / "embeddings", progress=False)

    def fit_topics(self) -> TopicResult:
        """Fit the topic model with ``[topics]`` from survey.toml and the curation file; save it."""
        from surveykit.topics import TopicConfig, fit_topics

        curation = self.config.curation if self.config.curation and self.config.curation.exists() else None
        settings = TopicConfig.from_dict(self.config.section("topics"))
        result = fit_topics(self.corpus, self.embeddings, settings, curation=curation,
                            phrase_embedder=self.phrase_embedder)
        backend = self._naming_backend()
        if backend is not None:
            from surveykit.topics.naming import name_topics

            name_topics(result, self.corpus, backend)
        result.save(self.paths.build)
        self.__dict__["topics"] = result
        return result

    def _naming_backend(self) -> ChatBackend | None:
        """The chat backend when ``[draft.backend]`` sets ``rewrite_topic_names``, else None."""
        from surveykit.draft.stage import backend_from_config

        backend = backend_from_config(self.config)
        return backend if backend is not None and backend.config.rewrite_topic_names else None

    def extract_attributes(self) -> AttributeTable:
        """Extract the attributes of every paper (schema: defaults + ``[attributes]``); save them."""
        from surveykit.attributes.extract import build_attributes

        table = build_attributes(self.config, self.corpus)
        self.__dict__["attributes"] = table
        return table
