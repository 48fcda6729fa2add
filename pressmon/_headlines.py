"""What a headline says, folded: the words two copies of a short item share.

A syndicated headline or teaser reaches several feeds with other links and guids,
and aggregators decorate it: Google News writes `Title - Outlet` and repeats the
title and the outlet in the summary. `headline_of` takes an item's title, summary
and outlet (its source's name) and keeps what the outlets share:

* the words of the title, folded (case, accents, punctuation and whitespace), a
  trailing ` - Outlet`, ` | Outlet` (and `–`, `—`, `·`) removed when it names the
  item's outlet;
* the words of the summary, folded, without the outlet's name and without the
  title when the summary only repeats it;
* the **anchors**: the words a copy must never change, or it is another story —
  numbers and numerals, dates (month and day names), proper names (capitalized
  words that are not articles) and negations, in English, French, German,
  Spanish and Italian.

Two headlines are the same story **exactly** when their title and summary words
are equal (`Headline.exact_key`); **nearly** (`same_story_nearly`) when, besides
their articles and possessives (`the`, `its`, `le`, `son`, `der`...), they differ
in at most one word of the title and one of the summary, that word only changing
its ending (`launches` / `launched`, `reporte` / `reportera`), and every anchor is
the same.
`benchmarks/dedup_headlines.py` measures both rules (see `docs/monitor.md`).

The form a store keeps is `Headline.encode()`; it depends on the rules above, so
changing them needs a schema migration that recomputes the stored headlines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

__all__ = ["ANCHOR_WORDS", "DETERMINERS", "Headline", "headline_of", "same_story_nearly"]

_WORD = re.compile(r"\w+")
_OUTLET_SEPARATORS = (" - ", " | ", " – ", " — ", " · ", " :: ")

DETERMINERS = frozenset(
    """
    a an the its their his her
    le la les l un une des du au aux son sa ses leur leurs
    der die das den dem des ein eine einen einem einer sein seine seinen seiner ihr ihre
    el la los las lo un una unos unas al del su sus
    il lo la i gli le un uno una suo sua suoi sue loro
    """.split()
)
"""Articles and possessives: a copy may add or drop one (`Alpine unveils its SUV` /
`Alpine unveils SUV`) and stay the same story."""

_NEGATIONS = """
    not no never none nor without t
    ne pas plus jamais aucun aucune sans ni non
    nicht kein keine keinen keiner nie niemals ohne
    nunca ningun ninguna sin tampoco
    non mai nessun nessuna senza
"""
_NUMERALS = """
    one two three four five six seven eight nine ten eleven twelve twenty hundred thousand
    million millions billion billions dozen half first second third
    un deux trois quatre cinq sept huit neuf dix onze douze vingt cent cents mille
    milliard milliards moitie premier premiere deuxieme troisieme
    eins zwei drei vier funf sechs sieben acht neun zehn zwolf zwanzig hundert tausend
    milliarde milliarden halbe erste zweite dritte
    uno dos tres cuatro cinco seis siete ocho nueve diez doce veinte cien mil millon
    millones primero primera segundo segunda tercero
    due tre quattro cinque sei sette otto nove dieci dodici venti cento mila milione
    milioni miliardo miliardi primo prima terzo
"""
_DATES = """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday
    janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre
    lundi mardi mercredi jeudi vendredi samedi dimanche aujourd hui demain hier
    januar februar marz juni juli oktober dezember
    montag dienstag mittwoch donnerstag freitag samstag sonntag heute morgen gestern
    enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
    lunes martes miercoles jueves viernes sabado domingo hoy manana ayer
    gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
    lunedi martedi mercoledi giovedi venerdi sabato domenica oggi domani ieri
"""
ANCHOR_WORDS = frozenset((_NEGATIONS + _NUMERALS + _DATES).split())
"""Words that are anchors whatever their case: negations, numerals, dates."""

_MIN_NEAR_WORDS = 4  # titles shorter than this (articles aside) are only merged exactly
_MIN_STEM = 4  # the part a changed word keeps
_MAX_ENDING = 3  # the most letters a changed word's ending may have


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = "".join(char for char in decomposed if not unicodedata.combining(char))
    return decomposed


def _words(text: str) -> list[str]:
    """The words of a text as written (accents removed), punctuation dropped."""
    return _WORD.findall(_fold(text))


def _strip_outlet(title: str, outlet: list[str]) -> str:
    """The title without a trailing `- Outlet` naming the item's outlet."""
    if not outlet:
        return title
    for separator in _OUTLET_SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and head.strip() and _names_outlet([w.casefold() for w in _words(tail)], outlet):
            return head
    return title


