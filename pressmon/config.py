"""The monitor's configuration: a TOML file, validated, with errors that say what to fix.

The smallest configuration::

    state = "state.db"                 # SQLite file; default .pressmon/state.db
    topics = ["alpine-us-expansion"]   # built-in names or paths to topic files

    [[feeds]]
    url = "https://example.org/feed.xml"

    [[sinks]]
    type = "jsonl"
    path = "alerts.jsonl"

Relative paths (`state`, `feeds_file`, sink paths, topic files) are read
relative to the directory of the configuration file. Secrets never sit in the
file: the fields that may carry one (a webhook's `url` and its `headers`, an
email sink's `password`, an apprise sink's `urls`) accept `${ENV_VAR}` and take
the value from the environment; no other field is expanded. Every key is
described in `docs/monitor.md` and, for the sinks, `docs/alerts.md`.

[`load_config`][pressmon.load_config] raises [`ConfigError`][pressmon.ConfigError] with the
file (`.path`), the dotted key (`.key`, as `sinks.1.path`) and the fix.
"""

from __future__ import annotations

import hashlib
import os
import re
import string
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import time, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pressmon._fetch import _defaults as fetch_defaults
from pressmon._store._url import LOGIN_ADVICE, has_password, is_postgres_url
from pressmon.exceptions import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "AppriseSinkConfig",
    "ConsoleSinkConfig",
    "DedupConfig",
    "EmailSinkConfig",
    "FeedConfig",
    "FetchConfig",
    "GithubSinkConfig",
    "HtmlSinkConfig",
    "JsonlSinkConfig",
    "MarkdownSinkConfig",
    "MonitorConfig",
    "SinkConfig",
    "WebhookSinkConfig",
    "export_opml",
    "load_config",
    "read_feeds_file",
]

DEFAULT_STATE = Path(".pressmon") / "state.db"
_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Config(BaseModel):
    # Sinks hold secrets: pydantic's own messages never quote an input (hide_input_in_errors).
    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, hide_input_in_errors=True
    )


def _base_dir(info: ValidationInfo) -> Path | None:
    context = info.context
    if isinstance(context, Mapping):
        base = context.get("base")
        if isinstance(base, Path):
            return base
    return None


def _resolve(value: Path, info: ValidationInfo) -> Path:
    value = value.expanduser()
    base = _base_dir(info)
    return value if value.is_absolute() or base is None else base / value


def expand_env(value: str, environ: Mapping[str, str] | None = None) -> str:
    """Replace each `${NAME}` in a secret-carrying field by the environment variable's value.

    Raises:
        ValueError: a variable is not set (the message names it, never a value).
    """
    env = os.environ if environ is None else environ

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            raise ValueError(
                f"environment variable {name} is not set: export it before running pressmon "
                f"(in GitHub Actions: env: {name}: ${{{{ secrets.{name} }}}})"
            )
        return env[name]

    return _ENV_REFERENCE.sub(replace, value)


def _is_topic_path(spec: str) -> bool:
    return spec.endswith(".toml") or "/" in spec or os.sep in spec


def _resolve_topics(values: tuple[str, ...] | None, info: ValidationInfo) -> tuple[str, ...] | None:
    if values is None:
        return None
    base = _base_dir(info)
    resolved = []
    for spec in values:
        if not spec.strip():
            raise ValueError("a topic name is empty: use a built-in name or a topic file path")
        if _is_topic_path(spec) and base is not None and not Path(spec).is_absolute():
            spec = str(base / Path(spec).expanduser())
        resolved.append(spec)
    return tuple(resolved)


FullText = bool | Literal["thin", "all"]
"""`full_text`: false, true (same as `"thin"`), `"thin"` or `"all"`."""


def _check_full_text(value: Any) -> Any:
    if value is None or isinstance(value, bool) or value in ("thin", "all"):
        return value
    raise ValueError(f'full_text must be true (thin items), "all" or false, got {value!r}')


class FeedConfig(_Config):
    """One feed to monitor (a `[[feeds]]` table, or a line / outline of `feeds_file`)."""

    url: str = Field(min_length=1)
    """The feed's http(s) URL."""
    name: str | None = None
    """A name for reports and digests (default: the feed's own title)."""
    tags: tuple[str, ...] = ()
    """Free labels, kept in OPML exports (`category`)."""
    topics: tuple[str, ...] | None = None
    """Topics for this feed only, instead of the top-level `topics`."""
    full_text: FullText | None = None
    """Read the article page of this feed's new items: `true` (the thin ones: a title, a
    teaser), `"all"`, or `false`; default: the top-level `full_text`."""

    _full_text = field_validator("full_text", mode="before")(_check_full_text)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if not re.match(r"^https?://[^/\s]+", value, re.IGNORECASE):
            raise ValueError(
                f"{value!r} is not an http(s) URL: write the feed's full address, "
                "as https://example.org/feed.xml"
            )
        return value

    @field_validator("topics")
    @classmethod
    def _topic_paths(
        cls, values: tuple[str, ...] | None, info: ValidationInfo
    ) -> tuple[str, ...] | None:
        return _resolve_topics(values, info)


