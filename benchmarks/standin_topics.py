"""A cheap, deterministic stand-in for the topic stage, so the later stages can be measured at sizes
the real topic stage does not (yet) reach in the time available.

Topics: MiniBatch k-means (k = 40, seed 0) over the papers' pseudo-embeddings; sections: k-means
(8) over the topic centroids; keywords: the words of highest summed TF-IDF in a topic; label: its two
first keywords; representatives: the three papers closest to the centroid; score: the cosine to
it. **Not** the topic stage's algorithm: numbers measured on it say nothing about topic quality,
only about what the tables, figures, bibliography and draft cost on a taxonomy of that shape.

    python benchmarks/standin_topics.py build/scale/100000/survey.toml
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N_TOPICS = 40
N_SECTIONS = 8
N_KEYWORDS = 10


def standin_topics(config: str | Path, n_topics: int = N_TOPICS, n_sections: int = N_SECTIONS):
    """Fit the stand-in taxonomy for the survey of ``config`` and save it like the topic stage."""
    from sklearn.cluster import KMeans, MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    import surveykit as sk
    from benchmarks.scale import pseudo_embed
    from surveykit.topics.taxonomy import Section, Topic, TopicResult

    survey = sk.Survey.open(config)
    corpus = survey.corpus
    ids = [p.id for p in corpus.papers]
    vectors = pseudo_embed(corpus.texts())
    km = MiniBatchKMeans(n_clusters=n_topics, random_state=0, batch_size=4096, n_init=3).fit(vectors)
    labels = km.labels_
    centres = km.cluster_centers_ / np.linalg.norm(km.cluster_centers_, axis=1, keepdims=True)
    scores = np.einsum("ij,ij->i", vectors, centres[labels])
    tfidf = TfidfVectorizer(stop_words="english", max_features=20000, min_df=5)
    matrix = tfidf.fit_transform([p.title + ". " + (p.abstract or "") for p in corpus.papers])
    words = np.asarray(tfidf.get_feature_names_out())
    groups = KMeans(n_clusters=n_sections, random_state=0, n_init=10).fit_predict(centres)
    topics, sections = [], []
    for topic in range(n_topics):
        members = np.flatnonzero(labels == topic)
        weight = np.asarray(matrix[members].sum(axis=0)).ravel()
        keywords = [str(w) for w in words[np.argsort(-weight, kind="stable")[:N_KEYWORDS]]]
        best = members[np.argsort(-scores[members], kind="stable")[:3]]
        topics.append(Topic(topic, " ".join(keywords[:2]).capitalize(), len(members), int(groups[topic]),
                            keywords, [ids[i] for i in best], " ".join(keywords[:2]).capitalize()))
    for section in range(n_sections):
        members = [t for t in topics if t.section == section]
        if not members:
            continue
        keywords = members[0].keywords[:5]
        sections.append(Section(section, keywords[0].capitalize(), sum(t.size for t in members),
                                [t.id for t in members], keywords))
    assignments = pd.DataFrame({"topic": labels.astype(int), "score": scores.round(4).astype(float),
                                "section": groups[labels].astype(int)},
                               index=pd.Index(ids, name="paper_id"))
    result = TopicResult(assignments, topics, sections,
                         provenance={"engine": "stand-in (benchmarks/standin_topics.py): "
                                               f"MiniBatch k-means, k={n_topics}, on pseudo-embeddings"})
    result.save(survey.paths.build)
    return result


if __name__ == "__main__":
    result = standin_topics(sys.argv[1])
    print(f"{len(result.topics)} stand-in topics in {len(result.sections)} sections")
