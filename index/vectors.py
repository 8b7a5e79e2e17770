"""Dense vectors in a chromadb collection, one per chunk, with metadata for filtering.

finsam always hands chroma precomputed vectors; the registered embedding function exists so a reopened
collection never falls back to chroma's default model (which would download one).

Two places for the collection, chosen by `Settings.chroma_url`:
- local (default): a PersistentClient in the generation folder (`<generation>/chroma`), switched with it;
- server: one collection per generation on a shared Chroma server (`chroma run`), named after the id the
  `building-*` and `gen-*` folders share, so the atomic switch of CURRENT switches the collection too. The
  generation folder records the collection in `vectors.json`; lexical index, chunks and figures stay in the
  data directory, which the clients of one server share.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from index.reader import IndexMissing
from index.settings import Settings

COLLECTION = "finsam-passages"
LOCAL_FOLDER = "chroma"
LOCAL_DATABASE = "chroma.sqlite3"
SERVER_RECORD = "vectors.json"
COPY_PAGE = 1000


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


class VectorsUnavailable(IndexMissing):
    """The vectors of a generation cannot be reached (server down, collection gone, URL unset): the index
    is as unusable as a missing one, so the CLI reports it the same way. Message in Swedish, then English."""


def collection_name(generation: Path) -> str:
    """Server collection of a generation: the id shared by its `building-*` and `gen-*` folder names."""
    return "finsam-" + generation.name.split("-", 1)[-1]


def server_client(url: str, token: str | None) -> Any:
    """A chromadb HttpClient for `http(s)://host:port`; the token goes in an Authorization header."""
    import chromadb
    from chromadb.errors import AuthorizationError, ChromaAuthError

    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VectorsUnavailable(
            f"FINSAM_CHROMA_URL '{url}' är ingen http(s)-adress / is not an http(s) URL (http://host:8000)"
        )
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        return chromadb.HttpClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 8000),
            ssl=parts.scheme == "https",
            headers=headers,
            settings=chromadb.Settings(anonymized_telemetry=False),
        )
    except (AuthorizationError, ChromaAuthError) as error:  # 401/403, e.g. from `finsam chroma-gate`
        raise VectorsUnavailable(
            f"Chroma-servern på {url} nekade åtkomst ({error.code()}): fel eller saknad FINSAM_CHROMA_TOKEN "
            f"/ the Chroma server at {url} refused access: wrong or missing FINSAM_CHROMA_TOKEN ({error})"
        ) from error
    except (ValueError, ConnectionError, OSError) as error:  # chroma checks the server when connecting
        raise VectorsUnavailable(
            f"Chroma-servern {url} svarar inte ({error}) / the Chroma server does not answer"
        ) from error


def _local_client(folder: Path) -> Any:
    import chromadb

    return chromadb.PersistentClient(
        path=str(folder), settings=chromadb.Settings(anonymized_telemetry=False, allow_reset=False)
    )


def is_server_generation(generation: Path) -> bool:
    return (generation / SERVER_RECORD).is_file()


class VectorStore:
    """One generation's chroma collection: local (PersistentClient in the folder) or on a shared server.

    Use `create` while building a generation and `open` to read a published one.
    """

    def __init__(self, collection: Any, where: str, client: Any = None) -> None:
        self._collection = collection
        self.where = where
        """Human-readable location, for messages."""
        self._client = client
        """A local client, closed by `close` (see there)."""

    def close(self) -> None:
        """Release a local collection's files. chroma keeps every PersistentClient open for the life of
        the process: a reader left open across re-indexes would otherwise hold ≈11 descriptors, and the disk
        space of deleted generations, per switch."""
        if self._client is not None:
            self._client.close()
            self._client = None

    @classmethod
    def create(cls, settings: Settings, generation: Path) -> VectorStore:
        """The (empty or copied) collection of a generation being built, where the settings say."""
        ef = embedding_function(settings.model)
        config = {"hnsw": {"space": "cosine"}}
        if settings.chroma_url:
            name = collection_name(generation)
            client = server_client(settings.chroma_url, settings.chroma_token)
            collection = client.get_or_create_collection(name, embedding_function=ef, configuration=config)
            (generation / SERVER_RECORD).write_text(json.dumps({"collection": name}))
            return cls(collection, f"{settings.chroma_url} {name}")
        folder = generation / LOCAL_FOLDER
        client = _local_client(folder)
        collection = client.get_or_create_collection(COLLECTION, embedding_function=ef, configuration=config)
        return cls(collection, str(folder), client)

    @classmethod
    def open(cls, settings: Settings, generation: Path, model: str) -> VectorStore:
        """The collection of a published generation; never creates one (an empty one would answer nothing)."""
        ef = embedding_function(model)
        if is_server_generation(generation):
            name = json.loads((generation / SERVER_RECORD).read_text())["collection"]
            if not settings.chroma_url:
                raise VectorsUnavailable(
                    f"Indexet i {generation} har sina vektorer på en Chroma-server (samling {name}); sätt "
                    "FINSAM_CHROMA_URL. / The index keeps its vectors on a Chroma server; set "
                    "FINSAM_CHROMA_URL."
                )
            client = server_client(settings.chroma_url, settings.chroma_token)
            try:
                collection = client.get_collection(name, embedding_function=ef)
            except (ValueError, LookupError) as error:  # chroma raises NotFoundError (a ValueError)
                raise VectorsUnavailable(
                    f"Samlingen {name} finns inte på {settings.chroma_url} ({error}); kör 'finsam index "
                    f"--full'. / Collection {name} is not on the server; rebuild the index."
                ) from error
            return cls(collection, f"{settings.chroma_url} {name}")
        folder = generation / LOCAL_FOLDER
        client = _local_client(folder)
        collection = client.get_or_create_collection(COLLECTION, embedding_function=ef)
        return cls(collection, str(folder), client)

    def copy_from(self, other: VectorStore, page: int = COPY_PAGE) -> int:
        """Copy every vector (with metadata) of another store into this one; returns how many."""
        copied = 0
        while True:
            got = other._collection.get(include=["embeddings", "metadatas"], limit=page, offset=copied)
            if not got["ids"]:
                return copied
            self._collection.add(
                ids=got["ids"],
                embeddings=np.asarray(got["embeddings"], dtype=np.float32),
                metadatas=got["metadatas"],
            )
            copied += len(got["ids"])

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
        from chromadb.errors import AuthorizationError, ChromaAuthError

        try:
            n = min(n, self.count())
            if n <= 0:
                return []
            result = self._collection.query(
                query_embeddings=vector.reshape(1, -1).astype(np.float32),
                n_results=n,
                where=where,
                include=["distances"],
            )
        except (AuthorizationError, ChromaAuthError) as error:  # a token withdrawn during a session
            raise VectorsUnavailable(
                f"Chroma-servern {self.where} nekade åtkomst ({error.code()}): fel eller saknad "
                "FINSAM_CHROMA_TOKEN / the Chroma server refused access: wrong or missing FINSAM_CHROMA_TOKEN"
            ) from error
        except (ConnectionError, OSError) as error:  # the server went away during a session
            raise VectorsUnavailable(
                f"Chroma-servern {self.where} svarar inte ({error}) / the Chroma server does not answer"
            ) from error
        ids = result["ids"][0]
        distances = result["distances"][0] if result["distances"] else [1.0] * len(ids)
        return [VectorHit(k, 1.0 - float(d)) for k, d in zip(ids, distances, strict=True)]


def copy_local_folder(source: Path, target: Path) -> None:
    """Copy a published generation's chroma folder while readers may be opening it.

    Every PersistentClient writes chroma.sqlite3 when it opens (a `-journal` file comes and goes), so a
    plain copytree fails now and then on the vanished journal (measured: 1 in 126 copies with two readers
    opening in a loop) or copies a half-written database. The database is copied with sqlite's backup API
    instead: a consistent snapshot under sqlite's own locks, and never its journal."""
    import sqlite3

    shutil.copytree(source, target, ignore=shutil.ignore_patterns(f"{LOCAL_DATABASE}*"))
    with (
        contextlib.closing(sqlite3.connect(source / LOCAL_DATABASE, timeout=60)) as src,
        contextlib.closing(sqlite3.connect(target / LOCAL_DATABASE)) as dst,
    ):
        src.backup(dst)


def start_generation(settings: Settings, build: Path, reuse: Path | None) -> VectorStore:
    """The vector store of a new build, holding the vectors of generation `reuse` (built with the same
    model) when given: a folder copy when both are local, else a copy through chroma."""
    if reuse and not settings.chroma_url and (reuse / LOCAL_FOLDER).is_dir():
        copy_local_folder(reuse / LOCAL_FOLDER, build / LOCAL_FOLDER)
        return VectorStore.create(settings, build)
    store = VectorStore.create(settings, build)
    if reuse and (is_server_generation(reuse) or (reuse / LOCAL_FOLDER).is_dir()):
        store.copy_from(VectorStore.open(settings, reuse, settings.model))
    return store


def drop_generations(settings: Settings, generations: list[Path]) -> list[str]:
    """Delete the server collections of generations that were removed (garbage or a failed build).
    Local vectors go with their folder, so this does nothing without a server."""
    if not settings.chroma_url or not generations:
        return []
    client = server_client(settings.chroma_url, settings.chroma_token)
    existing = {c.name for c in client.list_collections()}
    dropped = [collection_name(g) for g in generations if collection_name(g) in existing]
    for name in dropped:
        client.delete_collection(name)
    return dropped
