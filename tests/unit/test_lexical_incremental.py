"""The lexical index of a build that adds one report tokenizes only the new text, and scores exactly as a
build from scratch; damaged or missing term counts of an older generation mean tokenizing again."""

from __future__ import annotations

import hashlib
import json

import bm25s
import numpy as np
import pytest

from index import lexical
from index.bm25 import (
    TERMS_ARRAYS,
    TERMS_INFO,
    LexicalIndex,
    TermCounts,
    build_lexical,
    count_terms,
)
from index.embed import FakeEmbedder
from index.lexical import tokens
from index.pipeline import build_index
from index.reader import IndexReader
from tests.conftest import ALPHA, BETA, write_report

ANALYZERS = ["char4", "stem"]

OLD = {
    "a#0": "Styrelsen består av fem ledamöter och fem ersättare.",
    "a#1": "Under 2017 har Arbetsmarknadstorget arbetat med 95 personer.",
    "b#0": "Budgeten för insatser uppgår till 2 958 995 kr.",
    "b#1": "Samverkan med Försäkringskassan och Arbetsförmedlingen om rehabilitering.",
    "c#0": "Kvarnbygdens unika kooperativ avvecklades.",  # removed below, with words no other text has
    "d#0": "och i att",  # only stopwords: a row of its own all the same
}
NEW = {
    "a#0": OLD["a#0"],
    "b#1": OLD["b#1"],
    "a#1": "Under 2018 har Arbetsmarknadstorget arbetat med 120 deltagare.",  # changed text, same id
    "b#0": OLD["b#0"],
    "d#0": OLD["d#0"],
    "e#0": "Förbundsmedlemmarna ökade budgeten till insatser för unga personer.",
    "e#1": "Deltagarna i projektet fick arbete eller studier efter insatsen.",
}
QUERIES = [
    "Hur många personer arbetade Arbetsmarknadstorget med?",
    "deltagare arbete studier",
    "budget insatser unga",
    "Kvarnbygdens kooperativ",  # only in the removed chunk: no chunk may score
    "rehabilitering Försäkringskassan ledamöter 2017 2018",
    "xyzzy",
]


def _key(chunk_id: str, text: str) -> str:
    """As catalog.vector_key: changed text is a new key under the same chunk id."""
    return f"{chunk_id}@{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def _corpus(texts: dict[str, str]) -> tuple[list[str], list[str]]:
    return list(texts.values()), [_key(k, t) for k, t in texts.items()]


def _scores(index: LexicalIndex) -> list[np.ndarray]:
    return [index.scores(q) for q in QUERIES]


def _assert_same_scores(got: LexicalIndex, expected: LexicalIndex) -> None:
    assert got.size == expected.size
    for query, a, b in zip(QUERIES, _scores(got), _scores(expected), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=0, err_msg=query)


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_weights_are_those_of_bm25s(analyzer):
    texts, _ = _corpus(OLD | NEW)
    reference = bm25s.BM25()
    reference.index([tokens(t, analyzer) or ["_empty_"] for t in texts], show_progress=False)
    index = LexicalIndex.build(texts, analyzer)
    for query in QUERIES:
        known = [t for t in tokens(query, analyzer) if t in reference.vocab_dict]
        expected = reference.get_scores(known) if known else np.zeros(len(texts))
        np.testing.assert_allclose(index.scores(query), expected, rtol=1e-6, err_msg=query)
    assert index.scores(QUERIES[0]).max() > 0


@pytest.mark.parametrize("analyzer", ANALYZERS)
def test_incremental_build_scores_as_from_scratch(tmp_path, analyzer, monkeypatch):
    old_texts, old_keys = _corpus(OLD)
    first = build_lexical(old_texts, old_keys, analyzer, tmp_path / "g1", None)
    assert (first.reused, first.tokenized) == (0, len(OLD))

    tokenized: list[str] = []

    def counting_tokens(text, analyzer):
        tokenized.append(text)
        return tokens(text, analyzer)

    monkeypatch.setattr(lexical, "tokens", counting_tokens)
    new_texts, new_keys = _corpus(NEW)
    second = build_lexical(new_texts, new_keys, analyzer, tmp_path / "g2", tmp_path / "g1")
    monkeypatch.undo()

    assert sorted(tokenized) == sorted([NEW["a#1"], NEW["e#0"], NEW["e#1"]])
    assert (second.reused, second.tokenized) == (4, 3)
    incremental = LexicalIndex.load(tmp_path / "g2")
    _assert_same_scores(incremental, LexicalIndex.build(new_texts, analyzer))
    assert incremental.scores("Kvarnbygdens kooperativ").max() == 0.0
    removed_only = set(tokens("Kvarnbygdens kooperativ", analyzer)) - set(
        tokens(" ".join(NEW.values()), analyzer)
    )
    assert removed_only and not removed_only & set(TermCounts.load(tmp_path / "g2", analyzer).vocab)


def _row(terms: TermCounts, row: int) -> dict[str, int]:
    span = slice(terms.offsets[row], terms.offsets[row + 1])
    return dict(zip((terms.vocab[t] for t in terms.terms[span]), terms.counts[span].tolist(), strict=True))


