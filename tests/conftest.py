"""Shared fixtures: a temporary data directory, small reports written in the test, a fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.settings import Settings, set_offline_environment

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"

set_offline_environment()

# Two small reports written in tests (figures read from these texts, not from the shipped corpus).
ALPHA = """Alfaprojektet

Resultat

Under 2019 har Alfaprojektet arbetat med 40 personer, varav 22 kvinnor och 18 män. Av dessa har tolv
gått vidare till arbete och fem till studier. Projektet drivs av kommunen i samverkan med
Arbetsförmedlingen och Försäkringskassan.
"""

BETA = """Betainsatsen

Målgrupp

Betainsatsen vänder sig till unga vuxna som varken arbetar eller studerar. Under 2019 deltog 15
personer. Insatsen finansieras av samordningsförbundet med 300 000 kronor.
"""


def write_report(
    folder: Path,
    name: str,
    text: str,
    *,
    title: str,
    organisation: str,
    period: str,
    report_type: str = "Verksamhetsberättelse",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    (folder / f"{name}.toml").write_text(
        f'title = "{title}"\norganisation = "{organisation}"\n'
        f'report_type = "{report_type}"\nperiod = "{period}"\n',
        encoding="utf-8",
    )
    return path


def fake_engine(root: Path):
    """An engine over the reports written into `root / "corpus"`, indexed with the fake embedder."""
    from assistant.engine import Engine
    from index.embed import FakeEmbedder
    from index.pipeline import build_index

    settings = Settings(corpus_dir=root / "corpus", data_dir=root / "data", model="fake")
    build_index(settings, FakeEmbedder())
    return Engine(settings, FakeEmbedder())


@pytest.fixture
def make_settings(tmp_path):
    def factory(corpus: Path | None = None, **overrides) -> Settings:
        return Settings(
            corpus_dir=corpus or tmp_path / "corpus", data_dir=tmp_path / "data", model="fake", **overrides
        )

    return factory
