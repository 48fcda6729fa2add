"""The `Store` protocol, on both backends (SQLite and PostgreSQL): every method keeps and
returns the same things, so the monitor cannot tell them apart."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from storekit import NOW, AnyStore, Backend, alert_for, article

from pressmon import Extraction, Flag
from pressmon._store import FeedState
from pressmon._store._pg_schema import SCHEMA_VERSION as PG_VERSION
from pressmon._store._schema import SCHEMA_VERSION as SQLITE_VERSION
from pressmon.models import Article

WINDOW = NOW - timedelta(days=1)


def test_both_backends_are_at_the_same_schema_version(store: AnyStore) -> None:
    """A new state is created at the current version, the same number on both backends."""
    assert store.schema_version == SQLITE_VERSION == PG_VERSION


def test_a_feed_state_round_trips_every_field(store: AnyStore) -> None:
    """Every field of a feed's state comes back as saved: times to the microsecond in UTC
    (an input in another zone is the same instant), flags, texts; saving replaces."""
    paris = timezone(timedelta(hours=2))
    state = FeedState(
        url="https://news.example/feed",
        etag='"abc"',
        last_modified="Mon, 02 Jun 2025 10:00:00 GMT",
        last_success=NOW.replace(microsecond=123456),
        last_attempt=(NOW + timedelta(seconds=1)).astimezone(paris),
        consecutive_errors=3,
        next_check=NOW + timedelta(minutes=15),
        last_error="timeout: no answer",
        moved_to="https://news.example/new-feed",
        gone=True,
        title="Les Nouvelles « du jour »",
    )
    assert store.feed_state(state.url) is None
    store.save_feed_state(state)
    read = store.feed_state(state.url)
    assert read == state
    assert read is not None and read.last_attempt is not None
    assert read.last_attempt.tzinfo == timezone.utc
    store.save_feed_state(FeedState(url=state.url))
    assert store.feed_state(state.url) == FeedState(url=state.url)


def test_feed_states_are_read_in_one_batch(store: AnyStore) -> None:
    """`feed_states` returns the saved states of the given feeds by URL, the same as
    `feed_state` one by one; feeds never saved are absent."""
    urls = [f"https://site{n}.example/feed" for n in range(600)]  # more than one chunk
    with store.transaction():
        for n, url in enumerate(urls[:550]):
            store.save_feed_state(FeedState(url=url, consecutive_errors=n, etag=f'"{n}"'))
    states = store.feed_states([*urls, urls[0]])
    assert sorted(states) == sorted(urls[:550])
    assert all(states[url] == store.feed_state(url) for url in urls[:550:37])
    assert store.feed_states([]) == {}


def test_articles_are_found_by_id_url_guid_and_story_in_order(store: AnyStore) -> None:
    """The first-seen copy answers a URL or guid lookup; ties of one run go by insertion
    order; a stored id is never stored twice; fingerprints keep all 64 bits."""
    big = (1 << 64) - 1
    with store.transaction():
        first = article(1, guid="urn:story:1")
        store.add_article(first, story_id="s1", fingerprint=big, flags=(), seen=NOW)
        for n in (2, 3):
            copy = article(n).model_copy(update={"url": first.url, "guid": "urn:story:1"})
            store.add_article(copy, story_id="s1", fingerprint=1 << 63, flags=(), seen=NOW)
        store.add_article(first, story_id="other", fingerprint=0, flags=(), seen=NOW)
    found = store.find_article(first.id)
    assert found is not None and found.story_id == "s1" and found.fingerprint == big
    assert found.first_seen == NOW and found.first_seen.tzinfo == timezone.utc
    assert found.feed_url == "https://news.example/feed" and found.match is None
    assert store.find_by_url(first.url or "") == found
    assert store.find_by_guid("urn:story:1") == found
    expected = [first.id, article(2).id, article(3).id]
    assert [copy.id for copy in store.story_articles("s1")] == expected
    assert store.find_by_url("https://nowhere.example/") is None
    assert store.find_by_guid("urn:none") is None
    assert store.count_articles() == 3


def test_the_article_and_its_flags_come_back_identical(store: AnyStore) -> None:
    """The stored article JSON reads back as the same model, text with any characters
    included; a match reason is kept; `articles_with_url` lists the last seen first."""
    text = 'Zürich — "quoted", \\ backslash, tab\tand emoji 🚗, NUL-free.'
    item = article(1, text=text, summary="« résumé »")
    copy = article(2).model_copy(update={"url": item.url})
    flag = Flag(topic="alpine-us-expansion", score=0.9, threshold=0.5)
    store.add_article(item, story_id=item.id, fingerprint=None, flags=(flag,), seen=NOW)
    later = NOW + timedelta(hours=1)
    store.add_article(copy, story_id=item.id, fingerprint=None, flags=(), seen=later, match="url")
    assert store.article(item.id) == item
    assert store.article("missing") is None
    assert store.articles_with_url(item.url or "") == [copy, item]
    assert [stored.match for stored in store.story_articles(item.id)] == [None, "url"]


def test_near_duplicates_and_the_fingerprint_window(store: AnyStore) -> None:
    """`find_similar` returns the articles within the distance, closest first, inside the
    window; `fingerprints` lists the window oldest first; articles without one are left out."""
    base = 0b1011 << 60
    rows = [
        (article(1), base, NOW - timedelta(days=3)),  # outside the window
        (article(2), base ^ 0b111, NOW - timedelta(hours=2)),  # 3 bits away
        (article(3), base ^ 0b1, NOW - timedelta(hours=1)),  # 1 bit away
        (article(4), None, NOW),
        (article(5), base ^ 0xFFFF, NOW),  # 16 bits away
    ]
    with store.transaction():
        for item, print_, seen in rows:
            store.add_article(item, story_id=item.id, fingerprint=print_, flags=(), seen=seen)
    similar = store.find_similar(base, since=WINDOW, max_distance=8)
    assert [(stored.id, distance) for stored, distance in similar] == [
        (article(3).id, 1),
        (article(2).id, 3),
    ]
    assert store.fingerprints(WINDOW) == [
        (article(2).id, base ^ 0b111),
        (article(3).id, base ^ 0b1),
        (article(5).id, base ^ 0xFFFF),
    ]


def test_fingerprints_after_a_cursor_see_new_and_changed_articles(store: AnyStore) -> None:
    """`fingerprints_after` returns what was stored or re-fingerprinted since the cursor, once;
    the cursor never goes back, even when the newest article is pruned."""
    assert store.fingerprints_after(0, since=WINDOW) == ([], 0)
    store.add_article(article(1), story_id="a", fingerprint=11, flags=(), seen=NOW)
    store.add_article(article(2), story_id="b", fingerprint=None, flags=(), seen=NOW)
    old = article(3)
    store.add_article(old, story_id="c", fingerprint=33, flags=(), seen=NOW - timedelta(days=9))
    items, cursor = store.fingerprints_after(0, since=WINDOW)
    assert items == [(article(1).id, 11)]
    assert store.fingerprints_after(cursor, since=WINDOW) == ([], cursor)

    store.update_article(article(2), fingerprint=22, flags=None)
    store.add_article(article(4), story_id="d", fingerprint=44, flags=(), seen=NOW)
    items, second = store.fingerprints_after(cursor, since=WINDOW)
    assert items == [(article(2).id, 22), (article(4).id, 44)] and second > cursor

    store.touch_articles([article(1).id, article(2).id], NOW + timedelta(days=200))
    assert store.prune(NOW + timedelta(days=100)) == 2  # 3 and 4, the newest, are removed
    assert store.fingerprints_after(second, since=WINDOW) == ([], second)
    store.add_article(article(5), story_id="e", fingerprint=55, flags=(), seen=NOW)
    assert store.fingerprints_after(second, since=WINDOW)[0] == [(article(5).id, 55)]


def test_a_cursor_read_before_the_window_misses_nothing(store: AnyStore) -> None:
    """The order of a run's index: `change_cursor()`, then `fingerprints(since)`, then
    `fingerprints_after(cursor)` later: an article stored between the first two reads comes
    again in the third (twice, harmlessly), and one stored after the second comes once."""
    store.add_article(article(1), story_id="a", fingerprint=1, flags=(), seen=NOW)
    cursor = store.change_cursor()
    store.add_article(article(2), story_id="b", fingerprint=2, flags=(), seen=NOW)
    window = store.fingerprints(WINDOW)
    store.add_article(article(3), story_id="c", fingerprint=3, flags=(), seen=NOW)
    later, _ = store.fingerprints_after(cursor, since=WINDOW)
    assert window == [(article(1).id, 1), (article(2).id, 2)]
    assert later == [(article(2).id, 2), (article(3).id, 3)]


def test_pages_to_try_again_and_their_update(store: AnyStore) -> None:
    """`failed_pages` lists only articles whose page failed for a temporary reason, first seen
    since the given time (an article quoting the marker in its text is not fooled into it);
    `update_article` replaces the article and keeps the stored flags when given None."""

    def with_page(n: int, extraction: Extraction | None, text: str = "") -> Article:
        return article(n).model_copy(update={"extraction": extraction, "text": text})

    temporary = Extraction(status="failed", message="HTTP 503", temporary=True)
    final = Extraction(status="failed", message="HTTP 404")
    flag = Flag(topic="t", score=0.9, threshold=0.5)
    with store.transaction():
        rows = [
            (with_page(1, temporary), NOW - timedelta(hours=1)),
            (with_page(2, temporary), NOW - timedelta(days=3)),
            (with_page(3, final), NOW - timedelta(hours=1)),
            (with_page(4, None, 'a quote: "temporary":true'), NOW - timedelta(hours=1)),
        ]
        for item, seen in rows:
            store.add_article(item, story_id=item.id, fingerprint=None, flags=(flag,), seen=seen)
        assert [a.title for a in store.failed_pages(WINDOW)] == ["story 1"]

        read = with_page(1, Extraction(status="ok"), "Alpine will sell cars in the US.")
        store.update_article(read, fingerprint=7, flags=None)
        assert store.article(read.id) == read
        stored = store.find_article(read.id)
        assert stored is not None and stored.fingerprint == 7
        assert store.failed_pages(WINDOW) == []
    store.update_article(with_page(9, None), fingerprint=1, flags=None)  # not stored: nothing
    assert store.find_article(with_page(9, None).id) is None


def test_outbox_bookkeeping_per_sink(store: AnyStore) -> None:
    """An alert stays pending until every sink took it; each sink sees only what it lacks; one
    alert per story; daily counts by UTC day and source."""
    item = article(1)
    store.add_article(item, story_id=item.id, fingerprint=None, flags=(), seen=NOW)
    store.add_alert(alert_for(item))
    store.add_alert(alert_for(item))  # the same again: kept once
    assert store.story_alerted(item.id) and not store.story_alerted("other")
    store.mark_delivered([f"alert-{item.id}"], "a", NOW)
    assert store.pending_alerts("a") == [] and store.pending_alerts("b") == [alert_for(item)]
    assert store.complete_alerts(["a", "b"], NOW) == 0 and store.count_pending() == 1
    store.mark_delivered([f"alert-{item.id}", "alert-pruned-meanwhile"], "b", NOW)
    assert store.complete_alerts(["a", "b"], NOW) == 1 and store.count_pending() == 0
    assert store.daily_counts(NOW - timedelta(days=1)) == [("2025-06-02", "News", 1)]


def test_alerts_of_one_run_are_pending_in_the_order_they_were_made(store: AnyStore) -> None:
    """Alerts made in one run share their creation time: they come out in insertion order."""
    items = [article(n) for n in (5, 3, 9, 1)]
    with store.transaction():
        for item in items:
            store.add_alert(alert_for(item))
    assert [alert.story_id for alert in store.pending_alerts("s")] == [i.id for i in items]


def test_touching_and_pruning_follow_the_last_sight(store: AnyStore) -> None:
    """Articles seen again (`touch_articles`) or in an unchanged feed (`touch_feed`) are kept;
    the others are pruned, except those of a story whose alert is pending; delivered alerts
    of pruned stories go too."""
    old = NOW - timedelta(days=100)
    kept, touched, pending, gone = (article(n) for n in (1, 2, 4, 5))
    other_feed = article(3, feed="https://other.example/feed")
    with store.transaction():
        for item in (kept, touched, pending, gone):
            store.add_article(item, story_id=item.id, fingerprint=None, flags=(), seen=old)
        store.add_article(other_feed, story_id=other_feed.id, fingerprint=None, flags=(), seen=old)
        store.add_alert(alert_for(pending))
        store.add_alert(alert_for(gone))
    store.mark_delivered([f"alert-{gone.id}"], "s", old)
    store.complete_alerts(["s"], old)
    store.touch_articles([touched.id], NOW)
    store.touch_feed(["https://other.example/feed"], NOW)
    store.touch_feed([], NOW)
    assert store.prune(NOW - timedelta(days=90)) == 2  # kept (never touched) and gone
    every = (kept, touched, pending, gone, other_feed)
    left = {item.id for item in every if store.article(item.id) is not None}
    assert left == {touched.id, other_feed.id, pending.id}
    assert not store.story_alerted(gone.id) and store.story_alerted(pending.id)


def test_a_failed_transaction_leaves_nothing(store: AnyStore) -> None:
    """An exception inside a transaction (nested ones included) rolls back every write made in
    it; the store works afterwards."""

    def fail_midway() -> None:
        with store.transaction(exclusive=True):
            store.add_article(article(1), story_id="s", fingerprint=None, flags=(), seen=NOW)
            with store.transaction():
                store.add_alert(alert_for(article(1)))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_midway()
    assert store.count_articles() == 0 and store.count_pending() == 0
    store.add_article(article(2), story_id="s", fingerprint=None, flags=(), seen=NOW)
    assert store.count_articles() == 1


def test_two_connections_see_each_others_commits(backend: Backend) -> None:
    """What one worker commits, another worker's connection reads at once."""
    with backend.open() as first, backend.open() as second:
        first.add_article(article(1), story_id="s", fingerprint=None, flags=(), seen=NOW)
        assert second.find_article(article(1).id) is not None


def test_a_nul_character_from_a_hostile_feed_does_not_stop_the_store(store: AnyStore) -> None:
    """A guid carrying a NUL character (PostgreSQL's text cannot hold one) is stored, found
    again by that guid, and the article reads back exactly; a feed state too."""
    item = article(1).model_copy(update={"guid": "urn:x\x00y", "title": "a\x00b"})
    store.add_article(item, story_id=item.id, fingerprint=None, flags=(), seen=NOW)
    found = store.find_by_guid("urn:x\x00y")
    assert found is not None and found.id == item.id
    assert store.article(item.id) == item
    store.save_feed_state(FeedState(url="https://news.example/feed", last_error="bad\x00byte"))
    assert store.feed_state("https://news.example/feed") is not None
