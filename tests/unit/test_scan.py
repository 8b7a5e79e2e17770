"""OCR of scanned PDF pages: real Tesseract on scans made by `make_scan.py` from texts written here, and
the pipeline's cache, progress and missing-Tesseract handling with a counted (fake or real) page reader."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

import index.scan as scan
from index.catalog import Manifest
from index.embed import FakeEmbedder
from index.generations import current_generation
from index.load import NO_READABLE_PAGES, load_report
from index.metadata import ReportLoadError
from index.pipeline import build_index
from index.scan import INSTALL_HINT, OcrCache, OcrPage, ScanReader, page_from_data
from tests.conftest import REPO, write_report
from tests.unit.test_load import make_pdf

MAKE_SCAN = REPO.parent / "shared" / "tools" / "make_scan.py"
HAVE_TESSERACT = scan.ocr_problem() is None

needs_scan_tool = pytest.mark.skipif(not MAKE_SCAN.is_file(), reason=f"{MAKE_SCAN} is not there")
real_ocr = pytest.mark.skipif(not HAVE_TESSERACT, reason="tesseract-ocr / tesseract-ocr-swe not installed")

# Two pages (a line starting with one space starts a page), with å/ä/ö and figures on each.
SCANNED = """ Samordningsförbundet Älvdalen

Verksamhetsberättelse 2021

Förbundet har under året finansierat fyra insatser. Styrelsen sammanträdde sex gånger.
 Jobbsteget

Under året deltog 58 personer i Jobbsteget, varav 32 kvinnor och 26 män. Av de avslutade gick
11 till arbete och 5 till studier. Kostnaden blev 1 250 000 kronor, något över budget.
"""


def make_scan(text: str, out: Path) -> Path:
    src = out.with_suffix(".txt.src")
    src.write_text(text, encoding="utf-8")
    subprocess.run([sys.executable, str(MAKE_SCAN), str(src), str(out)], check=True, capture_output=True)
    src.unlink()
    return out


@pytest.fixture(scope="module")
def scanned_pdf(tmp_path_factory) -> Path:
    if not MAKE_SCAN.is_file():
        pytest.skip(f"{MAKE_SCAN} is not there")
    return make_scan(SCANNED, tmp_path_factory.mktemp("scan") / "alvdalen_2021.pdf")


class CountingReader:
    """A page reader that counts its calls; reads with real Tesseract or returns a fixed page."""

    def __init__(self, fixed: OcrPage | None = None) -> None:
        self.calls = 0
        self.fixed = fixed

    def __call__(self, image, lang: str = scan.OCR_LANG) -> OcrPage:
        self.calls += 1
        return self.fixed or scan.tesseract_page(image, lang)


FAKE_PAGE = OcrPage(
    "Insatsen Fjällsteget\n\nUnder året deltog 40 personer i Fjällsteget, varav 22 kvinnor och 18 män. "
    "Förbundet följer upp resultaten varje år.",
    91.0,
    24,
)


@pytest.fixture
def fake_tesseract(monkeypatch) -> CountingReader:
    """Tesseract replaced by a counted fixed page (and reported as installed)."""
    reader = CountingReader(FAKE_PAGE)
    monkeypatch.setattr(scan, "tesseract_page", reader)
    monkeypatch.setattr(scan, "ocr_problem", lambda lang=scan.OCR_LANG: None)
    return reader


def image_pdf(path: Path, pages: int, size: tuple[int, int] = (120, 170)) -> Path:
    """An image-only PDF of `pages` small grey pages (each its own image, so each has its own content)."""
    from PIL import Image, ImageDraw

    images = []
    for n in range(pages):
        img = Image.new("L", size, 245)
        ImageDraw.Draw(img).point((n % size[0], n // size[0]), fill=0)
        images.append(img.convert("RGB"))
    images[0].save(path, save_all=True, append_images=images[1:], resolution=50)
    return path


# --- reading Tesseract's output -------------------------------------------------------------------------


def _tsv(rows: list[tuple[int, int, int, int, float, str]]) -> dict[str, list]:
    """Tesseract's image_to_data dict from (block, par, line, top, conf, text) word rows."""
    keys = ("block_num", "par_num", "line_num", "top", "conf", "text")
    data: dict[str, list] = {k: [] for k in keys}
    data["height"] = []
    for row in rows:
        for key, value in zip(keys, row, strict=True):
            data[key].append(value)
        data["height"].append(20)
    return data


