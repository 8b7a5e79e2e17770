"""Snapshots (pytest-textual-snapshot) of the main screens on the small fake-embedder index.

After a deliberate change of the UI, look at the new pictures and accept them with
`pytest tests/ui/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest

from assistant.ui.widgets import PassageCard, QuestionInput
from tests.ui.pilot_kit import ABSENT_QUESTION, ALPHA_QUESTION, ask, settle


def answered(question: str, *keys: str):
    async def run_before(pilot) -> None:
        pilot.app.query_one(QuestionInput).cursor_blink = False
        await ask(pilot, question)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (160, 48)])
def test_answer(app, snap_compare, size):
    assert snap_compare(app, terminal_size=size, run_before=answered(ALPHA_QUESTION))


def test_not_in_the_reports(app, snap_compare):
    assert snap_compare(app, terminal_size=(100, 30), run_before=answered(ABSENT_QUESTION))


def test_help(app, snap_compare):
    assert snap_compare(app, terminal_size=(100, 30), run_before=answered(ALPHA_QUESTION, "f1"))


def test_reports_screen(app, snap_compare):
    assert snap_compare(app, terminal_size=(100, 30), run_before=answered(ALPHA_QUESTION, "f2"))


def test_filter_dialog(app, snap_compare):
    assert snap_compare(app, terminal_size=(100, 30), run_before=answered(ALPHA_QUESTION, "ctrl+f"))


def test_report_viewer_with_original(app, snap_compare):
    async def run_before(pilot) -> None:
        await answered(ALPHA_QUESTION)(pilot)
        pilot.app.query(PassageCard).first().focus()
        await pilot.press("enter", "o")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)
