"""Bad input: every kind of broken, odd or hostile file lands in a corpus next to good reports.

Each case starts from the good reports already indexed by `finsam index` (run in-process with the fake
embedder), adds the bad file and indexes again. It checks that `finsam index` names the file and the problem
in plain words, exits non-zero only while something is skipped, keeps every report it had (the good reports
still indexed and answering), and exits 0 again once the bad file is gone.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from pypdf import PdfWriter

import index.load
from index.embed import FakeEmbedder
from index.load import content_hash
from index.pipeline import build_index
from tests.conftest import write_report
from tests.faults.conftest import (
    GOOD_REPORTS,
    ORGANISATION,
    assert_answers,
    assert_good_reports_answering,
    flat,
    indexed_reports,
    live_manifest,
    run_finsam,
    skipped_line,
)
from tests.unit.test_load import PDF_PAGES, make_pdf

REPO = Path(__file__).resolve().parents[2]
MB = 1024 * 1024

SIDECAR = (
    'title = "Årsredovisning 2019"\norganisation = "Samordningsförbundet Felprovet"\n'
    'report_type = "Årsredovisning"\nperiod = "2019"\n'
)


def good_hashes(settings) -> dict[str, str]:
    return {r.name: live_manifest(settings).reports[r.name].content_hash for r in GOOD_REPORTS}


def index_with_bad_files(settings, names: list[str], reasons: list[str]):
    """`finsam index` with bad files present: exit 1, each named with its reason, nothing lost; run again
    (a no-op): the same. Returns the first run."""
    before = good_hashes(settings)
    runs = []
    for attempt in ("first", "again"):
        run = run_finsam(settings, "index")
        assert run.exit_code == 1, (attempt, run.output)
        for name, reason in zip(names, reasons, strict=True):
            assert skipped_line(name, reason) in run.output, (attempt, run.output)
        assert "Traceback" not in run.output
        assert good_hashes(settings) == before  # nothing already indexed was lost or re-indexed
        assert_good_reports_answering(settings)
        runs.append(run)
    return runs[0]


def index_clean(settings) -> None:
    """With the bad files gone, `finsam index` skips nothing and exits 0."""
    run = run_finsam(settings, "index")
    assert run.exit_code == 0, run.output
    assert "HOPPADE ÖVER" not in run.output
    assert_good_reports_answering(settings)


# --- files that are not reports ---------------------------------------------------------------------------


def _pdf(path: Path) -> None:
    path.write_bytes(make_pdf(PDF_PAGES))


def _encrypted_pdf(path: Path) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(PDF_PAGES)))
    writer.encrypt("hemligt", algorithm="RC4-128")  # RC4 needs no `cryptography` package to write
    writer.write(path)


def _scanned_pdf(path: Path) -> None:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    writer.write(path)


def _zip_of_something_else(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("anteckning.txt", "Det här är inget Word-dokument.")


def _old_word_file(path: Path) -> None:
    # The OLE header of a Word 97–2003 file (and of a password-protected .docx).
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))


@dataclass(frozen=True)
class BadFile:
    name: str
    write: Callable[[Path], None]
    reason: str


BAD_FILES = [
    BadFile("tom.txt", lambda p: p.write_bytes(b""), "filen är tom / file is empty"),
    BadFile(
        "blanka.txt", lambda p: p.write_text(" \n\n\t \n", encoding="utf-8"), "filen är tom / file is empty"
    ),
    BadFile(
        "bild.txt",
        lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
        "binärfil, inte text / binary file, not text",
    ),
    BadFile(
        "avkortad.pdf",
        lambda p: p.write_bytes(make_pdf(PDF_PAGES)[: len(make_pdf(PDF_PAGES)) // 2]),
        "PDF:en är avkortad (saknar %%EOF) / PDF is truncated (no %%EOF)",
    ),
    BadFile(
        "inte-pdf.pdf", lambda p: p.write_text("Hej!", encoding="utf-8"), "inte en PDF-fil / not a PDF file"
    ),
    BadFile(
        "krypterad.pdf", _encrypted_pdf, "krypterad PDF – lösenord krävs / encrypted PDF – needs a password"
    ),
    BadFile(
        "inskannad.pdf",
        _scanned_pdf,
        "PDF:en har inga läsbara sidor (ingen text, och OCR hittade ingen) / "
        "the PDF has no readable pages (no text, and OCR found none)",
    ),
    BadFile(
        "zip.docx",
        _zip_of_something_else,
        "inte en giltig .docx / not a valid .docx: zip-arkivet innehåller inget Word-dokument "
        "(anteckning.txt) / the zip archive holds no Word document (anteckning.txt)",
    ),
    BadFile(
        "gammal-word.docx",
        _old_word_file,
        "inte en giltig .docx / not a valid .docx: krypterad eller i det gamla .doc-formatet – spara som "
        ".docx utan lösenord eller som PDF / encrypted or in the old .doc format – save as a .docx without a "
        "password or as PDF",
    ),
    BadFile(
        "text-som-docx.docx",
        lambda p: p.write_text("Bara text.", encoding="utf-8"),
        "inte en giltig .docx / not a valid .docx: inte ett zip-arkiv / not a zip archive",
    ),
    BadFile(
        "budget.xlsx",
        lambda p: p.write_bytes(b"PK\x03\x04"),
        "filtypen .xlsx stöds inte / unsupported file type .xlsx",
    ),
    BadFile(
        "protokoll.doc",
        _old_word_file,
        "filtypen .doc stöds inte – spara som .docx eller PDF / "
        "unsupported file type .doc – save as .docx or PDF",
    ),
    BadFile(
        "ANTECKNINGAR",
        lambda p: p.write_text("x", encoding="utf-8"),
        "filer utan filändelse stöds inte / files without an extension are not supported",
    ),
]


@pytest.mark.parametrize("bad", BAD_FILES, ids=[b.name for b in BAD_FILES])
def test_bad_file_is_named_with_its_problem_and_nothing_is_lost(fault_settings, bad):
    path = fault_settings.corpus_dir / bad.name
    bad.write(path)
    index_with_bad_files(fault_settings, [bad.name], [bad.reason])
    assert Path(bad.name).stem not in indexed_reports(fault_settings)
    path.unlink()
    index_clean(fault_settings)


def test_corrupt_pdf_body_is_named_as_corrupt(fault_settings):
    data = make_pdf(PDF_PAGES)
    (fault_settings.corpus_dir / "trasig.pdf").write_bytes(data[:300] + b"garbage" * 60 + data[-200:])
    run = run_finsam(fault_settings, "index")
    assert run.exit_code == 1
    assert skipped_line("trasig.pdf", "trasig PDF / corrupt PDF:") in run.output
    assert_good_reports_answering(fault_settings)


# --- text encodings: read correctly, å/ä/ö intact ----------------------------------------------------------

ENCODED = "Östra Göinge – årets ”resultat”: Ålgården och Ärlan öppnade i Växjö för 31 deltagare."


@pytest.mark.parametrize(
    ("encoding", "recorded"),
    [
        ("cp1252", "cp1252"),
        ("latin-1", "latin-1"),
        ("utf-16", "utf-16"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16-le", "utf-16-le"),  # exported without a byte-order mark
    ],
)
def test_text_encodings_are_indexed_with_swedish_letters_intact(fault_settings, encoding, recorded):
    text = ENCODED if encoding != "latin-1" else ENCODED.replace("–", "-").replace("”", '"')
    path = fault_settings.corpus_dir / "kodad.txt"
    path.write_bytes(f"Ålgården\n\nVerksamhet\n\n{text}\n".encode(encoding))
    (fault_settings.corpus_dir / "kodad.toml").write_text(SIDECAR, encoding="utf-8")
    assert encoding != "utf-16" or path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")  # with BOM

    run = run_finsam(fault_settings, "index")
    assert run.exit_code == 0, run.output
    assert "1 nya" in run.output
    assert flat(text) in flat(indexed_reports(fault_settings)["kodad"])
    assert live_manifest(fault_settings).reports["kodad"].encoding == recorded
    assert_answers(fault_settings, "Hur många deltagare hade Ålgården och Ärlan i Växjö?", "kodad")
    assert_good_reports_answering(fault_settings)


def test_sidecar_saved_by_a_windows_editor(fault_settings):
    """With a byte-order mark (UTF-8 or UTF-16 "Unicode") the sidecar is read; as cp1252 ("ANSI") it is
    refused with advice, not guessed."""
    corpus = fault_settings.corpus_dir
    (corpus / "ansi.txt").write_text(
        "Östra förbundet\n\nEkonomi\n\nResultatet blev 12 tkr.\n", encoding="utf-8"
    )
    (corpus / "ansi.toml").write_bytes(SIDECAR.replace("Felprovet", "Östra Göinge").encode("cp1252"))
    (corpus / "bom.txt").write_text(
        "Norra förbundet\n\nEkonomi\n\nResultatet blev 14 tkr.\n", encoding="utf-8"
    )
    (corpus / "bom.toml").write_bytes(SIDECAR.replace("Felprovet", "Älvdalen").encode("utf-8-sig"))
    (corpus / "unicode.txt").write_text(
        "Södra förbundet\n\nEkonomi\n\nResultatet blev 9 tkr.\n", encoding="utf-8"
    )
    (corpus / "unicode.toml").write_bytes(SIDECAR.replace("Felprovet", "Åsele").encode("utf-16"))
    reason = (
        "ansi.toml: metadatafilen är inte UTF-8 (rad 1) – spara den som UTF-8 / "
        "sidecar is not UTF-8 (line 1) – save it as UTF-8"
    )
    index_with_bad_files(fault_settings, ["ansi.txt"], [reason])
    reports = live_manifest(fault_settings).reports
    assert reports["bom"].meta.organisation == "Samordningsförbundet Älvdalen"
    assert reports["unicode"].meta.organisation == "Samordningsförbundet Åsele"
    assert "ansi" not in reports


# --- a huge file ------------------------------------------------------------------------------------------


def _sparse_text_file(path: Path, size: int) -> None:
    """A file of `size` bytes that starts and ends like a report, written in milliseconds (sparse)."""
    with open(path, "wb") as fh:
        fh.write("Verksamhetsberättelse 2019\n\nEn mycket lång textexport.\n".encode())
        fh.seek(size - 40)
        fh.write(b"\nSlut p\xe5 rapporten.\n".ljust(40, b" "))


def test_200_mb_text_file_is_refused_by_size_without_being_read(fault_settings):
    path = fault_settings.corpus_dir / "jättestor.txt"
    _sparse_text_file(path, 200 * MB)
    assert path.stat().st_size == 200 * MB
    reason = (
        "filen är för stor (200 MB, gränsen är 50 MB; höj FINSAM_MAX_FILE_MB) / "
        "file too large (200 MB, the limit is 50 MB; raise FINSAM_MAX_FILE_MB)"
    )
    tracemalloc.start()
    try:
        result = build_index(fault_settings, FakeEmbedder())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.path.name, p.reason) for p in result.problems] == [("jättestor.txt", reason)]
    assert peak < 20 * MB, f"peak {peak / MB:.0f} MB: the file was read"
    index_with_bad_files(fault_settings, ["jättestor.txt"], [reason])
    path.unlink()
    index_clean(fault_settings)


def test_size_limit_is_a_setting(fault_settings):
    path = fault_settings.corpus_dir / "mellan.txt"
    path.write_text("Mellanrapporten\n\nText\n\n" + "Förbundet stödjer samverkan. " * 100, encoding="utf-8")
    size_kb = round(path.stat().st_size / 1024)
    assert size_kb > 2
    small = fault_settings.model_copy(update={"max_file_mb": 2 / 1024})  # FINSAM_MAX_FILE_MB=0.001953125
    run = run_finsam(small, "index")
    assert run.exit_code == 1
    assert skipped_line("mellan.txt", f"filen är för stor ({size_kb} kB, gränsen är 2 kB;") in run.output
    assert run_finsam(fault_settings, "index").exit_code == 0  # the default limit lets it in
    assert "mellan" in indexed_reports(fault_settings)


# --- duplicates -------------------------------------------------------------------------------------------


def test_same_report_under_a_second_name_is_indexed_once_and_named(fault_settings):
    corpus = fault_settings.corpus_dir
    original = GOOD_REPORTS[0]
    (corpus / "kopia av lodjur.txt").write_bytes((corpus / f"{original.name}.txt").read_bytes())
    reason = f"samma innehåll som {original.name}.txt / duplicate of {original.name}.txt"
    index_with_bad_files(fault_settings, ["kopia av lodjur.txt"], [reason])
    texts = indexed_reports(fault_settings)
    assert sum(original.fact in flat(t) for t in texts.values()) == 1


def test_two_new_copies_keep_the_first_by_name(fault_settings):
    corpus = fault_settings.corpus_dir
    text = "Uttern\n\nVerksamhet\n\nUtterprojektet hade 12 deltagare under 2019.\n"
    for name in ("b-utter.txt", "a-utter.txt"):
        (corpus / name).write_text(text, encoding="utf-8")
    run = run_finsam(fault_settings, "index")
    assert run.exit_code == 1
    assert (
        skipped_line("b-utter.txt", "samma innehåll som a-utter.txt / duplicate of a-utter.txt") in run.output
    )
    assert "a-utter" in indexed_reports(fault_settings)
    assert "b-utter" not in indexed_reports(fault_settings)


# --- files the system will not give us --------------------------------------------------------------------

UNREADABLE = "kan inte läsas / cannot be read: åtkomst nekad / permission denied"


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root reads files whatever their mode: see the simulated test below"
)
def test_unreadable_file_by_permissions(fault_settings):
    path = fault_settings.corpus_dir / "hemlig.txt"
    path.write_text("Hemligt.", encoding="utf-8")
    path.chmod(0)
    try:
        index_with_bad_files(fault_settings, ["hemlig.txt"], [UNREADABLE])
    finally:
        path.chmod(0o644)


def test_unreadable_file_simulated(fault_settings, monkeypatch):
    """What a user without read permission sees: `open` refused with EACCES (simulated, as tests may run as
    root, where mode 000 does not stop reading)."""
    path = fault_settings.corpus_dir / "hemlig.txt"
    path.write_text("Hemligt.", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "hemlig.txt":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    index_with_bad_files(fault_settings, ["hemlig.txt"], [UNREADABLE])


# --- links ------------------------------------------------------------------------------------------------


def test_symlink_loops_and_broken_links(fault_settings):
    corpus = fault_settings.corpus_dir
    os.symlink(corpus, corpus / "arkiv")  # a folder link back to the corpus: walked once, not a problem
    os.symlink(corpus / "slinga-b.txt", corpus / "slinga-a.txt")
    os.symlink(corpus / "slinga-a.txt", corpus / "slinga-b.txt")
    os.symlink(corpus / "borttagen.txt", corpus / "länk.txt")
    loop = "symbolisk länk i en slinga / symlink loop"
    broken = "länken pekar på en fil som inte finns / broken link: its target does not exist"
    run = index_with_bad_files(
        fault_settings, ["länk.txt", "slinga-a.txt", "slinga-b.txt"], [broken, loop, loop]
    )
    assert "arkiv" not in run.output
    assert sorted(indexed_reports(fault_settings)) == sorted(r.name for r in GOOD_REPORTS)
    for name in ("slinga-a.txt", "slinga-b.txt", "länk.txt"):
        (corpus / name).unlink()
    index_clean(fault_settings)  # the folder loop alone skips nothing


# --- sidecars with invalid metadata -----------------------------------------------------------------------

SIDECAR_CASES = [
    (
        SIDECAR.replace('period = "2019"\n', ""),
        "felaktig.toml: fältet 'period' saknas / field 'period' is missing",
    ),
    (
        SIDECAR.replace('period = "2019"', "period = 2019"),
        "felaktig.toml: fältet 'period' ska vara text inom citattecken, t.ex. period = \"2019\" / "
        "field 'period' must be text in quotes, e.g. period = \"2019\"",
    ),
    (
        SIDECAR + 'years = ["tjugonitton"]\n',
        "felaktig.toml: fältet 'years' ska vara en lista med årtal ('tjugonitton' är inget årtal) / "
        "field 'years' must be a list of years ('tjugonitton' is not a year)",
    ),
    (
        SIDECAR + "years = [1985]\n",
        "felaktig.toml: årtalet 1985 ligger utanför 1990–2100 (fältet 'period' eller 'years') / "
        "year 1985 is outside 1990–2100 (field 'period' or 'years')",
    ),
    (
        SIDECAR + 'redaktor = "Kansliet"\n',
        "felaktig.toml: okänt fält 'redaktor' / unknown field 'redaktor'",
    ),
    (
        SIDECAR.replace('title = "Årsredovisning 2019"', 'title = ""'),
        "felaktig.toml: fältet 'title' är tomt / field 'title' is empty",
    ),
    (
        SIDECAR + 'page_marker = "sidnummer"\n',
        "felaktig.toml: fältet 'page_marker' måste vara 'formfeed' or 'leading_space' / field 'page_marker' "
        "must be 'formfeed' or 'leading_space'",
    ),
]


@pytest.mark.parametrize(
    ("sidecar", "reason"),
    SIDECAR_CASES,
    ids=[
        "missing",
        "number-for-text",
        "year-in-words",
        "year-out-of-range",
        "unknown-field",
        "empty",
        "literal",
    ],
)
def test_invalid_sidecar_is_explained_in_plain_words(fault_settings, sidecar, reason):
    corpus = fault_settings.corpus_dir
    (corpus / "felaktig.txt").write_text(
        "Rapporten\n\nText\n\nFörbundet stödjer samverkan.\n", encoding="utf-8"
    )
    (corpus / "felaktig.toml").write_text(sidecar, encoding="utf-8")
    run = index_with_bad_files(fault_settings, ["felaktig.txt"], [reason])
    for leak in ("ValidationError", "pydantic", "Input should", "errors.pydantic.dev"):
        assert leak not in run.output
    (corpus / "felaktig.toml").write_text(SIDECAR, encoding="utf-8")  # fixed: indexed on the next run
    fixed = run_finsam(fault_settings, "index")
    assert fixed.exit_code == 0, fixed.output
    assert "felaktig" in indexed_reports(fault_settings)


def test_sidecar_that_is_not_toml(fault_settings):
    corpus = fault_settings.corpus_dir
    (corpus / "trasig.txt").write_text(
        "Rapporten\n\nText\n\nFörbundet stödjer samverkan.\n", encoding="utf-8"
    )
    (corpus / "trasig.toml").write_text("title: Årsredovisning\n", encoding="utf-8")
    run = run_finsam(fault_settings, "index")
    assert run.exit_code == 1
    reason = (
        "trasig.toml: ogiltig TOML / invalid TOML (rad/line 1, kolumn/column 6): "
        "Expected '=' after a key in a key/value pair – "
        'en rad ska se ut som / a line should read: title = "…"'
    )
    assert skipped_line("trasig.txt", reason) in run.output


# --- a file that changes while it is being indexed --------------------------------------------------------

FIRST = "Järvprojektet\n\nVerksamhet\n\nJärvprojektet hade 11 deltagare under 2019.\n"
SECOND = "Järvprojektet\n\nVerksamhet\n\nJärvprojektet hade 27 deltagare under 2019 och nådde fler.\n"


def _rewriting_loader(monkeypatch, target: Path, *, before_load: bool) -> list[str]:
    """Replace `load_report` by one that rewrites `target` (FIRST -> SECOND) once, just before or just
    after reading it: the pipeline hashed the file earlier, so this is a change in mid-indexing."""
    real = index.load.load_report
    done: list[str] = []

    def load(path: Path, *args, **kwargs):  # (the pipeline also hands over its OCR page reader)
        if path.name != target.name or done:
            return real(path, *args, **kwargs)
        done.append(path.name)
        if before_load:
            target.write_text(SECOND, encoding="utf-8")
            return real(path, *args, **kwargs)
        loaded = real(path, *args, **kwargs)
        target.write_text(SECOND, encoding="utf-8")
        return loaded

    monkeypatch.setattr(index.load, "load_report", load)
    return done


def _recorded_hash_matches_indexed_text(settings, target: Path) -> str:
    """The manifest's hash is the hash of the file version whose text is indexed; returns that version."""
    recorded = live_manifest(settings).reports[target.stem].content_hash
    indexed = flat(indexed_reports(settings)[target.stem])
    versions = {content_hash(v.encode(), target): v for v in (FIRST, SECOND)}
    assert recorded in versions, "the manifest records a hash of neither version"
    version = versions[recorded]
    other = SECOND if version == FIRST else FIRST
    assert _participants(version) in indexed
    assert _participants(other) not in indexed
    return version


