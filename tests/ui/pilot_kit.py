"""What the UI tests share: two small reports, their questions, and Pilot helpers."""

from __future__ import annotations

from textual.widget import Widget

from assistant.ui.widgets import QuestionInput

ALPHA = """Alfaprojektet

Resultat

Under 2019 har Alfaprojektet arbetat med 40 personer, varav 22 kvinnor och 18 män. Av dessa har tolv
gått vidare till arbete och fem till studier.
"""

BETA = """Betainsatsen

Målgrupp

Betainsatsen vänder sig till unga vuxna som varken arbetar eller studerar. Under 2019 deltog 15
personer. Insatsen finansieras av samordningsförbundet med 300 000 kronor.
"""

ALPHA_QUESTION = "Hur många personer arbetade Alfaprojektet med?"
BETA_QUESTION = "Hur många personer deltog i Betainsatsen?"
ABSENT_QUESTION = "Vad kostar pizza på månen?"


def screen_text(widget: Widget) -> str:
    """What the screen shows inside the widget's region (children included), as plain text."""
    update = widget.screen._compositor.render_full_update(simplify=True)
    lines = ["".join(strip.text for strip in line) for line in update.strips]
    region = widget.region
    return "\n".join(line[region.x : region.right] for line in lines[region.y : region.bottom])


async def ask(pilot, question: str, typed: bool = False) -> None:
    """Ask as the user would; `typed` presses every key (slower), else the line is filled in."""
    await pilot.click("#question")
    if typed:
        await pilot.press(*question)
    else:
        pilot.app.query_one(QuestionInput).value = question
    await pilot.press("enter")
    await settle(pilot)


async def settle(pilot) -> None:
    """Wait until the engine and question workers are done and their messages handled."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
