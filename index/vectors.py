"""Dense vectors in a chromadb collection, one per chunk, with metadata for filtering.

finsam always hands chroma precomputed vectors; the registered embedding function exists so a reopened
collection never falls back to chroma's default model (which would download one).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

COLLECTION = "finsam-passages"


def _register_embedding_function() -> type:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    class FinsamEmbeddingFunction(EmbeddingFunction[Documents]):
        """Stands for finsam's own embedder; vectors are always computed by finsam and passed in."""

        def __init__(self, model: str = "finsam") -> None:
            self.model = model

        def __call__(self, input: Documents) -> Embeddings:
            raise RuntimeError(
                "finsam passes precomputed vectors to chroma; text embedding through chroma is disabled "
                "so that no model is ever downloaded."
            )

        @staticmethod
        def name() -> str:
            return "finsam"

        def get_config(self) -> dict[str, Any]:
            return {"model": self.model}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> FinsamEmbeddingFunction:
            return FinsamEmbeddingFunction(config.get("model", "finsam"))

        def default_space(self) -> str:  # type: ignore[override]
            return "cosine"

    with contextlib.suppress(ValueError):  # already registered in this process
        register_embedding_function(FinsamEmbeddingFunction)
    return FinsamEmbeddingFunction


_EF_CLASS: type | None = None


def embedding_function(model: str) -> Any:
    global _EF_CLASS
    if _EF_CLASS is None:
        _EF_CLASS = _register_embedding_function()
    return _EF_CLASS(model)


@dataclass(frozen=True)
class VectorHit:
    key: str
    similarity: float


class VectorStore:
    """A chroma collection in one generation folder (PersistentClient)."""

    def __init__(self, folder: Path, model: str) -> None:
        import chromadb

        self.folder = folder
        self._client = chromadb.PersistentClient(
            path=str(folder), settings=chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
        )
        self._collection = self._client.get_or_create_collection(
            COLLECTION,
            embedding_function=embedding_function(model),
            configuration={"hnsw": {"space": "cosine"}},
        )

    def count(self) -> int:
        return self._collection.count()

    def keys(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def add(
        self, keys: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]], batch: int = 2000
    ) -> None:
        for i in range(0, len(keys), batch):
            self._collection.add(
                ids=keys[i : i + batch],
                embeddings=vectors[i : i + batch].astype(np.float32),
                metadatas=metadatas[i : i + batch],
            )

    def delete(self, keys: list[str], batch: int = 2000) -> None:
        for i in range(0, len(keys), batch):
            self._collection.delete(ids=keys[i : i + batch])

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None) -> list[VectorHit]:
        n = min(n, self.count())
        if n <= 0:
            return []
        result = self._collection.query(
            query_embeddings=vector.reshape(1, -1).astype(np.float32),
            n_results=n,
            where=where,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = result["distances"][0] if result["distances"] else [1.0] * len(ids)
        return [VectorHit(k, 1.0 - float(d)) for k, d in zip(ids, distances, strict=True)]
