"""Index management from the UI: a rebuild runs beside questions; new reports in the folder are offered."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from assistant.engine import Engine
from assistant.ui import make_app
from assistant.ui.indexing import rebuild_summary
from index.embed import FakeEmbedder
from index.models import LoadProblem
from index.pipeline import IndexResult, build_index
from index.watch import corpus_changes
from tests.conftest import write_report
from tests.ui.pilot_kit import ALPHA_QUESTION, ask, screen_text, settle

GAMMA = """Gammaverkstaden

Resultat

Gammaverkstaden tog under 2019 emot 31 deltagare i snickeriet. Arbetet med möbelrenovering har varit
uppskattat av deltagarna.
"""
GAMMA_QUESTION = "Hur många deltagare tog Gammaverkstaden emot i snickeriet?"


class GatedEmbedder(FakeEmbedder):
    """Embeds passages only when the test opens the gate, so the build is caught midway."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting = threading.Event()
        self.gate = threading.Event()

    def embed_passages(self, texts):
        self.waiting.set()
        assert self.gate.wait(20), "the test never opened the gate"
        return super().embed_passages(texts)


@pytest.fixture
def own_settings(settings, tmp_path):
    """A copy of the shared small corpus and index that these tests may change."""
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(settings.corpus_dir, corpus)
    own = settings.model_copy(update={"corpus_dir": corpus, "data_dir": data})
    build_index(own, FakeEmbedder())
    return own


def add_gamma(settings) -> None:
    write_report(settings.corpus_dir, "gamma", GAMMA, title="Verksamhetsberättelse Gamma 2019",
                 organisation="Samordningsförbundet Gamma", period="2019")  # fmt: skip


async def wait_for(pilot, event: threading.Event) -> None:
    for _ in range(200):
        if event.is_set():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


@pytest.mark.anyio
async def test_rebuild_from_the_ui_completes_while_a_question_is_answered(own_settings):
    embedder = GatedEmbedder()
    app = make_app(
        own_settings,
        lambda: Engine(own_settings, FakeEmbedder()),
        lambda progress: build_index(own_settings, embedder, progress),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        add_gamma(own_settings)
        await pilot.press("ctrl+r")
        await wait_for(pilot, embedder.waiting)  # the build is now embedding the new report
        assert app.rebuilding and app.query_one("#index-bar").display
        assert "bäddar in" in screen_text(app.query_one("#index-bar"))
        await pilot.click("#question")
        app.query_one("#question").value = ALPHA_QUESTION
        await pilot.press("enter")
        for _ in range(100):  # the question is answered while the build still waits at the gate
            if app.exchanges[0].answer is not None:
                break
            await pilot.pause(0.05)
        assert app.exchanges[0].answer is not None and app.rebuilding
        assert "40 personer" in app.exchanges[0].answer.answer
        assert "gamma" not in {p.report for p in app.exchanges[0].answer.passages}
        embedder.gate.set()
        await settle(pilot)
        assert not app.rebuilding and not app.query_one("#index-bar").display
        await ask(pilot, GAMMA_QUESTION)
        assert app.exchanges[1].answer.passages[0].report == "gamma"
        assert "Samordningsförbundet Gamma" in [o for o in app.engine.organisations()]


@pytest.mark.anyio
async def test_new_report_in_the_folder_is_offered_once(own_settings, monkeypatch):
    app = make_app(own_settings, lambda: Engine(own_settings, FakeEmbedder()),
                   lambda progress: build_index(own_settings, FakeEmbedder(), progress))  # fmt: skip
    notes: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: notes.append(message))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.watch_corpus()
        await settle(pilot)
        assert notes == []  # nothing new yet
        add_gamma(own_settings)
        app.watch_corpus()
        await settle(pilot)
        assert len(notes) == 1 and "1 ny rapport (gamma.txt)" in notes[0] and "Ctrl+R" in notes[0]
        app.watch_corpus()
        await settle(pilot)
        assert len(notes) == 1  # offered once, not every few seconds
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert notes[-1].startswith("Indexet uppdaterat – nya rapporter: 1, ändrade: 0, borttagna: 0")
        assert not corpus_changes(own_settings).any


def test_corpus_changes_sees_new_changed_and_removed_reports(own_settings):
    assert not corpus_changes(own_settings).any
    add_gamma(own_settings)
    (own_settings.corpus_dir / "beta.txt").unlink()
    alfa = own_settings.corpus_dir / "alfa.txt"
    alfa.write_text(alfa.read_text(encoding="utf-8") + "\nEtt tillägg.\n", encoding="utf-8")
    changes = corpus_changes(own_settings)
    assert (changes.new, changes.changed, changes.removed) == (["gamma.txt"], ["alfa.txt"], ["beta.txt"])
    assert changes.describe() == (
        "1 ny rapport (gamma.txt); 1 ändrad rapport (alfa.txt); 1 borttagen rapport (beta.txt)"
    )


def test_a_skipped_file_is_not_offered_again_until_it_changes(own_settings):
    broken = own_settings.corpus_dir / "trasig.txt"
    broken.write_bytes(b"")
    assert corpus_changes(own_settings).new == ["trasig.txt"]
    result = build_index(own_settings, FakeEmbedder())
    assert [p.path.name for p in result.problems] == ["trasig.txt"]
    assert not corpus_changes(own_settings).any


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (IndexResult(None, False), "Indexet är redan aktuellt."),
        (
            IndexResult(None, True, added=["a", "b"], removed=["c"], chunks=12),
            "Indexet uppdaterat – nya rapporter: 2, ändrade: 0, borttagna: 1 (12 passager).",
        ),
        (
            IndexResult(None, False, problems=[LoadProblem(Path("x/tom.txt"), "tom")]),
            "Indexet är redan aktuellt. 1 fil hoppades över: tom.txt.",
        ),
    ],
)
def test_rebuild_summary(result, expected):
    assert rebuild_summary(result) == expected