def _participants(text: str) -> str:
    return next(word for word in text.split() if word.isdigit() and word != "2019") + " deltagare"


@pytest.mark.parametrize("before_load", [True, False], ids=["between-hash-and-load", "after-load"])
def test_file_changed_while_indexing_is_recorded_consistently(fault_settings, monkeypatch, before_load):
    target = fault_settings.corpus_dir / "järv.txt"
    target.write_text(FIRST, encoding="utf-8")
    (fault_settings.corpus_dir / "järv.toml").write_text(SIDECAR, encoding="utf-8")
    done = _rewriting_loader(monkeypatch, target, before_load=before_load)

    result = build_index(fault_settings, FakeEmbedder())
    assert done == ["järv.txt"] and result.added == ["järv"]
    indexed = _recorded_hash_matches_indexed_text(fault_settings, target)
    assert indexed == (SECOND if before_load else FIRST)
    assert_good_reports_answering(fault_settings)

    monkeypatch.undo()
    again = build_index(fault_settings, FakeEmbedder())
    # Changed before it was read: already indexed as it is now. Changed after: re-indexed now.
    assert again.rebuilt is (not before_load)
    assert _recorded_hash_matches_indexed_text(fault_settings, target) == SECOND
    assert not build_index(fault_settings, FakeEmbedder()).rebuilt  # and then stable


