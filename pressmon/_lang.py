"""Article language: the declared one when it is usable, else a small, fast detector.

Detection counts frequent function words ("le", "der", "the", ...) of the
European languages press monitoring meets most, and recognizes the main
non-Latin scripts. It is deterministic, needs no model file and takes
microseconds, which matters because it runs on every article. It returns None
rather than guessing when the text is too short or too mixed (a title of three
proper nouns has no language a detector can see). See docs/design.md for why
not langdetect or lingua.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from itertools import filterfalse

__all__ = ["detect_language", "normalize_language"]

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and of to in is was for that with on as are by this from at be have has had "
        "it its will would which their they were been not but or an who said after".split()
    ),
    "fr": frozenset(
        "le la les des du de et est une un pour dans sur pas que qui au aux avec ce cette "
        "sont il elle ont par plus se sa son ses été mais nous vous leur ou être".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine den dem des mit sich auf für von zu im auch "
        "wird werden sie es hat als bei nach noch wie aus einer über vor sind war".split()
    ),
    "es": frozenset(
        "el la los las de del y que en un una por con para es se no su al lo como más "
        "pero sus fue este esta ha han son ya está entre desde también sobre".split()
    ),
    "it": frozenset(
        "il lo la gli le di del della dei delle che è e un una per con non sono nel nella "
        "alla al da si ha anche più come ma questo questa dopo essere stato".split()
    ),
    "pt": frozenset(
        "o a os as de do da dos das e que em um uma para com não se por mais como mas ao "
        "foi são está também seu sua pelo pela entre já quando muito tem".split()
    ),
    "nl": frozenset(
        "de het een en van in is dat op te zijn voor met niet die aan er ook als bij om "
        "door maar naar uit dan wordt heeft werd nog worden tot over deze".split()
    ),
    "sv": frozenset(
        "och i att det som en på är av för med till den har de inte om ett var men från "
        "också vid kan efter under detta eller sin sina blir".split()
    ),
    "pl": frozenset(
        "i w na z się że nie do to jest o jak po przez dla od jego ale są tak już lub "
        "przy tym oraz został może także będzie".split()
    ),
}

# word -> the languages it is a function word of, built once.
_LANGUAGES_OF_WORD: dict[str, tuple[str, ...]] = {}
for _code, _words in _STOPWORDS.items():
    for _word in _words:
        _LANGUAGES_OF_WORD[_word] = (*_LANGUAGES_OF_WORD.get(_word, ()), _code)

# Non-Latin scripts identify the language (or a close family) by themselves.
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana: Japanese even beside kanji
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
)

# Any character of those scripts: one scan rules them all out (most text is Latin).
_ANY_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LANGUAGE_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")
_THREE_TO_TWO = {
    "eng": "en", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "spa": "es",
    "ita": "it", "por": "pt", "nld": "nl", "dut": "nl", "swe": "sv", "pol": "pl",
    "rus": "ru", "jpn": "ja", "zho": "zh", "chi": "zh", "kor": "ko", "ara": "ar",
}  # fmt: skip
_NAMES = {
    "english": "en", "french": "fr", "français": "fr", "francais": "fr", "german": "de",
    "deutsch": "de", "spanish": "es", "español": "es", "italian": "it", "italiano": "it",
    "portuguese": "pt", "português": "pt", "dutch": "nl", "nederlands": "nl",
}  # fmt: skip

# Below this many function-word hits the evidence is too thin to name a language.
_MIN_HITS = 2
_SAMPLE_CHARS = 4000


def normalize_language(tag: str | None) -> str | None:
    """Turn a declared language (`fr-FR`, `en_US`, `fra`, `French`) into ISO 639-1.

    Returns None for an empty or unusable declaration.
    """
    if not tag:
        return None
    lowered = tag.strip().lower()
    if lowered in _NAMES:
        return _NAMES[lowered]
    match = _LANGUAGE_TAG.match(lowered)
    if match is None:
        return None
    primary = match.group(1)
    if len(primary) == 3:
        return _THREE_TO_TWO.get(primary)
    return primary


def _joined_words(sample: str) -> str:
    """The words `_WORD` finds in `sample`, joined by spaces, in some order.

    A word never holds whitespace, so each whitespace-separated token holds
    whole words; a token of letters only (`str.isalpha`, a subset of what
    `_WORD` matches) is one word as it stands. Only the other tokens (with
    punctuation or digits) go through the regular expression, which costs
    about ten times `str.split` per character. Counting needs the words, not
    their order.
    """
    tokens = sample.split()
    letters = " ".join(filter(str.isalpha, tokens))
    others = " ".join(filterfalse(str.isalpha, tokens))
    if not others:
        return letters
    return f"{letters} {' '.join(_WORD.findall(others))}"


def _word_counts(sample: str) -> tuple[Mapping[str, int], bool]:
    """How often each word of `sample` (what `_WORD` finds), lower-cased, occurs; and
    whether `sample` may hold a character of the non-Latin scripts (False is sure).

    Lower-casing the whole sample first is lower-casing each word when no
    character changes length (a character whose lower case keeps its length
    keeps its class: tests/test_lang.py checks every code point). Then the
    sample's tokens are counted at once, and only the tokens that are not all
    letters are split into words by the regular expression. Every character but
    white space is in some token, and lower-casing keeps a script's characters
    in their block (checked there too): the distinct tokens, often a third of
    the sample, are what is searched for other scripts.
    """
    if sample.isascii():
        lowered = sample.lower()
        scripts = False
    else:
        lowered = sample.lower()
        if len(lowered) != len(sample):
            counted = Counter(_joined_words(sample).lower().split())
            return counted, _ANY_SCRIPT.search(sample) is not None
        scripts = True
    tokens = lowered.split()
    counts = Counter(tokens)
    if scripts:
        scripts = _ANY_SCRIPT.search(" ".join(counts)) is not None
    others = " ".join(filterfalse(str.isalpha, tokens))
    if others:
        # Tokens with a digit or punctuation are not function words; their words are.
        counts.update(_WORD.findall(others))
    return counts, scripts


def detect_language(text: str) -> str | None:
    """Guess the ISO 639-1 language of a text, or None when it cannot tell.

    Examples:
        >>> detect_language("Le groupe Renault étudie la possibilité de venir aux Etats-Unis.")
        'fr'
    """
    sample = text[:_SAMPLE_CHARS]
    # Each distinct word once (counted in C), then only the function words among them.
    words, scripts = _word_counts(sample)
    if scripts:
        for code, pattern in _SCRIPTS:
            if len(pattern.findall(sample)) >= 2:
                return code
    hits: dict[str, int] = {}
    for word in words.keys() & _LANGUAGES_OF_WORD.keys():
        for code in _LANGUAGES_OF_WORD[word]:
            hits[code] = hits.get(code, 0) + words[word]
    if not hits:
        return None
    best = max(hits, key=hits.__getitem__)
    best_hits = hits[best]
    runner_up = max((count for code, count in hits.items() if code != best), default=0)
    if best_hits < _MIN_HITS or best_hits == runner_up:
        return None
    return best
