"""One writer at a time: an advisory `flock` on a file in the data directory.

The kernel drops a flock when its process dies, so a writer killed mid-rebuild never leaves a stale lock
(the pid it wrote into the file stays, but only names the holder in messages; the flock decides).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType


class IndexBusy(RuntimeError):
    """Another process is writing the index."""


def seconds_sv(seconds: float) -> str:
    """Seconds the Swedish way: `0,5`, `120`."""
    return f"{seconds:g}".replace(".", ",")


def busy_message(holder: str, waited: float) -> str:
    """Why a second writer gave up, and what to do instead (Swedish, then English)."""
    waited_sv = f"väntade {seconds_sv(waited)} s; " if waited else ""
    waited_en = f" (waited {waited:g} s)" if waited else ""
    return (
        f"En annan indexering pågår ({holder}); {waited_sv}försök igen när den är klar, eller vänta på "
        "den med 'finsam index --wait SEKUNDER'. / Another indexing run holds the lock"
        f"{waited_en}; try again when it has finished, or wait for it with 'finsam index --wait SECONDS'."
    )


class IndexLock:
    """Held while writing the index. A second writer waits up to `wait_seconds` (saying so through
    `notify`), then raises IndexBusy with a message naming the holder and how to wait for it."""

    def __init__(
        self, path: Path, wait_seconds: float = 0.0, notify: Callable[[str], None] | None = None
    ) -> None:
        self.path = path
        self.wait_seconds = wait_seconds
        self.notify = notify
        self._fd: int | None = None

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return "okänd process / unknown process"
        return f"pid {info.get('pid', '?')} sedan/since {info.get('since', '?')}"

    def __enter__(self) -> IndexLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_seconds
        waiting = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise IndexBusy(busy_message(self.holder(), self.wait_seconds)) from None
                if not waiting and self.notify:
                    self.notify(
                        f"Väntar på en annan indexering ({self.holder()}), högst "
                        f"{seconds_sv(self.wait_seconds)} s. / Waiting for another indexing run."
                    )
                waiting = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "since": time.strftime("%Y-%m-%d %H:%M:%S")}).encode())
        self._fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