def test_tsv_rows_become_lines_with_blank_lines_where_the_page_has_them():
    data = _tsv(
        [
            (1, 1, 1, 100, 95.0, "Förbundet"),
            (1, 1, 1, 100, 85.0, "växer."),
            (1, 2, 1, 130, -1, ""),  # a layout row, not a word
            (1, 2, 1, 131, 90.0, "Två"),  # Tesseract's new paragraph at a short line: no blank line
            (1, 2, 2, 162, 70.0, "år."),
            (1, 2, 3, 224, 80.0, "Sedan"),  # twice the pitch: a blank line
            (1, 2, 4, 255, 80.0, "dess."),
        ]
    )
    page = page_from_data(data)
    assert page.text == "Förbundet växer.\nTvå\når.\n\nSedan\ndess."
    assert page.words == 6
    assert page.confidence == 83.3


def test_blank_page_has_no_words_and_no_confidence():
    assert page_from_data(_tsv([])) == OcrPage("", None, 0)
    assert scan.mean_confidence([OcrPage("", None, 0)]) is None
    assert scan.mean_confidence([OcrPage("a", 90.0, 3), OcrPage("b", 50.0, 1)]) == 80.0


# --- real OCR -------------------------------------------------------------------------------------------


@real_ocr
@needs_scan_tool
def test_scan_is_read_in_swedish_with_its_page_numbers(scanned_pdf):
    report = load_report(scanned_pdf)
    assert [p.number for p in report.pages] == [1, 2]
    assert report.ocr_pages == [1, 2]
    assert report.ocr_confidence is not None and report.ocr_confidence > 80
    first, second = (" ".join(p.text.split()) for p in report.pages)
    assert "Samordningsförbundet Älvdalen" in first
    assert "Verksamhetsberättelse 2021" in first
    assert "sammanträdde sex gånger" in first
    assert "deltog 58 personer i Jobbsteget, varav 32 kvinnor och 26 män" in second
    assert "1 250 000 kronor" in second
    assert "Jobbsteget" not in first


@real_ocr
@needs_scan_tool
def test_mixed_pdf_keeps_text_pages_and_scanned_pages_in_order(tmp_path, scanned_pdf):
    writer = PdfWriter()
    text_pdf = PdfReader(io.BytesIO(make_pdf([["Inledning", "Förbundets textsida med ett textlager."]])))
    writer.add_page(text_pdf.pages[0])
    writer.add_page(PdfReader(scanned_pdf).pages[1])
    writer.add_page(text_pdf.pages[0])
    writer.write(tmp_path / "blandad.pdf")

    reader = CountingReader()
    report = load_report(tmp_path / "blandad.pdf", ScanReader(read_image=reader))
    assert reader.calls == 1
    assert report.ocr_pages == [2]
    assert [p.number for p in report.pages] == [1, 2, 3]
    assert "Förbundets textsida" in report.pages[0].text
    assert "Jobbsteget" in report.pages[1].text
    assert "Förbundets textsida" in report.pages[2].text


@real_ocr
def test_scan_of_blank_pages_says_there_is_nothing_to_read(tmp_path):
    with pytest.raises(ReportLoadError) as err:
        load_report(image_pdf(tmp_path / "tom.pdf", 2, size=(620, 877)))
    assert err.value.reason == NO_READABLE_PAGES


def test_pdf_of_blank_pages_is_not_sent_to_ocr(tmp_path):
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    writer.write(tmp_path / "blank.pdf")
    reader = CountingReader(FAKE_PAGE)
    with pytest.raises(ReportLoadError) as err:
        load_report(tmp_path / "blank.pdf", ScanReader(read_image=reader))
    assert err.value.reason == NO_READABLE_PAGES
    assert "inga läsbara sidor" in err.value.reason
    assert reader.calls == 0


# --- cache ----------------------------------------------------------------------------------------------


def test_cache_reads_an_unchanged_page_once_even_in_another_file(tmp_path):
    pdf = image_pdf(tmp_path / "a.pdf", 3)
    reader = CountingReader(FAKE_PAGE)
    scans = ScanReader(cache=OcrCache(tmp_path / "cache"), read_image=reader)
    first = load_report(pdf, scans)
    assert reader.calls == 3
    assert load_report(pdf, scans).pages == first.pages
    assert reader.calls == 3

    copy = PdfWriter()
    copy.add_page(PdfReader(pdf).pages[1])  # the same scanned page, copied into a new PDF
    copy.write(tmp_path / "b.pdf")
    assert load_report(tmp_path / "b.pdf", scans).ocr_pages == [1]
    assert reader.calls == 3


