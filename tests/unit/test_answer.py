import pytest

from assistant.answer import (
    best_sentence,
    coverage,
    highlight_spans,
    is_supported,
    split_sentences,
    states_value,
)
from assistant.question import parse_question, restore_diacritics
from index.lexical import split_compound, stem_tokens

PASSAGE = (
    "Resultat\nAv de 95 deltagarna har 36 personer avslutats. "
    "Av dessa har 15 gått till arbete eller studier.\n"
    "Verksamheten leds av en gemensam ledningsgrupp."
)


def test_split_sentences_keeps_sentences_of_three_words_or_more():
    assert split_sentences(PASSAGE) == [
        "Av de 95 deltagarna har 36 personer avslutats.",
        "Av dessa har 15 gått till arbete eller studier.",
        "Verksamheten leds av en gemensam ledningsgrupp.",
    ]


def test_best_sentence_prefers_number_for_how_many_and_skips_headings():
    q = parse_question("Hur många deltagare har avslutats?")
    best = best_sentence(q, [PASSAGE], contexts=["Rapport Arbetsmarknadstorget › Resultat"])
    assert best is not None and best.text.startswith("Av de 95 deltagarna")


def test_context_words_count_for_sentences_of_the_section():
    q = parse_question("Hur många gick till arbete i Arbetsmarknadstorget?")
    plain = best_sentence(q, [PASSAGE])
    with_context = best_sentence(q, [PASSAGE], contexts=["Arbetsmarknadstorget › Resultat"])
    assert with_context.score > plain.score


def test_highlight_spans_mark_question_words_and_compounds():
    q = parse_question("Hur många deltagare?")
    spans = highlight_spans(PASSAGE, q)
    assert [PASSAGE[a:b] for a, b in spans] == ["deltagarna"]


@pytest.mark.parametrize(
    ("question", "texts", "supported"),
    [
        ("Hur många deltagare har avslutats?", [PASSAGE], True),
        (
            "Vilket sjukpenningtal hade kommunen?",
            ["Sjukpenningtalet är högt i kommunen jämfört med länet."],
            False,
        ),
        ("Vem leder verksamheten?", [PASSAGE], True),
        ("Hur många brandbilar köpte räddningstjänsten?", [PASSAGE], False),
        ("Hur många deltagare?", [], False),
        # a person asked for: the verb differs ('leder' / 'ordförande'), the name answers
        (
            "Vem leder styrelsen i Norrvik?",
            ["Sedan 2023 är Anna-Karin Berg, Norrviks kommun, styrelsens ordförande."],
            True,
        ),
        # the same words without a name, and a name without the words, do not
        ("Vem leder styrelsen i Norrvik?", ["Styrelsen har sammanträtt sex gånger under året."], False),
        ("Vem leder styrelsen i Norrvik?", ["Insatsen drivs av Maria Lund på kommunen."], False),
    ],
)
def test_is_supported(question, texts, supported):
    assert is_supported(parse_question(question), texts) is supported


def test_coverage_and_states_value():
    q = parse_question("Hur många deltagare avslutades?")
    assert coverage(q, [PASSAGE]) == 1.0
    assert states_value(q, [PASSAGE])
    assert not states_value(q, ["Deltagarna var nöjda med insatsen och personalen."])
    assert states_value(q, ["Vid årets slut var tio deltagare inskrivna."])  # number words count


@pytest.mark.parametrize(
    ("typed", "restored"),
    [
        (
            "Hur manga deltagare gick till egen forsorjning?",
            "Hur många deltagare gick till egen försörjning?",
        ),
        ("Hur mycket fick forbundet fran medlemmarna?", "Hur mycket fick förbundet från medlemmarna?"),
        ("Hur många män deltog?", "Hur många män deltog?"),  # has å/ä/ö: left as typed
    ],
)
def test_restore_diacritics(typed, restored):
    from index.lexicon import SwedishLexicon

    assert restore_diacritics(typed, SwedishLexicon(use_hunspell=False)) == restored


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("förbundsmedlemmarna", ("förbund", "medlemmarna")),
        ("försörjningsstöd", ("försörjning", "stöd")),
        ("deltagarna", ()),
        ("kort", ()),
    ],
)
def test_split_compound(word, parts):
    assert split_compound(word) == parts


def test_compound_parts_meet_the_simple_word():
    assert set(stem_tokens("medlemmarna")) <= set(stem_tokens("förbundsmedlemmarna"))