def test_counts_of_a_chain_of_builds_equal_counts_from_scratch(tmp_path):
    """Reused rows keep their exact counts through several generations."""
    steps = [dict(list(NEW.items())[:n]) for n in (2, 5, 7)]
    previous = None
    for number, texts in enumerate(steps):
        folder = tmp_path / f"g{number}"
        build_lexical(*_corpus(texts), "stem", folder, previous)
        previous = folder
    chained = TermCounts.load(previous, "stem")
    scratch = count_terms(*_corpus(steps[-1]), "stem")
    assert chained.keys == scratch.keys
    assert [_row(chained, r) for r in range(len(chained))] == [_row(scratch, r) for r in range(len(scratch))]


def _drop(folder):
    (folder / TERMS_ARRAYS).unlink()
    (folder / TERMS_INFO).unlink()


def _truncate_arrays(folder):
    path = folder / TERMS_ARRAYS
    path.write_bytes(path.read_bytes()[:200])


def _garbage_info(folder):
    (folder / TERMS_INFO).write_text("{not json", encoding="utf-8")


def _other_tokenizer(folder):
    info = json.loads((folder / TERMS_INFO).read_text(encoding="utf-8"))
    (folder / TERMS_INFO).write_text(json.dumps(info | {"tokenizer": "0123456789abcdef"}), encoding="utf-8")


def _vocab_cut_short(folder):
    """Well-formed files that do not fit together: ids point past the vocabulary."""
    info = json.loads((folder / TERMS_INFO).read_text(encoding="utf-8"))
    (folder / TERMS_INFO).write_text(json.dumps(info | {"vocab": info["vocab"][:3]}), encoding="utf-8")


def _keys_swapped(folder):
    """Rows no longer line up with keys: one key too few."""
    info = json.loads((folder / TERMS_INFO).read_text(encoding="utf-8"))
    (folder / TERMS_INFO).write_text(json.dumps(info | {"keys": info["keys"][1:]}), encoding="utf-8")


def _vocab_repeated(folder):
    info = json.loads((folder / TERMS_INFO).read_text(encoding="utf-8"))
    (folder / TERMS_INFO).write_text(json.dumps(info | {"vocab": info["vocab"][:-1] + info["vocab"][:1]}))


def _info_not_an_object(folder):
    (folder / TERMS_INFO).write_text("[1, 2]", encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [
        _drop,
        _truncate_arrays,
        _garbage_info,
        _info_not_an_object,
        _other_tokenizer,
        _vocab_cut_short,
        _vocab_repeated,
        _keys_swapped,
    ],
)
def test_missing_or_damaged_counts_mean_tokenizing_again(tmp_path, damage):
    old_texts, old_keys = _corpus(OLD)
    build_lexical(old_texts, old_keys, "char4", tmp_path / "g1", None)
    damage(tmp_path / "g1")
    assert TermCounts.load(tmp_path / "g1", "char4") is None

    new_texts, new_keys = _corpus(NEW)
    result = build_lexical(new_texts, new_keys, "char4", tmp_path / "g2", tmp_path / "g1")
    assert (result.reused, result.tokenized) == (0, len(NEW))
    _assert_same_scores(LexicalIndex.load(tmp_path / "g2"), LexicalIndex.build(new_texts, "char4"))


def test_counts_of_the_other_analyzer_are_not_used(tmp_path):
    build_lexical(*_corpus(OLD), "stem", tmp_path / "g1", None)
    assert TermCounts.load(tmp_path / "g1", "char4") is None
    assert TermCounts.load(tmp_path / "g1", "stem") is not None


def test_empty_corpus_round_trip(tmp_path):
    build_lexical([], [], "stem", tmp_path / "g1", None)
    assert LexicalIndex.load(tmp_path / "g1").scores("fråga").size == 0
    result = build_lexical(*_corpus(OLD), "stem", tmp_path / "g2", tmp_path / "g1")
    assert (result.reused, result.tokenized) == (0, len(OLD))


def test_adding_a_report_to_the_index_tokenizes_only_its_chunks(tmp_path, make_settings, monkeypatch):
    corpus = tmp_path / "corpus"
    write_report(
        corpus,
        "alfa",
        ALPHA,
        title="Verksamhetsberättelse 2019",
        organisation="Samordningsförbundet Test",
        period="2019",
    )
    settings = make_settings(corpus)
    build_index(settings, FakeEmbedder())

    tokenized: list[str] = []

    def counting_tokens(text, analyzer):
        tokenized.append(text)
        return tokens(text, analyzer)

    monkeypatch.setattr(lexical, "tokens", counting_tokens)
    write_report(
        corpus,
        "beta",
        BETA,
        title="Årsredovisning 2019",
        organisation="Samordningsförbundet Test",
        period="2019",
    )
    result = build_index(settings, FakeEmbedder())
    monkeypatch.undo()

    reader = IndexReader.open(settings)
    beta = [c.embed_text for c in reader.chunks if c.report_id == "beta"]
    assert result.added == ["beta"] and beta
    assert sorted(tokenized) == sorted(beta * len(ANALYZERS))
    texts = [c.embed_text for c in reader.chunks]
    for analyzer in ANALYZERS:
        _assert_same_scores(reader.lexical[analyzer], LexicalIndex.build(texts, analyzer))
