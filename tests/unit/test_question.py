import pytest

from assistant.question import org_keywords, parse_question

ORGS = ["Samordningsförbundet Skellefteå-Norsjö", "Samordningsförbundet Södra Norrbotten"]


@pytest.mark.parametrize(
    ("text", "years", "orgs", "types"),
    [
        ("Hur många deltagare hade MySam under 2017?", [2017], [], []),
        ("Vad hände mellan 2016 och 2017 i Skellefteå?", [2016, 2017], [ORGS[0]], []),
        ("Vilka är huvudmän i Samordningsforbundet Sodra Norrbotten?", [], [ORGS[1]], []),
        ("Vad står i årsredovisningen om eget kapital?", [], [], ["Årsredovisning"]),
        ("Hur manga personer 12345?", [], [], []),
    ],
)
def test_parse_question(text, years, orgs, types):
    q = parse_question(text, ORGS)
    assert q.years == years
    assert q.organisations == orgs
    assert q.report_types == types


def test_content_words_exclude_question_words():
    q = parse_question("Hur många deltagare hade Arbetsmarknadstorget?")
    assert "hur" not in q.content_stems and "mang" not in q.content_stems
    assert any(s.startswith("deltag") for s in q.content_stems)
    assert q.asks_quantity


def test_org_keywords_drop_generic_words():
    assert org_keywords("Samordningsförbundet Skellefteå-Norsjö") == {"skelleftea", "norsjo"}