def _names_outlet(words: list[str], outlet: list[str]) -> bool:
    """Whether `words` name the outlet: the same words, or a run of the outlet's words
    (`Le Monde` for the source `Le Monde.fr - Actualités`), or the outlet's within them."""
    if not words or not outlet:
        return False
    shorter, longer = sorted((words, outlet), key=len)
    size = len(shorter)
    return any(longer[start : start + size] == shorter for start in range(len(longer) - size + 1))


@dataclass(frozen=True)
class Headline:
    """An item's headline as copies share it (see the module docstring)."""

    title: tuple[str, ...]
    """The title's folded words, the outlet's suffix removed."""
    summary: tuple[str, ...]
    """The summary's folded words, without the outlet's name or a repeated title."""
    anchors: tuple[str, ...]
    """The folded anchors of title and summary (numbers, dates, names, negations), sorted."""

    @property
    def exact_key(self) -> str:
        """Equal for two headlines with the same title and summary words."""
        return " ".join(self.title) + "\x1f" + " ".join(self.summary)

    @cached_property
    def near_key(self) -> tuple[object, ...] | None:
        """Equal for every two headlines `same_story_nearly` may join (None: too short to
        be joined nearly): the first letters of each word, articles aside, and the anchors."""
        title = _content(self.title)
        if len(title) < _MIN_NEAR_WORDS:
            return None
        summary = _content(self.summary)
        return (
            tuple(word[:_MIN_STEM] for word in title),
            tuple(word[:_MIN_STEM] for word in summary),
            self.anchors,
        )

    def encode(self) -> str:
        """The form a store keeps (`decode` reads it back)."""
        return "\x1f".join(" ".join(part) for part in (self.title, self.summary, self.anchors))

    @classmethod
    def decode(cls, text: str) -> Headline:
        """Read the form `encode` wrote.

        Args:
            text: a stored headline.

        Returns:
            The headline.
        """
        title, summary, anchors = (tuple(part.split()) for part in text.split("\x1f"))
        return cls(title, summary, anchors)


def headline_of(title: str, summary: str = "", outlet: str | None = None) -> Headline | None:
    """The headline of an item, or None when it has no title.

    Args:
        title: the item's title (plain text).
        summary: its summary (plain text).
        outlet: the name of its outlet (`article.source.name`), removed from both.

    Returns:
        The folded headline with its anchors.
    """
    outlet_words = [word.casefold() for word in _words(outlet or "")]
    raw_title = _words(_strip_outlet(title.strip(), outlet_words))
    if not raw_title:
        return None
    raw_summary = _words(summary)
    folded_title = [word.casefold() for word in raw_title]
    folded_summary = [word.casefold() for word in raw_summary]
    # A summary that repeats the title, then names the outlet (Google News), says nothing more.
    end = len(folded_summary)
    if outlet_words and folded_summary[-len(outlet_words) :] == outlet_words:
        end -= len(outlet_words)
    begin = len(folded_title) if folded_summary[: len(folded_title)] == folded_title else 0
    begin = min(begin, end)
    kept = folded_summary[begin:end]
    anchors = {
        folded
        for written, folded in zip(
            raw_title + raw_summary[begin:end], folded_title + kept, strict=True
        )
        if _is_anchor(written, folded)
    }
    return Headline(tuple(folded_title), tuple(kept), tuple(sorted(anchors)))


def _is_anchor(written: str, folded: str) -> bool:
    if folded in DETERMINERS:
        return False
    return written[:1].isupper() or folded in ANCHOR_WORDS or any(char.isdigit() for char in folded)


def _content(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(word for word in words if word not in DETERMINERS)


def _same_stem(a: str, b: str) -> bool:
    """Whether two words differ only in their endings (`launches` / `launched`)."""
    pairs = enumerate(zip(a, b, strict=False))  # the shorter word's length at most
    common = next((index for index, (x, y) in pairs if x != y), min(len(a), len(b)))
    return common >= _MIN_STEM and max(len(a), len(b)) - common <= _MAX_ENDING


def _nearly_equal(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) != len(b):
        return False
    changed = [(left, right) for left, right in zip(a, b, strict=True) if left != right]
    return not changed or (len(changed) == 1 and _same_stem(*changed[0]))


def same_story_nearly(a: Headline, b: Headline) -> bool:
    """Whether two headlines tell the same story by the near rule (module docstring).

    Args:
        a: a headline.
        b: another.

    Returns:
        True when, articles aside, title and summary each differ in at most one word's
        ending and the anchors are the same.
    """
    if a.anchors != b.anchors or a.near_key is None or b.near_key is None:
        return False
    return _nearly_equal(_content(a.title), _content(b.title)) and _nearly_equal(
        _content(a.summary), _content(b.summary)
    )
