"""Shared kit for the fault suites: a corpus of good reports, `finsam` run in-process with the fake
embedder, and the checks every bad-input case ends with (the good reports indexed and answering)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import cli
from assistant.engine import Engine
from index.catalog import Manifest
from index.embed import FAKE_MODEL, FakeEmbedder
from index.generations import current_generation
from index.reader import IndexReader
from index.settings import Settings
from tests.conftest import write_report

ORGANISATION = "Samordningsförbundet Felprovet"


@dataclass(frozen=True)
class GoodReport:
    name: str
    text: str
    question: str
    """A question only this report answers: its passage must come first."""
    fact: str
    """Words of the answer that must be in the indexed text."""


GOOD_REPORTS = (
    GoodReport(
        "lodjur",
        "Lodjursprojektet\n\nResultat\n\nUnder 2019 har Lodjursprojektet arbetat med 40 personer, varav 22 "
        "kvinnor och 18 män. Av dessa har tolv gått vidare till arbete och fem till studier.\n",
        "Hur många personer arbetade Lodjursprojektet med?",
        "Lodjursprojektet arbetat med 40 personer",
    ),
    GoodReport(
        "bäver",
        "Bäverinsatsen\n\nMålgrupp\n\nBäverinsatsen vänder sig till unga vuxna som varken arbetar eller "
        "studerar. Insatsen finansieras av förbundet med 300 000 kronor och drivs av kommunen.\n",
        "Vem vänder sig Bäverinsatsen till?",
        "vänder sig till unga vuxna",
    ),
)


def write_good_reports(corpus: Path) -> None:
    for report in GOOD_REPORTS:
        write_report(
            corpus,
            report.name,
            report.text,
            title=f"Verksamhetsberättelse 2019 {report.name}",
            organisation=ORGANISATION,
            period="2019",
        )


@dataclass(frozen=True)
class Run:
    exit_code: int
    output: str
    """stdout and stderr with every run of whitespace made one space (Rich wraps long lines)."""


def flat(text: str) -> str:
    return " ".join(text.split())


def run_finsam(settings: Settings, *args: str) -> Run:
    """`finsam ARGS` in this process, configured through the environment as a user would, with the fake
    embedder (`FINSAM_MODEL=fake`). Exceptions other than the exit are re-raised: a traceback is a failure."""
    env = {
        "FINSAM_CORPUS_DIR": str(settings.corpus_dir),
        "FINSAM_DATA_DIR": str(settings.data_dir),
        "FINSAM_MODEL": FAKE_MODEL,
        "FINSAM_MAX_FILE_MB": str(settings.max_file_mb),
    }
    result = CliRunner().invoke(cli.app, list(args), env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, flat(result.output))


def skipped_line(name: str, reason: str) -> str:
    """The line `finsam index` prints for a skipped file (whitespace-flattened like `Run.output`)."""
    return flat(f"HOPPADE ÖVER {name}: {reason}")


def indexed_reports(settings: Settings) -> dict[str, str]:
    """report id -> all its indexed text, from the live generation."""
    texts: dict[str, list[str]] = {}
    for chunk in IndexReader.open(settings).chunks:
        texts.setdefault(chunk.report_id, []).append(chunk.text)
    return {report_id: "\n".join(parts) for report_id, parts in texts.items()}


def live_manifest(settings: Settings) -> Manifest:
    live = current_generation(settings.index_dir)
    assert live is not None, "no index was published"
    return Manifest.load(live)


def assert_answers(settings: Settings, question: str, report_id: str) -> None:
    """The engine answers `question` with a passage of `report_id` first."""
    answer = Engine(settings, FakeEmbedder()).ask(question)
    assert answer.passages, f"no passage for {question!r}"
    assert answer.passages[0].report == report_id, (question, [p.report for p in answer.passages])


def assert_good_reports_answering(settings: Settings) -> None:
    """Every good report is indexed once, with its text, and answers its own question."""
    texts = indexed_reports(settings)
    for report in GOOD_REPORTS:
        assert report.fact in flat(texts.get(report.name, "")), f"{report.name} is not indexed"
        assert_answers(settings, report.question, report.name)


@pytest.fixture
def fault_settings(tmp_path) -> Settings:
    """Settings for a fresh corpus of the good reports, already indexed by `finsam index` (exit 0)."""
    corpus = tmp_path / "corpus"
    write_good_reports(corpus)
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data", model=FAKE_MODEL)
    first = run_finsam(settings, "index")
    assert first.exit_code == 0, first.output
    assert "HOPPADE ÖVER" not in first.output
    return settings