# --- the real command -------------------------------------------------------------------------------------


def test_finsam_index_process_exit_status(fault_settings):
    """The installed entry point (not the in-process runner): exit 1 with a skipped file, 0 without."""
    env = {
        **os.environ,
        "FINSAM_CORPUS_DIR": str(fault_settings.corpus_dir),
        "FINSAM_DATA_DIR": str(fault_settings.data_dir),
        "FINSAM_MODEL": "fake",
        "COLUMNS": "400",
    }
    command = [sys.executable, "-m", "assistant", "index"]
    (fault_settings.corpus_dir / "tom.txt").write_bytes(b"")
    skipped = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert skipped.returncode == 1, skipped.stderr
    assert "HOPPADE ÖVER tom.txt: filen är tom / file is empty" in skipped.stderr
    (fault_settings.corpus_dir / "tom.txt").unlink()
    clean = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0, clean.stderr


def test_good_reports_fixture_is_not_trivially_true(fault_settings):
    """The check every case ends with fails when a good report is gone."""
    (fault_settings.corpus_dir / f"{GOOD_REPORTS[0].name}.txt").unlink()
    assert run_finsam(fault_settings, "index").exit_code == 0
    with pytest.raises(AssertionError):
        assert_good_reports_answering(fault_settings)


# --- good PDFs and DOCX beside the bad ones ---------------------------------------------------------------


