"""Papers known by their title only, clustered with the papers that have an abstract.

A library exported from Zotero or a .bib file often lacks the abstract of some entries. A title
alone embeds apart from a title and its abstract (short, headline style), so without care the
title-only papers gather in topics of their own whatever their subject. Measured on the 173-paper
EMNLP-22 set with the abstracts of a random half removed (3 draws): NMI 0.393 as is, 0.449 after
the shift below, 0.451 with every abstract (``benchmarks/results/title_only.md``).

The shift is estimated on pairs, so that it holds no subject: for papers that have an abstract,
the mean difference between the (unit) embedding of their title alone and that of their title and
abstract. A title-only paper's vector minus that shift is where its title and abstract would
roughly be. It needs the papers' embedding model (``embed``) and papers of both kinds.

It is applied from :data:`MIN_SHARE` (a fifth) of title-only papers on. Below that, the title-only
papers are few among their neighbours and seldom gather (0-1 such topic over 9 fits with a tenth
of the abstracts removed), and the shift measured a loss on one of the three sets (EMNLP-22 single
label, NMI -0.044 over 3 draws); from 30 % on it removes every topic gathered by kind and gains
up to +0.056 NMI (the table in ``benchmarks/results/title_only.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from surveykit.corpus.model import Paper, paper_text
from surveykit.topics.clustering import normalise_rows

SHIFT_SAMPLE = 1000  # papers with an abstract whose titles are embedded for the shift (evenly spread)
MIN_SHARE = 0.2  # below this share of title-only papers no shift (see the module docstring)


def title_only_mask(papers: Sequence[Paper]) -> np.ndarray:
    """True for each paper without an abstract."""
    return np.array([not p.has_abstract for p in papers], dtype=bool)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return normalise_rows(np.asarray(vectors, dtype=np.float64))


def title_shift(papers: Sequence[Paper], embeddings: np.ndarray,
                embed: Callable[[list[str]], np.ndarray] | None,
                sample: int = SHIFT_SAMPLE, min_share: float = MIN_SHARE) -> np.ndarray | None:
    """Mean of unit(embed(title)) - unit(embedding) over up to ``sample`` papers with an abstract
    (``embeddings``: the papers' rows, corpus order); None when fewer than ``min_share`` of the
    papers are title-only, none has an abstract, or there is no ``embed``."""
    title_only = title_only_mask(papers)
    if embed is None or not title_only.any() or title_only.all() or title_only.mean() < min_share:
        return None
    rows = np.flatnonzero(~title_only)
    if len(rows) > sample:
        rows = rows[np.linspace(0, len(rows) - 1, sample).round().astype(int)]
    titles = _unit(np.asarray(embed([paper_text(papers[i].title) for i in rows])))
    return (titles - _unit(np.asarray(embeddings)[rows])).mean(axis=0)


def align(embeddings: np.ndarray, title_only: np.ndarray, shift: np.ndarray | None) -> np.ndarray:
    """``embeddings`` (float32) with ``shift`` taken off the title-only rows (unit length again);
    unchanged without a shift or title-only rows."""
    vectors = np.asarray(embeddings, dtype=np.float32)
    if shift is None or not np.any(title_only):
        return vectors
    aligned = vectors.copy()
    rows = np.flatnonzero(title_only)
    aligned[rows] = _unit(_unit(vectors[rows]) - shift).astype(np.float32)
    return aligned
