"""Fixtures of the UI tests: a small index built once with the fake embedder (no torch), and the app on it."""

from __future__ import annotations

import pytest

from assistant.engine import Engine
from assistant.ui import FinsamApp, make_app
from index.embed import FakeEmbedder
from index.pipeline import build_index
from index.settings import Settings
from tests.conftest import write_report
from tests.ui.pilot_kit import ALPHA, BETA


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # Textual runs on asyncio; anyio's pytest plugin runs the async tests


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("ui")
    corpus = root / "corpus"
    write_report(
        corpus,
        "alfa",
        ALPHA,
        title="Verksamhetsberättelse 2019",
        organisation="Samordningsförbundet Alfa",
        period="2019",
    )
    write_report(
        corpus,
        "beta",
        BETA,
        title="Årsredovisning 2019",
        organisation="Samordningsförbundet Beta",
        period="2019",
        report_type="Årsredovisning",
    )
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", model="fake")
    build_index(settings, FakeEmbedder())
    return settings


@pytest.fixture
def app(settings) -> FinsamApp:
    return make_app(settings, lambda: Engine(settings, FakeEmbedder()))
