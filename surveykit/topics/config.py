"""Settings of the topic stage (``[topics]`` in ``survey.toml``); defaults are the automatic mode."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TopicConfig:
    """How topics are found. Every field has a working default; ``n_topics=None`` means automatic.

    * ``n_topics``: fix the number of topics (the curation file's ``n_topics`` wins over it).
    * ``min_topics`` / ``max_topics``: the range searched for k. Default range: from
      ``max(min_topics, ½·√(n/2))`` to ``2·√(n/2)`` (a factor-2 band around the classic √(n/2)
      rule), chosen inside by consensus (``consensus``).
    * ``consensus``: choose k and the topics by the consensus of several views and granularities
      (``surveykit.topics.clustering``); ``False``: one Ward tree, cut at its largest relative
      jump in merge height.
    * ``n_sections``: fix the number of top-level sections (default: automatic, the clearest gap
      among balanced groupings of the topics).
    * ``lexical_weight``: weight of the TF-IDF (LSA) part of the clustering features, next to the
      sentence embedding (0 = embeddings only); ``lexical_dims`` its dimension. 0.25 (was 0.5):
      at equal k, at both the automatic and the human k, the topics then beat Ward on the
      embeddings and TF-IDF + NMF on the development sets (``benchmarks/results/topics.md``).
    * ``top_n_words``: keywords kept per topic; ``n_representative``: papers shown per topic.
    * ``stop_words``: extra words never used in labels or keywords (domain stop words).
    * ``large_corpus``: above this many papers, a fixed k or the single-view rule works on a
      deterministic sample (the consensus samples above 3,000 papers), and so does the LSA basis
      of the lexical views (10,000 papers).
    * ``random_state``: seed of every randomised step (SVD, k-means refinement).
    * ``related_surveys``: surveys and reviews of the field (paper type ``survey``, see
      :mod:`surveykit.roles.paper_type`) form a "Related surveys" group of their own, discussed in
      the introduction, instead of being clustered into subject topics.
    """

    n_topics: int | None = None
    min_topics: int = 5
    max_topics: int | None = None
    n_sections: int | None = None
    lexical_weight: float = 0.25
    lexical_dims: int = 100
    consensus: bool = True
    top_n_words: int = 10
    n_representative: int = 3
    stop_words: list[str] = field(default_factory=list)
    large_corpus: int = 10000
    random_state: int = 42
    related_surveys: bool = True

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> TopicConfig:
        """Build from a ``[topics]`` table; other keys (``curation``, ``refit``,
        ``embedding_model``: read by the workspace) are ignored."""
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in dict(data or {}).items() if k in names}
        if "stop_words" in values:
            values["stop_words"] = [str(w) for w in values["stop_words"]]
        return cls(**values)
