"""A static embedding model distilled offline from the bundled MiniLM, for big corpora.

``model2vec`` distils a sentence-transformers model into one vector per vocabulary token (each token
passed through the transformer alone); a text's embedding is then the mean of its tokens' vectors:
no transformer at embedding time, hundreds of times faster, at some loss of quality
(``benchmarks/results/static_embeddings.md``).

Built once, from the local model files only (no hub), and kept in the user cache::

    <model cache>/static-<base>/raw/            the distilled token vectors (the slow part, minutes)
    <model cache>/static-<base>/<recipe>/        a ready model: PCA + Zipf/SIF weighting of raw

``<model cache>`` is ``$SURVEYKIT_MODEL_CACHE``, else ``$XDG_CACHE_HOME/surveykit/models``, else
``~/.cache/surveykit/models``; ``python -m surveykit.embed_static`` builds it ahead of time.
``<base>`` is a hash of the base model's identity, so a changed base
model gets a new static model. Folders are written under a temporary name and renamed, so a crash
leaves no half-built model behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL_CACHE_ENV = "SURVEYKIT_MODEL_CACHE"
STATIC_PREFIX = "static"


@dataclass(frozen=True)
class StaticRecipe:
    """How the raw distilled vectors become a model: PCA to ``pca_dims`` (``None``: keep all 384
    dimensions) and SIF weighting of token ``i`` by ``sif / (sif + p(i))`` with ``p`` a Zipf law over
    the vocabulary order (``None``: no weighting). The default keeps all dimensions (model2vec's own
    default, PCA to 256, lost 0.06 more NMI in surveykit's topic stage on the development sets:
    ``benchmarks/results/static_embeddings.md``) and model2vec's SIF weighting."""

    pca_dims: int | None = None
    sif: float | None = 1e-4

    @property
    def name(self) -> str:
        pca = "nopca" if self.pca_dims is None else f"pca{self.pca_dims}"
        sif = "nosif" if self.sif is None else f"sif{self.sif:g}"
        return f"{pca}-{sif}"


DEFAULT_RECIPE = StaticRecipe()


