"""Progress of index builds, decoupled from how it is shown (rich in the CLI, Textual in the UI)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class StageTiming:
    stage: str
    count: int
    seconds: float


class ProgressSink(Protocol):
    def start(self, stage: str, total: int) -> None: ...
    def advance(self, amount: int = 1) -> None: ...
    def finish(self) -> None: ...
    def note(self, text: str) -> None: ...


class NullProgress:
    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass

    def note(self, text: str) -> None:
        pass


class StageClock:
    """Times each stage and forwards to a sink; the pipeline's single way to report progress."""

    def __init__(self, sink: ProgressSink | None) -> None:
        self.sink = sink or NullProgress()
        self.timings: list[StageTiming] = []
        self._stage: str | None = None
        self._count = 0
        self._t0 = 0.0

    def start(self, stage: str, total: int) -> None:
        self.finish()
        self._stage, self._count, self._t0 = stage, 0, time.perf_counter()
        self.sink.start(stage, total)

    def advance(self, amount: int = 1) -> None:
        self._count += amount
        self.sink.advance(amount)

    def finish(self) -> None:
        if self._stage is not None:
            self.timings.append(StageTiming(self._stage, self._count, time.perf_counter() - self._t0))
            self.sink.finish()
            self._stage = None

    def note(self, text: str) -> None:
        self.sink.note(text)


class RichProgress:
    """A rich progress bar per stage with counts and elapsed time, printed to stderr."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._task: int | None = None
        self._started = False

    def start(self, stage: str, total: int) -> None:
        if not self._started:
            self._progress.start()
            self._started = True
        self._task = self._progress.add_task(stage, total=max(total, 1) if total else 1)

    def advance(self, amount: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, amount)

    def finish(self) -> None:
        if self._task is not None:
            task = self._progress.tasks[self._task]
            if task.total and task.completed < task.total:
                self._progress.update(self._task, completed=task.total)
            self._task = None

    def note(self, text: str) -> None:
        self._progress.console.print(text, markup=False, highlight=False)

    def close(self) -> None:
        if self._started:
            self._progress.stop()
            self._started = False
