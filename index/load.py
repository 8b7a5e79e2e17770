"""Reading report files (.txt, .pdf, .docx) into pages, with their metadata and a content hash."""

from __future__ import annotations

import errno
import hashlib
import io
import itertools
import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from index.metadata import (
    INFERRED_FIELDS,
    SIDECAR,
    ReportLoadError,
    infer_meta,
    read_sidecar,
    sidecar_path,
)
from index.models import LoadedReport, LoadProblem, Page, ReportMeta
from index.scan import ScannedPage, ScanReader, mean_confidence, page_fingerprint

SUPPORTED = {".txt", ".pdf", ".docx"}

_SKIPPED_NAMES = re.compile(r"^(readme|license|licence)(\..*)?$", re.IGNORECASE)

_MB = 1024 * 1024

# Word-processor formats people save reports in: say how to make them readable.
_CONVERTIBLE = {".doc", ".odt", ".rtf", ".pages", ".wpd"}

# A page of a text PDF has far more letters than this; a scan has none (or a stray page number).
_MIN_LETTERS_PER_PAGE = 20


class Discovery(NamedTuple):
    """Report files found in a corpus folder, and the files that are not reports (as problems)."""

    files: list[Path]
    problems: list[LoadProblem]


@dataclass
class CorpusLoad:
    reports: list[LoadedReport] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


# --- finding files ------------------------------------------------------------------------------------


def discover(corpus_dir: Path, max_mb: float | None = None) -> Discovery:
    """Report files under `corpus_dir` (sorted, recursive), and as problems the files that cannot be reports:
    unsupported types, broken or looping links, and files larger than `max_mb` megabytes.

    Unpacks as `paths, problems = discover(folder)`."""
    if not corpus_dir.is_dir():
        raise ReportLoadError(
            f"mappen {corpus_dir} finns inte / folder {corpus_dir} does not exist", corpus_dir
        )
    found = Discovery([], [])
    seen: set[Path] = set()
    _walk(corpus_dir, found, seen, None if max_mb is None else int(max_mb * _MB))
    found.files.sort()
    found.problems.sort(key=lambda p: p.path)
    return found


def _walk(folder: Path, found: Discovery, seen: set[Path], max_bytes: int | None) -> None:
    # Resolved paths guard against symlink loops and against one file reachable under two names: a link
    # back up the tree (`arkiv -> ..`) is a folder already walked, so it is passed over without a problem.
    resolved = folder.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    try:
        entries = sorted(folder.iterdir())
    except OSError as err:
        found.problems.append(
            LoadProblem(folder, f"mappen kan inte läsas / folder cannot be read: {os_reason(err)}")
        )
        return
    for entry in entries:
        if _is_skipped(entry):
            continue
        if entry.is_dir():
            _walk(entry, found, seen, max_bytes)
        elif not entry.is_file():
            found.problems.append(LoadProblem(entry, _not_a_file(entry)))
        elif entry.resolve() not in seen:
            seen.add(entry.resolve())
            if entry.suffix.lower() not in SUPPORTED:
                found.problems.append(LoadProblem(entry, _unsupported(entry)))
            elif problem := _size_problem(entry, max_bytes):
                found.problems.append(LoadProblem(entry, problem))
            else:
                found.files.append(entry)


def _size_problem(path: Path, max_bytes: int | None) -> str | None:
    # Checked before anything is read, so a huge file never reaches memory.
    if max_bytes is None:
        return None
    try:
        size = path.stat().st_size
    except OSError as err:
        return unreadable(err)
    return too_large(size, max_bytes) if size > max_bytes else None


def too_large(size: int, max_bytes: int) -> str:
    """Why a file over the size limit is skipped, and the setting that raises the limit."""
    have, limit = _size_text(size), _size_text(max_bytes)
    return (
        f"filen är för stor ({have}, gränsen är {limit}; höj FINSAM_MAX_FILE_MB) / "
        f"file too large ({have}, the limit is {limit}; raise FINSAM_MAX_FILE_MB)"
    )


def _size_text(size: int) -> str:
    """'200 MB', '2,5 MB', '3 kB': Swedish decimal comma."""
    if size < _MB:
        return f"{size / 1024:.0f} kB"
    return f"{size / _MB:.1f}".replace(".", ",").removesuffix(",0") + " MB"


