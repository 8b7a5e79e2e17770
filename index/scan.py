"""Reading scanned PDF pages: render a page without a text layer with pdfium, read it with Tesseract in
Swedish, and cache the result by the page's own content so an unchanged scan is never read twice.

One Tesseract call per page (TSV output) gives both the words and their confidences. The text then goes
through the same cleaning and OCR repair as every other report (`index.clean`).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.metadata import ReportLoadError

OCR_LANG = "swe"
#: Rendering resolution. On the 150 dpi scans of `make_scan.py` 150, 200 and 300 dpi read the same words
#: (å/ä/ö included, mean confidence 93.4–93.8); 200 dpi was the fastest (0.9 s/page on 2 cores).
DEFAULT_DPI = 200
#: Bump when rendering or text assembly changes: cached pages are then read again.
CACHE_VERSION = 1
#: Mean word confidence (0–100) under which a page's or report's text is marked as unreliable.
LOW_CONFIDENCE = 60.0

INSTALL_HINT = (
    "installera tesseract-ocr och tesseract-ocr-swe (Debian/Ubuntu: sudo apt-get install tesseract-ocr "
    "tesseract-ocr-swe; macOS: brew install tesseract tesseract-lang) / install tesseract-ocr and "
    "tesseract-ocr-swe"
)


class OcrUnavailable(ReportLoadError):
    """The report needs OCR and Tesseract or its Swedish data is missing: it is retried once they are."""


@dataclass(frozen=True)
class OcrPage:
    """What Tesseract read on one page."""

    text: str
    confidence: float | None
    """Mean word confidence 0–100; None when no word was found (a blank page)."""
    words: int


@dataclass(frozen=True)
class ScannedPage:
    """A PDF page that needs OCR: its 0-based index and the fingerprint of its content."""

    index: int
    fingerprint: str


# --- is Tesseract there? ------------------------------------------------------------------------------


def ocr_problem(lang: str = OCR_LANG) -> str | None:
    """Why OCR cannot run here (Tesseract or its `lang` data missing), or None when it can."""
    try:
        import pytesseract
    except ImportError:
        return f"pytesseract saknas / pytesseract is missing: pip install pytesseract; {INSTALL_HINT}"
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        return f"Tesseract saknas / Tesseract is missing: {INSTALL_HINT}"
    try:
        languages = pytesseract.get_languages(config="")
    except (OSError, RuntimeError, pytesseract.TesseractError) as err:
        return f"Tesseract kan inte köras / Tesseract cannot run ({err}): {INSTALL_HINT}"
    if lang not in languages:
        return (
            f"Tesseracts språkdata {lang} (svenska) saknas / Tesseract's {lang} (Swedish) data is missing: "
            f"{INSTALL_HINT}"
        )
    return None


def ensure_ocr(path: Path | None, lang: str = OCR_LANG) -> None:
    """Raise `OcrUnavailable` with what to install when OCR cannot run."""
    if problem := ocr_problem(lang):
        raise OcrUnavailable(f"inskannad PDF, OCR behövs / scanned PDF, needs OCR – {problem}", path)


# --- reading one page ---------------------------------------------------------------------------------


def page_from_data(data: dict[str, list[Any]]) -> OcrPage:
    """Text and mean word confidence from Tesseract's TSV rows (`image_to_data` as a dict): words joined
    by spaces within a line, lines by newlines, and a blank line where the page has one (a vertical gap
    well over the usual line pitch). Tesseract's own paragraphs are not used: it starts one at every short
    line, which would cut the chunker's paragraphs in pieces."""
    lines: list[list[str]] = []
    boxes: list[tuple[int, int]] = []  # (top, bottom) of each line
    last_line: tuple[int, int, int] | None = None
    confidences: list[float] = []
    for i, word in enumerate(data["text"]):
        word = (word or "").strip()
        conf = float(data["conf"][i])
        if not word or conf < 0:
            continue
        line = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        top, bottom = int(data["top"][i]), int(data["top"][i]) + int(data["height"][i])
        if line != last_line:
            lines.append([])
            boxes.append((top, bottom))
        lines[-1].append(word)
        boxes[-1] = (min(boxes[-1][0], top), max(boxes[-1][1], bottom))
        last_line = line
        confidences.append(conf)
    gaps = _blank_line_before(boxes)
    out: list[str] = []
    for words, gap in zip(lines, gaps, strict=True):
        if gap and out:
            out.append("")
        out.append(" ".join(words))
    mean = sum(confidences) / len(confidences) if confidences else None
    return OcrPage("\n".join(out), None if mean is None else round(mean, 1), len(confidences))


