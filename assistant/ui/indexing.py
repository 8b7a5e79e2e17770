"""Index management from the UI: the build runs in a worker thread and reports here through messages, so
questions go on against the live index until the new generation is switched in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message

if TYPE_CHECKING:
    from index.pipeline import IndexResult
    from index.progress import ProgressSink
    from index.settings import Settings
    from index.watch import CorpusChanges

IndexBuilder = Callable[["ProgressSink"], "IndexResult"]
"""Brings the index in line with the corpus folder, reporting progress; the real one is `build_index`."""
WATCH_SECONDS = 5.0
"""How often the corpus folder is looked at for new reports (a walk and a stat per file)."""


@dataclass
class IndexProgress(Message):
    stage: str | None = None
    """A new stage starts (with `total` steps); None when only advancing."""
    total: int = 0
    advance: int = 0


@dataclass
class IndexRebuilt(Message):
    result: IndexResult | None = None
    error: str | None = None


@dataclass
class CorpusChanged(Message):
    changes: CorpusChanges


class UiProgress:
    """The pipeline's progress sink, posting to the app from the build thread (messages are thread-safe)."""

    def __init__(self, app: App) -> None:
        self.app = app

    def start(self, stage: str, total: int) -> None:
        self.app.post_message(IndexProgress(stage, total))

    def advance(self, amount: int = 1) -> None:
        self.app.post_message(IndexProgress(advance=amount))

    def finish(self) -> None:
        pass

    def note(self, text: str) -> None:
        self.app.post_message(IndexProgress(stage=text))


def rebuild_summary(result: IndexResult) -> str:
    """'Indexet uppdaterat – nya rapporter: 1, ändrade: 0, borttagna: 0 (12 passager).' plus skipped files."""
    if not result.rebuilt:
        text = "Indexet är redan aktuellt."
    else:
        text = (
            f"Indexet uppdaterat – nya rapporter: {len(result.added)}, ändrade: {len(result.changed)}, "
            f"borttagna: {len(result.removed)} ({result.chunks} passager)."
        )
    if result.problems:
        names = ", ".join(p.path.name for p in result.problems[:3])
        more = " …" if len(result.problems) > 3 else ""
        files = "fil" if len(result.problems) == 1 else "filer"
        text += f" {len(result.problems)} {files} hoppades över: {names}{more}."
    return text


def real_index_builder(settings: Settings) -> IndexBuilder:
    """`build_index` with the process's one model (loaded only if something must be embedded)."""

    def builder(progress: ProgressSink) -> IndexResult:
        from index.embed import load_embedder
        from index.pipeline import build_index

        return build_index(settings, lambda: load_embedder(settings), progress)

    return builder