def _word_report(path: Path) -> None:
    document = docx.Document()
    document.add_heading("Vildsvinsprojektet", level=1)
    document.add_paragraph("Vildsvinsprojektet gav stöd till 23 deltagare i Älvsbyn under 2019.")
    document.save(path)


def test_good_pdf_and_docx_are_indexed_beside_broken_ones(fault_settings):
    corpus = fault_settings.corpus_dir
    _pdf(corpus / "rapport.pdf")
    _word_report(corpus / "vildsvin.docx")
    _scanned_pdf(corpus / "inskannad.pdf")
    _zip_of_something_else(corpus / "zip.docx")
    run = run_finsam(fault_settings, "index")
    assert run.exit_code == 1
    assert "HOPPADE ÖVER inskannad.pdf:" in run.output and "HOPPADE ÖVER zip.docx:" in run.output
    assert "2 nya" in run.output
    assert_answers(fault_settings, "Hur många deltagare fick stöd av Vildsvinsprojektet?", "vildsvin")
    assert_answers(fault_settings, "Hur många kvinnor fick försörjning?", "rapport")
    assert_good_reports_answering(fault_settings)


def test_pdf_restricted_with_aes_but_no_open_password_is_indexed(fault_settings):
    """Public reports are often 'protected' against editing (AES, empty open password): they must load."""
    pytest.importorskip("cryptography", reason="pypdf needs `cryptography` for AES (pypdf[crypto])")
    writer = PdfWriter(clone_from=io.BytesIO(make_pdf(PDF_PAGES)))
    writer.encrypt("", owner_password="kansliet", algorithm="AES-256")
    writer.write(fault_settings.corpus_dir / "skyddad.pdf")
    run = run_finsam(fault_settings, "index")
    assert run.exit_code == 0, run.output
    assert_answers(fault_settings, "Hur många kvinnor fick försörjning?", "skyddad")


