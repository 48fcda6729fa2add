"""Topic detection: which monitored topics an article mentions, with the evidence.

This first engine keeps the contract the rest of pressmon relies on,
:func:`detect` returning :class:`~pressmon.models.Flag` objects with
sentence evidence and term offsets, and a first ``alpine-us-expansion``
topic. Terms are matched on accent- and case-folded text; offsets refer to
the original field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from pressmon.models import Article, Evidence, Flag, TermMatch, TextField

__all__ = ["BUILTIN_TOPICS", "SimpleTopic", "detect", "fold"]

_FIELDS: tuple[TextField, ...] = ("title", "summary", "text")


def fold(text: str) -> tuple[str, list[int]]:
    """Fold case and accents, one output character per input character where possible.

    Returns the folded text and, for each of its characters, the offset of the
    original character it came from.
    """
    out: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out.append(char.lower())
            offsets.append(index)
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        kept = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        if char in "’‘`´":
            kept = "'"
        elif char in "‐‑‒–—":
            kept = "-"
        elif char.isspace():
            kept = " "
        for folded in kept:
            out.append(folded)
            offsets.append(index)
    return "".join(out), offsets


_SENTENCE_BREAK = re.compile(
    r"(?<!\b[A-Z])(?<!\bU\.S)(?<!\bM)(?<!\bMr)(?<!\bDr)(?<!\bSt)[.!?…]+[»”\"')]*\s+(?=[«“\"'(]?\s?[A-ZÀ-ÖØ-Þ0-9])|\n\s*\n|\n"
)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(text):
        end = match.start() + len(match.group().rstrip())
        if text[start:end].strip():
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


@dataclass(frozen=True)
class SimpleTopic:
    """A topic for the first engine: required term groups, exclusions, a window."""

    name: str
    groups: dict[str, tuple[str, ...]]
    case_sensitive: dict[str, tuple[str, ...]]
    exclusions: tuple[str, ...]
    window: int = 1
    threshold: float = 0.5

    @property
    def patterns(self) -> dict[str, re.Pattern[str]]:
        return _compile(self)


@cache
def _compile_terms(terms: tuple[str, ...], flags: int) -> re.Pattern[str]:
    body = "|".join(sorted((re.escape(term) for term in terms), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def _compile(topic: SimpleTopic) -> dict[str, re.Pattern[str]]:
    return {group: _compile_terms(terms, 0) for group, terms in topic.groups.items()}


def _find(topic: SimpleTopic, text: str) -> list[TermMatch]:
    folded, offsets = fold(text)
    found = []
    for group, pattern in topic.patterns.items():
        for match in pattern.finditer(folded):
            start, end = offsets[match.start()], offsets[match.end() - 1] + 1
            found.append(TermMatch(group=group, term=text[start:end], start=start, end=end))
    found.extend(
        TermMatch(group=group, term=match.group(), start=match.start(), end=match.end())
        for group, terms in topic.case_sensitive.items()
        for match in _compile_terms(terms, 0).finditer(text)
    )
    return found


def _excluded(topic: SimpleTopic, text: str) -> bool:
    folded, _ = fold(text)
    return _compile_terms(topic.exclusions, 0).search(folded) is not None


def _evidence(topic: SimpleTopic, field: TextField, text: str) -> list[Evidence]:
    matches = _find(topic, text)
    if not matches:
        return []
    spans = _sentences(text)
    evidence = []
    for index in range(len(spans)):
        window = spans[index : index + topic.window]
        start, end = window[0][0], window[-1][1]
        inside = [m for m in matches if start <= m.start and m.end <= end]
        if {m.group for m in inside} >= set(topic.groups) | set(topic.case_sensitive):
            if _excluded(topic, text[start:end]):
                continue
            evidence.append(
                Evidence(
                    field=field, start=start, end=end, text=text[start:end], matches=tuple(inside)
                )
            )
    return evidence


def _score(evidence: Sequence[Evidence]) -> float:
    if not evidence:
        return 0.0
    fields = {item.field for item in evidence}
    score = 0.55 + 0.1 * min(len(evidence), 3) + (0.1 if "title" in fields else 0.0)
    return round(min(score, 0.99), 3)


_US = (
    "etats-unis", "etats unis", "e.-u.", "usa", "u.s.", "u.s.a.", "united states",
    "america", "amerique", "amerique du nord", "north america", "american market",
    "marche americain", "americaine", "americaines", "americain", "americains", "autonation",
    "stati uniti", "estados unidos", "vereinigten staaten", "usa-markt", "us-markt",
    "nordamerika", "norteamerica", "nord america",
)  # fmt: skip
_BUSINESS = (
    "autonation", "marche", "market", "markt", "mercato", "mercado", "concessionnaire",
    "concessionnaires", "distributeur", "dealer", "dealers", "dealership", "dealerships",
    "lancement", "launch", "launches", "launched", "arrivee", "arrive", "implanter",
    "s'implanter", "commercialiser", "commercialisation", "sell", "sales", "ventes",
    "deploiement", "deployer", "expansion", "expand", "enter", "entry", "debut", "plans",
    "plan", "report", "reporte", "postpone", "postponed", "delay", "delayed", "clientele",
    "marchés", "marches", "markteinfuhrung", "lanzamiento", "lancio",
)  # fmt: skip

BUILTIN_TOPICS: dict[str, SimpleTopic] = {
    "alpine-us-expansion": SimpleTopic(
        name="alpine-us-expansion",
        groups={"brand": ("alpine",), "market": _US, "business": _BUSINESS},
        case_sensitive={},
        exclusions=(
            "linux",
            "docker",
            "ski",
            "skiing",
            "skieur",
            "skieuse",
            "slalom",
            "descente",
            "electronics",
            "car audio",
            "autoradio",
            "alpine bank",
            "alpine, texas",
            "alpine, utah",
            "alpine, california",
        ),
        window=2,
    )
}


def detect(article: Article, topics: Iterable[str] | None = None) -> list[Flag]:
    """Return the topics an article is flagged for, strongest first.

    Args:
        article: the article to read (title, summary and text).
        topics: names of built-in topics; all of them when None.

    Returns:
        One :class:`Flag` per topic whose score reaches its threshold.

    Raises:
        KeyError: an unknown topic name.
    """
    selected = [BUILTIN_TOPICS[name] for name in (topics or BUILTIN_TOPICS)]
    flags = []
    for topic in selected:
        evidence: list[Evidence] = []
        for field in _FIELDS:
            text = article.field_text(field)
            if text:
                evidence.extend(_evidence(topic, field, text))
        score = _score(evidence)
        if score >= topic.threshold:
            flags.append(Flag(topic=topic.name, score=score, evidence=tuple(evidence[:5])))
    return sorted(flags, key=lambda flag: -flag.score)