def model_cache_dir() -> Path:
    """Where distilled models are kept (see the module docstring)."""
    env = os.environ.get(MODEL_CACHE_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "surveykit" / "models"


def _base_folder(base_identity: str, cache: Path | None) -> Path:
    digest = hashlib.sha256(base_identity.encode()).hexdigest()[:16]
    return (cache or model_cache_dir()) / f"static-{digest}"


def static_identity(base_identity: str, recipe: StaticRecipe = DEFAULT_RECIPE) -> str:
    """The identity of a static model: its base model's identity and its recipe (embedding cache
    keys include it, so static and MiniLM vectors never mix)."""
    return f"{STATIC_PREFIX}:{base_identity}:{recipe.name}"


def is_static_model(folder: str | os.PathLike[str]) -> bool:
    """True for a model2vec folder (its ``config.json`` says ``model_type = "model2vec"``)."""
    config = Path(folder) / "config.json"
    if not config.is_file():
        return False
    try:
        return json.loads(config.read_text(encoding="utf-8")).get("model_type") == "model2vec"
    except (OSError, ValueError):
        return False


def _publish(build: Any, target: Path) -> Path:
    """Run ``build(tmp_folder)`` and rename the folder to ``target`` (another process may win)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        build(tmp)
        try:
            os.replace(tmp, target)
        except OSError:
            if not is_static_model(target):  # not a lost race: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def distill_raw(base_path: Path, base_identity: str, out: Path) -> None:
    """Distil ``base_path`` (a local sentence-transformers folder) into raw token vectors (no PCA, no
    weighting, float32) in ``out``. Offline: model2vec reads the local files only."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from model2vec.distill import distill

    model = distill(str(base_path), pca_dims=None, sif_coefficient=None, quantize_to="float32",
                    device="cpu")
    model.save_pretrained(str(out))
    meta = {"base_identity": base_identity, "base_path": str(base_path)}
    (out / "surveykit.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def apply_recipe(raw: Any, recipe: StaticRecipe) -> Any:
    """A :class:`model2vec.StaticModel` from raw distilled vectors, post-processed as model2vec's
    ``distill`` does (its own PCA and Zipf/SIF weights)."""
    from model2vec import StaticModel
    from model2vec.distill.inference import apply_pca, compute_weights

    vectors = np.asarray(raw.embedding, dtype=np.float32)
    vectors = apply_pca(vectors, recipe.pca_dims)
    vectors = (vectors * compute_weights(len(vectors), sif_coefficient=recipe.sif)[:, None])
    config = {**dict(raw.config), "apply_pca": recipe.pca_dims, "sif_coefficient": recipe.sif,
              "hidden_dim": int(vectors.shape[1])}
    return StaticModel(vectors=vectors.astype(np.float32), tokenizer=raw.tokenizer, config=config,
                       normalize=True, base_model_name=raw.base_model_name)


def ensure_static_model(base_path: str | os.PathLike[str], base_identity: str,
                        recipe: StaticRecipe = DEFAULT_RECIPE, cache: Path | None = None) -> Path:
    """The folder of the static model distilled from ``base_path`` with ``recipe``; distilled on
    the first call (minutes on 2 cores) and read from the model cache afterwards."""
    from model2vec import StaticModel

    folder = _base_folder(base_identity, cache)
    target = folder / recipe.name
    if is_static_model(target):
        return target
    raw_dir = folder / "raw"
    if not is_static_model(raw_dir):
        print(f"surveykit: distilling a static embedding model from {base_path} (once; a few minutes)")
        _publish(lambda tmp: distill_raw(Path(base_path), base_identity, tmp), raw_dir)
    raw = StaticModel.from_pretrained(str(raw_dir))

    def build(tmp: Path) -> None:
        apply_recipe(raw, recipe).save_pretrained(str(tmp))
        meta = {"identity": static_identity(base_identity, recipe), "recipe": recipe.name}
        (tmp / "surveykit.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")

    return _publish(build, target)


@lru_cache(maxsize=4)
def load_static(folder: str) -> Any:
    """Load a model2vec folder (cached per process)."""
    from model2vec import StaticModel

    return StaticModel.from_pretrained(folder)


def encode_static(model: Any, texts: list[str], batch_size: int = 1024) -> np.ndarray:
    """Mean token vectors of ``texts`` (float32, not normalised here), one process, deterministic.
    Tokenising is most of the cost: it runs on every core (:func:`parallel_tokenizer`)."""
    if not texts:
        return np.zeros((0, int(model.dim)), dtype=np.float32)
    with parallel_tokenizer():
        vectors = model.encode(texts, batch_size=batch_size, use_multiprocessing=False,
                               show_progress_bar=False, normalize=False)
    return np.asarray(vectors, dtype=np.float32)


@contextlib.contextmanager
def parallel_tokenizer() -> Iterator[None]:
    """Let the Rust tokenizer use its threads for a while (``TOKENIZERS_PARALLELISM=true``, read
    at each call; the same tokens), then set it back, to off when it was unset: a later fork
    (attribute workers) warns about threads already used unless the setting is explicit."""
    before = os.environ.get("TOKENIZERS_PARALLELISM")
    os.environ["TOKENIZERS_PARALLELISM"] = "true"
    try:
        yield
    finally:
        os.environ["TOKENIZERS_PARALLELISM"] = before if before is not None else "false"


def main() -> int:
    """``python -m surveykit.embed_static``: distil the default static model now (e.g. at setup)."""
    from surveykit.embed import static_model_path

    print(static_model_path())
    return 0


__all__ = [
    "DEFAULT_RECIPE",
    "StaticRecipe",
    "apply_recipe",
    "distill_raw",
    "encode_static",
    "ensure_static_model",
    "is_static_model",
    "load_static",
    "model_cache_dir",
    "static_identity",
]


if __name__ == "__main__":
    raise SystemExit(main())
