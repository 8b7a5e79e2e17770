import pytest

from assistant.evaluation import Tally, contains_quote, first_hit_rank, fold_for_match


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Årets  tilldelning, 6 132 484 kr.", "arets tilldelning 6 132 484 kr"),
        ("Férsörjning!", "fersorjning"),
    ],
)
def test_fold_for_match(text, expected):
    assert fold_for_match(text) == expected


@pytest.mark.parametrize(
    ("passage", "quote", "expected"),
    [
        ("Under 2016 har 80 personer mottagit stöd", "80 personer mottagit", True),
        ("Arets tilldelning fran forbundsmedlemmarna", "Årets tilldelning från förbundsmedlemmarna", True),
        (
            "Under 2016 har 80 personer med svårighet att nå egen försörjning",
            "Under 2016 har 80 personer med svarighet att na egen férsérjning",
            True,
        ),  # OCR-repaired passage
        ("Styrelsen består av fem ledamöter", "Arbetsmarknadstorget arbetat med 95 personer", False),
        ("anything", "", False),
    ],
)
def test_contains_quote(passage, quote, expected):
    assert contains_quote(passage, quote) is expected


def test_first_hit_rank_and_tally():
    passages = ["inget här", "men här finns 95 personer", "95 personer igen"]
    assert first_hit_rank(passages, ["95 personer"]) == 2
    assert first_hit_rank(passages, ["saknas helt och hållet"]) is None
    tally = Tally()
    tally.add(2)
    tally.add(None)
    tally.add(1)
    row = tally.row()
    assert row["recall@1"] == pytest.approx(1 / 3)
    assert row["recall@5"] == pytest.approx(2 / 3)
    assert row["mrr"] == pytest.approx((0.5 + 1) / 3)


def _question(qid: str, kind: str, answerable: bool):
    from assistant.evaluation import EvalQuestion

    return EvalQuestion.model_validate(
        {
            "id": qid,
            "question": f"fråga {qid}",
            "kind": kind,
            "doc": "r.txt",
            "gold_quotes": ["95 personer"] if answerable else [],
            "answer": "",
            "figure": None,
        }
    )


@pytest.mark.parametrize(
    ("supported", "right", "false_not_found"),
    [
        ({"a": True, "b": True, "u": False}, 1, 0),
        ({"a": False, "b": True, "u": True}, 0, 1),
        ({"a": False, "b": False, "u": False}, 1, 2),
    ],
)
def test_evaluate_counts_the_finns_inte_decision(supported, right, false_not_found):
    from assistant.evaluation import Outcome, evaluate

    questions = [
        _question("a", "lookup", True),
        _question("b", "lookup", True),
        _question("u", "not_in_corpus", False),
    ]

    def ask(text: str, mode: str) -> Outcome:
        qid = text.split()[-1]
        return Outcome(["här finns 95 personer"], supported[qid])

    (report,) = evaluate(questions, ask, ["hybrid"])
    assert (report.unanswerable, report.unanswerable_right) == (1, right)
    assert (report.answerable, report.false_not_found) == (2, false_not_found)
    assert report.false_not_found_rate() == pytest.approx(false_not_found / 2)


def test_load_questions_takes_a_list_answer(tmp_path):
    from assistant.evaluation import load_questions

    path = tmp_path / "q.jsonl"
    path.write_text(
        '{"id": "a", "question": "Vilka insatser?", "kind": "list", "answer": ["Steget", "Bron"]}\n\n',
        encoding="utf-8",
    )
    [question] = load_questions(path)
    assert question.answer == ["Steget", "Bron"]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('{"id": "a", "question": "x", "kind": "lookup"}\n{"id": "b"\n', "rad 2: inte giltig JSON"),
        ('{"id": "a", "kind": "lookup"}\n', "rad 1: fel i fält question"),
        ('{"id": "a", "question": "x", "kind": "lookup", "figure": {"value": "mycket"}}\n', "figure"),
    ],
)
def test_load_questions_names_the_bad_line(tmp_path, content, said):
    from assistant.evaluation import QuestionFileError, load_questions

    path = tmp_path / "q.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(QuestionFileError, match=said):
        load_questions(path)