class FetchConfig(_Config):
    """How feeds and their article pages are fetched (the `[fetch]` table).

    The defaults are the [`Fetcher`][pressmon.Fetcher]'s (`pressmon/_fetch/_defaults.py`).
    """

    timeout: float = Field(default=fetch_defaults.TIMEOUT, gt=0)
    """Seconds to connect, and seconds without a byte while reading."""
    deadline: float = Field(default=fetch_defaults.DEADLINE, gt=0)
    """Seconds for one attempt at one URL, start to finish (each retry and redirect gets its
    own): stops a server that drips a byte a second."""
    concurrency: int = Field(default=fetch_defaults.CONCURRENCY, ge=1, le=512)
    """Requests in flight at once, over all hosts."""
    per_host: int = Field(default=fetch_defaults.PER_HOST, ge=1, le=16)
    """Requests in flight at once to one host, at first."""
    per_host_max: int = Field(default=fetch_defaults.PER_HOST_MAX, ge=1, le=64)
    """The most requests in flight at once to one host: the limit grows from `per_host`
    while the host answers quickly and without 429 or 503, and halves at once on either."""
    retries: int = Field(default=fetch_defaults.RETRIES, ge=0, le=5)
    """Retries, within one run, of a failure that may pass (connection error, connect
    timeout, 408, 429, 5xx); the next run tries again anyway."""
    max_bytes: int = Field(default=fetch_defaults.MAX_BYTES, ge=1024)
    """The largest body accepted, counted after decompression."""
    user_agent: str | None = None
    """The User-Agent header (default: pressmon's, with its version and URL)."""
    allow_private_pages: bool = False
    """With `full_text`, also follow item links to loopback, private and link-local
    addresses (refused by default: links come from third-party feeds)."""

    def fetcher_options(self) -> dict[str, Any]:
        """The [`Fetcher`][pressmon.Fetcher] arguments these settings give.

        Returns:
            Keyword arguments for `Fetcher(...)` (feeds and pages use the same).
        """
        options: dict[str, Any] = {
            "timeout": self.timeout,
            "deadline": self.deadline,
            "max_bytes": self.max_bytes,
            "concurrency": self.concurrency,
            "per_host": self.per_host,
            "per_host_max": self.per_host_max,
            "retries": self.retries,
        }
        if self.user_agent:
            options["user_agent"] = self.user_agent
        return options


class DedupConfig(_Config):
    """How copies of one story are recognised (the `[dedup]` table)."""

    max_distance: int = Field(default=8, ge=0, le=16)
    """Largest Hamming distance between two SimHash fingerprints of the same story."""
    min_words: int = Field(default=40, ge=5)
    """Texts shorter than this are never matched by content, only by URL or guid."""
    window_days: int = Field(default=30, ge=1)
    """How far back a new article is compared with known stories."""
    headlines: Literal["exact", "near", "off"] = "near"
    """Short items (a title, a teaser) are copies of one story when their headlines match:
    `exact` (the same title and summary words, case, accents, punctuation and an
    aggregator's ` - Outlet` aside), `near` (the default: also one word's ending changed,
    or an article or possessive added or dropped, every number, date, name and negation
    the same), or `off`."""


class _SinkBase(_Config):
    name: str | None = None
    """A stable name for the sink; it keys the delivery records in the state file, so renaming
    a sink's path without a name makes it a new sink (which gets only new alerts)."""

    def key(self) -> str:
        """The identity of this sink in the state file (never a secret)."""
        return self.name or self._default_key()

    def secrets(self) -> list[str]:
        """The secret values this sink holds, for the monitor to remove from what it prints."""
        return []

    def _default_key(self) -> str:
        raise NotImplementedError


class ConsoleSinkConfig(_SinkBase):
    """Print new alerts as a table on standard output."""

    type: Literal["console"]
    color: bool | None = None
    """Force colors on or off (default: on a terminal unless `NO_COLOR` is set)."""

    def _default_key(self) -> str:
        return "console"


class _FileSink(_SinkBase):
    path: Path
    """The file to write (relative to the configuration file)."""

    @field_validator("path")
    @classmethod
    def _relative_to_config(cls, value: Path, info: ValidationInfo) -> Path:
        return _resolve(value, info)

    def _default_key(self) -> str:
        type_: str = getattr(self, "type", "file")
        return f"{type_}:{self.path}"


class JsonlSinkConfig(_FileSink):
    """Append one JSON object per alert to a file; an alert id already in it is never written
    again."""

    type: Literal["jsonl"]


