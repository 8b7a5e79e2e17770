"""Named crash points for the crash-safety tests: indexing kills its own process at a chosen moment.

`Settings.fault_point` (`FINSAM_FAULT_POINT`, for tests only) names one checkpoint, optionally with the hit
at which to fire: `embedded-batch:2` kills at the second embedded batch, `published` at the first hit. The
process is killed with SIGKILL, like a closed laptop or the OOM killer: no `finally`, no `atexit`, no flush,
so the test sees exactly what a real crash leaves behind. Unset (the default), a checkpoint does nothing.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from functools import partial

from index.settings import Settings

#: Every checkpoint the index writer passes, in order (a test kills at each; a typo must not pass silently).
CHECKPOINTS = (
    "lock-acquired",
    "report-loaded",
    "vectors-opened",
    "embedded-batch",
    "figures-saved",
    "lexical-saved",
    "manifest-saved",
    "marked-complete",
    "renamed",
    "pointer-written",
    "switched",
    "garbage-removed",
)


def fires(fault_point: str | None, name: str, hit: int = 1) -> bool:
    """Whether `fault_point` ("name" or "name:hit") selects this checkpoint at this hit."""
    if not fault_point:
        return False
    wanted, _, at = fault_point.partition(":")
    return wanted == name and (int(at) if at else 1) == hit


def checkpoint(settings: Settings, name: str, hit: int = 1) -> None:
    """Kill this process with SIGKILL when `settings.fault_point` names this checkpoint (tests only)."""
    if name not in CHECKPOINTS:
        raise ValueError(f"unknown checkpoint {name!r}")
    if fires(settings.fault_point, name, hit):
        os.kill(os.getpid(), signal.SIGKILL)


def checkpoints_for(settings: Settings) -> Callable[..., None]:
    """`checkpoint` bound to these settings, for code that knows no Settings (generations.py)."""
    return partial(checkpoint, settings)
