"""Topics as data: the pydantic model, TOML loading, and errors that say where.

A topic is a set of *concept groups* (terms per language), a *rule* saying
which groups must meet in a window of sentences, *exclusions* (contexts that
cancel a window, or the whole article), per-field weights and the scoring
constants. `docs/topics.md` explains every key; the built-in topics under
`pressmon/_detect/topics/` are complete examples.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pressmon._docstrings import describe_fields
from pressmon.exceptions import TopicError

__all__ = [
    "Exclusion",
    "FieldWeights",
    "Group",
    "Rule",
    "Scoring",
    "Topic",
    "load_topic",
    "topic_from_mapping",
]

_LANGUAGE_KEY = re.compile(r"^(?:common|[a-z]{2})$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_TERM_START = re.compile(r"^\w", re.UNICODE)
_WILDCARD_MISPLACED = re.compile(r"\*(?=\w)|(?<!\w)\*")


class _Frozen(BaseModel):
    # Built on first use, field descriptions from the docstrings under the fields
    # (see pressmon._docstrings: use_attribute_docstrings costs a source lookup per class).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        describe_fields(cls)


def _check_term(term: str) -> str:
    stripped = term.strip()
    if not stripped:
        raise ValueError("empty term")
    if len(stripped) > 120:
        raise ValueError(f"term too long (over 120 characters): {term!r}")
    if not _TERM_START.match(stripped):
        raise ValueError(f"term {term!r} must start with a letter or a digit")
    if _WILDCARD_MISPLACED.search(stripped):
        raise ValueError(
            f"{term!r}: '*' may only end a word (write 'lanc*', not 'l*nce' or 'lanc *')"
        )
    return stripped


def _check_plain_term(term: str) -> str:
    if "*" in term:
        raise ValueError(
            f"{term!r}: '*' is not allowed here "
            "(exact terms and ignore phrases are written in full)"
        )
    return _check_term(term)


Term = Annotated[str, AfterValidator(_check_term)]
PlainTerm = Annotated[str, AfterValidator(_check_plain_term)]
Terms = dict[str, tuple[Term, ...]]
PlainTerms = dict[str, tuple[PlainTerm, ...]]


def _check_languages(value: dict[str, tuple[str, ...]]) -> None:
    for language in value:
        if not _LANGUAGE_KEY.match(language):
            raise ValueError(
                f"{language!r} is not a language key: use a two-letter code (en, fr, de, ...) "
                "or 'common' for terms of every language"
            )


class Group(_Frozen):
    """A concept group: the words for one idea, in every language, and how much it weighs."""

    description: str = ""
    """What the group stands for, for people reading the topic or an explanation."""
    weight: float = Field(default=1.0, ge=-10.0, le=10.0)
    """What the group adds to a window's strength when present (negative: counter-evidence)."""
    scope: Literal["window", "article"] = "window"
    """`window`: counts where it meets the rule's groups; `article`: counts once if found
    anywhere in the article (title, summary or text)."""
    terms: Terms = {}
    """Terms per language (`en`, `fr`, ... or `common`), matched without case or accents."""
    exact: PlainTerms = {}
    """Terms matched with their case (`US` but not the pronoun `us`); accents still fold."""
    ignore: PlainTerms = {}
    """Phrases that contain a term of the group without meaning it (`Alpine Linux`)."""

    @field_validator("terms", "exact", "ignore")
    @classmethod
    def _check_language_keys(cls, value: Terms) -> Terms:
        _check_languages(value)
        return value

    @model_validator(mode="after")
    def _has_terms(self) -> Group:
        if not any(self.terms.values()) and not any(self.exact.values()):
            raise ValueError("a group needs at least one term in 'terms' or 'exact'")
        return self

    def all_terms(self) -> list[tuple[str, bool, bool]]:
        """Every `(term, exact, ignore)` of the group, each once."""
        seen: set[tuple[str, bool, bool]] = set()
        out = []
        for table, exact, ignore in ((self.terms, False, False), (self.exact, True, False)):
            for terms in table.values():
                for term in terms:
                    item = (term.strip(), exact, ignore)
                    if item not in seen:
                        seen.add(item)
                        out.append(item)
        for terms in self.ignore.values():
            for term in terms:
                item = (term.strip(), False, True)
                if item not in seen:
                    seen.add(item)
                    out.append(item)
        return out


