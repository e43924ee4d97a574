"""Annotate every abstract sentence with its role, probability and cue flags, for a whole corpus.

Sentences come from the project's splitter (:func:`surveykit.attributes.sentences.split_sentences`),
so offsets agree with the attributes and draft stages: ``abstract[start:end] == text``. All
sentences of a corpus are embedded in one :func:`surveykit.embed.embed_texts` call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from surveykit.attributes.sentences import Sentence, split_sentences
from surveykit.corpus.model import Paper
from surveykit.roles.classifier import RoleModel, load_role_model, role_model_for
from surveykit.roles.cues import sentence_cues

CONTENT_ROLES = ("objective", "method", "result")

Embedder = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True, slots=True)  # slots: ~700,000 of them for 100,000 abstracts
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


CHUNK_ABSTRACTS = 8192  # abstracts annotated together: bounds the feature matrices, not the corpus
PARALLEL_ABOVE = 20000  # abstracts: above, a model without embeddings runs in worker processes


def annotate_sentences(
    items: Iterable[Paper | str],
    embed: Embedder | None = None,
    model: RoleModel | None = None,
    workers: int | None = None,
) -> list[list[RoleSentence]]:
    """Role-annotated sentences of each paper's abstract (or each abstract string), in input order.

    ``embed`` maps a list of texts to L2-normalised MiniLM rows (default:
    :func:`surveykit.embed.embed_texts`, cached); it is called once per :data:`CHUNK_ABSTRACTS`
    abstracts (once for a corpus of that size or less), and never when ``model`` reads no
    embeddings (``model.embedding == "none"``, the model for big corpora). ``model`` defaults to
    the shipped weights. Abstracts are classified together (:meth:`RoleModel.predict_batch`).
    ``workers``: processes for a model without embeddings above :data:`PARALLEL_ABOVE` abstracts
    (default: the CPUs available, at most 4); the result does not depend on it.
    """
    abstracts = [_abstract_of(item) for item in items]
    role_model = model or load_role_model()
    chunks = [abstracts[i:i + CHUNK_ABSTRACTS] for i in range(0, len(abstracts), CHUNK_ABSTRACTS)]
    count = default_workers() if workers is None else max(1, workers)
    out: list[list[RoleSentence]] = []
    if count > 1 and len(chunks) > 1 and not role_model.needs_embeddings and len(abstracts) > PARALLEL_ABOVE:
        from concurrent.futures import ProcessPoolExecutor

        from surveykit.parallel import spawn_context

        with ProcessPoolExecutor(min(count, len(chunks)), mp_context=spawn_context(),
                                 initializer=_set_worker_model, initargs=(role_model,)) as pool:
            for part in pool.map(_worker_annotate, chunks):
                out += part
        return out
    embedder = embed or _default_embed
    for chunk in chunks:
        out += _annotate_chunk([split_sentences(text) for text in chunk], embedder, role_model)
    return out


def default_workers() -> int:
    """Worker processes for the parallel steps: the CPUs this process may use, at most 4."""
    from surveykit.parallel import usable_cpus

    return usable_cpus(4)


_WORKER_MODEL: list[RoleModel] = []


def _set_worker_model(model: RoleModel) -> None:
    _WORKER_MODEL[:] = [model]


def _worker_annotate(abstracts: list[str]) -> list[list[RoleSentence]]:
    def no_embedding(texts: list[str]) -> np.ndarray:
        raise RuntimeError("this role model reads no embeddings")

    return _annotate_chunk([split_sentences(text) for text in abstracts], no_embedding, _WORKER_MODEL[0])


def _annotate_chunk(split: list[list[Sentence]], embed: Embedder,
                    model: RoleModel) -> list[list[RoleSentence]]:
    flat = [s.text for sentences in split for s in sentences]
    if not flat:
        return [[] for _ in split]
    vectors = np.asarray(embed(flat)) if model.needs_embeddings else None
    paths, marginals = model.predict_batch(vectors, flat, [len(sentences) for sentences in split])
    probabilities = marginals[np.arange(len(paths)), paths].tolist()
    roles = [model.roles[i] for i in paths.tolist()]
    out: list[list[RoleSentence]] = []
    row = 0
    for sentences in split:
        annotated = []
        for s in sentences:
            cues = sentence_cues(s.text)
            annotated.append(RoleSentence(s.index, s.text, s.start, s.end, roles[row],
                                          round(probabilities[row], 4), cues.limitation,
                                          cues.future_work, cues.negation, cues.prior_work,
                                          cues.self_reference))
            row += 1
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


_FIELDS = tuple(RoleSentence.__dataclass_fields__)


def roles_frame(papers: Sequence[Paper], annotations: Sequence[Sequence[RoleSentence]]) -> pd.DataFrame:
    """One row per sentence: ``paper_id``, the :class:`RoleSentence` fields, ``about_paper``."""
    columns: dict[str, list] = {name: [] for name in ("paper_id", *_FIELDS, "about_paper")}
    for paper, sentences in zip(papers, annotations, strict=True):
        columns["paper_id"] += [paper.id] * len(sentences)
        for name in _FIELDS:
            columns[name] += [getattr(s, name) for s in sentences]
        columns["about_paper"] += [s.about_paper for s in sentences]
    return pd.DataFrame(columns, columns=list(columns))


def load_or_annotate(papers: Sequence[Paper], path: str | os.PathLike[str],
                     embed: Embedder | None = None,
                     model: RoleModel | None = None) -> list[list[RoleSentence]]:
    """The role-annotated sentences of ``papers``: read from ``path`` (a :func:`roles_frame`
    parquet) when it holds every paper with an abstract and each sentence still matches its
    abstract, else annotated now (:func:`annotate_sentences`) and written to ``path``.
    ``model``: the role model, by default the one for the corpus size
    (:func:`~surveykit.roles.classifier.role_model_for` with the default ``static_above``)."""
    from surveykit import io

    path = Path(path)
    if path.exists():
        saved = _from_frame(pd.read_parquet(path), papers)
        if saved is not None:
            io.claim(path)  # still this stage's output (the output manifest records it)
            return saved
    roles = annotate_sentences(papers, embed=embed, model=model or role_model_for(len(papers)))
    with io.atomic_path(path) as tmp:
        roles_frame(papers, roles).to_parquet(tmp, index=False)
    return roles


def _from_frame(frame: pd.DataFrame, papers: Sequence[Paper]) -> list[list[RoleSentence]] | None:
    """Rows of a saved :func:`roles_frame` per paper, or None when they do not fit ``papers``."""
    by_paper: dict[str, list[RoleSentence]] = {}
    for row in frame[["paper_id", *_FIELDS]].itertuples(index=False):
        by_paper.setdefault(row[0], []).append(RoleSentence(*row[1:]))
    out = []
    for paper in papers:
        sentences = by_paper.get(paper.id, [])
        abstract = paper.abstract or ""
        if (abstract and not sentences) or any(abstract[s.start:s.end] != s.text for s in sentences):
            return None
        out.append(sentences)
    return out
