"""Index generations: each build is written to its own folder beside the live one and switched in atomically.

Layout of the index directory:
    CURRENT                 name of the live generation (replaced with os.replace, so readers see old or new)
    gen-<time>-<pid>-<id>/  a complete generation (has the COMPLETE marker)
    building-<time>-<pid>-<id>/ a build in progress, or the remains of a killed one (next writer removes)
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from pathlib import Path

CURRENT = "CURRENT"
COMPLETE = "COMPLETE"


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


def publish(index_dir: Path, build_dir: Path) -> Path:
    """Mark a finished build complete and make it the live generation in one atomic step."""
    (build_dir / COMPLETE).write_text(time.strftime("%Y-%m-%d %H:%M:%S"))
    gen = index_dir / build_dir.name.replace("building-", "gen-", 1)
    os.replace(build_dir, gen)
    tmp = index_dir / f"{CURRENT}.tmp-{os.getpid()}"
    with open(tmp, "w") as fh:
        fh.write(gen.name)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)
    return gen


def collect_garbage(index_dir: Path, keep_previous: Path | None = None) -> list[Path]:
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
        if entry.name.startswith(("building-", "gen-")):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    for tmp in index_dir.glob(f"{CURRENT}.tmp-*"):
        tmp.unlink(missing_ok=True)
    return removed