class MarkdownSinkConfig(_FileSink):
    """Write a Markdown digest of each run's new alerts (the file is replaced each run)."""

    type: Literal["markdown"]
    title: str = "pressmon digest"
    """The digest's title."""


class HtmlSinkConfig(_FileSink):
    """Write a self-contained HTML digest: highlighted evidence and a per-day chart."""

    type: Literal["html"]
    title: str = "pressmon digest"
    """The digest's title."""
    days: int = Field(default=14, ge=1, le=366)
    """Days shown by the chart of flagged stories per day and source."""


class WebhookSinkConfig(_SinkBase):
    """POST each alert as JSON, with an `Idempotency-Key` header set to the alert id."""

    type: Literal["webhook"]
    url: SecretStr
    """The endpoint; write it as `${ENV_VAR}` to keep it out of the file."""
    headers: dict[str, SecretStr] = Field(default_factory=dict)
    """Extra headers (`Authorization = "Bearer ${TOKEN}"`); values may use `${ENV_VAR}`."""
    format: Literal["json", "slack"] = "json"
    """`json` (the alert object) or `slack` (a Slack incoming-webhook body)."""
    timeout: float = Field(default=10.0, gt=0)
    """Seconds to wait for the endpoint."""
    retries: int = Field(default=3, ge=0, le=10)
    """Retries after a timeout, a connection error, 429 or 5xx, with exponential backoff."""
    backoff: float = Field(default=1.0, ge=0)
    """The first retry's delay in seconds; it doubles each time (capped at 30 s)."""

    @field_validator("url", mode="before")
    @classmethod
    def _expand_url(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = expand_env(value)
            if not re.match(r"^https?://[^/\s]+", value, re.IGNORECASE):
                # Never echo the value: it may be a secret.
                raise ValueError("the webhook URL is not an http(s) URL")
        return value

    @field_validator("headers", mode="before")
    @classmethod
    def _expand_headers(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                str(name): expand_env(item) if isinstance(item, str) else item
                for name, item in value.items()
            }
        return value

    def secrets(self) -> list[str]:
        """The URL and the header values (and the tokens in them)."""
        values = [self.url.get_secret_value()]
        values.extend(value.get_secret_value() for value in self.headers.values())
        # a header value is often "Bearer TOKEN": the token alone must go too
        values.extend(
            part
            for value in self.headers.values()
            for part in value.get_secret_value().split()
            if len(part) >= 8
        )
        return values

    def _default_key(self) -> str:
        digest = hashlib.sha256(self.url.get_secret_value().encode()).hexdigest()[:12]
        return f"webhook:{digest}"


class GithubSinkConfig(_SinkBase):
    """In GitHub Actions: a job summary and one `::notice` annotation per alert."""

    type: Literal["github"]
    annotations: bool = True
    """Write `::notice` lines to standard output."""
    summary: bool = True
    """Append a Markdown summary to `$GITHUB_STEP_SUMMARY`."""

    def _default_key(self) -> str:
        return "github"


HEADLINE_FIELDS = ("count", "stories", "topics", "date")
"""The placeholders of an email `subject` and an apprise `title`."""


def _check_headline(value: str) -> str:
    """Refuse a subject/title template with a line break or an unknown placeholder."""
    if "\r" in value or "\n" in value:
        raise ValueError("write the template on one line (no line break)")
    known = ", ".join(f"{{{name}}}" for name in HEADLINE_FIELDS)
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(value) if field is not None]
    except ValueError as error:
        raise ValueError(
            f"not a valid template ({error}): use the placeholders {known}, "
            "and write a literal brace twice ({{ or }})"
        ) from None
    for field in fields:
        if field not in HEADLINE_FIELDS:
            raise ValueError(f"unknown placeholder {{{field}}}: use {known}")
    return value


_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")


