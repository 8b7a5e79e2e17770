import pytest

from assistant.answering.models import FigureOut, Source
from assistant.followup import Context, context_from, resolve_followup
from assistant.question import parse_question
from assistant.results import Answer, Filters

AMT = "Hur många deltagare hade Arbetsmarknadstorget 2017?"
AMT_SUBJECT = "Arbetsmarknadstorget (AMT)"  # what Engine.subjects_in gives for AMT on the real index


def context_after(text: str, subjects: tuple[str, ...] = (), answer: Answer | None = None) -> Context:
    answer = answer or Answer(question=text, answer="", supported=True, passages=[])
    return context_from(parse_question(text), answer, subjects)


@pytest.mark.parametrize(
    ("previous", "typed", "expected"),
    [
        (AMT, "och 2016?", "Hur många deltagare hade Arbetsmarknadstorget 2016?"),
        (AMT, "Och 2016?", "Hur många deltagare hade Arbetsmarknadstorget 2016?"),
        (AMT, "än 2016 då?", "Hur många deltagare hade Arbetsmarknadstorget 2016?"),
        (AMT, "2016 då?", "Hur många deltagare hade Arbetsmarknadstorget 2016?"),
        (AMT, "och i Piteå?", "Hur många deltagare hade Arbetsmarknadstorget i Piteå 2017?"),
        (AMT, "och Betainsatsen?", "Hur många deltagare hade Betainsatsen 2017?"),
        (AMT, "hur många var kvinnor?", "Hur många var kvinnor i Arbetsmarknadstorget (AMT) 2017?"),
        (AMT, "och hur manga var man?", "Hur manga var man i Arbetsmarknadstorget (AMT) 2017?"),
        (
            AMT,
            "hur många av dem fick arbete?",
            "Hur många av dem fick arbete i Arbetsmarknadstorget (AMT) 2017?",
        ),
        (
            AMT,
            "jämfört med året innan?",
            "Hur många deltagare hade Arbetsmarknadstorget mellan 2016 och 2017?",
        ),
        (
            AMT,
            "jamfort med aret efter?",
            "Hur många deltagare hade Arbetsmarknadstorget mellan 2017 och 2018?",
        ),
        (AMT, "jämfört med 2015?", "Hur många deltagare hade Arbetsmarknadstorget mellan 2015 och 2017?"),
        # the year keeps its preposition; a year added where there was none
        ("Hur många deltagare fanns under 2019?", "och 2018?", "Hur många deltagare fanns under 2018?"),
        ("Hur många deltagare hade MySam?", "och 2018?", "Hur många deltagare hade MySam 2018?"),
        # a place replaces the question's own place; a year range becomes the one year asked
        (
            "Vad hände mellan 2016 och 2017 i Skellefteå?",
            "och i Piteå?",
            "Vad hände mellan 2016 och 2017 i Piteå?",
        ),
        ("Vad hände mellan 2016 och 2017 i Skellefteå?", "och 2018?", "Vad hände 2018 i Skellefteå?"),
        # without a year to count from, the comparison is carried along as typed
        (
            "Hur många deltagare hade MySam?",
            "jämfört med året innan?",
            "Hur många deltagare hade MySam jämfört med året innan?",
        ),
    ],
)
def test_followups_are_rewritten(previous, typed, expected):
    subjects = (AMT_SUBJECT,) if previous == AMT else ()
    resolved = resolve_followup(typed, context_after(previous, subjects))
    assert resolved.followup
    assert resolved.text == expected
    assert resolved.original == typed and resolved.rewritten


@pytest.mark.parametrize(
    "typed",
    [
        "Hur många deltagare hade Betainsatsen 2019?",  # names its own subject
        "Och hur många deltagare hade Betainsatsen?",  # an opener, but a whole question with a name
        "Vad kostar pizza på månen?",  # no name, but nothing that points back
        "Vilka huvudmän har förbundet?",
        "Hur stort var det egna kapitalet?",  # "det" as an article, not a pronoun
        "och hur många deltagare gick vidare till arbete eller studier under hela året?",  # long
    ],
)
def test_full_questions_are_not_followups(typed):
    resolved = resolve_followup(typed, context_after(AMT, (AMT_SUBJECT,)))
    assert not resolved.followup
    assert resolved.text == typed and not resolved.rewritten


def test_without_context_nothing_is_rewritten():
    resolved = resolve_followup("  och 2016?  ", None)
    assert resolved == resolve_followup("och 2016?", None)
    assert resolved.text == "och 2016?" and not resolved.followup


def test_context_from_question_and_answer():
    figure = FigureOut(
        label="deltagare",
        subject=AMT_SUBJECT,
        measure="deltagare",
        period="2017",
        value=1,
        unit="personer",
        kind="stated",
        sources=[Source(report="r", page=1, quote="q")],
    )
    answer = Answer(question=AMT, answer="", supported=True, passages=[], figures=[figure])
    filters = Filters(year=2017)
    context = context_from(parse_question(AMT), answer, [AMT_SUBJECT], filters)
    assert context.subject == AMT_SUBJECT and context.years == (2017,)
    assert context.measure == "deltagare" and context.filters == filters
    assert context.label() == "Arbetsmarknadstorget (AMT), 2017"


@pytest.mark.parametrize(
    ("text", "organisations", "subject"),
    [
        ("Hur många personer arbetade Alfaprojektet med?", [], "Alfaprojektet"),
        (
            "Vad hände i Skellefteå 2016?",
            ["Samordningsförbundet Skellefteå-Norsjö"],
            "Samordningsförbundet Skellefteå-Norsjö",
        ),
        ("Vad kostar pizza på månen?", [], None),
    ],
)
def test_subject_falls_back_to_organisation_then_name(text, organisations, subject):
    question = parse_question(text, organisations)
    context = context_from(question, Answer(question=text, answer="", supported=False, passages=[]))
    assert context.subject == subject
    assert context.label()  # never empty: the topic stands in for a missing subject
