"""The Textual chat assistant (`finsam ui`). The engine never imports from here."""

from assistant.ui.app import FinsamApp, make_app

__all__ = ["FinsamApp", "make_app"]