class Rule(_Frozen):
    """How the groups must co-occur for a window to count as evidence."""

    all: tuple[str, ...] = ()
    """Groups that must all be present in the window."""
    any: tuple[str, ...] = ()
    """Groups of which at least one must be present (none required when empty)."""
    window: int = Field(default=2, ge=1, le=10)
    """The window, in sentences: 1 is the same sentence, 2 a sentence and the next one."""
    headline: tuple[str, ...] = ()
    """Groups that, found in the title, count in every window of the summary and text (at
    `scoring.spread`): the headline names the subject, the body says "the brand"."""
    focus: tuple[str, ...] = ()
    """Groups whose sentence is the centre of a window: groups in that sentence count in
    full, groups only in the window's other sentences count `scoring.spread` times.
    Empty: the centre is the window's strongest sentence."""

    @model_validator(mode="after")
    def _not_empty(self) -> Rule:
        if not self.all and not self.any:
            raise ValueError("the rule needs at least one group in 'all' or 'any'")
        return self


class Exclusion(_Frozen):
    """A context that cancels a match: in a window, or for the whole article."""

    name: str = Field(min_length=1, max_length=64)
    """A short name, shown in explanations."""
    description: str = ""
    """Why it cancels."""
    when: tuple[str, ...] = Field(min_length=1)
    """Groups: the exclusion fires when any of them is present in its scope."""
    unless: tuple[str, ...] = ()
    """Groups: the exclusion does not fire when any of them is present in the same scope."""
    scope: Literal["window", "title", "article"] = "window"
    """`window`: the windows it fires in are not evidence; `title`: nothing is flagged when
    it fires in the title (the headline is about something else); `article`: nothing is
    flagged when it fires anywhere. `unless` is looked for in the same scope."""


class FieldWeights(_Frozen):
    """How much a window counts, by where it is: headlines and leads count more."""

    title: float = Field(default=1.0, ge=0.0, le=2.0)
    """A window with a sentence of the title."""
    summary: float = Field(default=1.0, ge=0.0, le=2.0)
    """A window in the summary (a feed's teaser)."""
    lead: float = Field(default=1.0, ge=0.0, le=2.0)
    """A window in the first `lead_sentences` sentences of the text."""
    body: float = Field(default=0.8, ge=0.0, le=2.0)
    """A window further into the text."""
    tail: float = Field(default=0.6, ge=0.0, le=2.0)
    """A window past `tail_after` sentences of the text (the end of a long article)."""
    lead_sentences: int = Field(default=3, ge=0, le=50)
    """How many sentences of the text are its lead."""
    tail_after: int = Field(default=15, ge=1, le=1000)
    """Sentences of the text after which the tail begins."""


class Scoring(_Frozen):
    """The constants of the score: `sigmoid(bias + scale * evidence)`."""

    bias: float = Field(default=-3.0, ge=-50.0, le=50.0)
    """The log-odds of an article with no evidence at all."""
    scale: float = Field(default=1.0, gt=0.0, le=50.0)
    """How fast the score rises with the evidence."""
    extra: float = Field(default=0.5, ge=0.0, le=1.0)
    """The factor for each further distinct window (1st full, 2nd x extra, 3rd x extra^2 ...)."""
    max_windows: int = Field(default=3, ge=1, le=20)
    """How many distinct windows count at most."""
    spread: float = Field(default=0.5, ge=0.0, le=1.0)
    """The factor for groups found in a window but not in its centre sentence."""