# --- a report that was indexed and then turns bad ---------------------------------------------------------

KEPT = " (förra versionen finns kvar i indexet / the previous version stays in the index)"


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda p: p.write_bytes(b""), "filen är tom / file is empty"),
        (lambda p: p.write_bytes(b"\x00\x01\x02" * 100), "binärfil, inte text / binary file, not text"),
        (
            lambda p: p.with_suffix(".toml").write_text('title = "x"\n', encoding="utf-8"),
            "lodjur.toml: fältet 'organisation' saknas / field 'organisation' is missing; "
            "fältet 'report_type' saknas / field 'report_type' is missing; "
            "fältet 'period' saknas / field 'period' is missing",
        ),
    ],
    ids=["emptied", "overwritten-with-binary", "sidecar-broken"],
)
def test_indexed_report_turned_bad_keeps_its_previous_version(fault_settings, spoil, reason):
    path = fault_settings.corpus_dir / "lodjur.txt"
    good, sidecar = path.read_bytes(), path.with_suffix(".toml").read_bytes()
    spoil(path)
    run = index_with_bad_files(fault_settings, ["lodjur.txt"], [reason + KEPT])
    assert "0 borttagna" in run.output
    assert not build_index(fault_settings, FakeEmbedder()).rebuilt  # the known problem is not retried
    # Repaired with new content: the new version replaces the kept one.
    path.write_bytes(good.replace(b"40 personer", b"44 personer"))
    path.with_suffix(".toml").write_bytes(sidecar)
    run = run_finsam(fault_settings, "index")
    assert run.exit_code == 0, run.output
    assert "1 ändrade" in run.output
    assert "44 personer" in flat(indexed_reports(fault_settings)["lodjur"])