def _not_a_file(entry: Path) -> str:
    """Why an entry that is neither a folder nor a regular file cannot be read."""
    if not entry.is_symlink():
        return "inte en vanlig fil (enhet eller rörledning) / not a regular file (a device or pipe)"
    try:
        entry.resolve(strict=True)
    except FileNotFoundError:
        return "länken pekar på en fil som inte finns / broken link: its target does not exist"
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop, later versions OSError
        return "symbolisk länk i en slinga / symlink loop"
    return "länken pekar inte på en fil / link does not point to a file"


_OS_REASONS = {
    errno.EACCES: "åtkomst nekad / permission denied",
    errno.EPERM: "åtkomst nekad / permission denied",
    errno.ENOENT: "filen finns inte längre / the file no longer exists",
    errno.EISDIR: "är en mapp / is a folder",
    errno.ELOOP: "symbolisk länk i en slinga / symlink loop",
    errno.EIO: "läsfel på disken / input/output error",
}


def os_reason(err: OSError) -> str:
    """An operating-system error in plain words, Swedish first; unknown ones keep the system's text."""
    return _OS_REASONS.get(err.errno or 0) or str(err.strerror or err)


def unreadable(err: OSError) -> str:
    """The problem reason for a report file that the system refuses to read."""
    return f"kan inte läsas / cannot be read: {os_reason(err)}"


def _unsupported(path: Path) -> str:
    kind = path.suffix.lower()
    if not kind:
        return "filer utan filändelse stöds inte / files without an extension are not supported"
    if kind in _CONVERTIBLE:
        return (
            f"filtypen {kind} stöds inte – spara som .docx eller PDF / "
            f"unsupported file type {kind} – save as .docx or PDF"
        )
    return f"filtypen {kind} stöds inte / unsupported file type {kind}"


def _is_skipped(entry: Path) -> bool:
    name = entry.name
    # '~$x.docx' is the lock file Word leaves beside an open document.
    if name.startswith((".", "~$")) or _SKIPPED_NAMES.match(name):
        return True
    return entry.suffix.lower() == ".toml" and not entry.is_dir()


# --- loading ------------------------------------------------------------------------------------------


def load_corpus(corpus_dir: Path, max_mb: float | None = None, scans: ScanReader | None = None) -> CorpusLoad:
    """Every report under `corpus_dir`; unreadable files and duplicates become problems, the rest load.
    Scanned PDF pages are read with `scans` (default: OCR without a cache)."""
    found = discover(corpus_dir, max_mb)
    result = CorpusLoad(problems=list(found.problems))
    first_with: dict[str, Path] = {}
    ids: set[str] = set()
    for path in found.files:
        try:
            data = path.read_bytes()
        except OSError as err:
            result.problems.append(LoadProblem(path, unreadable(err)))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in first_with:
            other = _relative(first_with[digest], corpus_dir)
            result.problems.append(LoadProblem(path, f"samma innehåll som {other} / duplicate of {other}"))
            continue
        first_with[digest] = path
        try:
            report = load_report_bytes(path, data, scans)
        except ReportLoadError as err:
            result.problems.append(LoadProblem(path, err.reason))
            continue
        report.report_id = _unique_id(report.report_id, path, corpus_dir, ids)
        ids.add(report.report_id)
        result.reports.append(report)
    result.problems.sort(key=lambda p: p.path)
    return result


