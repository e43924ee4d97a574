"""Score topics against human labels: NMI, ARI, purity, unassigned share, NPMI and diversity.

Choices (also in ``benchmarks/README.md``):

* **Outliers** (topic ``-1`` or ``None``) form one cluster of their own for NMI/ARI, as a
  BERTopic user sees them; for purity they always count as wrong; their share is reported as
  ``unassigned_share`` (over all papers).
* **Single-label** data (every labelled paper has exactly one label): NMI with arithmetic-mean
  normalisation, ARI, purity.
* **Multi-label** data (some paper has several labels): a "primary" label is arbitrary for most
  labels files, so the overlapping generalisations are used. ``nmi`` is the overlapping NMI of
  McDaid et al. (2011) and ``ari`` the omega index (Collins & Dent 1988), which equals the ARI
  when both sides are partitions; ``purity`` counts a paper correct when its topic's majority
  label is among its labels.
* Papers without labels are left out of the label metrics.
* **Coherence** ``npmi``: mean NPMI of each topic's top-10 words, counted as document
  co-occurrence in the corpus's own texts (see :func:`npmi_coherence`). **Diversity**: share of
  distinct words among all topics' top-10 words (Dieng et al. 2020; top-10 because BERTopic keeps
  10 words per topic by default).
* **Label score** (when topics have labels and an embedder is given): the share of topics whose
  label is closest, by the same MiniLM embedding, to the name of the topic's majority human
  category among all category names; ``label_score_weighted`` weighs topics by size
  (:mod:`surveykit.evaluate.label_score`). **Section fit**: the share of topics whose label is
  closer to their own section's name than to any other section's (:func:`section_fit`).
"""

from __future__ import annotations

from surveykit.evaluate.coherence import npmi_coherence, topic_diversity
from surveykit.evaluate.core import (
    METRIC_COLUMNS,
    evaluate_assignments,
    evaluate_command,
    evaluate_corpus_topics,
    markdown_table,
)
from surveykit.evaluate.label_score import label_score, section_fit, words_label
from surveykit.evaluate.labels import LabelJoin, LabelRow, join_labels, read_label_rows, read_labels
from surveykit.evaluate.metrics import ari, nmi, omega_index, overlapping_nmi, purity

__all__ = [
    "METRIC_COLUMNS",
    "LabelJoin",
    "LabelRow",
    "ari",
    "evaluate_assignments",
    "evaluate_command",
    "evaluate_corpus_topics",
    "join_labels",
    "label_score",
    "markdown_table",
    "nmi",
    "npmi_coherence",
    "omega_index",
    "overlapping_nmi",
    "purity",
    "read_label_rows",
    "read_labels",
    "section_fit",
    "topic_diversity",
    "words_label",
]