def _check_address(value: str) -> str:
    """One email address, bare or with a display name (`pressmon <alerts@example.org>`)."""
    from email.utils import getaddresses

    value = value.strip()
    if "\r" in value or "\n" in value:
        raise ValueError("an email address cannot contain a line break")
    parsed = getaddresses([value])
    if len(parsed) != 1 or not _ADDRESS.match(parsed[0][1]):
        raise ValueError(
            f"{value!r} is not one email address: write it as alerts@example.org or "
            '"pressmon <alerts@example.org>" (several recipients: a list, '
            'to = ["a@x.org", "b@x.org"])'
        )
    if not parsed[0][1].isascii():
        raise ValueError(
            f"{value!r}: write the address itself in ASCII (a domain in its xn-- form); "
            "the name before it may be in any script"
        )
    return value


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class EmailSinkConfig(_SinkBase):
    """Send the run's new stories as one email (HTML and plain text), or a daily digest."""

    model_config = ConfigDict(populate_by_name=True)

    type: Literal["email"]
    host: str = Field(min_length=1)
    """The SMTP server, as smtp.gmail.com."""
    port: int | None = Field(default=None, ge=1, le=65535)
    """The server's port (default: 587 with `starttls`, 465 with `tls`, 25 with `none`)."""
    security: Literal["starttls", "tls", "none"] = "starttls"
    """`starttls` (plain connection upgraded to TLS, refused if the server cannot), `tls`
    (TLS from the start) or `none` (no encryption: for a relay on this machine)."""
    user: str | None = None
    """The login, when the server wants one (usually the sender's address)."""
    password: SecretStr | None = None
    """The login's password, always from the environment: `"${SMTP_PASSWORD}"`."""
    sender: str = Field(alias="from")
    """The `From` address (`from` in the file), as "pressmon <alerts@example.org>"."""
    to: tuple[str, ...] = Field(min_length=1)
    """The recipients (one address, or a list)."""
    reply_to: str | None = None
    """A `Reply-To` address."""
    subject: str = "[pressmon] {count} new {stories}: {topics}"
    """The subject, with the placeholders `{count}`, `{stories}` (story/stories), `{topics}`
    (three at most, the most frequent first) and `{date}` (the day of the newest story, in
    `timezone`)."""
    title: str = "pressmon digest"
    """The heading of the message."""
    schedule: Literal["run", "daily"] = "run"
    """`run`: one message per run with new stories; `daily`: one message a day, with the
    stories of the days that are over."""
    timezone: str = "UTC"
    """The time zone of the days (`daily`) and of `{date}`: an IANA name, as Europe/Paris."""
    send_at: time | None = None
    """With `daily`: the local time after which the previous day's digest goes out
    (default 00:00)."""
    timeout: float = Field(default=30.0, gt=0)
    """Seconds to wait for the server at each step."""
    retries: int = Field(default=2, ge=0, le=10)
    """Retries within the run after a connection error, a timeout or a 4xx answer."""
    backoff: float = Field(default=2.0, ge=0)
    """The first retry's delay in seconds; it doubles each time (capped at 30 s)."""
    ca_file: Path | None = None
    """A file of CA certificates to trust instead of the system's (a private relay)."""
    helo: str | None = None
    """The name pressmon gives in EHLO (default: this machine's fully qualified name, which
    takes a lookup of its own host name)."""

    _headlines = field_validator("subject", "title")(_check_headline)

    @field_validator("sender", "reply_to")
    @classmethod
    def _one_address(cls, value: str | None) -> str | None:
        return None if value is None else _check_address(value)

    @field_validator("to", mode="before")
    @classmethod
    def _recipients(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = (value,)
        if isinstance(value, list | tuple):
            return tuple(_check_address(item) if isinstance(item, str) else item for item in value)
        return value

    @field_validator("helo")
    @classmethod
    def _helo_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]", value):
            raise ValueError(
                f"{value!r} is not a host name: write a name, as mail.example.org, "
                "or an address in brackets, as [192.0.2.1]"
            )
        return value

    @field_validator("host")
    @classmethod
    def _host_name(cls, value: str) -> str:
        value = value.strip()
        if "://" in value or not value or any(char.isspace() for char in value):
            raise ValueError(f"{value!r} is not a host name: write it alone, as smtp.gmail.com")
        if value.count(":") == 1:
            raise ValueError("write the port in its own key: port = 587")
        return value

    @field_validator("password", mode="before")
    @classmethod
    def _password_from_environment(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            # In a configuration file the password is always a reference; from Python,
            # any value (read from a vault, say) is accepted.
            if info.context is not None and not _ENV_REFERENCE.fullmatch(value.strip()):
                raise ValueError(
                    'write the password as "${SMTP_PASSWORD}" and export that variable: '
                    "a password must not sit in the configuration file"
                )
            value = expand_env(value.strip())
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        _zone(value)
        return value

    @field_validator("send_at")
    @classmethod
    def _local_time(cls, value: time | None) -> time | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError("write a local time, as 07:00: the zone is the timezone key")
        return value

    @field_validator("ca_file")
    @classmethod
    def _relative_to_config(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return None if value is None else _resolve(value, info)

    @model_validator(mode="after")
    def _consistent(self) -> EmailSinkConfig:
        if self.user is not None and self.password is None:
            raise ValueError('user is set but password is not: add password = "${SMTP_PASSWORD}"')
        if self.password is not None and self.user is None:
            raise ValueError("password is set but user is not: add the login, as user = ...")
        if self.security == "none" and self.password is not None and not _is_loopback(self.host):
            raise ValueError(
                'security = "none" would send the password in clear over the network: '
                'use "starttls" (port 587) or "tls" (port 465)'
            )
        if self.send_at is not None and self.schedule != "daily":
            raise ValueError('send_at only applies to schedule = "daily": remove it or add that')
        return self

    def smtp_port(self) -> int:
        """The port to connect to (`port`, else the usual one for `security`)."""
        if self.port is not None:
            return self.port
        return {"starttls": 587, "tls": 465, "none": 25}[self.security]

    def zone(self) -> tzinfo:
        """The `timezone` as a `tzinfo`."""
        return _zone(self.timezone)

    def secrets(self) -> list[str]:
        """The password."""
        return [self.password.get_secret_value()] if self.password is not None else []

    def _default_key(self) -> str:
        recipients = ",".join(sorted(address.lower() for address in self.to))
        place = f"{self.host.lower()}:{self.smtp_port()}:{recipients}"
        return f"email:{hashlib.sha256(place.encode()).hexdigest()[:12]}"


def _zone(name: str) -> tzinfo:
    """A time zone by IANA name (UTC without the zone database)."""
    from datetime import timezone

    if name.upper() == "UTC":
        return timezone.utc
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: use an IANA name, as Europe/Paris or America/New_York"
        ) from None


def _expand_apprise_url(value: Any) -> Any:
    if isinstance(value, str):
        value = expand_env(value.strip())
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value):
            # Never echo the value: it may be a secret.
            raise ValueError(
                "not an apprise URL (service://...): see https://github.com/caronc/apprise/wiki"
            )
    return value