def load_report(path: Path, scans: ScanReader | None = None) -> LoadedReport:
    """One report file read into pages; raises `ReportLoadError` with the reason when it cannot be.
    Scanned PDF pages are read with `scans` (its cache, resolution and progress; default: no cache)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ReportLoadError(unreadable(err), path) from err
    return load_report_bytes(path, data, scans)


def load_report_bytes(path: Path, data: bytes, scans: ScanReader | None = None) -> LoadedReport:
    """Like `load_report`, for file bytes already read."""
    if path.suffix.lower() not in SUPPORTED:
        raise ReportLoadError(_unsupported(path), path)
    if not data.strip():
        raise ReportLoadError("filen är tom / file is empty", path)
    sidecar = read_sidecar(path)
    fmt = path.suffix.lower().lstrip(".")
    headings: dict[str, int] = {}
    encoding = "utf-8"
    missing: list[str] = []
    pdf = PdfPages([], [], None)
    if fmt == "txt":
        text, encoding = decode_text(data, path)
        pages, marker = split_text_pages(text, sidecar)
    elif fmt == "pdf":
        pdf = read_pdf(data, path, scans)
        pages, marker = pdf.pages, None
    else:
        pages, headings = read_docx(data, path)
        marker = None
    meta = sidecar
    sources = dict.fromkeys(INFERRED_FIELDS, SIDECAR)
    if meta is None:
        # The title page is the first page, or the first two when the first is a bare cover.
        first = pages[0].text if pages else ""
        first_pages = "\f".join(p.text for p in pages[:2]) if len(first.split()) < 8 else first
        inferred = infer_meta(path, "\n".join(p.text for p in pages), first_pages)
        meta, missing, sources = inferred.meta, list(inferred.missing), dict(inferred.sources)
        if marker is not None:
            meta = meta.model_copy(update={"page_marker": marker})
            missing.append("page_marker")
    return LoadedReport(
        report_id=report_id_for(path),
        path=path,
        fmt=fmt,  # type: ignore[arg-type]  # checked against SUPPORTED above
        meta=meta,
        pages=pages,
        content_hash=content_hash(data, path),
        missing_meta=missing,
        meta_sources=sources,
        headings=headings,
        encoding=encoding,
        ocr_pages=pdf.ocr_pages,
        ocr_confidence=pdf.ocr_confidence,
    )


def content_hash(data: bytes, path: Path) -> str:
    """sha256 of the file bytes and its sidecar's bytes: editing either re-indexes the report."""
    digest = hashlib.sha256(data)
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        digest.update(b"\0sidecar\0")
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def report_id_for(path: Path) -> str:
    """The file stem, made safe as an identifier: NFC, no spaces or punctuation other than '._-'."""
    stem = unicodedata.normalize("NFC", path.stem)
    safe = re.sub(r"[^\w.-]+", "_", stem).strip("._-")
    return safe or "rapport"


def _unique_id(base: str, path: Path, corpus_dir: Path, taken: set[str]) -> str:
    # Files are loaded in sorted order, so the first keeps its stem and the id of each stays stable as
    # long as no namesake is added before it; a namesake is told apart by its folder and extension.
    if base not in taken:
        return base
    parts = [*_relative(path, corpus_dir).parent.parts, path.stem, path.suffix.lstrip(".")]
    candidate = report_id_for(Path("-".join(parts)))
    n = 2
    unique = candidate
    while unique in taken:
        unique, n = f"{candidate}-{n}", n + 1
    return unique


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path


# --- .txt ---------------------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_ALLOWED_CONTROLS = set("\t\n\r\f\v")
_PAGE_MARKER_LINE = re.compile(r"^ [^\s]", re.MULTILINE)


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """The text and the encoding it was read with: a BOM, else UTF-8, else Windows-1252 or Latin-1."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None) or _utf16_without_bom(data)
    if encoding is None:
        if b"\0" in data:
            raise ReportLoadError("binärfil, inte text / binary file, not text", path)
        encoding = _guess_single_byte(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ReportLoadError(
            f"kan inte avkodas som {encoding} / cannot be decoded as {encoding}", path
        ) from err
    if not text.strip():
        raise ReportLoadError("filen är tom / file is empty", path)
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS)
    if "\0" in text or controls > max(2, len(text) // 100):
        raise ReportLoadError("binärfil, inte text / binary file, not text", path)
    return text, encoding


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 exported without a byte-order mark: Latin text (å/ä/ö included) has a NUL in every other byte,
    which no single-byte text and hardly any binary file has."""
    sample = data[:4096]
    if len(sample) < 8 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be"
    return None


