"""One real index of the shipped corpus (real e5 model) per test session, shared by the functional tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.settings import Settings, set_offline_environment

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory) -> Settings:
    set_offline_environment()
    data = tmp_path_factory.mktemp("finsam-data")
    return Settings(corpus_dir=REPO / "corpus", data_dir=data)


@pytest.fixture(scope="session")
def real_embedder(corpus_settings):
    from index.embed import load_embedder

    return load_embedder(corpus_settings)


@pytest.fixture(scope="session")
def corpus_index(corpus_settings, real_embedder):
    from index.pipeline import build_index

    result = build_index(corpus_settings, real_embedder)
    assert result.rebuilt and not result.problems
    return result


@pytest.fixture(scope="session")
def cli_env(corpus_settings, corpus_index) -> dict[str, str]:
    return {
        **os.environ,
        "FINSAM_DATA_DIR": str(corpus_settings.data_dir),
        "FINSAM_CORPUS_DIR": str(corpus_settings.corpus_dir),
    }
