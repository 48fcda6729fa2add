"""The monitor's pure decisions, without a server or a state file: due feeds, next states."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pressmon._monitor._decisions import (
    FIRST_BACKOFF,
    feed_outcome,
    feeds_by_url,
    next_check,
    plan_feeds,
)
from pressmon._store import FeedState
from pressmon.config import FeedConfig, MonitorConfig
from pressmon.models import FetchFailure, FetchResult, ParsedFeed

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)
WIRE = FeedConfig(url="https://wire.example/feed.xml", name="Wire")
DAILY = FeedConfig(url="https://daily.example/rss")


def config(**settings: object) -> MonitorConfig:
    return MonitorConfig.model_validate({"feeds": [{"url": WIRE.url}], **settings})


def failure() -> FetchResult:
    return FetchResult(url=WIRE.url, error=FetchFailure(kind="timeout", message="no answer"))


def test_a_new_feed_is_due_and_asks_without_validators() -> None:
    """A feed the state has never seen is fetched, at its configured URL, unconditionally."""
    plan = plan_feeds([WIRE], {}, NOW)
    assert [due.feed for due in plan.due] == [WIRE] and plan.skipped == {}
    request = plan.due[0].request
    assert (request.url, request.etag, request.last_modified, request.name) == (
        WIRE.url,
        None,
        None,
        "Wire",
    )


def test_a_moved_feed_is_asked_at_its_new_address_with_its_validators() -> None:
    """A feed that moved permanently is requested where it moved, with the stored ETag."""
    state = FeedState(
        url=WIRE.url, etag='"v1"', last_modified="x", moved_to="https://new.example/f"
    )
    request = plan_feeds([WIRE], {WIRE.url: state}, NOW).due[0].request
    assert (request.url, request.etag, request.last_modified) == (
        "https://new.example/f",
        '"v1"',
        "x",
    )


def test_gone_and_not_yet_due_feeds_are_skipped_unless_forced() -> None:
    """A 410 feed and a feed whose next check is in the future are skipped with a report
    saying why; `force` fetches them all; the reports keep the configuration's positions."""
    states = {
        WIRE.url: FeedState(url=WIRE.url, gone=True),
        DAILY.url: FeedState(url=DAILY.url, next_check=NOW + timedelta(minutes=5)),
    }
    plan = plan_feeds([WIRE, DAILY], states, NOW)
    assert plan.due == ()
    assert plan.skipped[0].error == "gone (HTTP 410)"
    assert plan.skipped[1].next_check == NOW + timedelta(minutes=5)
    forced = plan_feeds([WIRE, DAILY], states, NOW, force=True)
    assert [due.position for due in forced.due] == [0, 1]


def test_a_feed_due_exactly_now_is_fetched() -> None:
    """`next_check` equal to the run's time means due."""
    state = FeedState(url=WIRE.url, next_check=NOW)
    assert len(plan_feeds([WIRE], {WIRE.url: state}, NOW).due) == 1


def test_backoff_doubles_per_consecutive_error_up_to_max_backoff() -> None:
    """The wait after n failures is FIRST_BACKOFF * 2**(n-1), capped by max_backoff."""
    settings = config(max_backoff=1000.0)
    waits = [
        (next_check(NOW, settings, None, errors) - NOW).total_seconds()
        for errors in (1, 2, 3, 4, 5)
    ]
    assert waits == [FIRST_BACKOFF, 2 * FIRST_BACKOFF, 4 * FIRST_BACKOFF, 8 * FIRST_BACKOFF, 1000.0]


def test_server_hints_lengthen_the_wait_but_never_past_max_backoff() -> None:
    """Cache-Control max-age and Retry-After wait longer than min_interval; both capped."""
    settings = config(min_interval=60.0, max_backoff=3600.0)
    fresh = FetchResult(url=WIRE.url, max_age=600.0)
    busy = FetchResult(url=WIRE.url, retry_after=86_400.0, error=failure().error)
    quick = FetchResult(url=WIRE.url, max_age=5.0)
    assert next_check(NOW, settings, fresh, 0) == NOW + timedelta(seconds=600)
    assert next_check(NOW, settings, busy, 1) == NOW + timedelta(seconds=3600)
    assert next_check(NOW, settings, quick, 0) == NOW + timedelta(seconds=60)


def test_a_failure_counts_an_error_and_keeps_validators_and_last_success() -> None:
    """After a failure the feed keeps what its last success taught (validators, title) and
    backs off; the error message names the failure's kind."""
    before = FeedState(
        url=WIRE.url,
        etag='"v1"',
        last_modified="Mon",
        last_success=NOW - timedelta(hours=1),
        consecutive_errors=1,
        title="Wire",
    )
    outcome = feed_outcome(WIRE, before, failure(), NOW, config())
    state = outcome.state
    assert outcome.status == "failed" and outcome.error == "timeout: no answer"
    assert (state.etag, state.last_modified, state.title) == ('"v1"', "Mon", "Wire")
    assert state.last_success == before.last_success and state.last_attempt == NOW
    assert state.consecutive_errors == 2
    assert state.next_check == NOW + timedelta(seconds=2 * FIRST_BACKOFF)


def test_a_410_marks_the_feed_gone() -> None:
    """HTTP 410 makes the feed `gone` (skipped by later plans) with its own message."""
    outcome = feed_outcome(WIRE, None, FetchResult(url=WIRE.url, gone=True), NOW, config())
    assert (outcome.status, outcome.error, outcome.state.gone) == ("gone", "HTTP 410 Gone", True)


def test_a_304_keeps_the_stored_validators_unless_new_ones_come() -> None:
    """A 304 without validators keeps the stored ones; one with a new ETag takes it."""
    before = FeedState(url=WIRE.url, etag='"v1"', last_modified="Mon", consecutive_errors=3)
    bare = feed_outcome(WIRE, before, FetchResult(url=WIRE.url, not_modified=True), NOW, config())
    assert bare.status == "not_modified"
    assert (bare.state.etag, bare.state.last_modified, bare.state.consecutive_errors) == (
        '"v1"',
        "Mon",
        0,
    )
    fresh = FetchResult(url=WIRE.url, not_modified=True, etag='"v2"')
    assert feed_outcome(WIRE, before, fresh, NOW, config()).state.etag == '"v2"'


def test_a_success_takes_the_answers_validators_and_title_and_remembers_a_move() -> None:
    """A 200 replaces the validators (dropping one the server no longer sends), takes the
    feed's title, and records a permanent redirect as `moved_to`."""
    before = FeedState(url=WIRE.url, etag='"v1"', last_modified="Mon", title="Old")
    result = FetchResult(
        url=WIRE.url,
        etag='"v2"',
        permanent_redirect="https://new.example/f",
        feed=ParsedFeed(title="Wire news"),
    )
    state = feed_outcome(WIRE, before, result, NOW, config()).state
    assert (state.etag, state.last_modified, state.title) == ('"v2"', None, "Wire news")
    assert state.moved_to == "https://new.example/f" and state.last_success == NOW


def test_feeds_are_found_by_every_url_their_articles_carry() -> None:
    """The URL as written, its canonical form and the address it moved to all lead back to
    the configured feed; the first feed wins a shared URL."""
    written = FeedConfig(url="https://Wire.example/feed.xml?utm_source=x")
    states = {written.url: FeedState(url=written.url, moved_to="https://new.example/f")}
    found = feeds_by_url([written, FeedConfig(url=written.url, name="second")], states)
    assert found[written.url] is written
    assert found["https://wire.example/feed.xml"] is written
    assert found["https://new.example/f"] is written
