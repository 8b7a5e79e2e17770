"""Read access to the live index generation: chunks, report metadata, lexical and dense search."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.bm25 import LexicalIndex
from index.catalog import Manifest, ReportEntry, load_chunks, load_figures, vector_key
from index.generations import current_generation
from index.lexical import Analyzer
from index.models import Chunk, Figure
from index.settings import Settings


class IndexMissing(RuntimeError):
    """No complete index exists yet."""


@dataclass
class IndexReader:
    generation: Path
    manifest: Manifest
    chunks: list[Chunk]
    lexical: dict[str, LexicalIndex]
    _position: dict[str, int]
    _settings: Settings
    figures: list[Figure] = field(default_factory=list)
    _vectors: object | None = None

    @property
    def figures_by_chunk(self) -> dict[str, list[Figure]]:
        cached = self.__dict__.get("_by_chunk")
        if cached is None:
            cached = {}
            for figure in self.figures:
                cached.setdefault(figure.chunk_id, []).append(figure)
            self.__dict__["_by_chunk"] = cached
        return cached

    @classmethod
    def open(cls, settings: Settings) -> IndexReader:
        gen = current_generation(settings.index_dir)
        if gen is None:
            raise IndexMissing(
                f"Inget index finns i {settings.index_dir}; kör 'finsam index'. / "
                "No index yet; run 'finsam index'."
            )
        manifest = Manifest.load(gen)
        chunks = load_chunks(gen)
        lexical = {
            a: LexicalIndex.load(gen / f"lexical-{a}")
            for a in ("char4", "stem")
            if (gen / f"lexical-{a}").is_dir()
        }
        position = {vector_key(c): i for i, c in enumerate(chunks)}
        return cls(gen, manifest, chunks, lexical, position, settings, load_figures(gen))

    @property
    def subjects(self):
        """The subject registries of this generation, one per organisation (insats names across reports)."""
        cached = self.__dict__.get("_subjects")
        if cached is None:
            from index.catalog import SUBJECTS
            from index.extract.scope import ScopedRegistry

            path = self.generation / SUBJECTS
            cached = ScopedRegistry.from_json(path.read_text(encoding="utf-8")) if path.is_file() else None
            self.__dict__["_subjects"] = cached
        return cached

    def is_stale(self) -> bool:
        """True when another process has switched in a newer generation."""
        return current_generation(self._settings.index_dir) != self.generation

    def close(self) -> None:
        """Release the generation's vector files (the writer deletes old generations)."""
        if self._vectors is not None:
            self._vectors.close()  # type: ignore[attr-defined]
            self._vectors = None

    def report(self, report_id: str) -> ReportEntry:
        return self.manifest.reports[report_id]

    @property
    def vectors(self):
        if self._vectors is None:
            from index.vectors import VectorStore

            self._vectors = VectorStore.open(self._settings, self.generation, self.manifest.embedder)
        return self._vectors

    def lexical_scores(self, query: str, analyzer: Analyzer) -> np.ndarray:
        return self.lexical[analyzer].scores(query)

    def dense_search(self, vector: np.ndarray, n: int, where: dict | None) -> list[tuple[int, float]]:
        """(chunk position, cosine similarity), best first."""
        hits = self.vectors.query(vector, n, where)
        return [(self._position[h.key], h.similarity) for h in hits if h.key in self._position]