def test_index_and_full_rebuild_reuse_the_ocr_cache(make_settings, fake_tesseract):
    settings = make_settings()
    image_pdf(settings.corpus_dir.parent / "scan.pdf", 3)
    settings.corpus_dir.mkdir()
    (settings.corpus_dir.parent / "scan.pdf").rename(settings.corpus_dir / "scan.pdf")

    build_index(settings, FakeEmbedder())
    assert fake_tesseract.calls == 3
    entry = Manifest.load(current_generation(settings.index_dir)).reports["scan"]
    assert entry.ocr_pages == [1, 2, 3]
    assert entry.ocr_confidence == 91.0

    assert not build_index(settings, FakeEmbedder()).rebuilt
    assert build_index(settings, FakeEmbedder(), full=True).rebuilt
    assert fake_tesseract.calls == 3
    assert any(settings.ocr_cache_dir.rglob("*.json"))


# --- progress, low confidence, many pages ---------------------------------------------------------------


class RecordingProgress:
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def start(self, stage: str, total: int) -> None:
        self.events.append(("start", stage, total))

    def advance(self, amount: int = 1) -> None:
        self.events.append(("advance", amount))

    def finish(self) -> None:
        pass

    def note(self, text: str) -> None:
        self.events.append(("note", text))


def test_progress_counts_ocr_pages_of_a_200_page_scan_one_page_at_a_time(make_settings, monkeypatch):
    settings = make_settings()
    settings.corpus_dir.mkdir()
    image_pdf(settings.corpus_dir / "arkiv.pdf", 200, size=(40, 56))
    sizes: list[tuple[int, int]] = []

    def read(image, lang):
        sizes.append(image.size)  # one rendered page handed over at a time
        return FAKE_PAGE

    monkeypatch.setattr(scan, "tesseract_page", read)
    monkeypatch.setattr(scan, "ocr_problem", lambda lang=scan.OCR_LANG: None)
    progress = RecordingProgress()
    build_index(settings, FakeEmbedder(), progress)
    assert ("start", "OCR arkiv.pdf", 200) in progress.events
    at = progress.events.index(("start", "OCR arkiv.pdf", 200))
    assert progress.events[at + 1 : at + 201] == [("advance", 1)] * 200
    assert progress.events[at + 201] == ("start", "läser in", 1)  # the report stage goes on
    assert len(sizes) == 200
    entry = Manifest.load(current_generation(settings.index_dir)).reports["arkiv"]
    assert entry.ocr_pages == list(range(1, 201))


def test_low_confidence_scan_is_indexed_and_marked(make_settings, monkeypatch):
    settings = make_settings()
    settings.corpus_dir.mkdir()
    image_pdf(settings.corpus_dir / "suddig.pdf", 2)
    monkeypatch.setattr(scan, "tesseract_page", CountingReader(OcrPage(FAKE_PAGE.text, 31.5, 24)))
    monkeypatch.setattr(scan, "ocr_problem", lambda lang=scan.OCR_LANG: None)
    progress = RecordingProgress()
    result = build_index(settings, FakeEmbedder(), progress)
    assert not result.problems
    notes = [e[1] for e in progress.events if e[0] == "note"]
    assert any("suddig.pdf: låg OCR-säkerhet (32 av 100" in n for n in notes), notes
    entry = Manifest.load(current_generation(settings.index_dir)).reports["suddig"]
    assert scan.is_low_confidence(entry.ocr_confidence)


# --- Tesseract missing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["binary", "swedish"])
def test_without_tesseract_the_scan_is_skipped_with_what_to_install(make_settings, monkeypatch, missing):
    settings = make_settings()
    write_report(
        settings.corpus_dir,
        "text",
        "Textrapporten\n\nUnder 2019 deltog 15 personer i Betainsatsen.\n",
        title="Verksamhetsberättelse 2019",
        organisation="Samordningsförbundet Prov",
        period="2019",
    )
    image_pdf(settings.corpus_dir / "scan.pdf", 2)
    reader = CountingReader(FAKE_PAGE)
    monkeypatch.setattr(scan, "tesseract_page", reader)
    if missing == "binary":
        monkeypatch.setattr(scan.shutil, "which", lambda name: None)
    else:
        import pytesseract

        monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng", "osd"])

    result = build_index(settings, FakeEmbedder())
    assert [p.path.name for p in result.problems] == ["scan.pdf"]
    reason = result.problems[0].reason
    assert INSTALL_HINT in reason
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-swe" in reason
    assert result.added == ["text"]
    assert reader.calls == 0

    # Unchanged, it is not retried while Tesseract is missing ...
    assert not build_index(settings, FakeEmbedder()).rebuilt
    # ... and is read as soon as it is installed, without touching the file.
    monkeypatch.undo()
    monkeypatch.setattr(scan, "tesseract_page", reader)
    monkeypatch.setattr(scan, "ocr_problem", lambda lang=scan.OCR_LANG: None)
    again = build_index(settings, FakeEmbedder())
    assert again.added == ["scan"] and not again.problems
    assert reader.calls == 2
