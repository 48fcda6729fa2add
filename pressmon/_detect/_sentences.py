"""Sentence splitting for evidence: rules, no model, in every language pressmon reads.

A sentence ends at `.`, `!`, `?` or `…` (with any closing quotes or
brackets after it) followed by white space and a capital letter, a digit or an
opening quote; at a Chinese or Japanese full stop; and always at a line break.
It does not end after:

- an abbreviation: `U.S.`, `É.-U.`, `EE. UU.`, `M.`, `Mme`, `Dr.`,
  `Inc.`, `z. B.`, `Sr.`, `Sig.` ... (a closed list, below);
- an initial: any single letter followed by a dot (`J. Smith`, the `S.` of `U.S.`);
- a number's dot before a lower-case word (`le 2. mai` stays whole).

The spans are offsets into the original text, without the surrounding white
space, so `text[start:end]` is the sentence as written.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

# Abbreviations after which a dot does not end a sentence, as they are written
# (case matters: "M." is Monsieur, "m." may be metres at a sentence end).
_ABBREVIATIONS = frozenset(
    """
    M MM Mme Mlle Mr Mrs Ms Messrs Dr Drs Prof Pr St Ste Sts Mt Jr Sr Sra Srta Sres Dña Dª Dn
    Sig Sigg Dott Avv Ing Geom Arch Hr Hrn Fr Frl Herr Nr No Nos nr no vs etc cf ca bzw usw
    z B d h u a s o v Chr Co Corp Inc Ltd Cie Bros Gen Gov Sen Rep Rev Capt Col Lt Sgt Cmdr
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec janv févr avr juil sept oct nov déc
    ann approx av env p pp vol art ch fig éd ed eds trad dir coll ibid op cit
    EE UU EEUU USA
    """.split()
)
# A candidate end: terminal punctuation (and closing quotes) followed by white space and
# what can start a sentence (an upper-case letter of the Latin, Greek or Cyrillic
# alphabets, a digit, an opening quote or bracket); CJK full stops; a line break.
_STARTERS = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽΑ-ΩА-ЯЁ0-9"
_OPENERS = "\"'«“‘(\\[¿¡„"
_CANDIDATE = re.compile(
    rf"[.!?…]+(?:[ \u00a0\u202f]?[\"'»”’)\]])*(?=\s+[{_OPENERS}]?\s?[{_STARTERS}])"
    r"|[。！？]+|\n"
)
_WORD_BEFORE = re.compile(r"(\w+)\W*$")


def _ends_sentence(text: str, mark_start: int) -> bool:
    """A dot after an abbreviation or an initial does not end a sentence."""
    before = _WORD_BEFORE.search(text, max(0, mark_start - 20), mark_start)
    if before is None or before.end() != mark_start:
        return True
    word = before.group(1)
    return not (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split `text` into sentences; return their `(start, end)` offsets.

    Examples:
        >>> text = "M. Rossi parle. Alpine vise les É.-U. en 2027. Les U.S. dealers suivront !"
        >>> [text[start:end] for start, end in split_sentences(text)]
        ['M. Rossi parle.', 'Alpine vise les É.-U. en 2027.', 'Les U.S. dealers suivront !']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    for match in _CANDIDATE.finditer(text):
        mark_start, mark_end = match.span()
        mark = match.group()
        if mark[0] == "." and not _ends_sentence(text, mark_start):
            continue
        end = mark_start if mark == "\n" else mark_end
        _append(text, start, end, spans)
        start = mark_end
    _append(text, start, length, spans)
    return spans


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += len(piece) - len(piece.lstrip())
        spans.append((start, start + len(stripped)))