def _guess_single_byte(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass  # not UTF-8: one of the Western single-byte code pages below
    # Bytes 0x80–0x9F are control characters in Latin-1 but letters and dashes ('–', '”') in cp1252.
    if any(0x80 <= b <= 0x9F for b in data):
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"
    return "latin-1"


def split_text_pages(text: str, meta: ReportMeta | None) -> tuple[list[Page], str | None]:
    """Pages of a text export, and the page marker convention when it was detected rather than declared.

    Form feeds are page breaks wherever they occur. Otherwise, with `page_marker = "leading_space"` (or when
    there is no sidecar and the text looks that way) a line starting with one space starts a page.
    """
    if "\f" in text:
        pieces = text.split("\f")
        if len(pieces) > 1 and not pieces[-1].strip():
            pieces.pop()  # pdftotext ends every page, the last one too, with a form feed
        return _pages(pieces), None
    detected = None
    if meta is None and looks_leading_space_marked(text):
        detected = "leading_space"
    if detected or (meta is not None and meta.page_marker == "leading_space"):
        return _pages(split_on_leading_space(text)), detected
    return _pages([text]), None


def looks_leading_space_marked(text: str) -> bool:
    """Several lines start with exactly one space, and they are few among all non-blank lines."""
    markers = len(_PAGE_MARKER_LINE.findall(text))
    lines = sum(1 for line in text.split("\n") if line.strip())
    return markers >= 3 and markers <= 0.25 * lines


def split_on_leading_space(text: str) -> list[str]:
    """Cut before every line that starts with exactly one space; the first page starts the file."""
    starts = [m.start() for m in _PAGE_MARKER_LINE.finditer(text)]
    if not starts or not text[: starts[0]].strip():
        starts = starts[1:]  # blank lines before the first marker belong to its page
    bounds = [0, *starts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def _pages(pieces: list[str]) -> list[Page]:
    return [Page(number=i, text=piece) for i, piece in enumerate(pieces, start=1)]


# --- .pdf ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfPages:
    """A PDF's pages, and which of them (1-based) were read by OCR with their mean word confidence."""

    pages: list[Page]
    ocr_pages: list[int]
    ocr_confidence: float | None


@dataclass(frozen=True)
class _PdfPage:
    text: str
    scan: str | None
    """Fingerprint of a page with too few letters that draws something: it must be read by OCR."""


NO_READABLE_PAGES = (
    "PDF:en har inga läsbara sidor (ingen text, och OCR hittade ingen) / "
    "the PDF has no readable pages (no text, and OCR found none)"
)


def read_pdf_pages(data: bytes, path: Path, scans: ScanReader | None = None) -> list[Page]:
    """One page per PDF page, in order; scanned pages read by OCR. Errors for encrypted, broken and
    unreadable PDFs."""
    return read_pdf(data, path, scans).pages


def read_pdf(data: bytes, path: Path, scans: ScanReader | None = None) -> PdfPages:
    """Like `read_pdf_pages`, with which pages came from OCR. Pages with a text layer keep it; a page
    with (almost) no letters that draws something is rendered and read by `scans`."""
    if b"%PDF-" not in data[:1024]:
        raise ReportLoadError("inte en PDF-fil / not a PDF file", path)
    if b"%%EOF" not in data:
        raise ReportLoadError("PDF:en är avkortad (saknar %%EOF) / PDF is truncated (no %%EOF)", path)
    with _quiet("pypdf"):
        found = _pdf_texts(data, path)
    if not found:
        raise ReportLoadError("PDF:en har inga sidor / PDF has no pages", path)
    scanned = [ScannedPage(i, page.scan) for i, page in enumerate(found) if page.scan is not None]
    read = (scans or ScanReader()).read(data, path, scanned) if scanned else {}
    texts = [read[i].text if i in read else page.text for i, page in enumerate(found)]
    if not any(_letters(text) >= _MIN_LETTERS_PER_PAGE for text in texts):
        raise ReportLoadError(NO_READABLE_PAGES, path)
    return PdfPages(_pages(texts), [i + 1 for i in sorted(read)], mean_confidence(read.values()))


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def _pdf_page(page) -> _PdfPage:
    text = page.extract_text() or ""
    if _letters(text) >= _MIN_LETTERS_PER_PAGE:
        return _PdfPage(text, None)
    fingerprint, draws = page_fingerprint(page)
    return _PdfPage(text, fingerprint if draws else None)  # a blank page has nothing to read


def _pdf_texts(data: bytes, path: Path) -> list[_PdfPage]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            # An empty user password (owner-only restrictions) still opens; anything else needs a password.
            raise ReportLoadError("krypterad PDF – lösenord krävs / encrypted PDF – needs a password", path)
        return [_pdf_page(page) for page in reader.pages]
    except DependencyError as err:
        raise ReportLoadError(
            f"krypterad PDF som inte kan läsas / encrypted PDF that cannot be read: {err}", path
        ) from err
    except (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, zlib.error) as err:
        # pypdf signals damaged files with many exception types; all of them mean the same to the user.
        raise ReportLoadError(f"trasig PDF / corrupt PDF: {type(err).__name__}: {err}", path) from err


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """Silence a library's recovery chatter: it would print over the terminal UI, and what matters about a
    damaged file is reported as a `ReportLoadError`."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


# --- .docx --------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# An OLE compound file: a Word 97–2003 .doc, or a password-protected .docx (Word wraps those in OLE).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_STYLE = re.compile(r"^(heading|rubrik|title)\s*(\d*)$", re.IGNORECASE)


def read_docx(data: bytes, path: Path) -> tuple[list[Page], dict[str, int]]:
    """Paragraphs and table rows in document order, split at page breaks, and the headings with levels."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(_OLE_MAGIC):
        raise ReportLoadError(
            "inte en giltig .docx / not a valid .docx: krypterad eller i det gamla .doc-formatet – spara som "
            ".docx utan lösenord eller som PDF / encrypted or in the old .doc format – save as a .docx "
            "without a password or as PDF",
            path,
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReportLoadError(
            "inte en giltig .docx / not a valid .docx: inte ett zip-arkiv / not a zip archive", path
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    if "word/document.xml" not in names:
        listed = ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        raise ReportLoadError(
            "inte en giltig .docx / not a valid .docx: "
            f"zip-arkivet innehåller inget Word-dokument ({listed}) / "
            f"the zip archive holds no Word document ({listed})",
            path,
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise ReportLoadError(f"inte en giltig .docx / not a valid .docx: {err}", path) from err
    pages: list[list[str]] = [[]]
    headings: dict[str, int] = {}
    for block in _blocks(document.element.body):
        if block.tag == f"{_W}p":
            _add_paragraph(block, pages)
            level = _heading_level(block, document)
            text = _text_of(block).strip()
            if level is not None and text:
                headings.setdefault(text, level)
        elif block.tag == f"{_W}tbl":
            for row in block.iterchildren(f"{_W}tr"):
                if any(_is_page_break(el) for el in row.iter()):
                    _new_page(pages)
                cells = [_text_of(tc).strip() for tc in row.iterchildren(f"{_W}tc")]
                pages[-1].append(" ".join(c for c in cells if c))
    texts = ["\n".join(lines) for lines in pages]
    if not any(t.strip() for t in texts):
        raise ReportLoadError("dokumentet innehåller ingen text / the document has no text", path)
    return _pages(texts), headings


def _blocks(container):
    """Paragraphs and tables in document order, including those inside content controls (w:sdt)."""
    for child in container.iterchildren():
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"):
            yield from _blocks(child)


def _text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_W}t"))


def _add_paragraph(p, pages: list[list[str]]) -> None:
    ppr = p.find(f"{_W}pPr")
    if ppr is not None and ppr.find(f"{_W}pageBreakBefore") is not None:
        _new_page(pages)
    line: list[str] = []
    for el in p.iter():
        if el.tag == f"{_W}t":
            line.append(el.text or "")
        elif el.tag == f"{_W}tab":
            line.append("\t")
        elif _is_page_break(el):
            if "".join(line).strip():
                pages[-1].append("".join(line))
            line = []
            _new_page(pages)
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            line.append("\n")
    pages[-1].append("".join(line))


def _is_page_break(el) -> bool:
    return el.tag == f"{_W}lastRenderedPageBreak" or (el.tag == f"{_W}br" and el.get(f"{_W}type") == "page")


def _new_page(pages: list[list[str]]) -> None:
    # Word writes both an explicit break and a rendered break for one page turn: never open an empty page.
    if any(line.strip() for line in pages[-1]):
        pages.append([])


def _heading_level(p, document) -> int | None:
    """Level of a Heading n / Rubrik n paragraph (following base styles), or its outline level."""
    outline = p.find(f"{_W}pPr/{_W}outlineLvl")
    if outline is not None and (value := outline.get(f"{_W}val", "")).isdigit() and int(value) < 9:
        return int(value) + 1
    style_id = p.find(f"{_W}pPr/{_W}pStyle")
    if style_id is None:
        return None
    style = document.styles.element.get_by_id(style_id.get(f"{_W}val"))
    for _ in range(5):  # a custom style may be based on a heading style
        if style is None:
            return None
        for name in (style.name_val or "", style.styleId or ""):
            if m := _HEADING_STYLE.match(name.strip()):
                return int(m[2]) if m[2] else 1
        style = document.styles.element.get_by_id(style.basedOn_val) if style.basedOn_val else None
    return None