class Topic(_Frozen):
    """A monitored topic, written in TOML or Python; the engine needs nothing else.

    Examples:
        >>> topic = Topic(
        ...     name="cupra-us",
        ...     groups={
        ...         "brand": {"terms": {"common": ["Cupra"]}},
        ...         "market": {"terms": {"en": ["United States"]}, "exact": {"en": ["US"]}},
        ...     },
        ...     rule={"all": ["brand", "market"]},
        ... )
        >>> topic.rule.window
        2
    """

    name: str
    """The topic's name (lower case letters, digits, `-` and `_`): `alpine-us-expansion`."""
    title: str = ""
    """A human title."""
    description: str = ""
    """What the topic is about, what it is not about."""
    languages: tuple[str, ...] = ()
    """The languages its terms cover (informative)."""
    threshold: float = Field(default=0.5, gt=0.0, lt=1.0)
    """An article is flagged when its score reaches this."""
    rule: Rule
    """Which groups must meet, and within how many sentences."""
    groups: dict[str, Group] = Field(min_length=1)
    """The concept groups, by name."""
    exclusions: tuple[Exclusion, ...] = ()
    """Contexts that cancel a match."""
    fields: FieldWeights = FieldWeights()
    """Weights by position: title, summary, lead, body, tail."""
    scoring: Scoring = Scoring()
    """The score's constants."""
    baseline: str = ""
    """A naive keyword query to compare against in `python -m pressmon.evaluate --baseline`."""

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError(
                "a topic name is 1-64 lower-case letters, digits, '-' or '_', "
                "starting with a letter or digit"
            )
        return value

    @field_validator("groups")
    @classmethod
    def _check_group_names(cls, value: dict[str, Group]) -> dict[str, Group]:
        for name in value:
            if not _NAME.match(name):
                raise ValueError(f"group name {name!r}: use lower-case letters, digits, '-' or '_'")
        return value

    @model_validator(mode="after")
    def _check_references(self) -> Topic:
        known = set(self.groups)

        def check(names: tuple[str, ...], key: str) -> None:
            for index, name in enumerate(names):
                if name not in known:
                    raise _ReferenceError(
                        f"{key}.{index}",
                        f"unknown group {name!r} (groups: {', '.join(sorted(known))})",
                    )

        check(self.rule.all, "rule.all")
        check(self.rule.any, "rule.any")
        check(self.rule.focus, "rule.focus")
        check(self.rule.headline, "rule.headline")
        for index, exclusion in enumerate(self.exclusions):
            check(exclusion.when, f"exclusions.{index}.when")
            check(exclusion.unless, f"exclusions.{index}.unless")
        return self

    @cached_property
    def fingerprint(self) -> str:
        """A digest of the whole definition: two topics with the same one behave the same."""
        import hashlib

        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:20]


class _ReferenceError(ValueError):
    """A dangling group reference, with the dotted key it sits at."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def _allowed_keys(location: tuple[str | int, ...]) -> list[str] | None:
    """The keys allowed at the parent of `location` (for 'unknown key' messages)."""
    model: Any = Topic
    for part in location[:-1]:
        if model is None:
            return None
        if isinstance(model, type) and issubclass(model, BaseModel):
            if isinstance(part, int) or part not in model.model_fields:
                return None
            annotation = model.model_fields[part].annotation
            model = _inner_model(annotation)
        elif model == "dict-of-groups":
            model = Group
        elif model == "tuple-of-exclusions":
            model = Exclusion
        else:
            return None
    if isinstance(model, type) and issubclass(model, BaseModel):
        return sorted(model.model_fields)
    return None


def _inner_model(annotation: Any) -> Any:
    from typing import get_args, get_origin

    origin = get_origin(annotation)
    if origin is dict and get_args(annotation)[1] is Group:
        return "dict-of-groups"
    if origin is tuple and get_args(annotation)[:1] == (Exclusion,):
        return "tuple-of-exclusions"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _topic_error(error: ValidationError, path: str | None) -> TopicError:
    first = error.errors()[0]
    location = tuple(first["loc"])
    key = ".".join(str(part) for part in location) or None
    message = first["msg"]
    context = first.get("ctx") or {}
    original = context.get("error")
    if isinstance(original, _ReferenceError):
        key = original.key
        message = original.message
    elif first["type"] == "extra_forbidden":
        allowed = _allowed_keys(location)
        message = "unknown key" + (f" (allowed here: {', '.join(allowed)})" if allowed else "")
    elif first["type"] == "missing":
        message = "this key is required"
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    count = error.error_count()
    if count > 1:
        message += f" (and {count - 1} more problem{'s' if count > 2 else ''})"
    return TopicError(message, path=path, key=key)


def topic_from_mapping(data: Mapping[str, Any], *, path: str | None = None) -> Topic:
    """Validate a topic definition (as read from TOML).

    Raises:
        TopicError: the definition is wrong; the error names the key.
    """
    try:
        return Topic.model_validate(dict(data))
    except ValidationError as error:
        raise _topic_error(error, path) from None


def load_topic(path: str | os.PathLike[str]) -> Topic:
    """Read a topic from a TOML file.

    Args:
        path: the `.toml` file.

    Returns:
        The validated topic.

    Raises:
        TopicError: the file cannot be read, is not TOML, or is not a valid topic;
            the error names the file, the dotted key and what is wrong.
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib  # type: ignore[import-not-found]  # a dependency on 3.10 only

    shown = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise TopicError("no such topic file", path=shown) from None
    except IsADirectoryError:
        raise TopicError("is a directory, not a topic file", path=shown) from None
    except OSError as error:
        raise TopicError(error.strerror or str(error), path=shown) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TopicError("not UTF-8 text; save the topic file as UTF-8", path=shown) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TopicError(f"invalid TOML: {error}", path=shown) from None
    return topic_from_mapping(document, path=shown)