def _blank_line_before(boxes: list[tuple[int, int]]) -> list[bool]:
    """Whether a blank line stands before each line: its distance to the line above is well over the
    page's usual line pitch. Tops are compared, not gaps: a line without ascenders ('som är') starts
    lower, and its gap alone would look like a blank line."""
    pitches = [b[0] - a[0] for a, b in itertools.pairwise(boxes)]
    usual = sorted(p for p in pitches if p > 0)
    pitch = usual[len(usual) // 2] if usual else 0
    return [False] * min(len(boxes), 1) + [p > 1.6 * pitch or p < 0 for p in pitches]


def tesseract_page(image: Any, lang: str = OCR_LANG) -> OcrPage:
    """One rendered page read by Tesseract: one call for words and confidences."""
    import pytesseract

    # Tesseract's OpenMP threads fight each other on a small machine: one thread read a page 2–3× faster
    # on 2 cores (measured: 3 pages 6.7 s → 2.8 s).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    data = pytesseract.image_to_data(image, lang=lang, output_type=pytesseract.Output.DICT)
    return page_from_data(data)


def mean_confidence(pages: Iterable[OcrPage]) -> float | None:
    """Mean word confidence over pages, weighted by their words; None when no page had words."""
    read = [p for p in pages if p.confidence is not None and p.words]
    words = sum(p.words for p in read)
    return round(sum(p.confidence * p.words for p in read) / words, 1) if words else None  # type: ignore[operator]


def is_low_confidence(confidence: float | None) -> bool:
    return confidence is not None and confidence < LOW_CONFIDENCE


# --- which pages, and their fingerprints --------------------------------------------------------------


def page_fingerprint(page: Any) -> tuple[str, bool]:
    """sha256 of what a pypdf page draws (content streams, resources, boxes, rotation), and whether it
    draws anything at all. The same scanned page copied into another PDF has the same fingerprint."""
    digest = hashlib.sha256()
    for key in ("/MediaBox", "/CropBox", "/Rotate"):
        digest.update(f"{key}={page.get(key)!r}".encode())
    draws = _feed(page.get("/Contents"), digest, set())
    draws = _feed(page.get("/Resources"), digest, set()) or draws
    return digest.hexdigest(), draws


def _feed(obj: Any, digest: Any, seen: set[int]) -> bool:
    """Hash `obj` and everything it refers to (never /Parent: that would pull in the whole document);
    True when it holds a non-empty stream."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return False
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        found = False
        for key in sorted(k for k in obj if k != "/Parent"):
            digest.update(key.encode())
            found = _feed(obj.raw_get(key), digest, seen) or found
        if isinstance(obj, StreamObject):
            # The stored (still compressed) bytes: hashing needs no decoding of a 10 MB image.
            data = getattr(obj, "_data", b"") or b""
            digest.update(data if isinstance(data, bytes) else str(data).encode())
            found = found or bool(data.strip())
        return found
    if isinstance(obj, ArrayObject):
        found = False
        for item in obj:
            found = _feed(item, digest, seen) or found
        return found
    digest.update(repr(obj).encode())
    return False


# --- cache --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrCache:
    """OCR results on disk, one small JSON file per page, named by the page's content key."""

    folder: Path

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> OcrPage | None:
        try:
            data = json.loads(self._file(key).read_text(encoding="utf-8"))
            return OcrPage(str(data["text"]), data["confidence"], int(data["words"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: read the page again

    def put(self, key: str, page: OcrPage) -> None:
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(
                json.dumps({"text": page.text, "confidence": page.confidence, "words": page.words}),
                encoding="utf-8",
            )
            os.replace(tmp, target)  # a reader never sees half a file
        except OSError:
            pass  # a full or read-only disk costs only speed: the page is read again next time


def cache_key(fingerprint: str, dpi: int, lang: str) -> str:
    return hashlib.sha256(f"{CACHE_VERSION}|{dpi}|{lang}|{fingerprint}".encode()).hexdigest()


# --- reading the scanned pages of one PDF -------------------------------------------------------------

PageProgress = Callable[[int, int], None]
"""Called with (pages done, pages to read): once with 0 before the first page, then after each page."""


@dataclass(frozen=True)
class ScanReader:
    """How scanned pages are read: where results are cached, at what resolution, and who hears progress."""

    cache: OcrCache | None = None
    dpi: int = DEFAULT_DPI
    lang: str = OCR_LANG
    on_page: PageProgress | None = None
    read_image: Callable[[Any, str], OcrPage] | None = None
    """Reads one rendered page; default `tesseract_page` (tests count calls through it)."""

    def read(self, data: bytes, path: Path, pages: list[ScannedPage]) -> dict[int, OcrPage]:
        """OCR results of `pages` (by index), from the cache where it has them. Renders one page at a time,
        so a 200-page scan holds one bitmap in memory; raises `OcrUnavailable` only when a page must be
        read and Tesseract cannot."""
        results: dict[int, OcrPage] = {}
        document = None
        progress = self.on_page or (lambda done, total: None)
        progress(0, len(pages))
        try:
            for done, page in enumerate(pages, start=1):
                key = cache_key(page.fingerprint, self.dpi, self.lang)
                cached = self.cache.get(key) if self.cache else None
                if cached is None:
                    if document is None:
                        ensure_ocr(path, self.lang)
                        document = _open(data, path)
                    cached = self._read_page(document, page.index, path)
                    if self.cache:
                        self.cache.put(key, cached)
                results[page.index] = cached
                progress(done, len(pages))
        finally:
            if document is not None:
                document.close()
        return results

    def _read_page(self, document: Any, index: int, path: Path) -> OcrPage:
        import pypdfium2 as pdfium

        reader = self.read_image or tesseract_page
        page = document[index]
        try:
            bitmap = page.render(scale=self.dpi / 72, grayscale=True)
            try:
                return reader(bitmap.to_pil(), self.lang)
            finally:
                bitmap.close()
        except pdfium.PdfiumError as err:
            reason = f"sidan {index + 1} kan inte ritas / page {index + 1} cannot be rendered: {err}"
            raise ReportLoadError(reason, path) from err
        finally:
            with contextlib.suppress(Exception):
                page.close()


def _open(data: bytes, path: Path) -> Any:
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise ReportLoadError(f"trasig PDF / corrupt PDF: {err}", path) from err
