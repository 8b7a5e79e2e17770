"""Index generations: each build is written to its own folder beside the live one and switched in atomically.

Layout of the index directory:
    CURRENT                 name of the live generation (replaced with os.replace, so readers see old or new)
    gen-<time>-<pid>-<id>/  a complete generation (has the COMPLETE marker, and PREVIOUS: the generation
                            it replaced, which garbage collection keeps for readers still on it)
    building-<time>-<pid>-<id>/ a build in progress, or the remains of a killed one (next writer removes)
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

CURRENT = "CURRENT"
COMPLETE = "COMPLETE"
PREVIOUS = "PREVIOUS"
UNFINISHED = "building-"

#: Called with the name of each step of a switch (crash tests kill the process there; see index.faults).
Step = Callable[[str], None]


def _no_step(name: str) -> None:
    return None


def current_generation(index_dir: Path) -> Path | None:
    """The live generation, or None when no complete index exists."""
    try:
        name = (index_dir / CURRENT).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    gen = index_dir / name
    return gen if name and (gen / COMPLETE).is_file() else None


def new_build_dir(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    # Unique per build: chroma caches clients by path within a process, so a path must never be reused.
    path = index_dir / f"building-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(index_dir: Path, build_dir: Path, step: Step = _no_step) -> Path:
    """Mark a finished build complete and make it the live generation in one atomic step.

    Until CURRENT is replaced, a crash leaves the old generation live and the new folder as garbage for the
    next writer; after it, the new generation is live and complete."""
    replaced = current_generation(index_dir)
    (build_dir / PREVIOUS).write_text(replaced.name if replaced else "")
    (build_dir / COMPLETE).write_text(time.strftime("%Y-%m-%d %H:%M:%S"))
    step("marked-complete")
    gen = index_dir / build_dir.name.replace(UNFINISHED, "gen-", 1)
    os.replace(build_dir, gen)
    step("renamed")
    tmp = index_dir / f"{CURRENT}.tmp-{os.getpid()}"
    with open(tmp, "w") as fh:
        fh.write(gen.name)
        fh.flush()
        os.fsync(fh.fileno())
    step("pointer-written")
    os.replace(tmp, index_dir / CURRENT)
    step("switched")
    _fsync_dir(index_dir)
    return gen


def previous_generation(index_dir: Path) -> Path | None:
    """The generation that was live before the current one (named in the live one's PREVIOUS file), if it
    still exists. Generations written before PREVIOUS existed fall back to the newest one completed before
    the live one (a folder completed after it was never switched in: its writer died first)."""
    live = current_generation(index_dir)
    if live is None:
        return None
    if (live / PREVIOUS).is_file():
        name = (live / PREVIOUS).read_text().strip()
        return index_dir / name if name and (index_dir / name / COMPLETE).is_file() else None
    switched_at = (live / COMPLETE).stat().st_mtime_ns
    older = [
        (marker.stat().st_mtime_ns, marker.parent)
        for marker in index_dir.glob(f"gen-*/{COMPLETE}")
        if marker.parent != live and marker.stat().st_mtime_ns < switched_at
    ]
    return max(older)[1] if older else None


def remove_leftovers(index_dir: Path) -> list[Path]:
    """Remove what killed writers left: unfinished builds, half-written CURRENT pointers, complete folders
    never switched in, and generations the garbage pass of a killed writer did not get to.

    Keeps the live generation and the one before it. Call only while holding the writer lock (then no
    live writer owns any of it), before every build, so the remains of a crash go even when the next run
    has nothing to index. Without a live generation only unfinished builds go: a damaged CURRENT must not
    cost the generations it might still be repaired to point at."""
    if current_generation(index_dir) is not None:
        return collect_garbage(index_dir, keep_previous=previous_generation(index_dir))
    unfinished = [entry for entry in index_dir.glob(f"{UNFINISHED}*") if entry.is_dir()]
    for entry in unfinished:
        shutil.rmtree(entry, ignore_errors=True)
    for tmp in index_dir.glob(f"{CURRENT}.tmp-*"):
        tmp.unlink(missing_ok=True)
    return unfinished


def collect_garbage(index_dir: Path, keep_previous: Path | None = None, step: Step = _no_step) -> list[Path]:
    """Remove unfinished builds and generations other than the live one and `keep_previous`.

    The previous generation is kept so a reader that opened it just before the switch can finish its question.
    Call only while holding the writer lock.
    """
    live = current_generation(index_dir)
    removed: list[Path] = []
    if not index_dir.is_dir():
        return removed
    for entry in index_dir.iterdir():
        if not entry.is_dir() or entry in (live, keep_previous):
            continue
        if entry.name.startswith((UNFINISHED, "gen-")):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
            step("garbage-removed")
    for tmp in index_dir.glob(f"{CURRENT}.tmp-*"):
        tmp.unlink(missing_ok=True)
    return removed
