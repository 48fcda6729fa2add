"""Text folding: case, accents, typography, with a map back to the original offsets.

Detection matches terms on *folded* text, so that `Etats-Unis`, `ÉTATS‑UNIS`
and `États-Unis` are the same, `d’Alpine` has the same apostrophe as
`d'Alpine`, and a soft hyphen or a zero-width space inside a word does not
break it. Evidence is reported on the *original* text: `Folded` keeps
the map from every folded offset to the original one.

Folding is one pass of `str.lower` (C speed) when the lower-cased text is
ASCII, which is most English text; otherwise only the runs of non-ASCII
characters are folded, one character at a time through a cache. Most
characters fold to exactly one character (`é` → `e`, `’` → `'`), so the
map stays the identity; only the few that grow (`ß` → `ss`, `œ` → `oe`)
or vanish (combining accents of decomposed text, soft hyphens) add
breakpoints to it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = ["Folded", "fold", "fold_char", "fold_keep_case"]

_APOSTROPHES = "’‘‛ʼ`´′ʹ"
_DASHES = "‐‑‒–—―−﹘﹣－"
_QUOTES = "«»“”„‟‹›"
_DELETED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_EXPANSIONS = {"œ": "oe", "æ": "ae", "ß": "ss", "ẞ": "ss", "ĳ": "ij"}
_ONE_TO_ONE = {"ø": "o", "đ": "d", "ł": "l", "ı": "i", "ħ": "h", "ŧ": "t", "ð": "d", "þ": "t"}
# The scripts whose accents are stripped: Latin, Greek and Cyrillic (with their
# extended blocks). Kana, Hangul and the rest keep their marks: there, a
# combining mark changes the sound, not the accent (ピ is not ヒ).
_STRIP_ACCENTS_BELOW = 0x0530
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")

_cache: dict[str, str] = {}

# Frequent in news text, and folding to one character each (a test checks the table).
_COMMON = [
    (char, char_folded)
    for char, char_folded in (
        ("’", "'"),
        ("‘", "'"),
        ("“", '"'),
        ("”", '"'),
        ("«", '"'),
        ("»", '"'),
        ("–", "-"),
        ("—", "-"),
        ("\u00a0", " "),
        ("\u202f", " "),
        ("é", "e"),
        ("è", "e"),
        ("ê", "e"),
        ("ë", "e"),
        ("à", "a"),
        ("â", "a"),
        ("ä", "a"),
        ("á", "a"),
        ("ç", "c"),
        ("ô", "o"),
        ("ö", "o"),
        ("ó", "o"),
        ("î", "i"),
        ("ï", "i"),
        ("í", "i"),
        ("ù", "u"),
        ("û", "u"),
        ("ü", "u"),
        ("ú", "u"),
        ("ñ", "n"),
        ("ì", "i"),
        ("ò", "o"),
        ("…", "."),
    )
]


def fold_char(char: str) -> str:
    """Fold one (lower-case) character: may return zero, one or several characters."""
    cached = _cache.get(char)
    if cached is not None:
        return cached
    if char in _APOSTROPHES:
        folded = "'"
    elif char in _DASHES:
        folded = "-"
    elif char in _QUOTES:
        folded = '"'
    elif char == "…":
        folded = "."  # one character, like the original (its NFKD form has three)
    elif char in _DELETED:
        folded = ""
    elif char in _EXPANSIONS:
        folded = _EXPANSIONS[char]
    elif char in _ONE_TO_ONE:
        folded = _ONE_TO_ONE[char]
    elif char.isspace():
        folded = " "
    elif unicodedata.combining(char):
        folded = ""  # an accent of decomposed text: its letter is already there
    else:
        decomposed = unicodedata.normalize("NFKD", char)
        if decomposed and (decomposed[0].isascii() or ord(decomposed[0]) < _STRIP_ACCENTS_BELOW):
            folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        else:
            folded = unicodedata.normalize("NFKC", char).casefold()
        if not folded:
            folded = char
    if len(_cache) < 65536:
        _cache[char] = folded
    return folded


@dataclass(frozen=True)
class Folded:
    """A folded text and the way back to the original.

    `breaks` holds the folded offsets where the map changes and `bases` the
    original offset each of them maps to; between two breakpoints the map goes
    on one-to-one. No breakpoints means the identity.
    """

    text: str
    original: str
    breaks: list[int] = field(default_factory=list)
    bases: list[int] = field(default_factory=list)

    def start(self, position: int) -> int:
        """The original offset of the folded character at `position`."""
        if not self.breaks:
            return position
        index = bisect_right(self.breaks, position) - 1
        if index < 0:
            return position
        return min(self.bases[index] + (position - self.breaks[index]), len(self.original))

    def end(self, position: int) -> int:
        """The original offset just past the folded text ending at `position` (exclusive)."""
        if not self.breaks:
            return position
        if position <= 0:
            return 0
        end = self.start(position - 1) + 1
        original = self.original
        # Take along the accents of decomposed text that were folded away.
        while end < len(original) and unicodedata.combining(original[end]):
            end += 1
        return end


_runs: dict[str, tuple[str, bool]] = {}


def _fold_run(run: str) -> tuple[str, bool]:
    """Fold a run of non-ASCII characters; True when every character folds to exactly one."""
    cached = _runs.get(run)
    if cached is not None:
        return cached
    folded = [fold_char(char) for char in run]
    result = ("".join(folded), all(len(piece) == 1 for piece in folded))
    if len(_runs) < 65536:
        _runs[run] = result
    return result


def fold(text: str) -> Folded:
    """Fold `text` for matching: lower case, no accents, one apostrophe, one dash.

    Examples:
        >>> fold("Les États‑Unis d’Alpine").text
        "les etats-unis d'alpine"
        >>> folded = fold("Straße nach Übersee")
        >>> folded.text
        'strasse nach ubersee'
        >>> folded.original[folded.start(9) : folded.end(20)]
        'nach Übersee'
    """
    lowered = text.lower()
    if lowered.isascii() and len(lowered) == len(text):
        return Folded(lowered, text)
    if len(lowered) == len(text):
        # The most common non-ASCII characters fold one-to-one: replace them at C speed
        # (a pass over text without the character costs next to nothing).
        for char, folded_char in _COMMON:
            if char in lowered:
                lowered = lowered.replace(char, folded_char)
        if lowered.isascii():
            return Folded(lowered, text)
    else:
        # A rare character whose lower case is longer (İ): fold from the original.
        lowered = "".join([char.lower() if len(char.lower()) == 1 else char for char in text])
    pieces: list[str] = []
    breaks: list[int] = []
    bases: list[int] = []
    cursor = 0  # in the original (== in lowered)
    out = 0  # in the folded text
    for match in _NON_ASCII_RUN.finditer(lowered):
        start, end = match.span()
        if start > cursor:
            pieces.append(lowered[cursor:start])
            out += start - cursor
        run = match.group()
        folded_run, simple = _fold_run(run)
        if simple:
            pieces.append(folded_run)
            out += len(run)
        else:
            # Map character by character inside this run.
            for offset, char in enumerate(run):
                folded_char = fold_char(char)
                original_index = start + offset
                if len(folded_char) != 1:
                    breaks.append(out)
                    bases.append(original_index if folded_char else original_index + 1)
                    if len(folded_char) > 1:
                        # every extra character maps to the same original one
                        for extra in range(1, len(folded_char)):
                            breaks.append(out + extra)
                            bases.append(original_index)
                        breaks.append(out + len(folded_char))
                        bases.append(original_index + 1)
                pieces.append(folded_char)
                out += len(folded_char)
        cursor = end
    pieces.append(lowered[cursor:])
    folded_text = "".join(pieces)
    if breaks:
        # Keep the last breakpoint for each folded offset (a deletion followed by
        # an expansion at the same place) and make the list strictly increasing.
        merged_breaks: list[int] = []
        merged_bases: list[int] = []
        for position, base in zip(breaks, bases, strict=True):
            if merged_breaks and merged_breaks[-1] == position:
                merged_bases[-1] = base
            else:
                merged_breaks.append(position)
                merged_bases.append(base)
        return Folded(folded_text, text, merged_breaks, merged_bases)
    return Folded(folded_text, text)


def fold_keep_case(text: str) -> str:
    """Fold accents and typography but keep the case (for case-sensitive terms)."""
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        lower = char.lower()
        folded = fold_char(lower)
        out.append(folded.upper() if char != lower and len(lower) == 1 else folded)
    return "".join(out)
