"""Text with a map back to the original: cleaning and OCR repair rewrite text, citations need the source.

A `MappedText` is the current text plus anchors `(text_offset, original_offset)` at the start of every
piece that an edit produced. Offsets inside an unchanged piece map one to one; offsets inside a replaced
piece map to the start of what it replaced (clamped to its end).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Piece:
    text_start: int
    orig_start: int
    orig_len: int
    changed: bool


@dataclass
class MappedText:
    text: str
    original: str
    pieces: list[Piece] = field(default_factory=list)

    @classmethod
    def identity(cls, text: str) -> MappedText:
        return cls(text, text, [Piece(0, 0, len(text), False)])

    def to_original(self, offset: int) -> int:
        """Original offset of the character at `offset` of the current text (end offsets map to ends)."""
        if not self.pieces:
            return offset
        starts = self._starts
        i = max(0, bisect.bisect_right(starts, offset) - 1)
        piece = self.pieces[i]
        delta = offset - piece.text_start
        if piece.changed:
            return piece.orig_start + (piece.orig_len if delta > 0 else 0)
        return piece.orig_start + min(delta, piece.orig_len)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_original(start), self.to_original(end)

    def original_slice(self, start: int, end: int) -> str:
        a, b = self.original_span(start, end)
        return self.original[a:b]

    def changed_within(self, start: int, end: int) -> bool:
        """Whether any edit produced text inside [start, end)."""
        for i, piece in enumerate(self.pieces):
            nxt = self.pieces[i + 1].text_start if i + 1 < len(self.pieces) else len(self.text)
            if piece.changed and piece.text_start < end and nxt > start:
                return True
        return False

    def sub(self, pattern: re.Pattern[str] | str, repl: Callable[[re.Match[str]], str]) -> MappedText:
        """`re.sub` that keeps the map: each replaced match becomes a changed piece."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        starts = self._starts
        out: list[str] = []
        pieces: list[Piece] = []
        pos = 0
        length = 0

        def emit_unchanged(a: int, b: int) -> None:
            nonlocal length
            # Split along existing pieces so earlier edits keep their own anchors.
            while a < b:
                j = max(0, bisect.bisect_right(starts, a) - 1)
                piece = self.pieces[j]
                piece_end = self.pieces[j + 1].text_start if j + 1 < len(self.pieces) else len(self.text)
                stop = min(b, piece_end)
                if piece.changed:
                    # Part of an earlier replacement: keep it pointing at the same original range.
                    pieces.append(
                        Piece(length, piece.orig_start, piece.orig_len if a == piece.text_start else 0, True)
                    )
                else:
                    pieces.append(Piece(length, piece.orig_start + (a - piece.text_start), stop - a, False))
                out.append(self.text[a:stop])
                length += stop - a
                a = stop

        for m in rx.finditer(self.text):
            new = repl(m)
            if new == m.group(0):
                continue
            emit_unchanged(pos, m.start())
            oa, ob = self.original_span(m.start(), m.end())
            pieces.append(Piece(length, oa, ob - oa, True))
            out.append(new)
            length += len(new)
            pos = m.end()
        if pos == 0 and not out:
            return self
        emit_unchanged(pos, len(self.text))
        merged = _merge(pieces)
        return MappedText("".join(out), self.original, merged)

    @property
    def _starts(self) -> list[int]:
        # Cached per pieces list; a MappedText is never mutated after construction.
        cached = self.__dict__.get("_starts_cache")
        if cached is None or cached[0] is not self.pieces:
            cached = (self.pieces, [p.text_start for p in self.pieces])
            self.__dict__["_starts_cache"] = cached
        return cached[1]


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Join adjacent unchanged pieces that continue each other, so maps stay small."""
    merged: list[Piece] = []
    for p in pieces:
        if merged:
            last = merged[-1]
            if (
                not last.changed
                and not p.changed
                and last.orig_start + last.orig_len == p.orig_start
                and last.text_start + last.orig_len == p.text_start
            ):
                merged[-1] = Piece(last.text_start, last.orig_start, last.orig_len + p.orig_len, False)
                continue
        merged.append(p)
    # Drop zero-length pieces except a lone one.
    return [p for p in merged if not (p.orig_len == 0 and not p.changed)] or merged[:1]