def test_indexed_report_that_becomes_unreadable_stays(fault_settings, monkeypatch):
    real_read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "lodjur.txt":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    index_with_bad_files(fault_settings, ["lodjur.txt"], [UNREADABLE + KEPT])
    assert "lodjur" in indexed_reports(fault_settings)
    monkeypatch.undo()
    assert run_finsam(fault_settings, "index").exit_code == 0
    assert_good_reports_answering(fault_settings)


def test_ocr_damaged_report_with_an_enormous_word_is_indexed(fault_settings):
    """A damaged scan with a 1 500-letter run (a glued table rule) once crashed repair with RecursionError."""
    scan = REPO / "corpus" / "skelleftea-norsjo_arsredovisning_2016.txt"
    damaged = scan.read_text(encoding="utf-8")[:6000]
    glued = "Férbundet" + "x" * 1500
    write_report(fault_settings.corpus_dir, "skannad", damaged + f"\n\n{glued} avslutar sidan.\n",
                 title="Årsredovisning skannad", organisation=ORGANISATION, period="2016")  # fmt: skip
    run = run_finsam(fault_settings, "index")
    assert run.exit_code == 0, run.output
    entry = live_manifest(fault_settings).reports["skannad"]
    assert entry.ocr_damaged and entry.repaired_words > 0
    assert glued in indexed_reports(fault_settings)["skannad"]
    assert_good_reports_answering(fault_settings)
