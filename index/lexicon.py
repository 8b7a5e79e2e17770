"""Is a word Swedish? A word-frequency list first, the hunspell sv_SE dictionary for what the list lacks.

wordfreq knows common words and their frequencies but few long compounds ("myndighetssamverkan");
hunspell (through the pure-Python spylls) knows compounds but is slow to load (≈3 s) and to query
(≈1–20 ms a word), so it is loaded lazily, once, and every answer is cached by word type.
"""

from __future__ import annotations

import logging
import sys
import sysconfig
from pathlib import Path
from typing import Protocol

from wordfreq import zipf_frequency

log = logging.getLogger(__name__)

#: Base name of the hunspell files the pip package `hunspell-sv` installs under `<prefix>/share/hunspell/`.
HUNSPELL_NAME = "sv_SE"
#: Longer "words" (a run of letters without a space: a table rule, glued OCR lines) are never Swedish words:
#: not looked up (hunspell takes minutes on 20 000 letters) and not repaired (variants recurse per letter).
MAX_WORD_LENGTH = 60
#: Compound parts for `could_be_compound`: at least this long and this frequent (Zipf) in wordfreq.
COMPOUND_PART_MIN = 3
COMPOUND_PART_ZIPF = 2.0


class _Speller(Protocol):
    def lookup(self, word: str) -> bool: ...


def find_hunspell_dictionary(name: str = HUNSPELL_NAME) -> Path | None:
    """Path stem (without `.aff`/`.dic`) of an installed hunspell dictionary, or None when there is none."""
    roots = [sysconfig.get_path("data"), sys.prefix, sys.base_prefix, "/usr", "/usr/local"]
    seen: set[Path] = set()
    for root in roots:
        if not root:
            continue
        folder = Path(root) / "share" / "hunspell"
        if folder in seen:
            continue
        seen.add(folder)
        stem = folder / name
        if stem.with_suffix(".aff").is_file() and stem.with_suffix(".dic").is_file():
            return stem
    return None


def _is_plain_word(word: str) -> bool:
    # Digits and symbols never make a Swedish word; wordfreq would otherwise fold digits ("6ka" → "0ka").
    return word.isalpha()


class SwedishLexicon:
    """Swedish word check and frequency, cached by word type. Construct once and share."""

    def __init__(self, dictionary: Path | None = None, *, use_hunspell: bool = True) -> None:
        self._dictionary_stem = dictionary
        self._use_hunspell = use_hunspell
        self._speller: _Speller | None = None
        self._speller_loaded = False
        self._known: dict[str, bool] = {}
        self._freq: dict[str, float] = {}

    @property
    def has_hunspell(self) -> bool:
        """Whether the hunspell dictionary is (or can be) used; loads it on first call."""
        return self._load_speller() is not None

    def frequency(self, word: str) -> float:
        """wordfreq Zipf frequency in Swedish (0.0 when unknown or not a plain word); case-insensitive."""
        cached = self._freq.get(word)
        if cached is None:
            cached = zipf_frequency(word, "sv") if _is_plain_word(word) else 0.0
            self._freq[word] = cached
        return cached

    def is_known(self, word: str) -> bool:
        """Whether `word` is Swedish: in the frequency list, or accepted by hunspell (compounds, forms)."""
        cached = self._known.get(word)
        if cached is None:
            cached = self._check(word)
            self._known[word] = cached
        return cached

    def in_dictionary(self, word: str) -> bool:
        """Whether hunspell accepts `word` (False when hunspell is unavailable). Not cached by itself."""
        speller = self._load_speller()
        return speller is not None and _is_plain_word(word) and speller.lookup(word)

    def could_be_compound(self, word: str, parts: int = 3) -> bool:
        """Cheap test before asking hunspell: `word` splits into words the frequency list knows.

        Swedish compounds join words directly or with a linking 's' ("arbets|förmedlingen"); the last part
        may be inflected. A word that passes may still be rejected by hunspell; one that fails is skipped.
        """
        w = word.casefold()
        if parts <= 1 or len(w) < 2 * COMPOUND_PART_MIN:
            return False
        for i in range(COMPOUND_PART_MIN, len(w) - COMPOUND_PART_MIN + 1):
            head, tail = w[:i], w[i:]
            if not (self._common(head) or (head.endswith("s") and self._common(head[:-1]))):
                continue
            if self.frequency(tail) > 0 or self.could_be_compound(tail, parts - 1):
                return True
        return False

    def _common(self, part: str) -> bool:
        return len(part) >= COMPOUND_PART_MIN and self.frequency(part) >= COMPOUND_PART_ZIPF

    def _check(self, word: str) -> bool:
        if len(word) > MAX_WORD_LENGTH or not _is_plain_word(word):
            return False
        if self.frequency(word) > 0:
            return True
        return self.in_dictionary(word)

    def _load_speller(self) -> _Speller | None:
        if self._speller_loaded:
            return self._speller
        self._speller_loaded = True
        if not self._use_hunspell:
            return None
        stem = self._dictionary_stem or find_hunspell_dictionary()
        if stem is None:
            log.warning(
                "hunspell %s dictionary not found (pip package hunspell-sv); "
                "checking Swedish words with wordfreq only, long compounds will look unknown",
                HUNSPELL_NAME,
            )
            return None
        from spylls.hunspell import Dictionary  # slow import and load: only when first needed

        self._speller = Dictionary.from_files(str(stem))
        return self._speller
