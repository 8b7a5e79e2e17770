"""Build or update the index: load → clean → chunk → embed → store, incrementally and atomically.

Content hashes decide which reports are new, changed or removed. Every build is written to a new generation
folder beside the live one (unchanged vectors copied over, so only new text is embedded) and switched in with
one atomic rename; a killed build leaves the live index untouched.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.bm25 import build_lexical
from index.catalog import (
    SUBJECTS,
    Manifest,
    ReportEntry,
    load_chunks,
    load_figures,
    save_chunks,
    save_figures,
    vector_key,
)
from index.embed import Embedder
from index.faults import checkpoint, checkpoints_for
from index.generations import (
    collect_garbage,
    current_generation,
    new_build_dir,
    publish,
    remove_leftovers,
)
from index.lock import IndexLock
from index.models import Chunk, Figure, LoadProblem
from index.progress import ProgressSink, StageClock, StageTiming
from index.settings import Settings
from index.vectors import VectorsUnavailable, drop_generations

if TYPE_CHECKING:
    from index.extract.scope import ScopedRegistry

#: Bump when cleaning or chunking changes so indexes are re-chunked (vectors are reused by text hash).
PIPELINE_VERSION = 62
ANALYZERS = ("char4", "stem")
#: Batches embedded per model call (length-sorted within the call): 2.7 → 3.2 passages/s on 96 passages.
EMBED_GROUP_BATCHES = 8


@dataclass
class IndexResult:
    generation: Path | None
    rebuilt: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    missing_meta: dict[str, list[str]] = field(default_factory=dict)
    embedded: int = 0
    chunks: int = 0
    figures: int = 0
    timings: list[StageTiming] = field(default_factory=list)


@dataclass(frozen=True)
class FileHashes:
    content: str
    """sha256 of the file plus its sidecar: editing the metadata also re-indexes the report."""
    data: str
    """sha256 of the file alone: the same report under two names is indexed once."""


def file_hashes(path: Path) -> FileHashes:
    """Both hashes from one read of the file."""
    from index.metadata import sidecar_path

    data = path.read_bytes()
    digest = hashlib.sha256(data)
    sidecar = sidecar_path(path)
    if sidecar.is_file():
        digest.update(b"\0sidecar\0")
        digest.update(sidecar.read_bytes())
    return FileHashes(digest.hexdigest(), hashlib.sha256(data).hexdigest())


def relative_name(path: Path, corpus_dir: Path) -> str:
    try:
        return path.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def report_id_for(rel_path: str, taken: set[str]) -> str:
    """A stable, readable id from the path; the extension is added only when two reports share a stem."""
    stem = re.sub(r"[^\w.-]+", "_", rel_path.rsplit(".", 1)[0]).strip("_") or "rapport"
    if stem not in taken:
        return stem
    return re.sub(r"[^\w.-]+", "_", rel_path).strip("_")


#: Added to a problem's reason when the report's last indexed version stays in the index.
PREVIOUS_KEPT = " (förra versionen finns kvar i indexet / the previous version stays in the index)"


def previous_version(old: Manifest | None, rel_path: str, model: str) -> ReportEntry | None:
    """The indexed version of a report whose file cannot be read or loaded now, when the live index was
    built by this pipeline and model (so its chunks, vectors and figures can be carried over)."""
    if old is None or old.embedder != model or old.pipeline_version != PIPELINE_VERSION:
        return None
    return next((e for e in old.reports.values() if e.path == rel_path), None)


def rebuild_reason(settings: Settings) -> str | None:
    """Why the live index cannot be used as it is: missing, or built by another pipeline version or model
    (an upgraded finsam must not answer from an index without, say, figures). None when it is current."""
    live = current_generation(settings.index_dir)
    if live is None:
        return "Inget index ännu / no index yet"
    manifest = Manifest.load(live)
    if manifest.pipeline_version != PIPELINE_VERSION:
        return "Indexet byggdes av en äldre version av finsam / index built by another finsam version"
    if manifest.embedder != settings.model:
        return f"Indexet byggdes med modellen {manifest.embedder} / index built with another model"
    return None


def build_index(
    settings: Settings,
    embedder: Embedder | Callable[[], Embedder],
    progress: ProgressSink | None = None,
    *,
    full: bool = False,
    lock_wait: float = 0.0,
) -> IndexResult:
    """Bring the index in line with the corpus folder. `embedder` may be a factory: it is called only if
    something must be embedded, so a no-op re-index never loads the model."""
    from index.load import discover, unreadable

    clock = StageClock(progress)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with IndexLock(settings.data_dir / "index.lock", wait_seconds=lock_wait, notify=clock.note):
        checkpoint(settings, "lock-acquired")
        # The lock is ours, so any unfinished build is the remains of a killed writer.
        drop_generations(settings, remove_leftovers(settings.index_dir))
        live = current_generation(settings.index_dir)
        old = Manifest.load(live) if live else None
        if old and (old.embedder != settings.model or old.pipeline_version != PIPELINE_VERSION):
            full = True
        reusable_vectors = bool(old and old.embedder == settings.model)

        paths, unsupported = discover(settings.corpus_dir, settings.max_file_mb)
        problems: list[LoadProblem] = list(unsupported)
        hashes: dict[Path, FileHashes] = {}
        kept: list[ReportEntry] = []
        for path in paths:
            try:
                hashes[path] = file_hashes(path)
            except OSError as exc:
                # Unreadable for now (permissions, a sync client holding it): the version indexed stays.
                previous = previous_version(old, relative_name(path, settings.corpus_dir), settings.model)
                kept.extend([previous] if previous else [])
                problems.append(LoadProblem(path, unreadable(exc) + (PREVIOUS_KEPT if previous else "")))

        old_by_path = {e.path: e for e in old.reports.values()} if old else {}
        old_problem_hashes = {p.get("path"): p.get("hash") for p in (old.problems if old else [])}
        todo: list[Path] = []
        for path, digest in hashes.items():
            rel = relative_name(path, settings.corpus_dir)
            entry = old_by_path.get(rel)
            if entry and entry.content_hash == digest.content and not full:
                kept.append(entry)
            else:
                todo.append(path)
        present = {relative_name(p, settings.corpus_dir) for p in hashes} | {e.path for e in kept}
        removed = [e.report_id for e in old_by_path.values() if e.path not in present]

        # Files that failed before and have not changed fail again the same way: no rebuild for them,
        # except scans skipped for want of Tesseract, once it is installed.
        ocr_now = _ocr_installed_since(old)
        retry = [
            p
            for p in todo
            if old_problem_hashes.get(relative_name(p, settings.corpus_dir)) != hashes[p].content
            or relative_name(p, settings.corpus_dir) in ocr_now
        ]
        if old and live and not full and not retry and not removed:
            known = [
                LoadProblem(Path(p["path"]), p["reason"])
                for p in old.problems
                if p.get("path") in {relative_name(x, settings.corpus_dir) for x in todo}
            ]
            # Reports whose new version failed before are still live in their previous version.
            live_entries = kept + [old_by_path[str(k.path)] for k in known if str(k.path) in old_by_path]
            return IndexResult(
                live,
                False,
                unchanged=[e.report_id for e in live_entries],
                problems=problems + known,
                chunks=sum(e.chunks for e in live_entries),
            )

        build = new_build_dir(settings.index_dir)
        try:
            result = _build(
                settings,
                embedder,
                clock,
                build,
                live,
                old,
                kept,
                todo,
                hashes,
                problems,
                removed,
                reusable_vectors,
            )
            clock.finish()
            step = checkpoints_for(settings)
            result.generation = publish(settings.index_dir, build, step)
            drop_generations(settings, collect_garbage(settings.index_dir, keep_previous=live, step=step))
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            with contextlib.suppress(VectorsUnavailable):  # the next build's garbage pass retries
                drop_generations(settings, [build])
            raise
        result.timings = clock.timings
        return result


#: A problem record's `needs` for a scan skipped because Tesseract or its Swedish data is missing.
NEEDS_OCR = "ocr"


def _ocr_installed_since(old: Manifest | None) -> set[str]:
    """Paths of scans skipped for want of OCR, if OCR can run now (checked only when there are any)."""
    from index.scan import ocr_problem

    # Scans recorded before finsam read them ("saknar textlager") wait for OCR too.
    waiting = {
        p["path"]
        for p in (old.problems if old else [])
        if p.get("needs") == NEEDS_OCR or p.get("reason", "").startswith("PDF:en saknar textlager")
    }
    return waiting if waiting and ocr_problem() is None else set()


@dataclass
class _OcrProgress:
    """Counts a report's OCR pages as a stage of their own ('OCR rapport.pdf 3/6'), so a 200-page scan
    shows progress; the pipeline then resumes its 'läser in' stage."""

    clock: StageClock
    name: str
    started: bool = False

    def __call__(self, done: int, total: int) -> None:
        if done == 0:
            self.clock.start(f"OCR {self.name}", total)
            self.started = True
        else:
            self.clock.advance()


def _scan_reader(settings: Settings, progress: _OcrProgress):
    from index.scan import OcrCache, ScanReader

    return ScanReader(cache=OcrCache(settings.ocr_cache_dir), dpi=settings.ocr_dpi, on_page=progress)


def _low_confidence_note(path: Path, confidence: float | None) -> str | None:
    from index.scan import LOW_CONFIDENCE, is_low_confidence

    if not is_low_confidence(confidence):
        return None
    return (
        f"{path.name}: låg OCR-säkerhet ({confidence:.0f} av 100, gräns {LOW_CONFIDENCE:.0f}) – kontrollera "
        f"texten, skanna om eller lägg en textversion bredvid / low OCR confidence ({confidence:.0f}/100): "
        "check the text, rescan or add a text version"
    )


def _build(
    settings, embedder, clock, build, live, old, kept, todo, hashes, problems, removed, reusable_vectors
) -> IndexResult:
    from index.amount_lists import amount_list_spans, parse_amount_lists
    from index.breakdowns import breakdown_spans, key_value_spans, parse_breakdowns, parse_key_values
    from index.cell_tables import cell_table_spans, parse_cell_tables
    from index.chunk import chunk_report
    from index.clean import clean_report
    from index.count_tables import parse_count_tables, table_spans
    from index.extract import table_row_figures
    from index.extract.rows import (
        amount_list_figures,
        breakdown_figures,
        cell_table_figures,
        count_table_figures,
        key_value_figures,
    )
    from index.load import ReportLoadError, load_report
    from index.scan import OcrUnavailable

    result = IndexResult(None, True, removed=removed, unchanged=[e.report_id for e in kept])
    entries: dict[str, ReportEntry] = {e.report_id: e for e in kept}
    taken = set(entries)
    old_ids = {e.path: e.report_id for e in old.reports.values()} if old else {}
    data_of = {relative_name(p, settings.corpus_dir): h.data for p, h in hashes.items()}
    seen_bytes: dict[str, str] = {data_of[entry.path]: entry.path for entry in kept if entry.path in data_of}
    problem_records: list[dict[str, str]] = []

    new_chunks: list[Chunk] = []
    table_figures: list[Figure] = []
    count_spans: dict[str, list[tuple[int, int]]] = {}
    lexicon = shared_lexicon() if todo else None
    clock.start("läser in", len(todo))
    for done, path in enumerate(todo):
        rel = relative_name(path, settings.corpus_dir)
        raw_hash = hashes[path].data
        if raw_hash in seen_bytes:
            reason = f"samma innehåll som {seen_bytes[raw_hash]} / duplicate of {seen_bytes[raw_hash]}"
            problems.append(LoadProblem(path, reason))
            problem_records.append({"path": rel, "reason": reason, "hash": hashes[path].content})
            clock.advance()
            continue
        ocr_progress = _OcrProgress(clock, path.name)
        try:
            loaded = load_report(path, _scan_reader(settings, ocr_progress))
        except ReportLoadError as exc:
            if ocr_progress.started:
                clock.start("läser in", len(todo))
                clock.advance(done)
            # A broken new version (a copy cut short, a typo in the sidecar) must not cost the report.
            previous = previous_version(old, rel, settings.model)
            if previous:
                kept.append(previous)
                entries[previous.report_id] = previous
                taken.add(previous.report_id)
                result.unchanged.append(previous.report_id)
            reason = exc.reason + (PREVIOUS_KEPT if previous else "")
            problems.append(LoadProblem(path, reason))
            record = {"path": rel, "reason": reason, "hash": hashes[path].content}
            if isinstance(exc, OcrUnavailable):
                record["needs"] = NEEDS_OCR
            problem_records.append(record)
            clock.advance()
            continue
        if ocr_progress.started:
            clock.start("läser in", len(todo))
            clock.advance(done)
        if note := _low_confidence_note(path, loaded.ocr_confidence):
            clock.note(note)
        seen_bytes[raw_hash] = rel
        report_id = old_ids.get(rel) or report_id_for(rel, taken)
        taken.add(report_id)
        loaded.report_id = report_id
        cleaned = clean_report(loaded, lexicon)
        chunks = chunk_report(report_id, loaded.meta, cleaned, loaded.headings or None)
        new_chunks.extend(chunks)
        table_figures.extend(table_row_figures(report_id, loaded.meta, cleaned, chunks))
        count_rows = parse_count_tables(cleaned.text)
        table_figures.extend(count_table_figures(report_id, loaded.meta, cleaned, chunks, count_rows))
        breakdowns = parse_breakdowns(cleaned.text)
        table_figures.extend(breakdown_figures(report_id, loaded.meta, cleaned, chunks, breakdowns))
        # a list of people under a caption is a breakdown, not amounts, even where the caption says 'kr'
        taken_rows = breakdown_spans(breakdowns)
        amounts = [a for a in parse_amount_lists(cleaned.text) if not _inside(taken_rows, a.start)]
        table_figures.extend(amount_list_figures(report_id, loaded.meta, cleaned, chunks, amounts))
        key_values = [b for b in parse_key_values(cleaned.text) if not _inside(taken_rows, b[0].start)]
        table_figures.extend(key_value_figures(report_id, loaded.meta, cleaned, chunks, key_values))
        count_spans[report_id] = (
            table_spans(count_rows)
            + breakdown_spans(breakdowns)
            + amount_list_spans(amounts)
            + key_value_spans(key_values)
        )
        # last, the cell-aligned tables none of the readers above took (a table they read stays theirs)
        read = count_spans[report_id] + [
            (f.char_start, f.char_end) for f in table_figures if f.report_id == report_id
        ]
        cells = parse_cell_tables(cleaned.text, cleaned.mapped.original_slice)
        theirs = {r.table for r in cells if _cell_table_taken(r, read)}
        cells = [r for r in cells if r.table not in theirs]
        table_figures.extend(cell_table_figures(report_id, loaded.meta, cleaned, chunks, cells))
        count_spans[report_id] += cell_table_spans(cells)
        (result.changed if rel in old_ids else result.added).append(report_id)
        if loaded.missing_meta:
            result.missing_meta[report_id] = loaded.missing_meta
        entries[report_id] = ReportEntry(
            report_id=report_id,
            path=rel,
            fmt=loaded.fmt,
            # The hash of the bytes actually loaded: a file rewritten since it was hashed above is then
            # re-indexed on the next run, never recorded under a hash that does not match its text.
            content_hash=loaded.content_hash,
            meta=loaded.meta,
            missing_meta=loaded.missing_meta,
            chunks=len(chunks),
            ocr_unknown_rate=cleaned.ocr.unknown_rate,
            ocr_damaged=cleaned.ocr.damaged,
            repaired_words=cleaned.repaired_words,
            encoding=loaded.encoding,
            meta_sources=loaded.meta_sources,
            pages=len(loaded.pages),
            ocr_pages=loaded.ocr_pages,
            ocr_confidence=loaded.ocr_confidence,
        )
        clock.advance()
        checkpoint(settings, "report-loaded", len(result.added) + len(result.changed))

    kept_ids = {e.report_id for e in kept}
    old_chunks = [c for c in load_chunks(live) if c.report_id in kept_ids] if live and kept_ids else []
    chunks = old_chunks + new_chunks
    result.chunks = len(chunks)

    from index.vectors import start_generation

    store = start_generation(settings, build, live if reusable_vectors else None)
    checkpoint(settings, "vectors-opened")
    existing = store.keys()
    by_key = {vector_key(c): c for c in chunks}
    stale = sorted(existing - by_key.keys())
    if stale:
        store.delete(stale)
    missing = [c for k, c in by_key.items() if k not in existing]
    clock.start("bäddar in", len(missing))
    if missing:
        model = embedder() if callable(embedder) and not hasattr(embedder, "embed_passages") else embedder
        group = settings.batch_size * EMBED_GROUP_BATCHES
        for start in range(0, len(missing), group):
            # One model call per group: it sorts the texts by length, so its batches carry less padding.
            vectors = np.asarray(model.embed_passages([c.embed_text for c in missing[start : start + group]]))
            for i in range(start, min(start + group, len(missing)), settings.batch_size):
                batch = missing[i : i + settings.batch_size]
                rows = vectors[i - start : i - start + len(batch)]
                store.add([vector_key(c) for c in batch], rows, [_chroma_meta(c, entries) for c in batch])
                clock.advance(len(batch))
                checkpoint(settings, "embedded-batch", i // settings.batch_size + 1)
    result.embedded = len(missing)
    store.close()  # a build inside the assistant (Ctrl+R) must not keep the new generation's files open

    clock.start("siffror", len(new_chunks))
    figures = _figures(live, kept_ids, new_chunks, table_figures, chunks, entries, clock, count_spans)
    save_figures(build, figures.figures)
    (build / SUBJECTS).write_text(figures.registry.to_json(), encoding="utf-8")
    checkpoint(settings, "figures-saved")
    result.figures = len(figures.figures)
    per_report = Counter(f.report_id for f in figures.figures)
    for entry in entries.values():  # kept reports' figures are resolved again too: count them all
        entry.figures = per_report[entry.report_id]

    clock.start("ordindex", len(ANALYZERS))
    texts = [c.embed_text for c in chunks]
    keys = [vector_key(c) for c in chunks]
    for number, analyzer in enumerate(ANALYZERS, start=1):
        # Kept chunks' term counts come from the live generation: only new text is tokenized.
        previous = live / f"lexical-{analyzer}" if live else None
        build_lexical(texts, keys, analyzer, build / f"lexical-{analyzer}", previous)
        clock.advance()
        checkpoint(settings, "lexical-saved", number)

    clock.start("sparar", 1)
    save_chunks(build, chunks)
    Manifest(settings.model, PIPELINE_VERSION, entries, problem_records).save(build)
    checkpoint(settings, "manifest-saved")
    clock.advance()
    result.problems = problems
    return result


@functools.cache
def shared_lexicon():
    """The Swedish word list loads in seconds (hunspell via spylls): once per process is enough."""
    from index.lexicon import SwedishLexicon

    return SwedishLexicon()


@dataclass
class _FigureSet:
    figures: list[Figure]
    registry: ScopedRegistry


def _proper_by_report(chunks) -> dict[str, set[str]]:
    from index.subjects import proper_words

    texts: dict[str, list[str]] = {}
    for c in chunks:
        texts.setdefault(c.report_id, []).append(c.text)
    return {report: proper_words("\n".join(parts)) for report, parts in texts.items()}


def _section_items(chunks, entries):
    """(organisation, report, section) of every chunk's sections, inner headings included."""
    for c in chunks:
        org = entries[c.report_id].meta.organisation
        yield org, c.report_id, c.section
        for _, label in c.subsections:
            yield org, c.report_id, label


