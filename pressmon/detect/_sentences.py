"""Sentence splitting for evidence: rules, no model, in every language pressmon reads.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or
brackets after it) followed by white space and a capital letter, a digit or an
opening quote; and always at a line break. It does not end after:

- an abbreviation: ``U.S.``, ``É.-U.``, ``EE. UU.``, ``M.``, ``Mme``, ``Dr.``,
  ``Inc.``, ``z. B.``, ``Sr.``, ``Sig.`` ... (a closed list, below);
- an initial: any single letter followed by a dot (``J. Smith``, the ``S.`` of ``U.S.``);
- a number's dot before a lower-case word (``le 2. mai`` stays whole).

The spans are offsets into the original text, without the surrounding white
space, so ``text[start:end]`` is the sentence as written.
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
_CANDIDATE = re.compile(r"[.!?…]+(?:[ \u00a0\u202f]?[\"'»”’)\]])*(?=\s)|\n")
_AFTER = re.compile(r"\s*([\"'«“‘(\[]?\s?)(\S?)")
_WORD_BEFORE = re.compile(r"(\w+)\W*$")


def _ends_sentence(text: str, mark_start: int, mark_end: int) -> bool:
    mark = text[mark_start:mark_end]
    if mark.startswith("."):
        # The word before the dot.
        before = _WORD_BEFORE.search(text, max(0, mark_start - 20), mark_start)
        word = before.group(1) if before else ""
        if (
            word
            and before is not None
            and before.end() == mark_start
            and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()))
        ):
            return False
    after = _AFTER.match(text, mark_end)
    following = after.group(2) if after else ""
    if not following:
        return True
    return following.isupper() or following.isdigit() or not following.isalpha()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return their ``(start, end)`` offsets.

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
        if match.group() != "\n" and not _ends_sentence(text, mark_start, mark_end):
            continue
        end = mark_start if match.group() == "\n" else mark_end
        _append(text, start, end, spans)
        start = mark_end
    _append(text, start, length, spans)
    return spans


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
