"""Embedding cache: keyed by model + text, only new texts are embedded, rows in input order."""

from __future__ import annotations

import numpy as np
import pytest

from surveykit import embed


@pytest.fixture
def fake_encoder(monkeypatch):
    """Replace the model call by a deterministic fake; count the texts it was asked for."""
    calls: list[list[str]] = []

    def encode(ref, texts, batch_size, progress):
        calls.append(list(texts))
        rows = [[len(t), sum(map(ord, t)) % 97 + 1, 1.0] for t in texts]
        return np.asarray(rows, dtype=np.float32)

    monkeypatch.setattr(embed, "_encode", encode)
    return calls


def test_rows_follow_input_order_and_are_normalised(tmp_path, fake_encoder):
    texts = ["alpha", "beta gamma", "alpha"]
    vectors = embed.embed_texts(texts, cache_dir=tmp_path, progress=False)
    assert vectors.dtype == np.float32 and vectors.shape == (3, 3)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.array_equal(vectors[0], vectors[2])
    assert fake_encoder == [["alpha", "beta gamma"]]  # duplicates embedded once


def test_second_call_reads_the_cache_without_the_model(tmp_path, fake_encoder, monkeypatch):
    first = embed.embed_texts(["one", "two"], cache_dir=tmp_path, progress=False)

    def no_model(*args, **kwargs):
        raise AssertionError("the model must not be loaded for cached texts")

    monkeypatch.setattr(embed, "_encode", no_model)
    monkeypatch.setattr(embed, "load_model", no_model)
    again = embed.embed_texts(["two", "one"], cache_dir=tmp_path, progress=False)
    assert np.array_equal(again, first[::-1])


def test_only_new_texts_are_embedded(tmp_path, fake_encoder):
    embed.embed_texts(["a paper", "b paper"], cache_dir=tmp_path, progress=False)
    embed.embed_texts(["a paper", "c paper", "b paper"], cache_dir=tmp_path, progress=False)
    assert fake_encoder == [["a paper", "b paper"], ["c paper"]]


def test_cache_is_keyed_by_model(tmp_path, fake_encoder):
    other = tmp_path / "other-model"
    other.mkdir()
    (other / "config.json").write_text('{"hidden_size": 3}')
    embed.embed_texts(["same text"], cache_dir=tmp_path / "cache", progress=False)
    embed.embed_texts(["same text"], model=other, cache_dir=tmp_path / "cache", progress=False)
    assert len(fake_encoder) == 2
    assert embed.model_identity(other) != embed.model_identity(None)


def test_shards_are_compacted(tmp_path, fake_encoder, monkeypatch):
    monkeypatch.setattr(embed, "MAX_SHARDS", 2)
    for i in range(4):
        embed.embed_texts([f"text {i}"], cache_dir=tmp_path, progress=False)
    shards = list(tmp_path.rglob("shard-*.npz"))
    assert len(shards) <= 2
    assert embed.embed_texts([f"text {i}" for i in range(4)], cache_dir=tmp_path,
                             progress=False).shape == (4, 3)
    assert len(fake_encoder) == 4


def test_missing_local_model_fails_clearly(tmp_path):
    with pytest.raises(embed.EmbeddingModelError, match="not found"):
        embed.embed_texts(["x"], model=str(tmp_path / "no-such-model"), cache_dir=tmp_path,
                          progress=False)


def test_identity_does_not_depend_on_the_folder_location(tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(embed.default_model_path(), copy,
                    ignore=shutil.ignore_patterns("*.safetensors"))
    (copy / "model.safetensors").write_bytes(b"")  # sizes differ: identity must change
    assert embed.model_identity(copy) != embed.model_identity(None)


@pytest.mark.slow
def test_real_minilm_model(tmp_path):
    vectors = embed.embed_texts(["multi-agent collaboration", "web agents", "protein folding"],
                                cache_dir=tmp_path, progress=False)
    assert vectors.shape == (3, 384)
    similar = float(vectors[0] @ vectors[1])
    unrelated = float(vectors[0] @ vectors[2])
    assert similar > unrelated
    cached = embed.embed_texts(["web agents"], cache_dir=tmp_path, progress=False)
    assert np.allclose(cached[0], vectors[1])
