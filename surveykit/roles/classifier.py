"""Rhetorical role of each abstract sentence: background, objective, method, result or other.

The model is trained on CSAbstruct (Cohan, Beltagy, King, Dalvi and Weld, "Pretrained Language
Models for Sequential Sentence Classification", EMNLP 2019; Apache-2.0; see
``surveykit/data/roles/SOURCE.md``) by ``benchmarks/train_sentence_roles.py``.

Features of sentence *i* of an abstract of *n* sentences (:func:`model_features`): TF-IDF word
uni- and bigrams of the sentence (:class:`Lexicon`; cue phrases such as "we propose", "results
show"), its MiniLM embedding, optionally the embeddings of the previous and next sentences and the
abstract mean (:func:`sentence_features`), and position features (relative position, first, last,
length of the abstract). A small network (a multinomial logistic regression when it has no hidden layer) gives
per-sentence probabilities; a first-order sequence model with transitions counted on the training
abstracts then decodes the most likely role sequence (Viterbi) and per-sentence marginals
(forward-backward). The weights ship as ``surveykit/data/roles/sentence_roles.npz`` (no pickle).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from scipy import sparse

ROLES: tuple[str, ...] = ("background", "objective", "method", "result", "other")
WEIGHTS_FILE = "sentence_roles.npz"
# Above ``[embed] static_above`` papers: n-grams and position only, no sentence embedding
# (``benchmarks/train_sentence_roles.py --lexical``; accuracy in benchmarks/results/sentence_roles.md).
LEXICAL_WEIGHTS_FILE = "sentence_roles_lexical.npz"
N_POSITION = 6


def weights_path(lexical: bool = False) -> Path:
    """Path of the shipped weights file (``lexical``: the big-corpus model's)."""
    name = LEXICAL_WEIGHTS_FILE if lexical else WEIGHTS_FILE
    return Path(str(resources.files("surveykit") / "data" / "roles" / name))


def position_features(n: int) -> np.ndarray:
    """``(n, N_POSITION)`` position features of the sentences of an ``n``-sentence abstract."""
    index = np.arange(n, dtype=np.float64)
    rel = index / max(n - 1, 1)
    out = np.zeros((n, N_POSITION), dtype=np.float64)
    out[:, 0] = rel
    out[:, 1] = rel**2
    out[:, 2] = index == 0
    out[:, 3] = index == n - 1
    out[:, 4] = min(n, 20) / 20.0
    out[:, 5] = np.minimum(index, 10) / 10.0
    return out


def sentence_features(embeddings: np.ndarray, context: bool = True) -> np.ndarray:
    """Feature rows of one abstract's sentences, from their ``(n, d)`` embeddings, in order.

    ``context=False`` gives the sentence embedding and position only (an ablation).
    """
    emb = np.asarray(embeddings, dtype=np.float64)
    n = emb.shape[0]
    parts = [emb]
    if context:
        prev = np.zeros_like(emb)
        nxt = np.zeros_like(emb)
        if n > 1:
            prev[1:] = emb[:-1]
            nxt[:-1] = emb[1:]
        mean = np.repeat(emb.mean(axis=0, keepdims=True), n, axis=0)
        parts += [prev, nxt, mean]
    parts.append(position_features(n))
    return np.hstack(parts)


def batch_sentence_features(embeddings: np.ndarray, lengths: np.ndarray, context: bool = True) -> np.ndarray:
    """:func:`sentence_features` of many abstracts at once: ``embeddings`` are their sentences in
    order, ``lengths`` the number of sentences of each abstract (the same rows, row for row)."""
    emb = np.asarray(embeddings, dtype=np.float64)
    lengths = np.asarray(lengths, dtype=np.int64)
    n = np.repeat(lengths, lengths)
    index = (np.arange(len(n), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths))
    index = index.astype(np.float64)
    rel = index / np.maximum(n - 1, 1)
    position = np.zeros((len(n), N_POSITION), dtype=np.float64)
    position[:, 0] = rel
    position[:, 1] = rel**2
    position[:, 2] = index == 0
    position[:, 3] = index == n - 1
    position[:, 4] = np.minimum(n, 20) / 20.0
    position[:, 5] = np.minimum(index, 10) / 10.0
    parts = [emb]
    if context:
        rows, start = [], 0
        for size in lengths.tolist():
            if size:
                block = sentence_features(emb[start:start + size], True)
                rows.append(block[:, emb.shape[1]:-N_POSITION])
            start += size
        parts.append(np.vstack(rows) if rows else np.zeros((0, 3 * emb.shape[1])))
    parts.append(position)
    return np.hstack(parts)


_TOKEN = re.compile(r"\w+")


def ngrams(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams of a sentence."""
    tokens = _TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in zip(tokens[:-1], tokens[1:], strict=True)]


@dataclass(frozen=True)
class Lexicon:
    """TF-IDF over word uni- and bigrams (sublinear tf, smoothed idf, L2-normalised rows)."""

    terms: tuple[str, ...]
    idf: np.ndarray

    @classmethod
    def fit(cls, texts: list[str], min_df: int = 3) -> Lexicon:
        """Vocabulary of the n-grams in at least ``min_df`` texts (sorted), with their idf."""
        df: dict[str, int] = {}
        for text in texts:
            for gram in set(ngrams(text)):
                df[gram] = df.get(gram, 0) + 1
        terms = tuple(sorted(g for g, c in df.items() if c >= min_df))
        n = len(texts)
        idf = np.array([np.log((1 + n) / (1 + df[t])) + 1.0 for t in terms])
        return cls(terms, idf)

    @property
    def index(self) -> dict[str, int]:
        return _term_index(self.terms)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        """``(len(texts), len(terms))`` sparse TF-IDF rows (one pass over the texts; the weights of
        all rows at once: the same numbers as weighting row by row)."""
        index = self.index
        columns: list[int] = []
        counts: list[int] = []
        indptr = [0]
        for text in texts:
            row: dict[int, int] = {}
            for gram in ngrams(text):
                c = index.get(gram)
                if c is not None:
                    row[c] = row.get(c, 0) + 1
            keys = sorted(row)
            columns += keys
            counts += [row[k] for k in keys]
            indptr.append(len(columns))
        cols = np.asarray(columns, dtype=np.int64)
        weights = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self.idf[cols]
        bounds = np.asarray(indptr, dtype=np.int64)
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            if b > a:
                weights[a:b] /= np.linalg.norm(weights[a:b])
        return sparse.csr_matrix((weights, cols, bounds), shape=(len(texts), len(self.terms)))


@lru_cache(maxsize=4)
def _term_index(terms: tuple[str, ...]) -> dict[str, int]:
    return {t: i for i, t in enumerate(terms)}


def model_features(
    embeddings: np.ndarray, texts: list[str], context: bool, lexicon: Lexicon | None
) -> sparse.csr_matrix | np.ndarray:
    """Full feature rows of one abstract: TF-IDF n-grams (if a lexicon) + embeddings + position."""
    dense = sentence_features(embeddings, context)
    if lexicon is None:
        return dense
    return sparse.hstack([lexicon.transform(texts), sparse.csr_matrix(dense)], format="csr")


@dataclass(frozen=True)
class RoleModel:
    """A feed-forward scorer (ReLU between layers) plus a first-order transition model.

    Decoding combines per-sentence posteriors with transitions as in hybrid HMMs: the emission
    score is ``log p(role | sentence) - prior_weight * log p(role)``, the transition scores are
    scaled by ``transition_weight`` (both chosen on dev).
    """

    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    log_start: np.ndarray
    log_trans: np.ndarray
    log_end: np.ndarray
    transition_weight: float
    context: bool = True
    roles: tuple[str, ...] = ROLES
    lexicon: Lexicon | None = None
    log_prior: np.ndarray | None = None
    prior_weight: float = 0.0
    embedding: str = "minilm"  # the sentence embeddings it reads: "minilm" or "none" (no embedding)

    @property
    def needs_embeddings(self) -> bool:
        """Whether its features include sentence embeddings (an embedder must be called)."""
        return self.embedding != "none"

    def probabilities(self, features: np.ndarray | sparse.csr_matrix) -> np.ndarray:
        """Per-sentence role probabilities ``(n, len(roles))`` before decoding."""
        h = features
        for i, (w, b) in enumerate(self.layers):
            h = np.asarray(h @ w) + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        h = h - h.max(axis=1, keepdims=True)
        p = np.exp(h)
        return p / p.sum(axis=1, keepdims=True)

    def decode(self, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best role sequence (indices) and per-sentence marginals for one abstract."""
        emit = np.log(np.clip(probs, 1e-12, 1.0))
        if self.log_prior is not None and self.prior_weight:
            emit = emit - self.prior_weight * self.log_prior
        w = self.transition_weight
        chain = (w * self.log_start, w * self.log_trans, w * self.log_end)
        return viterbi(emit, *chain), marginals(emit, *chain)

    def features(self, embeddings: np.ndarray, texts: list[str]) -> np.ndarray | sparse.csr_matrix:
        """Feature rows of one abstract's sentences (their embeddings and texts, in order)."""
        if not self.needs_embeddings:
            embeddings = np.zeros((len(texts), 0))
        return model_features(embeddings, texts, self.context, self.lexicon)

    def predict_batch(self, embeddings: np.ndarray | None, texts: list[str],
                      lengths: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Role indices and marginals of the sentences of many abstracts at once (``texts`` and
        the rows of ``embeddings`` in order, ``lengths`` sentences per abstract): the same numbers
        as :meth:`predict` abstract by abstract, with the features, the scorer and the decoder
        vectorised (abstracts of equal length decoded together)."""
        lengths = np.asarray(lengths, dtype=np.int64)
        if embeddings is None or not self.needs_embeddings:  # a model without embeddings
            embeddings = np.zeros((len(texts), 0))
        dense = batch_sentence_features(embeddings, lengths, self.context)
        features = dense if self.lexicon is None else sparse.hstack(
            [self.lexicon.transform(texts), sparse.csr_matrix(dense)], format="csr")
        return self.decode_batch(self.probabilities(features), lengths)

    def decode_batch(self, probs: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`decode` of many abstracts (their sentences' rows of ``probs``, in order)."""
        emit = np.log(np.clip(probs, 1e-12, 1.0))
        if self.log_prior is not None and self.prior_weight:
            emit = emit - self.prior_weight * self.log_prior
        w = self.transition_weight
        chain = (w * self.log_start, w * self.log_trans, w * self.log_end)
        paths = np.zeros(len(emit), dtype=int)
        marg = np.zeros(emit.shape)
        starts = np.cumsum(lengths) - lengths
        for n in sorted(set(lengths.tolist()) - {0}):
            rows = starts[lengths == n][:, None] + np.arange(n)  # (abstracts, n)
            block = emit[rows]
            paths[rows] = viterbi_batch(block, *chain)
            marg[rows] = marginals_batch(block, *chain)
        return paths, marg

    def predict(self, embeddings: np.ndarray, texts: list[str]) -> tuple[list[str], np.ndarray]:
        """Roles and the ``(n, len(roles))`` marginals of one abstract's sentences."""
        if len(texts) == 0:
            return [], np.zeros((0, len(self.roles)))
        path, marg = self.decode(self.probabilities(self.features(embeddings, texts)))
        return [self.roles[i] for i in path], marg

    def save(self, path: str | Path, meta: dict | None = None) -> None:
        """Write the model as an ``.npz`` of float32 arrays plus a JSON header (no pickle)."""
        arrays: dict[str, np.ndarray] = {}
        for i, (w, b) in enumerate(self.layers):
            arrays[f"w{i}"] = w.astype(np.float32)
            arrays[f"b{i}"] = b.astype(np.float32)
        header = {
            "n_layers": len(self.layers),
            "roles": list(self.roles),
            "transition_weight": self.transition_weight,
            "prior_weight": self.prior_weight,
            "context": self.context,
            "embedding": self.embedding,
            **(meta or {}),
        }
        arrays["header"] = np.array(json.dumps(header, sort_keys=True))
        arrays["log_start"] = self.log_start.astype(np.float32)
        arrays["log_trans"] = self.log_trans.astype(np.float32)
        arrays["log_end"] = self.log_end.astype(np.float32)
        if self.log_prior is not None:
            arrays["log_prior"] = self.log_prior.astype(np.float32)
        if self.lexicon is not None:
            arrays["terms"] = np.array("\n".join(self.lexicon.terms))
            arrays["idf"] = self.lexicon.idf.astype(np.float32)
        write_npz(path, arrays)

    @classmethod
    def load(cls, path: str | Path) -> RoleModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            layers = tuple(
                (data[f"w{i}"].astype(np.float64), data[f"b{i}"].astype(np.float64))
                for i in range(header["n_layers"])
            )
            lexicon = None
            if "terms" in data.files:
                lexicon = Lexicon(tuple(str(data["terms"]).split("\n")), data["idf"].astype(np.float64))
            return cls(
                layers=layers,
                log_start=data["log_start"].astype(np.float64),
                log_trans=data["log_trans"].astype(np.float64),
                log_end=data["log_end"].astype(np.float64),
                transition_weight=float(header["transition_weight"]),
                context=bool(header.get("context", True)),
                roles=tuple(header["roles"]),
                lexicon=lexicon,
                log_prior=data["log_prior"].astype(np.float64) if "log_prior" in data.files else None,
                prior_weight=float(header.get("prior_weight", 0.0)),
                embedding=str(header.get("embedding", "minilm")),
            )


def write_npz(path: str | Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` as a compressed ``.npz`` that is byte-identical for identical arrays."""
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            archive.writestr(info, buffer.getvalue())


def transition_logs(
    sequences: list[list[int]], n_labels: int, smoothing: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log start, transition and end probabilities counted on label sequences (add-one smoothed)."""
    start = np.full(n_labels, smoothing)
    trans = np.full((n_labels, n_labels), smoothing)
    end = np.full(n_labels, smoothing)
    for seq in sequences:
        if not seq:
            continue
        start[seq[0]] += 1
        end[seq[-1]] += 1
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            trans[a, b] += 1
    # Each is a log conditional; the emissions are posteriors, so the decoder mixes the two.
    return (
        np.log(start / start.sum()),
        np.log(trans / trans.sum(axis=1, keepdims=True)),
        np.log(end / end.sum()),
    )


def viterbi(
    emit: np.ndarray, log_start: np.ndarray, log_trans: np.ndarray, log_end: np.ndarray
) -> np.ndarray:
    """Highest-scoring label path for log emission scores ``(n, k)`` (ties: the lower index)."""
    n, k = emit.shape
    if n == 0:
        return np.zeros(0, dtype=int)
    score = log_start + emit[0]
    back = np.zeros((n, k), dtype=int)
    for t in range(1, n):
        cand = score[:, None] + log_trans
        back[t] = np.argmax(cand, axis=0)
        score = cand[back[t], np.arange(k)] + emit[t]
    path = np.zeros(n, dtype=int)
    path[-1] = int(np.argmax(score + log_end))
    for t in range(n - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


def viterbi_batch(
    emit: np.ndarray, log_start: np.ndarray, log_trans: np.ndarray, log_end: np.ndarray
) -> np.ndarray:
    """:func:`viterbi` of ``B`` sequences of equal length at once: ``emit`` is ``(B, n, k)``."""
    b, n, k = emit.shape
    score = log_start + emit[:, 0]
    back = np.zeros((b, n, k), dtype=int)
    for t in range(1, n):
        cand = score[:, :, None] + log_trans
        back[:, t] = np.argmax(cand, axis=1)
        score = np.take_along_axis(cand, back[:, t][:, None, :], axis=1)[:, 0, :] + emit[:, t]
    path = np.zeros((b, n), dtype=int)
    path[:, -1] = np.argmax(score + log_end, axis=1)
    every = np.arange(b)
    for t in range(n - 1, 0, -1):
        path[:, t - 1] = back[every, t, path[:, t]]
    return path


def marginals_batch(
    emit: np.ndarray, log_start: np.ndarray, log_trans: np.ndarray, log_end: np.ndarray
) -> np.ndarray:
    """:func:`marginals` of ``B`` sequences of equal length at once: ``emit`` is ``(B, n, k)``."""
    b, n, k = emit.shape
    alpha = np.zeros((b, n, k))
    beta = np.zeros((b, n, k))
    alpha[:, 0] = log_start + emit[:, 0]
    for t in range(1, n):
        alpha[:, t] = _logsumexp(alpha[:, t - 1][:, :, None] + log_trans, axis=1) + emit[:, t]
    beta[:, -1] = log_end
    for t in range(n - 2, -1, -1):
        beta[:, t] = _logsumexp(log_trans + (emit[:, t + 1] + beta[:, t + 1])[:, None, :], axis=2)
    post = alpha + beta
    post -= post.max(axis=2, keepdims=True)
    p = np.exp(post)
    return p / p.sum(axis=2, keepdims=True)


def _logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    m = np.max(a, axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))


def marginals(
    emit: np.ndarray, log_start: np.ndarray, log_trans: np.ndarray, log_end: np.ndarray
) -> np.ndarray:
    """Per-position label marginals ``(n, k)`` of the same chain (forward-backward in log space)."""
    n, k = emit.shape
    if n == 0:
        return np.zeros((0, k))
    alpha = np.zeros((n, k))
    beta = np.zeros((n, k))
    alpha[0] = log_start + emit[0]
    for t in range(1, n):
        alpha[t] = _logsumexp(alpha[t - 1][:, None] + log_trans, axis=0) + emit[t]
    beta[-1] = log_end
    for t in range(n - 2, -1, -1):
        beta[t] = _logsumexp(log_trans + (emit[t + 1] + beta[t + 1])[None, :], axis=1)
    post = alpha + beta
    post -= post.max(axis=1, keepdims=True)
    p = np.exp(post)
    return p / p.sum(axis=1, keepdims=True)


@lru_cache(maxsize=2)
def _load_cached(path: str) -> RoleModel:
    return RoleModel.load(path)


def load_role_model(path: str | Path | None = None, lexical: bool = False) -> RoleModel:
    """The shipped sentence-role model (``lexical``: the big-corpus one, which reads no sentence
    embedding), or the one at ``path``; loaded once per process."""
    target = Path(path) if path is not None else weights_path(lexical)
    if not target.is_file():
        raise FileNotFoundError(
            f"sentence-role weights not found at {target}; run benchmarks/train_sentence_roles.py"
            + (" --lexical" if lexical else "")
        )
    return _load_cached(str(target.resolve()))


def role_model_for(n_papers: int, static_above: int | None = None) -> RoleModel:
    """The role model for a corpus of ``n_papers``: the big-corpus (lexical) model above
    ``static_above`` papers (``[embed] static_above``, where the papers' embeddings switch to
    the static model too), else the shipped MiniLM one."""
    from surveykit.embed import DEFAULT_STATIC_ABOVE

    limit = DEFAULT_STATIC_ABOVE if static_above is None else static_above
    return load_role_model(lexical=n_papers > limit)
