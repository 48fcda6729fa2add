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

Detection needs the sentences around its matches only: `SentenceFinder` finds
them on demand, reading the text in chunks that start where no end mark can
straddle (see its docstring), and gives exactly the spans `split_sentences`
would give there.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

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
_MARKS = ".!?…"
_CJK_MARKS = "。！？"
# What an end mark is made of: the marks, the closing quotes and brackets after them
# and the spaces allowed before those, and a line break. A position just after any
# other character can never be inside a mark: scanning may start there.
_CLOSERS = "\"'»”’)]"
_MARK_CHARS = frozenset(f"{_MARKS}{_CJK_MARKS}{_CLOSERS} \u00a0\u202f\n")
# The expression starts with one character class (the first character of every kind of
# mark), so that `re` skips from one such character to the next in C; which kind of mark
# it is is then decided by looking back at that character. It matches exactly what
# "[.!?…]+(?:[ \u00a0\u202f]?[closers])*(?=lookahead)|[。！？]+|\n" matches.
_CANDIDATE = re.compile(
    rf"[{_MARKS}{_CJK_MARKS}\n]"
    rf"(?:(?<=[{_MARKS}])[{_MARKS}]*(?:[ \u00a0\u202f]?[{re.escape(_CLOSERS)}])*"
    rf"(?=\s+[{_OPENERS}]?\s?[{_STARTERS}])"
    rf"|(?<=[{_CJK_MARKS}])[{_CJK_MARKS}]*"
    r"|(?<=\n))"
)
_WORD_BEFORE = re.compile(r"(\w+)\W*$")
_LOOK_BACK = 20


def _ends_sentence(text: str, mark_start: int) -> bool:
    """A dot after an abbreviation or an initial does not end a sentence."""
    # The word before the mark is the last run of word characters among the 20
    # characters before it, cut at their start (what _WORD_BEFORE finds there).
    # Usually it is the last token of those characters, all letters or digits
    # (str.isalnum is re's \w without "_"): then it is that token, and the
    # expression, which tries every start position, is not needed.
    low = max(0, mark_start - _LOOK_BACK)
    tokens = text[low:mark_start].rsplit(None, 1)
    if tokens and tokens[-1].isalnum():
        word = tokens[-1]
    else:
        before = _WORD_BEFORE.search(text, low, mark_start)
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
    inner, first, last_end = _scan(text, 0, len(text) + 1)
    if first is None:
        _append(text, 0, len(text), spans)
        return spans
    _append(text, 0, first[0], spans)
    spans.extend(inner)
    _append(text, last_end, len(text), spans)
    return spans


def _scan(
    text: str, begin: int, stop: int
) -> tuple[list[tuple[int, int]], tuple[int, int] | None, int]:
    """Find the marks that end sentences and start in ``[begin, stop)``.

    Returns the sentences between them, ``(where its sentence ends, end)`` of the
    first mark (None when there is none) and the end of the last one; a sentence ends
    before a line break, after other marks. `begin` must be 0 or follow a
    character that cannot be part of a mark (see `_MARK_CHARS`): then no mark
    straddles it, and the marks found from there are the ones a scan from the
    start of the text finds.
    """
    # One loop, everything inline: it runs once per mark of every text read.
    spans: list[tuple[int, int]] = []
    append = spans.append
    abbreviations = _ABBREVIATIONS
    first: tuple[int, int] | None = None
    previous_end = -1
    for match in _CANDIDATE.finditer(text, begin):
        mark_start = match.start()
        if mark_start >= stop:
            break
        mark = text[mark_start]
        if mark == ".":
            low = mark_start - _LOOK_BACK if mark_start > _LOOK_BACK else 0
            tokens = text[low:mark_start].rsplit(None, 1)
            if tokens and tokens[-1].isalnum():
                word = tokens[-1]
                if word in abbreviations or (len(word) == 1 and word.isalpha()):
                    continue
            elif not _ends_sentence(text, mark_start):
                continue
        mark_end = match.end()
        sentence_end = mark_start if mark == "\n" else mark_end
        if previous_end < 0:
            first = (sentence_end, mark_end)
        else:
            piece = text[previous_end:sentence_end]
            stripped = piece.strip()
            if stripped:
                # The first character of `stripped` first occurs where it starts.
                start = previous_end + piece.find(stripped[0])
                append((start, start + len(stripped)))
        previous_end = mark_end
    return spans, first, previous_end


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += piece.find(stripped[0])
        spans.append((start, start + len(stripped)))


