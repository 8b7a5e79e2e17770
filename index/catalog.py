"""What a generation holds: its reports (metadata, content hash, OCR state) and its chunks, as plain files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from index.models import Chunk, Figure, ReportMeta

FORMAT = 1
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"


def vector_key(chunk: Chunk) -> str:
    """Chroma id of a chunk: its id plus a hash of what was embedded, so changed text gets a new vector."""
    digest = hashlib.sha256(chunk.embed_text.encode()).hexdigest()[:16]
    return f"{chunk.chunk_id}@{digest}"


@dataclass
class ReportEntry:
    report_id: str
    path: str
    fmt: str
    content_hash: str
    meta: ReportMeta
    missing_meta: list[str]
    chunks: int
    ocr_unknown_rate: float
    ocr_damaged: bool
    repaired_words: int
    encoding: str = "utf-8"
    meta_sources: dict[str, str] = field(default_factory=dict)
    """Field -> 'sidecar', 'titelsida', 'filnamn', 'gissning' or 'saknas'; empty in older manifests."""
    pages: int = 0
    figures: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    """1-based pages read by OCR; empty in manifests written before OCR."""
    ocr_confidence: float | None = None
    """Mean Tesseract word confidence (0–100) of those pages."""

    def to_json(self) -> dict:
        data = asdict(self)
        data["meta"] = self.meta.model_dump()
        return data

    @classmethod
    def from_json(cls, data: dict) -> ReportEntry:
        return cls(**{**data, "meta": ReportMeta.model_validate(data["meta"])})


@dataclass
class Manifest:
    embedder: str
    pipeline_version: int
    reports: dict[str, ReportEntry] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)
    format: int = FORMAT

    def save(self, folder: Path) -> None:
        data = {
            "format": self.format,
            "embedder": self.embedder,
            "pipeline_version": self.pipeline_version,
            "reports": {k: v.to_json() for k, v in self.reports.items()},
            "problems": self.problems,
        }
        (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        data = json.loads((folder / MANIFEST).read_text())
        return cls(
            embedder=data["embedder"],
            pipeline_version=data["pipeline_version"],
            reports={k: ReportEntry.from_json(v) for k, v in data["reports"].items()},
            problems=data.get("problems", []),
            format=data.get("format", FORMAT),
        )


def save_chunks(folder: Path, chunks: list[Chunk]) -> None:
    with open(folder / CHUNKS, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(_fields(chunk), ensure_ascii=False) + "\n" for chunk in chunks)


def load_chunks(folder: Path) -> list[Chunk]:
    shared: dict[str, str] = {}
    with open(folder / CHUNKS, encoding="utf-8") as fh:
        return [Chunk(**_share(json.loads(line), shared)) for line in fh if line.strip()]


def _fields(item: Chunk | Figure) -> dict:
    """A flat dataclass's fields as a dict: what asdict builds, without deep-copying every value
    (11 of 12 s when writing 108 000 figures)."""
    return {f.name: getattr(item, f.name) for f in fields(item)}


def _share(row: dict, shared: dict[str, str]) -> dict:
    """Equal strings of a file's rows as one object: a sentence stating four figures, a report id, a
    section path or a measure is then held once instead of once per row (hundreds of MB at 1 000
    reports). Long passage texts are seldom repeated and are left alone."""
    for key, value in row.items():
        if type(value) is str and len(value) <= 600:
            row[key] = shared.setdefault(value, value)
    return row


FIGURES = "figures.jsonl"
SUBJECTS = "subjects.json"


def save_figures(folder: Path, figures: list[Figure]) -> None:
    with open(folder / FIGURES, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(_fields(figure), ensure_ascii=False) + "\n" for figure in figures)


def load_figures(folder: Path) -> list[Figure]:
    path = folder / FIGURES
    if not path.is_file():  # generations built before the figures engine
        return []
    shared: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        return [Figure(**_share(json.loads(line), shared)) for line in fh if line.strip()]
