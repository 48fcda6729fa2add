"""The sentence splitter: abbreviations, initials, numbers and line breaks in several languages."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressmon._detect import split_sentences
from pressmon._detect._sentences import _ABBREVIATIONS, _OPENERS, _STARTERS, SentenceFinder


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Alpine will enter the U.S. market in 2027. AutoNation will sell the cars.",
            ["Alpine will enter the U.S. market in 2027.", "AutoNation will sell the cars."],
        ),
        (
            "M. Krief l'a confirmé. Les É.-U. attendront 2028 ! Pourquoi ? Les droits de douane.",
            [
                "M. Krief l'a confirmé.",
                "Les É.-U. attendront 2028 !",
                "Pourquoi ?",
                "Les droits de douane.",
            ],
        ),
        (
            "Alpine llegará a EE. UU. en 2027. Lo dijo el Sr. Krief.",
            ["Alpine llegará a EE. UU. en 2027.", "Lo dijo el Sr. Krief."],
        ),
        (
            "Der Start ist z. B. für 2027 geplant. Alpine bestätigt das.",
            ["Der Start ist z. B. für 2027 geplant.", "Alpine bestätigt das."],
        ),
        (
            "The A110 costs 3.5 times more. Dr. Rossi said so.",
            ["The A110 costs 3.5 times more.", "Dr. Rossi said so."],
        ),
        (
            "« Nous irons aux États-Unis. » Philippe Krief l'a dit.",
            ["« Nous irons aux États-Unis. »", "Philippe Krief l'a dit."],
        ),
        (
            "Title line\nBody sentence one. Body two.",
            ["Title line", "Body sentence one.", "Body two."],
        ),
        (
            "J. Smith met Alpine. then lower case goes on",
            ["J. Smith met Alpine. then lower case goes on"],
        ),
    ],
    ids=["us", "fr-m-eu", "es-eeuu", "de-zb", "decimal-dr", "quotes", "lines", "initial-lower"],
)
def test_split(text: str, expected: list[str]) -> None:
    """Abbreviations and initials do not end sentences; punctuation before a capital does."""
    assert _sentences(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Ab. !?\n«»U.S.É-1 ")), max_size=80))
def test_spans_are_ordered_trimmed_slices(text: str) -> None:
    """Property: spans are in order, do not overlap, and are the text without outer spaces."""
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end
    covered = "".join(text[start:end] for start, end in split_sentences(text))
    assert covered.replace(" ", "") == "".join(text.split())


# ---------------------------------------------------------------- the reference
# The splitter as first written, kept to pin the faster one: its candidate expression
# is tried at every position, and the word before each dot is found by a regular
# expression tried at every start position of the 20 characters before it.
_REFERENCE_CANDIDATE = re.compile(
    rf"[.!?…]+(?:[ \u00a0\u202f]?[\"'»”’)\]])*(?=\s+[{_OPENERS}]?\s?[{_STARTERS}])"
    r"|[。！？]+|\n"
)
_REFERENCE_WORD_BEFORE = re.compile(r"(\w+)\W*$")


def _reference_split(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []

    def append(start: int, end: int) -> None:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            start += len(piece) - len(piece.lstrip())
            spans.append((start, start + len(stripped)))

    start = 0
    for match in _REFERENCE_CANDIDATE.finditer(text):
        mark_start, mark_end = match.span()
        mark = match.group()
        if mark[0] == ".":
            before = _REFERENCE_WORD_BEFORE.search(text, max(0, mark_start - 20), mark_start)
            if before is not None and before.end() == mark_start:
                word = before.group(1)
                if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                    continue
        append(start, mark_start if mark == "\n" else mark_end)
        start = mark_end
    append(start, len(text))
    return spans


_PIECES = [
    *"Ab. !?\n«»U.S.É-1 ’”)]\"'。！？…\u00a0\u202fMz_x(¿\t",
    "Dr", "M", "Inc", "U", "etc", "z. B.", "Word", "3.5", "\n\n", "...", ". ", ".  ",
    "Une phrase. ", "Another one! ", "l'U", "(M", "abcdefghijklmnopqrstuvwxyz",
]  # fmt: skip
_TEXTS = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_TEXTS)
def test_split_matches_the_reference(text: str) -> None:
    """The splitter (one character class first, the word before a dot read from its
    last token) gives exactly the spans of the splitter as first written."""
    assert split_sentences(text) == _reference_split(text)


@settings(max_examples=500, deadline=None)
@given(
    text=_TEXTS,
    chunk=st.integers(min_value=1, max_value=40),
    picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=6),
    reach=st.integers(min_value=0, max_value=3),
    count=st.integers(min_value=0, max_value=6),
)
def test_the_finder_gives_the_spans_of_split_sentences(
    text: str, chunk: int, picks: list[int], reach: int, count: int
) -> None:
    """SentenceFinder, reading a text in chunks of any size, finds each position's
    sentence, its neighbours, the first and last sentences and the ordinals exactly as
    split_sentences splits the whole text."""
    spans = split_sentences(text)
    finder = SentenceFinder(text, chunk=chunk)
    positions = sorted({pick % (len(text) + 1) for pick in picks})
    runs, located = finder.near(positions, reach)
    previous_end = -1
    for run in runs:
        if not run.spans:
            continue
        first = spans.index(run.spans[0])
        assert spans[first : first + len(run.spans)] == run.spans  # consecutive sentences
        assert not run.starts_text or first == 0
        assert not run.ends_text or first + len(run.spans) == len(spans)
        assert run.spans[0][0] > previous_end
        previous_end = run.spans[-1][1]
    for position, place in zip(positions, located, strict=True):
        expected = next((span for span in spans if span[0] <= position < span[1]), None)
        found = None if place is None else runs[place[0]].spans[place[1]]
        assert found == expected
        if found is not None:
            index = spans.index(found)
            neighbours = spans[max(0, index - reach) : index + reach + 1]
            assert all(span in runs[place[0]].spans for span in neighbours)
    assert finder.first(count) == spans[:count]
    assert finder.last(count) == (spans[-count:] if count else [])
    for index, span in enumerate(spans):
        assert finder.ordinal(span, count) == min(index, count)


def test_the_finder_hands_out_lists_of_its_callers() -> None:
    """The lists of sentences a finder returns are the caller's: extending them changes
    none of its later answers (once a text is split whole, as it is not)."""
    text = "Une seule phrase ici."
    finder = SentenceFinder(text)
    finder.near([0], 1)  # a short text: split whole
    for taken in (finder.first(1), finder.last(1), finder.first(5), finder.last(5)):
        taken.append((0, 1))
    assert finder.first(5) == finder.last(5) == [(0, 21)]
    assert finder.near([3], 1)[0][0].spans == [(0, 21)]
