"""The public data types: the shared `Article` schema and what detection says about it.

Every model is a frozen pydantic v2 model: values are validated once, on the way
in, and never change afterwards, so an article can be hashed, cached, shared
between threads and compared for equality. JSON round-trips exactly::

    Article.model_validate_json(article.model_dump_json()) == article

The JSON Schema of [`Article`][pressmon.Article] is kept in `docs/schema/article.schema.json`
(`python -m pressmon._schema` rewrites it; a test fails when it is stale).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from pressmon._docstrings import describe_fields

__all__ = [
    "Alert",
    "Article",
    "DatePrecision",
    "Evidence",
    "EvidenceWindow",
    "ExclusionHit",
    "Explanation",
    "Extraction",
    "FeedReport",
    "FeedRequest",
    "FetchFailure",
    "FetchFailureKind",
    "FetchResult",
    "Flag",
    "GroupMatch",
    "PageResponse",
    "ParsedFeed",
    "RunReport",
    "ScanResult",
    "ScannedArticle",
    "Source",
    "StoryCopy",
    "TermMatch",
    "make_article_id",
]

DatePrecision = Literal["year", "month", "day", "minute", "second"]
"""How much of a date the source really gave: `2023-05` has precision `month`."""

TextField = Literal["title", "summary", "text"]
"""The article fields detection reads."""


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        # Validators and serializers are built on first use: a program pays only for
        # the models it uses. The docstring under each field is its description (as
        # use_attribute_docstrings does, from one parse of this file: see _docstrings).
        defer_build=True,
        # Every field is always written in JSON, so the schema lists them all as required.
        json_schema_serialization_defaults_required=True,
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        describe_fields(cls)


class Source(_Frozen):
    """Where an article was published and how pressmon got it."""

    name: str | None = None
    """The publication's name (`Le Monde`, a feed title, or a file name for local files)."""
    url: str | None = None
    """The publication's site URL."""
    feed_url: str | None = None
    """The URL of the feed the article was read from, if any."""


class Extraction(_Frozen):
    """What happened when pressmon read the article's text from its web page.

    Set by [`extract_article`][pressmon.extract_article] and by full-text enrichment, which
    follows a feed item's link to replace a thin summary with the page's text."""

    status: Literal["ok", "not_article", "failed", "skipped"]
    """`ok` (the page's main text was read), `not_article` (the page is a home page, a
    login wall or a teaser), `failed` (the page could not be fetched or read; the feed's
    own text is kept) or `skipped` (not allowed, for example a private address).
    """
    url: str | None = None
    """The page URL that was read or requested (None for a local file)."""
    engine: str | None = None
    """The extraction engine used (`bs4` or `trafilatura`)."""
    message: str | None = None
    """A human explanation when the status is not `ok`."""
    temporary: bool = False
    """A `failed` read that may succeed later (a timeout, a connection error, HTTP 408,
    429 or 5xx): the monitor tries such pages again on its next runs."""