def _cell_table_taken(row, read) -> bool:
    return any(a < row.end and row.header_start < b for a, b in read)


def _inside(spans, offset: int) -> bool:
    return any(a <= offset < b for a, b in spans)


def _figures(live, kept_ids, new_chunks, table_figures, chunks, entries, clock, tables=None) -> _FigureSet:
    """Figures of new chunks are extracted; kept reports' figures come from the live generation. Subjects
    are resolved against a registry of every section of the same organisation, so a new report can join
    its insats to the same insats in the organisation's older reports, and never to another
    organisation's; a kept figure is resolved again only if its organisation's registry changed in a way
    that could touch it (see `RegistryChange`)."""
    from index.extract import extract_figures
    from index.extract.scope import ScopedRegistry
    from index.subjects import registry_change

    registry = ScopedRegistry.from_sections(_section_items(chunks, entries), _proper_by_report(chunks))
    for chunk in chunks:
        registry.of(entries[chunk.report_id].meta.organisation).add_aliases_from_text(chunk.text)
    kept = [f for f in load_figures(live) if f.report_id in kept_ids] if live and kept_ids else []
    fresh: list[Figure] = list(table_figures)
    tables = tables or {}
    for chunk in new_chunks:
        prose = extract_figures(chunk, entries[chunk.report_id].meta, "")
        # a count table read as prose is one long 'sentence' whose numbers take the wrong words
        fresh.extend(f for f in prose if not _inside(tables.get(f.report_id, ()), f.char_start))
        clock.advance()
    by_id = {c.chunk_id: c for c in chunks}
    of_section = functools.cache(registry.subject_of_section)  # ten figures to a section
    old_registry = _live_registry(live) if kept else None
    if old_registry is not None:
        checks = {}
        for org in {f.organisation for f in kept}:
            old_org, new_org = old_registry.of(org), registry.of(org)
            checks[org] = (registry_change(old_org, new_org), old_org)

        def still_valid(figure: Figure) -> bool:
            change, old_org = checks[figure.organisation]
            section = figure.section or by_id[figure.chunk_id].section
            return (
                figure.subject not in change.renamed
                and _key(old_org.subject_of_section(section))
                == _key(of_section(section, figure.organisation))
                # the subject is read from the sentence, the ones before it and the section: any of
                # them in the chunk may name a changed insats
                and not change.may_mention(f"{section}\n{by_id[figure.chunk_id].text}")
            )

        kept_again = [f for f in kept if not still_valid(f)]
    else:
        kept_again = kept
    for figure in kept_again + fresh:
        figure.subject = _subject_of(figure, by_id[figure.chunk_id], registry, of_section, entries)
    return _FigureSet(kept + fresh, registry)