def _known_to_apprise(value: SecretStr) -> SecretStr:
    from importlib.util import find_spec

    if find_spec("apprise") is None:
        return value  # reported once, on `type`
    from pressmon._apprise import url_problem

    problem = url_problem(value.get_secret_value())
    if problem is not None:
        raise ValueError(problem)
    return value


AppriseUrl = Annotated[
    SecretStr, BeforeValidator(_expand_apprise_url), AfterValidator(_known_to_apprise)
]


def _url_secrets(url: str) -> list[str]:
    """An apprise URL and the pieces of it that may be a token on their own."""
    _, _, rest = url.partition("://")
    netloc = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    host = netloc.rsplit(":", 1)[0] if netloc.count(":") == 1 else netloc
    parts = re.split(r"[/:@?&=#,]", rest)
    # A dotted host (api.example.org, 127.0.0.1) names a server, not a secret; a token may
    # sit where apprise reads a host (tgram://BOT_TOKEN/CHAT), and it has no dots.
    return [url, *(part for part in parts if len(part) >= 8 and not (part == host and "." in part))]


class AppriseSinkConfig(_SinkBase):
    """Notify chat and push services through apprise (one notification per run)."""

    type: Literal["apprise"]
    urls: tuple[AppriseUrl, ...] = Field(min_length=1)
    """Apprise URLs (`tgram://...`, `msteams://...`, `discord://...`); write their secrets
    as `${ENV_VAR}`."""
    title: str = "pressmon: {count} new {stories} ({topics})"
    """The notification's title, with the placeholders of an email `subject` (`{date}`:
    the UTC day)."""
    format: Literal["markdown", "text"] = "markdown"
    """The body: Markdown (apprise converts it for each service) or plain text."""
    max_length: int | None = Field(default=None, ge=200)
    """The longest body (default: the smallest limit of the services); stories that do not
    fit are listed by title, then counted."""

    _headline = field_validator("title")(_check_headline)

    @field_validator("type")
    @classmethod
    def _apprise_installed(cls, value: str) -> str:
        from importlib.util import find_spec

        if find_spec("apprise") is None:
            raise ValueError('the apprise sink needs apprise: pip install "pressmon[apprise]"')
        return value

    def secrets(self) -> list[str]:
        """The URLs, and the tokens in them."""
        return [part for url in self.urls for part in _url_secrets(url.get_secret_value())]

    def _default_key(self) -> str:
        urls = "\n".join(sorted(url.get_secret_value() for url in self.urls))
        return f"apprise:{hashlib.sha256(urls.encode()).hexdigest()[:12]}"


SinkConfig = Annotated[
    ConsoleSinkConfig
    | JsonlSinkConfig
    | MarkdownSinkConfig
    | HtmlSinkConfig
    | WebhookSinkConfig
    | GithubSinkConfig
    | EmailSinkConfig
    | AppriseSinkConfig,
    Field(discriminator="type"),
]
"""One `[[sinks]]` table; `type` chooses which."""


def _sink_types() -> tuple[str, ...]:
    """The `type` of every sink configuration in `SinkConfig`, in its order."""
    (union, *_) = get_args(SinkConfig)
    return tuple(get_args(model.model_fields["type"].annotation)[0] for model in get_args(union))


SINK_TYPES = _sink_types()
"""Every `[[sinks]] type` (each has a class in `pressmon.sinks.SINK_CLASSES`)."""