def make_article_id(
    source_key: str, guid: str | None, url: str | None, title: str, text: str
) -> str:
    """Return the stable id of an article.

    The id depends only on where the article comes from (`source_key`: the
    feed URL, or the site, or the source name) and on the most stable
    identifier the source gives for the entry: its guid, else its canonical
    URL, else its title and text. Fetch time never enters it, so the same story
    from the same source always gets the same id.

    Args:
        source_key: the identity of the source.
        guid: the source's own entry id, if any.
        url: the article's canonical URL, if any.
        title: the plain-text title.
        text: the plain-text body (or summary, when there is no body).

    Returns:
        24 lowercase hex characters.
    """
    if guid:
        key = f"guid\x00{guid}"
    elif url:
        key = f"url\x00{url}"
    else:
        key = f"content\x00{title}\x00{text}"
    digest = hashlib.sha256(f"{source_key}\x00{key}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:24]


def _source_key(source: Source) -> str:
    return source.feed_url or source.url or source.name or ""


class Article(_Frozen):
    """One news article, normalized: the schema every source and every step shares.

    Build one with keyword arguments; `id` is derived when not given (see
    `make_article_id`) and `fetched_at` defaults to now.
    """

    id: str = Field(default="", min_length=1)
    """Stable identifier: the same story from the same source always gets the same id."""
    guid: str | None = None
    """The source's own entry id (RSS `guid`, Atom `id`), if any."""
    url: str | None = None
    """The canonical article URL: fragment dropped, host lower-cased, tracking parameters
    (`utm_*`, `fbclid`, `gclid`, ...) removed.
    """
    title: str = ""
    """Plain-text title (may be empty)."""
    summary: str = ""
    """Plain-text summary or teaser, as the source gave it."""
    text: str = ""
    """Plain-text body, paragraphs separated by a blank line."""
    authors: tuple[str, ...] = ()
    """Author names."""
    published: AwareDatetime | None = None
    """Publication time, timezone-aware UTC, or None when unknown. A partial date is stored at
    its first instant (`2023-05` becomes 2023-05-01T00:00Z) and `published_precision`
    says how much of it is real.
    """
    published_precision: DatePrecision | None = None
    """`year`, `month`, `day`, `minute` or `second`."""
    updated: AwareDatetime | None = None
    """Last update time (UTC), when the source gives one."""
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    """ISO 639-1 code, declared by the source or detected from the text."""
    source: Source = Source()
    """Where the article was published and read from."""
    tags: tuple[str, ...] = ()
    """Categories and keywords from the source."""
    image: str | None = None
    """The lead image URL, if any."""
    fetched_at: AwareDatetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    """When pressmon read the article (UTC)."""
    extraction: Extraction | None = None
    """What happened when the text was extracted from the article's page, if it was."""

    @model_validator(mode="before")
    @classmethod
    def _derive_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if not data.get("id"):
            source = data.get("source") or Source()
            if isinstance(source, dict):
                source = Source.model_validate(source)
            data = {
                **data,
                "id": make_article_id(
                    _source_key(source),
                    data.get("guid"),
                    data.get("url"),
                    data.get("title") or "",
                    data.get("text") or data.get("summary") or "",
                ),
            }
        if data.get("published") is not None and not data.get("published_precision"):
            data = {**data, "published_precision": "second"}
        return data

    @field_validator("published", "updated", "fetched_at")
    @classmethod
    def _to_utc(cls, value: datetime | None) -> datetime | None:
        return value.astimezone(timezone.utc) if value is not None else None

    @model_validator(mode="after")
    def _check_precision(self) -> Article:
        if self.published is None and self.published_precision is not None:
            raise ValueError("published_precision is set but published is None")
        return self

    @property
    def published_label(self) -> str | None:
        """The publication date written at its real precision (`2023-05`, `2023-05-02`)."""
        if self.published is None:
            return None
        formats = {
            "year": "%Y",
            "month": "%Y-%m",
            "day": "%Y-%m-%d",
            "minute": "%Y-%m-%d %H:%M UTC",
            "second": "%Y-%m-%d %H:%M:%S UTC",
        }
        return self.published.strftime(formats[self.published_precision or "second"])

    def field_text(self, field: TextField) -> str:
        """Return the plain text of one of the fields detection reads.

        Args:
            field: `"title"`, `"summary"` or `"text"`.
        """
        value: str = getattr(self, field)
        return value


class TermMatch(_Frozen):
    """One term of a topic's concept group found in an article field."""

    group: str
    """The concept group the term belongs to (`brand`, `market`, ...)."""
    term: str
    """The text as it appears in the article."""
    start: int = Field(ge=0)
    """Offset of the term's first character in the field."""
    end: int = Field(ge=0)
    """Offset just past the term's last character in the field."""


class Evidence(_Frozen):
    """A sentence (or window of sentences) that made a topic match."""

    field: TextField
    """`title`, `summary` or `text`."""
    start: int = Field(ge=0)
    """Offset of the sentence's first character in the field."""
    end: int = Field(ge=0)
    """Offset just past its last character; `article.<field>[start:end] == text`."""
    text: str
    """The sentence itself."""
    matches: tuple[TermMatch, ...] = ()
    """The terms found in it, with offsets into the field."""


class Flag(_Frozen):
    """A topic that an article mentions, with how sure pressmon is and why."""

    topic: str
    """The topic's name (`alpine-us-expansion`)."""
    score: float = Field(ge=0.0, le=1.0)
    """Confidence in [0, 1]; the topic's threshold decided that it is flagged."""
    evidence: tuple[Evidence, ...] = ()
    """The sentences that made it match, strongest first."""
    groups: tuple[GroupMatch, ...] = ()
    """The topic's concept groups found in the article, with the terms that matched."""
    threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    """The topic's threshold that the score reached."""


class ParsedFeed(_Frozen):
    """A feed, parsed and normalized: its metadata and its articles."""

    url: str | None = None
    """The feed URL (given, or the feed's own `self` link)."""
    title: str = ""
    """The feed's title."""
    link: str | None = None
    """The site the feed belongs to."""
    description: str = ""
    """The feed's description or subtitle (plain text)."""
    language: str | None = None
    """The feed's declared language (ISO 639-1), if any."""
    version: str = ""
    """The format, as `rss20`, `rss10`, `atom10`, `json11`, ..."""
    updated: AwareDatetime | None = None
    """When the feed says it was last updated."""
    articles: tuple[Article, ...] = ()
    """The feed's entries as normalized articles, in feed order."""
    warnings: tuple[str, ...] = ()
    """Problems found while parsing that did not stop it (a feed that is not well-formed, a
    DOCTYPE that was removed, ...).
    """


class ScannedArticle(_Frozen):
    """An article and the topics it was flagged for."""

    article: Article
    """The article."""
    flags: tuple[Flag, ...] = ()
    """The topics it was flagged for (empty when none)."""


class ScanResult(_Frozen):
    """What one source (a file, a directory entry, standard input, a URL) gave."""

    source: str
    """The source as the user named it."""
    items: tuple[ScannedArticle, ...] = ()
    """Its articles with their flags."""
    error: str | None = None
    """Why the source could not be read, or None when it was."""
    warnings: tuple[str, ...] = ()
    """Problems that did not stop the reading."""

    @property
    def ok(self) -> bool:
        """True when the source was read."""
        return self.error is None


# ---------------------------------------------------------------- fetching

FetchFailureKind = Literal[
    "timeout",
    "too_large",
    "http_status",
    "redirect_loop",
    "too_many_redirects",
    "connection",
    "tls",
    "not_a_feed",
    "parse",
    "blocked",
    "gone",
]
"""Why a fetch failed; see [`FetchFailure`][pressmon.FetchFailure]."""


class FeedRequest(_Frozen):
    """A feed to fetch, with the validators its previous fetch returned.

    Give the `etag` and `last_modified` of the last [`FetchResult`][pressmon.FetchResult] and
    the server can answer `304 Not Modified` instead of sending the feed again.
    """

    url: str
    """The feed URL (http or https)."""
    etag: str | None = None
    """The `ETag` of the previous response, sent back as `If-None-Match`."""
    last_modified: str | None = None
    """The `Last-Modified` of the previous response, sent back as `If-Modified-Since`."""
    name: str | None = None
    """A name for the feed in reports (optional)."""


class FetchFailure(_Frozen):
    """Why a fetch failed: a machine-readable kind and a human message.

    Kinds: `timeout` (no answer, or no complete answer within the deadline),
    `too_large` (the body, decompressed, exceeds the size limit),
    `http_status` (an error status such as 404 or 500, after retries),
    `redirect_loop`, `too_many_redirects`, `connection` (refused, reset,
    DNS failure, unsupported URL), `tls` (certificate or handshake failure),
    `not_a_feed` (an HTML page or another document), `parse` (feed bytes
    that cannot be read), `blocked` (refused by policy, for example a private
    address) and `gone` (HTTP 410: the feed was removed for good).
    """

    kind: FetchFailureKind
    """What kind of failure it is."""
    message: str
    """What went wrong, in words a user can act on."""


class PageResponse(_Frozen):
    """What a bounded GET (`get`) gave: a body and its headers, or why not.

    The body is never parsed; `content` holds the decompressed bytes (at most
    the fetcher's `max_bytes`).
    """

    url: str
    """The URL that was requested."""
    final_url: str
    """The URL that answered, after redirects."""
    status: int | None = None
    """The final HTTP status, or None when no response came."""
    headers: dict[str, str] = Field(default_factory=dict)
    """The final response's headers, names lower-cased (repeated headers joined by `, `)."""
    content: bytes = b""
    """The decompressed body (empty on failure, on 304 and on redirects)."""
    not_modified: bool = False
    """True when the server answered 304 Not Modified to the validators sent."""
    etag: str | None = None
    """The response's `ETag`; give it back next time (on 304, the one sent)."""
    last_modified: str | None = None
    """The response's `Last-Modified`; give it back next time (on 304, the one sent)."""
    permanent_redirect: str | None = None
    """Where a chain of permanent redirects (301/308) from `url` ended: the URL to store."""
    redirects: tuple[str, ...] = ()
    """Every URL redirected to, in order."""
    gone: bool = False
    """True when the server answered 410 Gone."""
    retry_after: float | None = None
    """Seconds the server asked to wait (`Retry-After` on 429/503), if it did."""
    max_age: float | None = None
    """Seconds the response may be cached (`Cache-Control: max-age`), if given."""
    bytes_received: int = 0
    """Body bytes received over the wire (before decompression) for the final response."""
    elapsed: float = 0.0
    """Seconds from the first request to the end of the body, retries and waits included."""
    attempts: int = 0
    """Requests sent to the final URL (more than 1 when retried)."""
    error: FetchFailure | None = None
    """Why the fetch failed, or None when a body (or a 304) came back."""

    @property
    def ok(self) -> bool:
        """True when the fetch succeeded (a 2xx body or a 304)."""
        return self.error is None

    @property
    def content_type(self) -> str | None:
        """The media type of the body, lower-cased, without parameters (`text/html`)."""
        media_type = self.headers.get("content-type", "").split(";")[0].strip().lower()
        return media_type or None


class FetchResult(_Frozen):
    """What fetching one feed gave: its articles and validators, or why it failed."""

    url: str
    """The feed URL as requested."""
    final_url: str | None = None
    """The URL that answered, after redirects."""
    name: str | None = None
    """The feed's name, from the [`FeedRequest`][pressmon.FeedRequest]."""
    status: int | None = None
    """The final HTTP status, or None when no response came."""
    not_modified: bool = False
    """True on 304 Not Modified: nothing changed since the validators given; no parse."""
    etag: str | None = None
    """The validator to give back next time (`FeedRequest.etag`)."""
    last_modified: str | None = None
    """The validator to give back next time (`FeedRequest.last_modified`)."""
    permanent_redirect: str | None = None
    """The feed moved for good (301/308): the URL to store instead of `url`."""
    gone: bool = False
    """True when the server answered 410 Gone: stop fetching this feed."""
    retry_after: float | None = None
    """Seconds the server asked to wait before the next request (429/503), if it did."""
    max_age: float | None = None
    """Seconds the feed may be cached (`Cache-Control: max-age`), if given."""
    bytes_received: int = 0
    """Body bytes received over the wire (before decompression)."""
    elapsed: float = 0.0
    """Seconds spent on this feed: requests, retries, waits and parsing."""
    attempts: int = 0
    """Requests sent to the final URL (more than 1 when retried)."""
    feed: ParsedFeed | None = None
    """The parsed feed (metadata and articles); None on failure or 304."""
    articles: tuple[Article, ...] = ()
    """The feed's articles (the same as `feed.articles`); empty on failure or 304."""
    error: FetchFailure | None = None
    """Why the feed could not be fetched or read, or None."""
    alternates: tuple[str, ...] = ()
    """When the URL gave an HTML page: the feeds that page advertises."""
    warnings: tuple[str, ...] = ()
    """Problems that did not stop the reading (a permanent redirect, a feed not well-formed)."""

    @property
    def ok(self) -> bool:
        """True when the feed was fetched (and parsed, unless it was not modified)."""
        return self.error is None


class GroupMatch(_Frozen):
    """A topic's concept group found in an article: which terms, how often."""

    group: str
    """The group's name (`brand`, `market`, ...)."""
    terms: tuple[str, ...] = ()
    """The distinct terms found, as written in the article, in order of first appearance."""
    count: int = Field(default=0, ge=0)
    """How many times the group's terms were found."""


class ExclusionHit(_Frozen):
    """An exclusion of a topic that fired: the context that cancelled a match."""

    name: str
    """The exclusion's name (`f1-race`)."""
    scope: Literal["window", "title", "article"]
    """`window`: it cancelled the windows it was found in; `title` or `article`: found
    in the title or anywhere, it cancelled the whole article."""
    terms: tuple[str, ...] = ()
    """The terms that made it fire, as written in the article."""
    cancelled: int = Field(default=0, ge=0)
    """How many windows that met the rule it cancelled (window scope)."""


class EvidenceWindow(_Frozen):
    """A window of sentences where the rule's groups meet, and what it is worth."""

    evidence: tuple[Evidence, ...]
    """Its sentences, one item per field it spans (a title and the start of a summary)."""
    groups: tuple[str, ...]
    """The groups present in the window."""
    weight: float
    """The field/position weight (title and lead count more than the tail)."""
    strength: float
    """`weight` times the sum of the weights of the groups present."""
    counted: bool = False
    """True when it is one of the distinct windows the score counts."""
    cancelled_by: str | None = None
    """The exclusion that cancelled it, if any."""


class Explanation(_Frozen):
    """The whole analysis of one article for one topic, flagged or not.

    `score = sigmoid(bias + scale * (evidence + context))` where `evidence`
    sums the strengths of the counted windows (the strongest in full, the next
    ones times `extra`, `extra`², ...) and `context` the weights of the
    article-wide groups found; the score is 0 when no window meets the rule or
    an article-wide exclusion fired.
    """

    topic: str
    """The topic's name."""
    score: float = Field(ge=0.0, le=1.0)
    """The score in [0, 1]."""
    threshold: float = Field(ge=0.0, le=1.0)
    """The topic's threshold."""
    flagged: bool
    """`score >= threshold`."""
    reason: str
    """One line saying why (or why not)."""
    groups: tuple[GroupMatch, ...] = ()
    """Every group of the topic found in the article."""
    missing: tuple[str, ...] = ()
    """Groups the rule needs that were not found anywhere."""
    exclusions: tuple[ExclusionHit, ...] = ()
    """Exclusions that fired."""
    windows: tuple[EvidenceWindow, ...] = ()
    """The windows that met the rule, strongest first (cancelled ones included)."""
    contributions: tuple[tuple[str, float], ...] = ()
    """Evidence contributed by each field (`title`, `summary`, `text`)."""
    evidence_total: float = 0.0
    """The evidence term of the score."""
    context: float = 0.0
    """The article-wide groups' term of the score."""
    logit: float = 0.0
    """`bias + scale * (evidence_total + context)`."""

    def to_flag(self) -> Flag:
        """Return the `Flag` this explanation amounts to (whether or not it is flagged)."""
        evidence = [item for window in self.windows if window.counted for item in window.evidence]
        return Flag(
            topic=self.topic,
            score=self.score,
            evidence=tuple(evidence[:6]),
            groups=self.groups,
            threshold=self.threshold,
        )


# Flag names GroupMatch, which is defined after it: with defer_build, pydantic
# resolves the name when Flag is first used, after this module has run.


class StoryCopy(_Frozen):
    """Another place where the same story appeared (a syndicated copy, a re-post)."""

    article_id: str
    """The copy's article id."""
    url: str | None = None
    """The copy's canonical URL."""
    title: str = ""
    """The copy's title."""
    source: Source = Source()
    """Where the copy was published."""
    first_seen: AwareDatetime
    """When pressmon first saw the copy (UTC)."""
    match: Literal["url", "guid", "text", "headline"] | None = None
    """Why it is the same story: the same canonical URL, the same guid, near-identical text
    (SimHash), or, for short items, the same headline (see `docs/monitor.md`); None when the
    state does not say."""


class Alert(_Frozen):
    """A new story flagged for a monitored topic, as the monitor delivers it to every sink.

    A story gets one alert, however many outlets carried it: `article` is the first copy
    that was flagged and `copies` lists the others known when the alert was made. `id` is
    derived from the story, so a rerun that delivers the alert again gives it the same id
    (sinks use it to never show an alert twice).
    """

    id: str = Field(min_length=1)
    """Stable alert id (24 hex characters), derived from the story."""
    story_id: str
    """The story's id: the id of the first article of the story pressmon saw."""
    created: AwareDatetime
    """When the monitor made the alert (UTC)."""
    article: Article
    """The story's first flagged article, in full (the evidence offsets refer to it)."""
    flags: tuple[Flag, ...]
    """The topics it was flagged for, with evidence (offsets into `article`)."""
    copies: tuple[StoryCopy, ...] = ()
    """Where else the story appeared."""

    @property
    def topics(self) -> tuple[str, ...]:
        """The names of the topics the story was flagged for."""
        return tuple(flag.topic for flag in self.flags)


class FeedReport(_Frozen):
    """What one run did with one feed."""

    url: str
    """The feed URL as configured."""
    name: str | None = None
    """The feed's name from the configuration, if any."""
    status: Literal["ok", "not_modified", "failed", "skipped", "gone"]
    """`ok` (read), `not_modified` (HTTP 304), `failed`, `skipped` (not due yet, or
    backing off after errors) or `gone` (HTTP 410; remove it from the configuration)."""
    articles: int = 0
    """Articles in the feed this time."""
    new_articles: int = 0
    """Articles pressmon had never seen."""
    error: str | None = None
    """Why the fetch failed, when it did."""
    next_check: AwareDatetime | None = None
    """When the feed is due again."""
    moved_to: str | None = None
    """Where the feed moved permanently (HTTP 301/308): update the configuration."""


class RunReport(_Frozen):
    """The outcome of one monitor run."""

    started: AwareDatetime
    """When the run started (UTC)."""
    finished: AwareDatetime
    """When it finished (UTC)."""
    feeds: tuple[FeedReport, ...] = ()
    """One entry per configured feed, in configuration order."""
    new_articles: int = 0
    """Articles seen for the first time."""
    duplicates: int = 0
    """New articles that were copies of a known story (same URL, guid or text)."""
    alerts: tuple[Alert, ...] = ()
    """The alerts made by this run (new flagged stories)."""
    delivered: int = 0
    """Alerts delivered to every sink during this run (earlier runs' leftovers included)."""
    pending: int = 0
    """Alerts still waiting for a sink after this run; the next run retries them."""
    sink_errors: tuple[str, ...] = ()
    """Why a sink failed, one message per failure (secrets redacted)."""
    pruned: int = 0
    """Old articles removed by the retention setting."""

    @property
    def all_feeds_failed(self) -> bool:
        """True when there were feeds to fetch and every one of them failed."""
        fetched = [feed for feed in self.feeds if feed.status != "skipped"]
        return bool(fetched) and all(feed.status in ("failed", "gone") for feed in fetched)