def _key(subject) -> str | None:
    return subject.key if subject else None


def _live_registry(live: Path | None) -> ScopedRegistry | None:
    """The registry the live generation's figures were resolved with; None if it is missing, unreadable
    or of an older version (then every kept figure is resolved again: slower, never wrong)."""
    from index.extract.scope import ScopedRegistry

    path = live / SUBJECTS if live else None
    if path is None or not path.is_file():
        return None
    try:
        return ScopedRegistry.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _subject_of(figure: Figure, chunk: Chunk, registry: ScopedRegistry, of_section, entries) -> str:
    """Within the report's own organisation: a table row's insats is its label; a sentence's is the one
    the section it stands in is about, else one its own words or its sentence name ("ESF projekt MoA i
    Älvsbyn har haft 14 deltagare"), else the organisation itself."""
    org = entries[chunk.report_id].meta.organisation
    if figure.table_row:
        found = registry.of(org).resolve(figure.subject, fuzzy=False)
        return found.name if found else figure.subject
    subject = of_section(figure.section or chunk.section, org)
    if subject is None:
        own = registry.of(org)
        context = figure.section or chunk.section
        named = own.find_in_text(figure.phrase or figure.sentence, context) or own.find_in_text(
            figure.sentence, context
        )
        subject = named[0] if named else _subject_before(figure, chunk, own, context)
    return subject.name if subject else org


#: How many sentences back a sentence without a name may take its insats from ('I Tidsam är … 37.
#: I dagsläget har tjugo av dessa …').
CARRY_SENTENCES = 2


def _subject_before(figure: Figure, chunk: Chunk, registry, context: str):
    """The insats the nearest preceding sentences of the same section name, if any."""
    from index.extract.sentences import sentences

    at = chunk.text.find(figure.sentence[:60])
    if at <= 0:
        return None
    start = max((s for s, _ in chunk.subsections if s <= at), default=0)
    before = [sent.text for sent in sentences(chunk.text[start:at])][-CARRY_SENTENCES:]
    for text in reversed(before):
        named = registry.find_in_text(text, context)
        if len(named) == 1:
            return named[0]
        if named:
            return None  # two insatser named: which one 'dessa' refers to is not known
    return None


def _chroma_meta(chunk: Chunk, entries: dict[str, ReportEntry]) -> dict:
    meta = entries[chunk.report_id].meta
    data: dict = {
        "report_id": chunk.report_id,
        "organisation": meta.organisation,
        "report_type": meta.report_type,
        "page": chunk.page_start,
    }
    if meta.years:
        data["years"] = list(meta.years)
    return data
