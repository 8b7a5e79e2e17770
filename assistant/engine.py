"""The query engine: hybrid retrieval over the live index and extractive answers. No UI code here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant import answering
from assistant.answer import best_sentence, highlight_spans, is_supported
from assistant.answering import PassageText, parse_ask
from assistant.answering.models import Source
from assistant.citation import citation, last_section
from assistant.question import (
    Question,
    check_question,
    clean_question,
    org_keywords,
    parse_question,
    restore_diacritics,
)
from assistant.ranking import order_by_score, preference_factor, reciprocal_rank_fusion, top_indices
from assistant.results import Answer, Filters, Mode, Passage
from index.embed import Embedder
from index.lexical import fold
from index.reader import IndexReader
from index.settings import Settings

NOT_FOUND = answering.NOT_FOUND


_PAYER_WORD = re.compile(r"\b(?:kommun|region|landsting)\b", re.IGNORECASE)


def payer_names(figures) -> set[tuple[str, str]]:
    """(organisation, name) of the members and posts that lists of amounts name line by line
    ('Ramsby kommun 360 000 kr', 'Region Västmark 1 250'): names a question may give for an amount, in any
    case and without å/ä/ö, though no heading names them."""
    return {
        (f.organisation, f.subject)
        for f in figures
        if f.table_row
        and f.subject
        and (":belopp:" in (f.group or "") or _PAYER_WORD.search(f.subject))
        and not f.subject.lower().startswith(("summa", "totalt"))
    }


def payers_in(text: str, names, of_kind=None) -> list[str]:
    """The names among `names` a question writes as whole words (folded: 'ramsby kommun'), and the one
    name among `of_kind` (default `names`) of a kind it writes as a common noun ('regionen')."""
    of_kind = names if of_kind is None else of_kind
    folded = fold(text)
    # 'Björkmora kommuns medlemsavgift': the genitive names the payer too
    found = [n for n in names if re.search(rf"(?<!\w){re.escape(fold(n))}s?(?!\w)", folded)]
    # 'regionen', 'kommunen', 'landstinget': the one payer of that kind, where there is only one
    for m in re.finditer(r"\b(region|kommun|landsting)(?:en|et)\b", folded):
        kind = [n for n in of_kind if re.search(rf"\b{m.group(1)}\b", fold(n))]
        if len(kind) == 1 and kind[0] not in found:
            found.append(kind[0])
    return found


def unplaced_names(subjects) -> list[str]:
    """Names of the subjects a question names; place variants of one insats that the question does not
    tell apart ('MoA' → MoA Piteå, MoA Älvsbyn) become the one name they share, which either meets."""
    from index.subjects import place_of

    by_core: dict[str, list] = {}
    for s in subjects:
        by_core.setdefault(s.core, []).append(s)
    names: list[str] = []
    for group in by_core.values():
        if len(group) == 1:
            names.append(group[0].name)
            continue
        words = [w for w in group[0].name.replace(",", " ").split() if not place_of(fold(w))]
        names.append(" ".join(words) or group[0].name)
    return names


@dataclass(frozen=True)
class Hit:
    position: int
    score: float
    similarity: float | None


class Engine:
    """Loads the index and the model once and answers many questions.

    `embedder` may be an Embedder or a factory; it is only created when a dense search needs it.
    """

    def __init__(self, settings: Settings, embedder: Embedder | Callable[[], Embedder]) -> None:
        self.settings = settings
        self._embedder_source = embedder
        self._embedder: Embedder | None = embedder if hasattr(embedder, "embed_queries") else None
        self._reader: IndexReader | None = None
        self._lexicon = None

    @property
    def reader(self) -> IndexReader:
        if self._reader is None:
            self._reader = IndexReader.open(self.settings)
        return self._reader

    def refresh(self) -> None:
        """Switch to a newer generation if another process published one; once per question, not per use."""
        if self._reader is not None and self._reader.is_stale():
            stale, self._reader = self._reader, IndexReader.open(self.settings)
            stale.close()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = self._embedder_source()  # type: ignore[operator]
        return self._embedder

    @property
    def lexicon(self):
        """Word list for restoring å/ä/ö in questions; wordfreq only (hunspell would cost seconds to load)."""
        if self._lexicon is None:
            from index.lexicon import SwedishLexicon

            self._lexicon = SwedishLexicon(use_hunspell=False)
        return self._lexicon

    def understand(self, text: str) -> Question:
        cleaned = clean_question(text)
        return parse_question(restore_diacritics(cleaned, self.lexicon), self.organisations())

    def organisations(self) -> list[str]:
        return sorted({e.meta.organisation for e in self.reader.manifest.reports.values()})

    # --- retrieval -------------------------------------------------------------------------------------
    def _allowed(self, filters: Filters) -> np.ndarray | None:
        if not filters.active():
            return None
        reader = self.reader
        ok_reports = {
            rid
            for rid, e in reader.manifest.reports.items()
            if (
                filters.organisation is None
                or org_keywords(filters.organisation) & org_keywords(e.meta.organisation)
            )
            and (filters.year is None or filters.year in e.meta.years)
            and (filters.report_type is None or filters.report_type.lower() in e.meta.report_type.lower())
        }
        return np.array([c.report_id in ok_reports for c in reader.chunks], dtype=bool)

    def _where(self, allowed: np.ndarray | None) -> dict | None:
        if allowed is None:
            return None
        ids = sorted({c.report_id for c, ok in zip(self.reader.chunks, allowed, strict=True) if ok})
        return {"report_id": {"$in": ids or ["-"]}}

    def search(
        self, question: Question, filters: Filters | None = None, mode: Mode = "hybrid", k: int | None = None
    ) -> list[Hit]:
        reader = self.reader
        filters = filters or Filters()
        k = k or self.settings.top_k
        n = self.settings.candidates
        allowed = self._allowed(filters)
        rankings: list[list[int]] = []
        similarity: dict[int, float] = {}
        if mode in ("hybrid", "lexical"):
            analyzers = ("char4", "stem") if self.settings.lexical == "both" else (self.settings.lexical,)
            for analyzer in analyzers:
                rankings.append(top_indices(reader.lexical_scores(question.topic_text, analyzer), n, allowed))
        if mode in ("hybrid", "dense"):
            vector = self.embedder.embed_queries([question.text])[0]
            hits = reader.dense_search(np.asarray(vector), n, self._where(allowed))
            rankings.append([pos for pos, _ in hits])
            similarity = dict(hits)
        fused = reciprocal_rank_fusion(rankings)
        preferred = {pos: score * self._preference(question, pos) for pos, score in fused.items()}
        best_sim = max(similarity.values()) if similarity else None
        return [Hit(pos, preferred[pos], best_sim) for pos in order_by_score(preferred, k)]

    def _preference(self, question: Question, position: int) -> float:
        if not (question.years or question.organisations or question.report_types):
            return 1.0
        chunk = self.reader.chunks[position]
        meta = self.reader.report(chunk.report_id).meta
        org = meta.organisation in question.organisations if question.organisations else None
        rtype = (
            any(t.lower() in meta.report_type.lower() for t in question.report_types)
            if question.report_types
            else None
        )
        in_text = any(str(y) in chunk.text for y in question.years)
        return preference_factor(meta.years, question.years, org, rtype, in_text)

    # --- answers ---------------------------------------------------------------------------------------
    def ask(
        self, text: str, filters: Filters | None = None, mode: Mode = "hybrid", k: int | None = None
    ) -> Answer:
        """Raises QuestionRejected (before any search) for an empty or too long question. The answer
        carries the question as cleaned: no control or bidi characters reach a terminal."""
        text = check_question(text, self.settings.max_question_chars)
        self.refresh()
        question = self.understand(text)
        hits = self.search(question, filters, mode, k)
        passages = [self._passage(h, question) for h in hits]
        texts = [p.text for p in passages]
        contexts = [f"{p.title} {p.section}" for p in passages]
        sentence = best_sentence(question, texts, contexts=contexts)
        reader = self.reader
        # 'regionen' is the region of the federation asked about: the top passage's, if none is named
        ask = parse_ask(question, self.subjects_in(question, [p.organisation for p in passages[:1]]))
        covered: set[int] = set()
        for p in passages:
            covered.update(reader.report(p.report).meta.years)
        from index.lexical import stem_tokens

        answered = answering.answer(
            ask,
            [p.chunk_id for p in passages],
            reader.figures_by_chunk,
            reader.figures,
            [PassageText(p.report, p.page, p.text, p.section, p.organisation) for p in passages],
            top_orgs=list(dict.fromkeys(p.organisation for p in passages[:3])),
            covered_years=covered,
            passages_answer=is_supported(question, texts),
            stems=set(question.content_stems) | set(stem_tokens(question.text)),
            cite_source=self.cite_source,
        )
        for figure in answered.figures:
            for source in figure.sources:
                source.citation = self.cite_source(source)
        supported = answered.verdict.supported
        answer = answered.line or (sentence.text if (sentence and supported) else NOT_FOUND)
        return Answer(
            question=text, answer=answer, supported=supported, passages=passages, figures=answered.figures
        )

    def subjects_in(self, question: Question, likely_orgs: list[str] = ()) -> list[str]:
        """Insatser and payers the question names, within the organisation it names (any, when it names
        none); a payer named by its kind ('regionen') only within `likely_orgs` when it names none."""
        registry = self.reader.subjects
        if not registry:
            return []
        found = registry.find_in_text(question.text, question.organisations or None)
        kind_orgs = question.organisations or likely_orgs
        return unplaced_names(found) + payers_in(
            question.text, self._payers(question.organisations), self._payers(kind_orgs)
        )

    def _payers(self, organisations) -> list[str]:
        if getattr(self, "_payer_reader", None) is not self.reader:
            self._payer_reader, self._payer_names = self.reader, payer_names(self.reader.figures)
        wanted = set(organisations or ())
        return sorted({n for org, n in self._payer_names if not wanted or org in wanted})

    def cite_source(self, source: Source) -> str:
        """'Titel, Organisation, s. N, avsnitt X' of a figure's source."""
        try:
            meta = self.reader.report(source.report).meta
        except KeyError:
            return f"{source.report}, s. {source.page}"
        return citation(meta.title, meta.organisation, source.page, section=source.section)

    def _passage(self, hit: Hit, question: Question) -> Passage:
        chunk = self.reader.chunks[hit.position]
        meta = self.reader.report(chunk.report_id).meta
        return Passage(
            report=chunk.report_id,
            title=meta.title,
            organisation=meta.organisation,
            period=meta.period,
            page=chunk.page_start,
            page_end=chunk.page_end,
            section=chunk.section,
            text=chunk.text,
            score=round(hit.score, 6),
            chunk_id=chunk.chunk_id,
            ocr_repaired=chunk.ocr_repaired,
            citation=citation(
                meta.title, meta.organisation, chunk.page_start, chunk.page_end, last_section(chunk.section)
            ),
            highlights=highlight_spans(chunk.text, question),
        )
