"""Notice reports added to, changed in or removed from the corpus folder since the live index was built.

A cheap look (a folder walk and a `stat` per file, no reading) that the UI repeats every few seconds; the
build itself then decides exactly, by content hash, what to index."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from index.catalog import MANIFEST, Manifest
from index.generations import current_generation
from index.settings import Settings


@dataclass(frozen=True)
class CorpusChanges:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    """Paths relative to the corpus folder, as the manifest records them."""

    @property
    def any(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    def describe(self) -> str:
        """'2 nya rapporter (a.pdf, b.txt), 1 ändrad' – for a notification."""
        parts = []
        for files, one, many in (
            (self.new, "ny rapport", "nya rapporter"),
            (self.changed, "ändrad rapport", "ändrade rapporter"),
            (self.removed, "borttagen rapport", "borttagna rapporter"),
        ):
            if files:
                shown = ", ".join(files[:3]) + (" …" if len(files) > 3 else "")
                parts.append(f"{len(files)} {one if len(files) == 1 else many} ({shown})")
        return "; ".join(parts)


def _modified(path: Path) -> float:
    """When the report or its sidecar last changed: editing the metadata re-indexes the report too."""
    from index.metadata import sidecar_path

    times = [path.stat().st_mtime]
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        times.append(sidecar.stat().st_mtime)
    return max(times)


@lru_cache(maxsize=2)
def _manifest(generation: Path) -> Manifest:
    """A published generation never changes, so its manifest is read once, not at every look."""
    return Manifest.load(generation)


def corpus_changes(settings: Settings) -> CorpusChanges:
    """What a build would look at again. Files the live index skipped as problems count as new only when
    they changed after that build: a broken file is offered once, not every few seconds."""
    from index.load import ReportLoadError, discover
    from index.pipeline import relative_name

    live = current_generation(settings.index_dir)
    if live is None:
        return CorpusChanges()  # nothing built yet: the first build covers everything
    built_at = (live / MANIFEST).stat().st_mtime
    manifest = _manifest(live)
    try:
        paths, _ = discover(settings.corpus_dir, settings.max_file_mb)  # too large: skipped, not offered
    except ReportLoadError:  # the folder is gone; the live index stays as it is
        return CorpusChanges()
    indexed = {entry.path for entry in manifest.reports.values()}
    skipped = {p.get("path") for p in manifest.problems}
    new, changed, present = [], [], set()
    for path in paths:
        rel = relative_name(path, settings.corpus_dir)
        present.add(rel)
        try:
            later = _modified(path) > built_at
        except OSError:  # vanished between the walk and the stat
            continue
        if rel in indexed:
            if later:
                changed.append(rel)
        elif rel not in skipped or later:
            new.append(rel)
    return CorpusChanges(new, changed, sorted(indexed - present))
