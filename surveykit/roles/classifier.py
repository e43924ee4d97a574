"""Rhetorical role of each abstract sentence: background, objective, method, result or other.

The model is trained on CSAbstruct (Cohan, Beltagy, King, Dalvi and Weld, "Pretrained Language
Models for Sequential Sentence Classification", EMNLP 2019; Apache-2.0; see
``surveykit/data/roles/SOURCE.md``) by ``benchmarks/train_sentence_roles.py``.

Features of sentence *i* of an abstract of *n* sentences (:func:`sentence_features`): its MiniLM
embedding, the embeddings of the previous and next sentences (zeros at the edges), the mean
embedding of the abstract, and position features (relative position, first, last, length of the
abstract). A small network (a multinomial logistic regression when it has no hidden layer) gives
per-sentence probabilities; a first-order sequence model with transitions counted on the training
abstracts then decodes the most likely role sequence (Viterbi) and per-sentence marginals
(forward-backward). The weights ship as ``surveykit/data/roles/sentence_roles.npz`` (no pickle).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

ROLES: tuple[str, ...] = ("background", "objective", "method", "result", "other")
WEIGHTS_FILE = "sentence_roles.npz"
N_POSITION = 6


def weights_path() -> Path:
    """Path of the shipped weights file."""
    return Path(str(resources.files("surveykit") / "data" / "roles" / WEIGHTS_FILE))


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


@dataclass(frozen=True)
class RoleModel:
    """A feed-forward scorer (ReLU between layers) plus a first-order transition model."""

    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    log_start: np.ndarray
    log_trans: np.ndarray
    log_end: np.ndarray
    transition_weight: float
    context: bool = True
    roles: tuple[str, ...] = ROLES

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Per-sentence role probabilities ``(n, len(roles))`` before decoding."""
        h = np.asarray(features, dtype=np.float64)
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        h -= h.max(axis=1, keepdims=True)
        p = np.exp(h)
        return p / p.sum(axis=1, keepdims=True)

    def decode(self, probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best role sequence (indices) and per-sentence marginals for one abstract."""
        emit = np.log(np.clip(probs, 1e-12, 1.0))
        w = self.transition_weight
        return viterbi(emit, w * self.log_start, w * self.log_trans, w * self.log_end), marginals(
            emit, w * self.log_start, w * self.log_trans, w * self.log_end
        )

    def predict(self, embeddings: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Roles and the ``(n, len(roles))`` marginals of one abstract's sentence embeddings."""
        if len(embeddings) == 0:
            return [], np.zeros((0, len(self.roles)))
        probs = self.probabilities(sentence_features(embeddings, self.context))
        path, marg = self.decode(probs)
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
            "context": self.context,
            **(meta or {}),
        }
        arrays["header"] = np.array(json.dumps(header, sort_keys=True))
        arrays["log_start"] = self.log_start.astype(np.float32)
        arrays["log_trans"] = self.log_trans.astype(np.float32)
        arrays["log_end"] = self.log_end.astype(np.float32)
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
            return cls(
                layers=layers,
                log_start=data["log_start"].astype(np.float64),
                log_trans=data["log_trans"].astype(np.float64),
                log_end=data["log_end"].astype(np.float64),
                transition_weight=float(header["transition_weight"]),
                context=bool(header.get("context", True)),
                roles=tuple(header["roles"]),
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


def load_role_model(path: str | Path | None = None) -> RoleModel:
    """The shipped sentence-role model (or the one at ``path``), loaded once per process."""
    target = Path(path) if path is not None else weights_path()
    if not target.is_file():
        raise FileNotFoundError(
            f"sentence-role weights not found at {target}; run benchmarks/train_sentence_roles.py"
        )
    return _load_cached(str(target.resolve()))
