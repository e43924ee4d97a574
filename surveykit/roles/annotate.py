"""Annotate every abstract sentence with its role, probability and cue flags, for a whole corpus.

Sentences come from the project's splitter (:func:`surveykit.attributes.sentences.split_sentences`),
so offsets agree with the attributes and draft stages: ``abstract[start:end] == text``. All
sentences of a corpus are embedded in one :func:`surveykit.embed.embed_texts` call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.attributes.sentences import split_sentences
from surveykit.corpus.model import Paper
from surveykit.roles.classifier import RoleModel, load_role_model
from surveykit.roles.cues import sentence_cues

CONTENT_ROLES = ("objective", "method", "result")

Embedder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class RoleSentence:
    """One abstract sentence with its role (and the role's probability) and cue flags."""

    index: int
    text: str
    start: int
    end: int
    role: str
    probability: float
    limitation: bool = False
    future_work: bool = False
    negation: bool = False
    prior_work: bool = False
    self_reference: bool = False

    @property
    def about_paper(self) -> bool:
        """A claim of this paper: objective/method/result, not about prior work, not future work."""
        return self.role in CONTENT_ROLES and not self.prior_work and not self.future_work


def _default_embed(texts: list[str]) -> np.ndarray:
    from surveykit.embed import embed_texts

    return embed_texts(texts, progress=False)


def _abstract_of(item: Paper | str) -> str:
    return item.abstract or "" if isinstance(item, Paper) else str(item or "")


def annotate_sentences(
    items: Iterable[Paper | str],
    embed: Embedder | None = None,
    model: RoleModel | None = None,
) -> list[list[RoleSentence]]:
    """Role-annotated sentences of each paper's abstract (or each abstract string), in input order.

    ``embed`` maps a list of texts to L2-normalised MiniLM rows (default:
    :func:`surveykit.embed.embed_texts`, cached); it is called once for the whole input.
    ``model`` defaults to the shipped weights.
    """
    abstracts = [_abstract_of(item) for item in items]
    split = [split_sentences(text) for text in abstracts]
    flat = [s.text for sentences in split for s in sentences]
    if not flat:
        return [[] for _ in abstracts]
    vectors = np.asarray((embed or _default_embed)(flat))
    role_model = model or load_role_model()
    out: list[list[RoleSentence]] = []
    row = 0
    for sentences in split:
        block = vectors[row : row + len(sentences)]
        row += len(sentences)
        roles, marg = role_model.predict(block, [s.text for s in sentences])
        annotated = []
        for s, role, probs in zip(sentences, roles, marg, strict=True):
            cues = sentence_cues(s.text)
            annotated.append(
                RoleSentence(
                    index=s.index,
                    text=s.text,
                    start=s.start,
                    end=s.end,
                    role=role,
                    probability=round(float(probs[role_model.roles.index(role)]), 4),
                    **asdict(cues),
                )
            )
        out.append(annotated)
    return out


def contribution_text(title: str, sentences: Sequence[RoleSentence]) -> str:
    """The title plus the sentences that state what this paper does, finds or aims at.

    Kept: objective/method/result sentences not about prior work and not future work. When none
    qualifies, the abstract without its leading background sentences (the whole abstract if every
    sentence is background).
    """
    kept = [s.text for s in sentences if s.about_paper]
    if not kept:
        lead = 0
        while lead < len(sentences) and sentences[lead].role == "background":
            lead += 1
        rest = sentences[lead:] if lead < len(sentences) else sentences
        kept = [s.text for s in rest]
    title = (title or "").strip()
    parts = ([title.rstrip(".") + "."] if title else []) + kept
    return " ".join(parts)


def contribution_texts(papers: Sequence[Paper], annotations: Sequence[Sequence[RoleSentence]]) -> list[str]:
    """:func:`contribution_text` of each paper (title + its own claims), in input order."""
    return [contribution_text(p.title, s) for p, s in zip(papers, annotations, strict=True)]


def roles_frame(papers: Sequence[Paper], annotations: Sequence[Sequence[RoleSentence]]) -> pd.DataFrame:
    """One row per sentence: ``paper_id``, the :class:`RoleSentence` fields, ``about_paper``."""
    rows = []
    for paper, sentences in zip(papers, annotations, strict=True):
        for s in sentences:
            rows.append({"paper_id": paper.id, **asdict(s), "about_paper": s.about_paper})
    columns = ["paper_id", *RoleSentence.__dataclass_fields__, "about_paper"]
    return pd.DataFrame(rows, columns=columns)


def load_or_annotate(papers: Sequence[Paper], path: str | os.PathLike[str],
                     embed: Embedder | None = None) -> list[list[RoleSentence]]:
    """The role-annotated sentences of ``papers``: read from ``path`` (a :func:`roles_frame`
    parquet) when it holds every paper with an abstract and each sentence still matches its
    abstract, else annotated now (:func:`annotate_sentences`) and written to ``path``."""
    from surveykit import io

    path = Path(path)
    if path.exists():
        saved = _from_frame(pd.read_parquet(path), papers)
        if saved is not None:
            io.claim(path)  # still this stage's output (the output manifest records it)
            return saved
    roles = annotate_sentences(papers, embed=embed)
    with io.atomic_path(path) as tmp:
        roles_frame(papers, roles).to_parquet(tmp, index=False)
    return roles


def _from_frame(frame: pd.DataFrame, papers: Sequence[Paper]) -> list[list[RoleSentence]] | None:
    """Rows of a saved :func:`roles_frame` per paper, or None when they do not fit ``papers``."""
    fields = list(RoleSentence.__dataclass_fields__)
    by_paper: dict[str, list[RoleSentence]] = {}
    for row in frame[["paper_id", *fields]].itertuples(index=False):
        by_paper.setdefault(row[0], []).append(RoleSentence(**dict(zip(fields, row[1:], strict=True))))
    out = []
    for paper in papers:
        sentences = by_paper.get(paper.id, [])
        abstract = paper.abstract or ""
        if (abstract and not sentences) or any(abstract[s.start:s.end] != s.text for s in sentences):
            return None
        out.append(sentences)
    return out
