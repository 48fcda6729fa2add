"""Term compilation and matching: every term of every group, found in one pass.

A *term* is written the way people write it (``États-Unis``, ``U.S.``,
``marché américain``, ``lanc*``) and compiled on its folded form:

- case, accents and typography are folded on both sides (see :mod:`._fold`);
- a run of spaces or hyphens inside a term matches any run of spaces and
  hyphens in the text, or none (``États-Unis`` = ``Etats Unis`` = ``EtatsUnis``,
  ``US-Markt`` = ``US Markt``);
- ``*`` at the end of a word matches the rest of that word (``lanc*``:
  ``lance``, ``lancement``, ``lancera``);
- a term matches whole words only: it starts where a word starts and ends
  where a word ends, and an apostrophe or a hyphen is a word boundary
  (``l'Alpine``, ``d’Alpine``, ``Alpine-Chef``);
- an *exact* term also has to match the case of the text (``US`` is the
  country, ``us`` the pronoun; accents are still folded).

All the terms of all the groups of all the topics go into one regular
expression, built as a trie (shared prefixes are written once), which finds,
at every word start, the longest term there. What that text means for each
group is then looked up (and cached): the longest term *of that group* that
is a whole-word prefix of it. Within one group, the longest match wins and
matches inside it do not count (``marché américain`` is one market term, not
two); different groups see the same text independently (``United States
Grand Prix`` is a race for one group and a country for another).

A group can also list *ignore* phrases: text that contains one of its terms
but does not mean it (``Alpine Linux`` for a car brand, ``Team USA`` for a
market). An ignore phrase is matched like a term; a match of the same group
that lies inside it does not count.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from pressmon._detect._fold import Folded, fold, fold_keep_case

__all__ = ["Gate", "Hit", "Matcher", "TermSpec", "WordGate", "canonical_key", "term_pattern"]

_SEPARATORS = re.compile(r"[\s\-]+")
_SEP = "SEP"
_WILD = "WILD"
# Scripts written without spaces between words (Chinese, Japanese, Thai), or whose words
# take particles without a space (Korean): their terms match anywhere.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\uac00-\ud7af"
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
# A letter or digit of a spaced script: what may not touch a term on either side
# (so "Alpine推迟" still holds the word Alpine).
_SPACED_WORD = rf"[^\W{_UNSPACED}]"
_SPACED_WORD_CHAR = re.compile(_SPACED_WORD)
# Where a term may start (after a character that is not a letter or digit of a spaced
# script) and what may not follow it, as one expression over any text...
_BEFORE_TERM = rf"[\W{_UNSPACED}]"
_AFTER_TERM = rf"(?!{_SPACED_WORD})"
# ... and over ASCII text, where they mean the same: an ASCII-only class is a bitmap
# that `re` tests in a few instructions, where the class above costs a Unicode lookup
# per character (matching a 3 KB article: 80 -> 60 us).
_BEFORE_TERM_ASCII = "[^a-zA-Z0-9_]"
_AFTER_TERM_ASCII = "(?![a-zA-Z0-9_])"


def _bounded(body: str, *, ascii_only: bool) -> re.Pattern[str]:
    """Find, after a character that can precede a term, the terms of `body` that end a
    word (searched in " " + text, so that the text's start can precede one too)."""
    if ascii_only:
        return re.compile(f"{_BEFORE_TERM_ASCII}(?=({body}){_AFTER_TERM_ASCII})")
    return re.compile(f"{_BEFORE_TERM}(?=({body}){_AFTER_TERM})")


def canonical_key(folded: str) -> str:
    """The lookup key of a folded term or text: separators removed."""
    return _SEPARATORS.sub("", folded)


def _tokens(folded_term: str) -> list[str]:
    """Split a folded term into regex tokens: single characters, SEP and WILD."""
    tokens: list[str] = []
    index = 0
    while index < len(folded_term):
        char = folded_term[index]
        if char.isspace() or char == "-":
            while index < len(folded_term) and (
                folded_term[index].isspace() or folded_term[index] == "-"
            ):
                index += 1
            tokens.append(_SEP)
            continue
        tokens.append(_WILD if char == "*" else char)
        index += 1
    return tokens


def _token_regex(token: str) -> str:
    if token == _SEP:
        return r"[\s\-]*"
    if token == _WILD:
        return r"\w*"
    return re.escape(token)


def term_pattern(term: str) -> str:
    """The regular expression (over folded text, without boundaries) of one term."""
    return "".join(_token_regex(token) for token in _tokens(fold(term).text))


@dataclass(frozen=True)
class TermSpec:
    """One term of one group, compiled."""

    group: int
    """The global index of the group (see :class:`Matcher`)."""
    text: str
    """The term as the topic writes it."""
    key: str
    """Its lookup key (folded, separators removed); the literal prefix for a wildcard term."""
    wildcard: re.Pattern[str] | None = None
    """For a term with ``*``: the pattern a matched text must fully match."""
    exact: str | None = None
    """For a case-sensitive term: the key with its case kept."""
    ignore: bool = False
    """An ignore phrase: matched, then dropped with what it covers."""


class Hit(NamedTuple):
    """A term found in a text: offsets into the original text.

    A named tuple (immutable, compared by value): an article rich in terms
    yields hundreds of hits, and a tuple is built several times faster than a
    frozen dataclass.
    """

    group: int
    start: int
    end: int
    spec: TermSpec


def _separator_positions(tokens: list[str]) -> set[int]:
    """Key positions after which a term's pattern allows separators, up to its first '*'."""
    positions: set[int] = set()
    index = -1
    for token in tokens:
        if token == _WILD:
            break
        if token == _SEP:
            positions.add(index)
        else:
            index += 1
    return positions


def _trie_regex(token_lists: Iterable[list[str]]) -> str:
    trie: dict[str, dict] = {}  # type: ignore[type-arg]  # a recursive structure
    for tokens in token_lists:
        node = trie
        for token in tokens:
            node = node.setdefault(token, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]  # recursive
        alternatives = []
        terminal = False
        # Literal characters first, then separators and wildcards, so that the
        # alternation tries the specific continuations before the loose ones.
        for token in sorted(node, key=lambda t: (t in (_SEP, _WILD), t)):
            if token == "":
                terminal = True
                continue
            alternatives.append(_token_regex(token) + emit(node[token]))
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        if terminal:
            body = f"(?:{body})?"
        return body

    return emit(trie)


GateTokens = Callable[[str], tuple[list[str], bool]]
"""A term -> its tokens for a gate, and whether it is of an unspaced script."""
# A word gate's expressions: spaced terms (any text, ASCII text), unspaced terms.
_GatePatterns = tuple[re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None]


class Gate:
    """A quick test: does a folded text contain any of some terms (case and ignores aside)?

    It answers yes for every text in which a `Matcher` could find one
    of these terms (it is looser: no case, no word boundaries, no ignore
    phrases, and the separators the matcher may find inside a term, see
    `Matcher.gate_tokens`), so it can decide cheaply that the full
    matching is not needed.
    """

    def __init__(self, terms: Sequence[str], tokens_of: GateTokens) -> None:
        spaced: list[list[str]] = []
        unspaced: list[list[str]] = []
        for term in terms:
            tokens, is_unspaced = tokens_of(term)
            if tokens:
                (unspaced if is_unspaced else spaced).append(tokens)
        # No word boundaries: looser, and much faster to search (the engine can skip
        # every position whose character cannot start a term).
        self._spaced = re.compile(_trie_regex(spaced)) if spaced else None
        self._unspaced = re.compile(_trie_regex(unspaced)) if unspaced else None

    def __call__(self, folded_text: str) -> bool:
        """True when the text may contain one of the terms."""
        if self._spaced is not None and self._spaced.search(folded_text):
            return True
        return bool(
            self._unspaced is not None
            and not folded_text.isascii()
            and _UNSPACED_CHAR.search(folded_text)
            and self._unspaced.search(folded_text)
        )


class WordGate:
    """The test of one group: could a `Matcher` find one of its terms in a folded text?

    Tighter than `Gate` and slower: a term of a spaced script is looked
    for where the matcher looks for it, from a word start to a word end (a
    boundary-free `us` is in "plus" and "business"); it is still looser than
    the matcher (no case, no ignore phrases, the separators the matcher may
    find inside a term), so a no is final.
    """

    def __init__(self, terms: Sequence[str], tokens_of: GateTokens) -> None:
        # Compiled when first needed: most articles never get past the Gate.
        self._terms = tuple(terms)
        self._tokens_of = tokens_of
        self._compiled: _GatePatterns | None = None

    def _compile(self) -> _GatePatterns:
        spaced: list[list[str]] = []
        unspaced: list[list[str]] = []
        for term in self._terms:
            tokens, is_unspaced = self._tokens_of(term)
            if tokens:
                (unspaced if is_unspaced else spaced).append(tokens)
        # The matcher's own boundaries (see Matcher.pattern), searched in " " + text.
        body = _trie_regex(spaced) if spaced else ""
        return (
            _bounded(body, ascii_only=False) if spaced else None,
            _bounded(body, ascii_only=True) if spaced else None,
            re.compile(_trie_regex(unspaced)) if unspaced else None,
        )

    def __call__(self, folded_text: str) -> bool:
        """True when the text may contain one of the terms."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = self._compile()
        spaced, spaced_ascii, unspaced = compiled
        if folded_text.isascii():
            return spaced_ascii is not None and spaced_ascii.search(" " + folded_text) is not None
        if spaced is not None and spaced.search(" " + folded_text):
            return True
        return bool(
            unspaced is not None
            and _UNSPACED_CHAR.search(folded_text)
            and unspaced.search(folded_text)
        )


class Matcher:
    """All the terms of a set of groups, compiled into one pass over a text."""

    def __init__(self, specs: Sequence[tuple[int, str, bool, bool]]) -> None:
        """Compile terms.

        Args:
            specs: ``(group, term, exact, ignore)`` for every term.
        """
        self._literal: dict[str, list[TermSpec]] = {}
        self._wildcards: dict[str, list[TermSpec]] = {}
        token_lists: list[list[str]] = []
        unspaced_lists: list[list[str]] = []
        # Where each term's pattern allows separators, in positions of its key (see
        # gate_tokens): for literal terms, and for wildcard terms before the '*'.
        literal_separators: dict[str, set[int]] = {}
        self._wildcard_separators: list[tuple[str, frozenset[int]]] = []
        for group, term, exact, ignore in specs:
            folded = fold(term).text
            tokens = _tokens(folded)
            if not tokens:
                continue
            positions = _separator_positions(tokens)
            if _WILD in tokens:
                self._wildcard_separators.append(
                    (canonical_key(folded.split("*", 1)[0]), frozenset(positions))
                )
            else:
                literal_separators.setdefault(canonical_key(folded), set()).update(positions)
            if _UNSPACED_CHAR.match(folded):
                unspaced_lists.append(tokens)
            else:
                token_lists.append(tokens)
            exact_key = canonical_key(fold_keep_case(term)) if exact else None
            if _WILD in tokens:
                pattern = re.compile("".join(_token_regex(token) for token in tokens))
                literal_prefix = canonical_key(folded.split("*", 1)[0])
                spec = TermSpec(group, term, literal_prefix, pattern, exact_key, ignore)
                self._wildcards.setdefault(literal_prefix[:1], []).append(spec)
            else:
                spec = TermSpec(group, term, canonical_key(folded), None, exact_key, ignore)
                self._literal.setdefault(spec.key, []).append(spec)
        for bucket in self._literal.values():
            # Ignore phrases first, then case-insensitive terms, then exact ones.
            bucket.sort(key=lambda spec: (not spec.ignore, spec.exact is not None))
        body = _trie_regex(token_lists) if token_lists else "(?!)"
        # A term starts after a character that is not a letter or digit of a spaced
        # script. Matching that character (rather than looking behind for it) lets the
        # regular expression engine skip from one such character to the next; the text
        # is searched with one space in front so that it can start a term too.
        self.pattern = _bounded(body, ascii_only=False)
        self.ascii_pattern = _bounded(body, ascii_only=True)
        self.unspaced_pattern = (
            re.compile(f"(?=({_trie_regex(unspaced_lists)}))") if unspaced_lists else None
        )
        self._resolved: dict[str, tuple[tuple[int, int, TermSpec], ...]] = {}
        self._literal_keys = sorted(literal_separators)
        self._literal_separators = [literal_separators[key] for key in self._literal_keys]

    def gate_tokens(self, term: str) -> tuple[list[str], bool]:
        """The tokens a gate searches for `term`, and whether its script is unspaced.

        The matcher looks a found text up with its separators removed, so a
        term is found wherever another term's pattern matched its letters with
        separators between them (the term `EtatsUnis` in "Etats Unis", once
        the term `Etats-Unis` matched that text). A term's gate pattern
        therefore allows a separator wherever any term whose key starts with
        this one's allows one (anywhere past the '*' of a wildcard term). A
        wildcard term is checked against its own pattern, which is enough.
        """
        folded = fold(term).text
        tokens = _tokens(folded)
        unspaced = bool(_UNSPACED_CHAR.match(folded))
        if not tokens or _WILD in tokens:
            return tokens, unspaced
        key = canonical_key(folded)
        last = len(key) - 1  # a found text never ends with a separator
        allowed: set[int] = set()
        keys = self._literal_keys
        index = bisect_left(keys, key)
        while index < len(keys) and keys[index].startswith(key):
            allowed.update(self._literal_separators[index])
            index += 1
        for prefix, positions in self._wildcard_separators:
            if key.startswith(prefix):
                allowed.update(positions)
                allowed.update(range(max(len(prefix) - 1, 0), last))
            elif prefix.startswith(key):
                allowed.update(positions)
        out: list[str] = []
        for position, char in enumerate(key):
            out.append(char)
            if position in allowed and position < last:
                out.append(_SEP)
        return out, unspaced

    def _lookup(self, prefix: str) -> list[TermSpec]:
        key = canonical_key(prefix)
        found = list(self._literal.get(key, ()))
        found.extend(
            spec
            for spec in self._wildcards.get(key[:1], ())
            if spec.wildcard is not None
            and key.startswith(spec.key)
            and spec.wildcard.fullmatch(prefix)
        )
        return found

    def resolve(
        self, matched: str, *, unspaced: bool = False
    ) -> tuple[tuple[int, int, TermSpec], ...]:
        """For the longest term text found at a position: per group, its longest term there.

        Returns ``(group, length, spec)`` triples, ``length`` in folded characters.
        """
        cache_key = f"\x00{matched}" if unspaced else matched
        cached = self._resolved.get(cache_key)
        if cached is not None:
            return cached
        found: dict[int, tuple[int, int, TermSpec]] = {}
        for cut in range(len(matched), 0, -1):
            if not unspaced and cut < len(matched) and _SPACED_WORD_CHAR.match(matched, cut):
                continue  # not a word end
            prefix = matched[:cut]
            if prefix[-1].isspace() or prefix[-1] == "-":
                continue
            for spec in self._lookup(prefix):
                if spec.group not in found:
                    found[spec.group] = (spec.group, cut, spec)
        result = tuple(found.values())
        if len(self._resolved) > 200_000:
            self._resolved.clear()
        self._resolved[cache_key] = result
        return result

    def find(self, folded: Folded) -> list[Hit]:
        """Every group's matches in a folded text, with offsets into the original text."""
        # Candidates per group, in the order of their start (finditer's order).
        by_group: dict[int, list[tuple[int, int, TermSpec]]] = {}
        ignored: dict[int, list[tuple[int, int]]] = {}
        resolve = self.resolve
        pattern = self.ascii_pattern if folded.text.isascii() else self.pattern
        for match in pattern.finditer(" " + folded.text):
            start = match.start(1) - 1
            for group, length, spec in resolve(match.group(1)):
                if spec.ignore:
                    ignored.setdefault(group, []).append((start, start + length))
                else:
                    by_group.setdefault(group, []).append((start, start + length, spec))
        if (
            self.unspaced_pattern is not None
            and not folded.text.isascii()
            and _UNSPACED_CHAR.search(folded.text)
        ):
            for match in self.unspaced_pattern.finditer(folded.text):
                start = match.start()
                for group, length, spec in resolve(match.group(1), unspaced=True):
                    if spec.ignore:
                        ignored.setdefault(group, []).append((start, start + length))
                    else:
                        by_group.setdefault(group, []).append((start, start + length, spec))
            # The two passes interleave: order each group by start, longest first.
            for candidates in by_group.values():
                candidates.sort(key=lambda item: (item[0], -item[1]))
        if not by_group:
            return []
        hits: list[Hit] = []
        original = folded.original
        identity = not folded.breaks
        for group in sorted(by_group):
            last_end = 0
            spans = ignored.get(group)
            for start, end, spec in by_group[group]:
                if start < last_end:
                    continue
                if spans and any(low <= start and end <= high for low, high in spans):
                    continue
                if identity:
                    original_start, original_end = start, end
                else:
                    original_start, original_end = folded.start(start), folded.end(end)
                if spec.exact is not None and (
                    canonical_key(fold_keep_case(original[original_start:original_end]))
                    != spec.exact
                ):
                    continue
                last_end = end
                hits.append(Hit(group, original_start, original_end, spec))
        return hits
