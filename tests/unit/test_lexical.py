import pytest

from index.bm25 import LexicalIndex
from index.lexical import char4_tokens, fold, stem_tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Försörjning", "forsorjning"), ("SKELLEFTEÅ", "skelleftea"), ("Café", "cafe"), ("män", "man")],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_char4_tokens_meet_unaccented_and_accented():
    assert set(char4_tokens("försörjning")) == set(char4_tokens("forsorjning"))
    assert "_av_" not in char4_tokens("av")  # stopword dropped


def test_stem_tokens_share_stem_across_inflection():
    assert stem_tokens("deltagarna")[0] == stem_tokens("deltagare")[0]


@pytest.mark.parametrize("analyzer", ["char4", "stem"])
def test_index_ranks_matching_text_first(tmp_path, analyzer):
    texts = [
        "Styrelsen består av fem ledamöter och fem ersättare.",
        "Under 2017 har Arbetsmarknadstorget arbetat med 95 personer.",
        "Budgeten för insatser uppgår till 2 958 995 kr.",
    ]
    index = LexicalIndex.build(texts, analyzer)
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    scores = loaded.scores("Hur många personer arbetade Arbetsmarknadstorget med?")
    assert int(scores.argmax()) == 1
    assert loaded.scores("xyzzy").max() == 0.0


def test_empty_index_round_trip(tmp_path):
    index = LexicalIndex.build([], "char4")
    index.save(tmp_path / "lex")
    assert LexicalIndex.load(tmp_path / "lex").scores("fråga").size == 0