class MonitorConfig(_Config):
    """The whole configuration of `pressmon run`."""

    state: Path | str = Field(default=DEFAULT_STATE, validate_default=True)
    """Where the state lives: an SQLite file (a `Path`, relative to the configuration
    file), or a PostgreSQL URL (a `str`, `postgresql://user@host/db`, the password in
    `PGPASSWORD` or `~/.pgpass`) for many workers on one monitor."""
    topics: tuple[str, ...] | None = None
    """Built-in topic names or topic file paths (default: every built-in topic)."""
    feeds: tuple[FeedConfig, ...] = ()
    """The feeds (`[[feeds]]` tables)."""
    feeds_file: Path | None = None
    """A file with more feeds: one URL per line (`#` comments), or an OPML file."""
    sinks: tuple[SinkConfig, ...] = (ConsoleSinkConfig(type="console"),)
    """Where alerts go (default: the console)."""
    retention_days: int = Field(default=90, ge=1)
    """Articles not seen in a feed for this many days are removed from the state."""
    min_interval: float = Field(default=0.0, ge=0)
    """Seconds between two checks of one feed, at least (a feed's Cache-Control max-age and
    Retry-After can make it longer)."""
    max_backoff: float = Field(default=6 * 3600.0, gt=0)
    """Longest wait before retrying a failing feed (the wait doubles with each failure)."""
    lock_timeout: float = Field(default=60.0, ge=0)
    """Seconds to wait for another run on the same SQLite state to finish before giving up."""
    claim_batch: int = Field(default=100, ge=1)
    """Feeds a run takes at a time: it fetches and records them, then takes the next ones
    still due. With a PostgreSQL state, workers share the feeds batch by batch."""
    lease_timeout: float = Field(default=600.0, gt=0)
    """Seconds a run holds the feeds and alerts it took (with a PostgreSQL state, several
    workers share the feeds): longer than fetching one batch and delivering. A worker that
    dies gives them back at once (the next worker to start sees it is gone); one that
    hangs, after this."""
    github_actions: bool | None = None
    """Add the `github` sink (None: when the `GITHUB_ACTIONS` variable is `true`)."""
    full_text: FullText = False
    """Read the article page of new items before detection: `true` (the thin ones: a title,
    a teaser), `"all"` or `false` (default); a feed's own `full_text` wins."""
    full_text_retry_hours: float = Field(default=24.0, ge=0)
    """A page that could not be read (`failed`: a timeout, an HTTP error) is tried again
    by the next runs while its article is younger than this; `0`: never."""
    fetch: FetchConfig = FetchConfig()
    """How feeds are fetched."""
    dedup: DedupConfig = DedupConfig()
    """How copies of one story are recognised."""

    _full_text = field_validator("full_text", mode="before")(_check_full_text)

    @field_validator("state", mode="before")
    @classmethod
    def _state_url_or_path(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and is_postgres_url(value):
            if has_password(value):
                raise ValueError(f"the PostgreSQL URL carries a password: {LOGIN_ADVICE}")
            return value.strip()
        if isinstance(value, str | os.PathLike):
            return _resolve(Path(value), info)
        return value

    @field_validator("feeds_file")
    @classmethod
    def _relative_to_config(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        return None if value is None else _resolve(value, info)

    @property
    def state_url(self) -> str | None:
        """The state's PostgreSQL URL when `state` is one, else None (an SQLite file)."""
        return self.state if isinstance(self.state, str) else None

    def state_location(self) -> Path | str:
        """Return where the state is, as `open_store` takes it: the PostgreSQL URL, or the
        SQLite file's path.

        Returns:
            `state`.
        """
        return self.state

    @field_validator("topics")
    @classmethod
    def _topic_paths(
        cls, values: tuple[str, ...] | None, info: ValidationInfo
    ) -> tuple[str, ...] | None:
        return _resolve_topics(values, info)

    @model_validator(mode="after")
    def _has_feeds(self) -> MonitorConfig:
        if not self.feeds and self.feeds_file is None:
            raise ValueError(
                'no feeds: add a [[feeds]] table with url = "https://...", or feeds_file'
            )
        keys = [sink.key() for sink in self.sinks]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(
                f"two sinks write to the same place ({', '.join(duplicates)}): "
                "give each a different path or name"
            )
        return self

    def all_feeds(self) -> list[FeedConfig]:
        """Return the `[[feeds]]` then the `feeds_file` entries, each URL once (the first wins).

        Raises:
            ConfigError: `feeds_file` cannot be read.
        """
        feeds = list(self.feeds)
        if self.feeds_file is not None:
            feeds.extend(read_feeds_file(self.feeds_file))
        seen: set[str] = set()
        unique = []
        for feed in feeds:
            if feed.url not in seen:
                seen.add(feed.url)
                unique.append(feed)
        return unique

    def topics_for(self, feed: FeedConfig) -> tuple[str, ...] | None:
        """The topics detected in a feed's articles: its own `topics`, else the top-level ones.

        Args:
            feed: one of this configuration's feeds.

        Returns:
            Topic names or files; None for every built-in topic.
        """
        return feed.topics if feed.topics is not None else self.topics

    def full_text_for(self, feed: FeedConfig) -> Literal["thin", "all"] | None:
        """Which of a feed's new items get their page read: its own `full_text`, else the
        top-level one.

        Args:
            feed: one of this configuration's feeds.

        Returns:
            `"thin"` (items with little text), `"all"`, or None (none).
        """
        value = feed.full_text if feed.full_text is not None else self.full_text
        if value is True or value == "thin":
            return "thin"
        return "all" if value == "all" else None

    def secrets(self) -> list[str]:
        """Return every secret value of the configuration, for redaction.

        The monitor replaces them by `***` in every line it prints and every error it
        reports.

        Returns:
            Webhook URLs and header values (and the tokens in them), email passwords,
            apprise URLs (and the tokens in them).
        """
        return [value for sink in self.sinks for value in sink.secrets()]

    def github_enabled(self, environ: Mapping[str, str] | None = None) -> bool:
        """Whether the GitHub Actions sink is on for this run.

        Args:
            environ: the environment to read `GITHUB_ACTIONS` from (default:
                `os.environ`).

        Returns:
            True with a `[[sinks]] type = "github"`, else the `github_actions`
            key if set, else whether the run is inside GitHub Actions.
        """
        if any(isinstance(sink, GithubSinkConfig) for sink in self.sinks):
            return True
        if self.github_actions is not None:
            return self.github_actions
        env = os.environ if environ is None else environ
        return env.get("GITHUB_ACTIONS") == "true"


# ----------------------------------------------------------------- loading and errors


def _dotted(loc: Sequence[int | str], data: Any) -> str:
    """A pydantic error location as a dotted key, without the union tags pydantic inserts."""
    parts: list[str] = []
    node = data
    for item in loc:
        in_list = isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node)
        if in_list or (isinstance(node, Mapping) and item in node):
            node = node[item]
            parts.append(str(item))
        elif isinstance(item, str) and item in SINK_TYPES and isinstance(node, Mapping):
            continue  # the discriminator value pydantic adds to the location
        else:
            parts.append(str(item))
            node = None
    return ".".join(parts)


def _known_keys(model: type[BaseModel]) -> str:
    return ", ".join(sorted(model.model_fields))


def _hint(error: Mapping[str, Any], key: str) -> str:
    kind = error["type"]
    message = str(error["msg"])
    if kind == "missing":
        return "this key is required: add it"
    if kind == "extra_forbidden":
        last = key.rsplit(".", 1)[-1]
        parent = key.rsplit(".", 1)[0] if "." in key else ""
        models: dict[str, type[BaseModel]] = {
            "": MonitorConfig,
            "fetch": FetchConfig,
            "dedup": DedupConfig,
        }
        model = models.get(parent)
        if model is None and parent.startswith("feeds."):
            model = FeedConfig
        known = f" (known keys: {_known_keys(model)})" if model is not None else ""
        return f"unknown key {last!r}: remove it or correct its spelling{known}"
    if kind == "path_type":
        return 'expected a file path: write it as a string, as "alerts.jsonl"'
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"type must be one of {', '.join(SINK_TYPES)}"
    if message.startswith("Value error, "):
        return message[len("Value error, ") :]
    return f"{message[:1].lower()}{message[1:]}"


def _config_error(error: ValidationError, path: Path, data: Any) -> ConfigError:
    errors = error.errors(include_url=False, include_input=False)
    # A misspelt key usually explains a missing one: report it first.
    first = next((item for item in errors if item["type"] == "extra_forbidden"), errors[0])
    key = _dotted(first["loc"], data)
    return ConfigError(_hint(first, key), path=str(path), key=key or None)


def load_config(path: str | os.PathLike[str]) -> MonitorConfig:
    """Read and validate a monitor configuration file (TOML).

    Args:
        path: the configuration file; relative paths inside it (`state`, topic
            files, `feeds_file`, sink files) are taken from its folder.

    Returns:
        The validated [`MonitorConfig`][pressmon.MonitorConfig].

    Raises:
        ConfigError: the file cannot be read, is not TOML, or a key is wrong; the error names
            the file, the key and what to do.
    """
    config_path = Path(path)
    try:
        raw = config_path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            "no such file: check the path, or copy examples/alpine_us.toml to start",
            path=str(config_path),
        ) from None
    except OSError as error:
        raise ConfigError(
            f"cannot read the file ({error.strerror})", path=str(config_path)
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(
            "the file is not UTF-8 text: save it as UTF-8", path=str(config_path)
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"not valid TOML ({error}): fix the syntax at that place", path=str(config_path)
        ) from None
    return config_from_dict(data, path=config_path)


def config_from_dict(
    data: Mapping[str, Any], *, path: str | os.PathLike[str] = "<config>"
) -> MonitorConfig:
    """Validate a configuration given as a mapping (a parsed TOML document).

    Relative paths are taken relative to `path`'s directory.

    Raises:
        ConfigError: a key is wrong.
    """
    config_path = Path(path)
    base = config_path.resolve().parent if str(path) != "<config>" else Path.cwd()
    try:
        config = MonitorConfig.model_validate(dict(data), context={"base": base})
    except ValidationError as error:
        raise _config_error(error, config_path, data) from None
    _check_topics(config, config_path)
    return config


def _check_topics(config: MonitorConfig, path: Path) -> None:
    """Refuse unknown topic names and bad topic files at load time, naming the key."""
    places: list[tuple[str, tuple[str, ...]]] = []
    if config.topics is not None:
        places.append(("topics", config.topics))
    places.extend(
        (f"feeds.{index}.topics", feed.topics)
        for index, feed in enumerate(config.feeds)
        if feed.topics is not None
    )
    for key, specs in places:
        for index, spec in enumerate(specs):
            problem = topic_problem(spec)
            if problem is not None:
                raise ConfigError(problem, path=str(path), key=f"{key}.{index}")


def topic_problem(spec: str) -> str | None:
    """Why a topic name or file cannot be used, or None when it can."""
    from pressmon._detect import resolve_topics
    from pressmon.exceptions import TopicError

    try:
        resolve_topics([spec])
    except TopicError as error:
        return str(error)
    return None


# ----------------------------------------------------------------- feeds_file and OPML


def read_feeds_file(path: str | os.PathLike[str]) -> list[FeedConfig]:
    """Read a list of feeds: OPML (any `<outline xmlUrl=...>`), else one URL per line.

    In the plain format, blank lines and lines starting with `#` are skipped, and text after
    the URL on the same line is the feed's name.

    Raises:
        ConfigError: the file cannot be read, or an entry is not an http(s) URL (the key is
            `feeds_file` with the line number or outline position).
    """
    file_path = Path(path)
    try:
        data = file_path.read_bytes()
    except OSError as error:
        raise ConfigError(
            f"cannot read the feeds file ({error.strerror}): check feeds_file",
            path=str(file_path),
            key="feeds_file",
        ) from None
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _read_opml(data, file_path)
    feeds = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        url, _, name = line.partition(" ")
        try:
            feeds.append(FeedConfig(url=url, name=name.strip() or None))
        except ValidationError as error:
            raise ConfigError(
                _hint(error.errors(include_url=False)[0], ""),
                path=str(file_path),
                key=f"line {number}",
            ) from None
    return feeds


def _read_opml(data: bytes, path: Path) -> list[FeedConfig]:
    from lxml import etree

    from pressmon._parse._xmlsafety import make_xml_safe
    from pressmon.exceptions import ParseError

    try:
        safe = make_xml_safe(data)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(bytes(safe), parser)
    except (etree.XMLSyntaxError, ParseError) as error:
        raise ConfigError(
            f"not a valid OPML file ({error}): export it again from your reader",
            path=str(path),
            key="feeds_file",
        ) from None
    feeds = []
    for position, outline in enumerate(root.iter("outline"), start=1):
        url = outline.get("xmlUrl") or outline.get("xmlurl")
        if not url:
            continue
        parents = [
            parent.get("title") or parent.get("text") or ""
            for parent in outline.iterancestors("outline")
        ]
        categories = [item.strip() for item in (outline.get("category") or "").split(",")]
        tags = tuple(dict.fromkeys(tag.strip("/") for tag in [*parents[::-1], *categories] if tag))
        try:
            feeds.append(
                FeedConfig(
                    url=url,
                    name=outline.get("title") or outline.get("text") or None,
                    tags=tags,
                )
            )
        except ValidationError as error:
            raise ConfigError(
                _hint(error.errors(include_url=False)[0], ""),
                path=str(path),
                key=f"outline {position}",
            ) from None
    return feeds


def export_opml(feeds: Iterable[FeedConfig], title: str = "pressmon feeds") -> str:
    """Write feeds as an OPML 2.0 document (tags go to the `category` attribute)."""
    from xml.etree import ElementTree

    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        attributes = {"type": "rss", "xmlUrl": feed.url}
        if feed.name:
            attributes["text"] = attributes["title"] = feed.name
        else:
            attributes["text"] = feed.url
        if feed.tags:
            attributes["category"] = ",".join(feed.tags)
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(
        root, encoding="unicode"
    )


def feeds_as_toml(feeds: Iterable[FeedConfig]) -> str:
    """Write feeds as `[[feeds]]` tables to paste into a configuration."""
    import json

    blocks = []
    for feed in feeds:
        lines = ["[[feeds]]", f"url = {json.dumps(feed.url, ensure_ascii=False)}"]
        if feed.name:
            lines.append(f"name = {json.dumps(feed.name, ensure_ascii=False)}")
        if feed.tags:
            lines.append(f"tags = {json.dumps(list(feed.tags), ensure_ascii=False)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")