Span = tuple[int, int]
# Said of a position whose sentence a run of chunks does not determine yet (or that
# lacks neighbours there): the run must grow on that side.
_GROW_BEFORE = -2
_GROW_AFTER = -3
# A text of this many chunks or fewer is split whole: looking around each position
# would read most of it anyway.
_WHOLE_BELOW = 6


@dataclass
class Run:
    """Consecutive sentences of a text, as `split_sentences` gives them."""

    spans: list[Span]
    starts_text: bool
    """The first span is the first sentence of the text."""
    ends_text: bool
    """The last span is the last sentence of the text."""


class SentenceFinder:
    """The sentences of one text, found only where they are asked for.

    It gives exactly the spans `split_sentences` gives, but only around given
    offsets (and at the start of the text, for ordinals), so that detection
    splits a text around its matches instead of everywhere.

    The text is cut into chunks of about `chunk` characters. A chunk starts
    just after a character that no end mark contains (usually a letter), so a
    scan started there finds the marks a scan from the start of the text
    finds; each chunk is scanned once, when first needed. A run of chunks
    determines the sentences between its marks; it is widened, a chunk at a
    time, until it holds what was asked for.
    """

    chunk = 512
    """Characters per chunk, by default (tests make it small, to cut texts into many)."""

    def __init__(self, text: str, *, chunk: int | None = None) -> None:
        self.text = text
        length = len(text)
        step = max(1, self.chunk if chunk is None else chunk)
        # Where each chunk starts: 0, then the first safe position from each multiple of
        # `step` on (a run of mark characters longer than a chunk merges two chunks).
        bounds = [0]
        for grid in range(step, length, step):
            bound = grid
            while bound < length and text[bound - 1] in _MARK_CHARS:
                bound += 1
            if bounds[-1] < bound < length:
                bounds.append(bound)
        self._bounds = bounds
        self._chunks: dict[int, tuple[list[Span], tuple[int, int] | None, int]] = {}
        self._all: list[Span] | None = None  # every sentence, once split whole
        self._lead: Run | None = None  # the first sentences, for ordinals
        self._lead_last = -1  # the last chunk of that run

    def _chunk(self, index: int) -> tuple[list[Span], tuple[int, int] | None, int]:
        """What `_scan` finds in chunk `index` (once)."""
        found = self._chunks.get(index)
        if found is None:
            bounds = self._bounds
            stop = bounds[index + 1] if index + 1 < len(bounds) else len(self.text) + 1
            found = self._chunks[index] = _scan(self.text, bounds[index], stop)
        return found

    def _run(self, first: int, last: int) -> tuple[Run, int, int]:
        """The sentences that chunks `first` to `last` determine: those between two of
        their marks, and between the start (or end) of the text and their first (or
        last) mark when the run starts (or ends) the text; and the range they cover:
        from the start of the text or the end of the first mark, to the end of the
        text or of the last mark."""
        text = self.text
        starts_text = first == 0
        ends_text = last == len(self._bounds) - 1
        spans: list[Span] = []
        previous_end = 0 if starts_text else None  # where the next sentence begins
        first_mark_end = last_mark_end = -1
        for index in range(first, last + 1):
            inner, first_mark, chunk_last_end = self._chunk(index)
            if first_mark is None:
                continue
            if previous_end is not None:
                _append(text, previous_end, first_mark[0], spans)
            if first_mark_end < 0:
                first_mark_end = first_mark[1]
            spans.extend(inner)
            previous_end = last_mark_end = chunk_last_end
        if ends_text and previous_end is not None:
            _append(text, previous_end, len(text), spans)
        if starts_text:
            known_from = 0
        else:
            known_from = first_mark_end if first_mark_end >= 0 else len(text) + 1
        known_to = len(text) + 1 if ends_text else last_mark_end
        return Run(spans, starts_text, ends_text), known_from, known_to

    def near(
        self, positions: list[int], reach: int
    ) -> tuple[list[Run], list[tuple[int, int] | None]]:
        """The sentences of the characters at `positions` (increasing), with `reach`
        sentences on either side of each (fewer where the text has fewer).

        Returns runs of consecutive sentences, in order, without a sentence in two
        of them, and for each position where its sentence is: `(run, index in the
        run)`, or None when the character is between two sentences (white space, a
        line break).
        """
        bounds = self._bounds
        # A range of chunks per group of positions in the same or adjacent chunks, widened
        # until its sentences hold every position's sentence and its neighbours.
        ranges: list[tuple[int, int]] = []
        if len(bounds) > _WHOLE_BELOW:
            for position in positions:
                chunk = bisect_right(bounds, position) - 1
                if ranges and chunk <= ranges[-1][1] + 1:
                    ranges[-1] = (ranges[-1][0], chunk)
                else:
                    ranges.append((chunk, chunk))
        if len(bounds) <= _WHOLE_BELOW or 2 * sum(b - a + 3 for a, b in ranges) >= len(bounds):
            # Positions all over the text: split it whole rather than piece by piece.
            whole = self._whole()
            starts = [span[0] for span in whole]
            out: list[tuple[int, int] | None] = []
            for position in positions:
                at = bisect_right(starts, position) - 1
                out.append((0, at) if at >= 0 and position < whole[at][1] else None)
            return [Run(whole[:], True, True)], out
        located_in: dict[tuple[int, int], tuple[Run, list[int]]] = {}
        while True:
            widened = []
            for first, last in ranges:
                found = located_in.get((first, last))
                if found is None:
                    found = located_in[(first, last)] = self._locate(first, last, positions, reach)
                widened.append(
                    (first - (_GROW_BEFORE in found[1]), last + (_GROW_AFTER in found[1]))
                )
            if widened == ranges:
                break
            ranges = []
            for first, last in widened:
                if ranges and first <= ranges[-1][1] + 1:
                    ranges[-1] = (ranges[-1][0], max(last, ranges[-1][1]))
                else:
                    ranges.append((first, last))
        runs = []
        out = []
        for run_index, key in enumerate(ranges):
            run, indexes = located_in[key]
            runs.append(run)
            out.extend(None if at < 0 else (run_index, at) for at in indexes)
        return runs, out

    def _locate(
        self, first: int, last: int, positions: list[int], reach: int
    ) -> tuple[Run, list[int]]:
        """The run of chunks `first` to `last`, and for each position in it the index of
        its sentence in the run: -1 when it is between two sentences, `_GROW_BEFORE` or
        `_GROW_AFTER` when the run must grow on that side to know its sentence or to
        hold `reach` sentences beside it."""
        bounds = self._bounds
        run, known_from, known_to = self._run(first, last)
        spans = run.spans
        starts = [span[0] for span in spans]
        low = bisect_left(positions, bounds[first])
        high = len(positions)
        if last + 1 < len(bounds):
            high = bisect_left(positions, bounds[last + 1])
        located: list[int] = []
        for position in positions[low:high]:
            if position < known_from:
                located.append(_GROW_BEFORE)
                continue
            if position >= known_to:
                located.append(_GROW_AFTER)
                continue
            at = bisect_right(starts, position) - 1
            if at < 0 or position >= spans[at][1]:
                located.append(-1)  # between two sentences
            elif at < reach and not run.starts_text:
                located.append(_GROW_BEFORE)
            elif at + reach >= len(spans) and not run.ends_text:
                located.append(_GROW_AFTER)
            else:
                located.append(at)
        return run, located

    def _whole(self) -> list[Span]:
        if self._all is None:
            self._all = split_sentences(self.text)
        return self._all

    def first(self, count: int) -> list[Span]:
        """The first `count` sentences (fewer when the text has fewer)."""
        if self._all is not None:
            return self._all[:count]
        last = 0
        while True:
            run = self._run(0, last)[0]
            if len(run.spans) >= count or run.ends_text:
                return run.spans[:count]
            last += 1

    def last(self, count: int) -> list[Span]:
        """The last `count` sentences (fewer when the text has fewer)."""
        if self._all is not None:
            return self._all[max(0, len(self._all) - count) :]
        final = len(self._bounds) - 1
        first = final
        while True:
            run = self._run(first, final)[0]
            if len(run.spans) >= count or run.starts_text:
                return run.spans[len(run.spans) - count :] if count < len(run.spans) else run.spans
            first -= 1

    def ordinal(self, sentence: Span, limit: int) -> int:
        """The index of `sentence` in `split_sentences(text)`, or `limit` when it is
        `limit` or more: only the sentences before it, at most `limit`, are looked for."""
        if self._all is not None:
            index = bisect_left(self._all, sentence)
            return index if index < limit else limit
        lead = self._lead
        while lead is None or not (
            lead.ends_text
            or len(lead.spans) >= limit
            or (lead.spans and lead.spans[-1][0] >= sentence[0])
        ):
            self._lead_last += 1
            lead = self._lead = self._run(0, self._lead_last)[0]
        index = bisect_left(lead.spans, sentence)
        if index < min(limit, len(lead.spans)) and lead.spans[index] == sentence:
            return index
        return limit
