"""Many workers on one state, on both backends: feed leases (`claim_feeds`), exclusive
recording (`transaction(exclusive=True)`) and outbox claims (`claim_alerts`).

Concurrency is real: each worker is a thread (or a process) with its own connection.
Times are given to the store, so a lease "expires" because a later `now` is passed,
never because a test waits.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TypeVar

from storekit import NOW, AnyStore, Backend, alert_for, article

from pressmon._store import FeedState, new_worker_id
from pressmon.models import Article

FEEDS = [f"https://site{n % 7}.example/feed-{n}.xml" for n in range(40)]
LEASE = 300.0
INTERVAL = timedelta(minutes=15)

T = TypeVar("T")


# Barriers give up after this long, so that a worker that failed cannot leave the others
# waiting for ever (the failure is then reported, not a timeout).
_HANG_GUARD = 120.0


def _together(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(0..count-1)` in threads started at the same moment; re-raise the first
    error that is not another thread's broken barrier."""
    barrier = threading.Barrier(count, timeout=_HANG_GUARD)

    def run(index: int) -> T:
        barrier.wait()
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(run, index) for index in range(count)]
    errors = [error for future in futures if (error := future.exception()) is not None]
    if errors:
        errors.sort(key=lambda error: isinstance(error, threading.BrokenBarrierError))
        raise errors[0]
    return [future.result() for future in futures]


def _saved(url: str, now: datetime) -> FeedState:
    """The state a worker saves after fetching a feed at `now`."""
    return FeedState(url=url, last_attempt=now, last_success=now, next_check=now + INTERVAL)


# ---------------------------------------------------------------- feed leases


def test_a_claimed_feed_is_nobody_elses_until_saved_or_expired(store: AnyStore) -> None:
    """A worker's claim leases the due feeds; another worker gets none of them while the lease
    runs, and all of them once it has expired."""
    first, second = new_worker_id(), new_worker_id()
    assert store.claim_feeds(FEEDS, worker=first, now=NOW, lease_seconds=LEASE) == sorted(FEEDS)
    assert store.claim_feeds(FEEDS, worker=second, now=NOW, lease_seconds=LEASE) == []
    just_before = NOW + timedelta(seconds=LEASE - 1)
    assert store.claim_feeds(FEEDS, worker=second, now=just_before, lease_seconds=LEASE) == []
    expired = NOW + timedelta(seconds=LEASE)
    assert store.claim_feeds(FEEDS, worker=second, now=expired, lease_seconds=LEASE) == sorted(
        FEEDS
    )


def test_saving_the_state_releases_the_lease_and_sets_the_next_check(store: AnyStore) -> None:
    """After the owner saves a feed's state, the feed is not leased any more but not due either
    (its next check is ahead), for anyone, until that time has come."""
    owner, other = new_worker_id(), new_worker_id()
    (url,) = store.claim_feeds(FEEDS[:1], worker=owner, now=NOW, lease_seconds=LEASE)
    store.save_feed_state(_saved(url, NOW))
    assert store.claim_feeds([url], worker=other, now=NOW, lease_seconds=LEASE) == []
    assert store.claim_feeds([url], worker=owner, now=NOW, lease_seconds=LEASE) == []
    later = NOW + INTERVAL
    assert store.claim_feeds([url], worker=other, now=later, lease_seconds=LEASE) == [url]


def test_a_worker_takes_its_own_lease_again(store: AnyStore) -> None:
    """A worker's own unexpired lease does not stop it (a restarted worker with the same name
    resumes its feeds); the lease is extended from the new time."""
    worker, other = new_worker_id(), new_worker_id()
    store.claim_feeds(FEEDS[:2], worker=worker, now=NOW, lease_seconds=LEASE)
    later = NOW + timedelta(seconds=LEASE / 2)
    again = store.claim_feeds(FEEDS[:2], worker=worker, now=later, lease_seconds=LEASE)
    assert again == sorted(FEEDS[:2])
    first_expiry = NOW + timedelta(seconds=LEASE)
    assert store.claim_feeds(FEEDS[:2], worker=other, now=first_expiry, lease_seconds=LEASE) == []


def test_gone_and_not_yet_due_feeds_are_claimed_only_when_forced(store: AnyStore) -> None:
    """A feed that answered 410, or whose next check is ahead, is not due; `force` claims
    them, but never a feed another worker holds."""
    gone, fresh, due, held = FEEDS[:4]
    store.save_feed_state(FeedState(url=gone, gone=True))
    store.save_feed_state(FeedState(url=fresh, next_check=NOW + INTERVAL))
    store.save_feed_state(FeedState(url=due, next_check=NOW - INTERVAL))
    holder, worker = new_worker_id(), new_worker_id()
    assert store.claim_feeds([held], worker=holder, now=NOW, lease_seconds=LEASE) == [held]
    assert store.claim_feeds(FEEDS[:4], worker=worker, now=NOW, lease_seconds=LEASE) == [due]
    store.release_feeds([due], worker=worker)
    forced = store.claim_feeds(FEEDS[:4], worker=worker, now=NOW, lease_seconds=LEASE, force=True)
    assert sorted(forced) == sorted([gone, fresh, due])


def test_the_most_overdue_feeds_come_first_within_the_limit(store: AnyStore) -> None:
    """With a limit, feeds never fetched come first (by URL), then the longest overdue; the
    rest stays free for other workers."""
    never = sorted(FEEDS[10:13])
    for minutes, url in enumerate(FEEDS[:3]):
        store.save_feed_state(FeedState(url=url, next_check=NOW - timedelta(minutes=10 - minutes)))
    urls = FEEDS[:3] + never
    first = store.claim_feeds(urls, worker="a", now=NOW, lease_seconds=LEASE, limit=4)
    assert first == [*never, FEEDS[0]]
    rest = store.claim_feeds(urls, worker="b", now=NOW, lease_seconds=LEASE, limit=10)
    assert rest == FEEDS[1:3]
    assert store.claim_feeds(urls, worker="c", now=NOW, lease_seconds=LEASE, limit=0) == []
    assert store.claim_feeds([], worker="c", now=NOW, lease_seconds=LEASE) == []


def test_releasing_gives_back_only_the_workers_own_leases(store: AnyStore) -> None:
    """`release_feeds` frees the worker's leases at once and leaves other workers' alone."""
    store.claim_feeds(FEEDS[:2], worker="a", now=NOW, lease_seconds=LEASE)
    store.claim_feeds(FEEDS[2:4], worker="b", now=NOW, lease_seconds=LEASE)
    assert store.release_feeds(FEEDS[:4], worker="a") == 2
    assert store.release_feeds(FEEDS[:4], worker="a") == 0
    assert store.claim_feeds(FEEDS[:4], worker="c", now=NOW, lease_seconds=LEASE) == sorted(
        FEEDS[:2]
    )


def test_workers_sharing_a_feed_list_fetch_each_feed_once_per_interval(backend: Backend) -> None:
    """Four workers claim from one list of 200 feeds at the same moment, in small batches,
    and save each feed's state after "fetching" it: in each interval every feed is fetched
    exactly once, by one worker."""
    feeds = [f"https://site{n % 13}.example/feed-{n}.xml" for n in range(200)]
    fetched: list[tuple[str, int]] = []
    lock = threading.Lock()

    def worker_run(round_: int, now: datetime) -> None:
        worker = new_worker_id()
        with backend.open() as store:
            while claimed := store.claim_feeds(
                feeds, worker=worker, now=now, lease_seconds=LEASE, limit=9
            ):
                with store.transaction(exclusive=True):
                    for url in claimed:
                        with lock:
                            fetched.append((url, round_))
                        store.save_feed_state(_saved(url, now))

    for round_, now in enumerate([NOW, NOW + INTERVAL, NOW + INTERVAL + timedelta(minutes=1)]):
        _together(4, lambda _, round_=round_, now=now: worker_run(round_, now))
    counts = Counter(fetched)
    assert set(counts.values()) == {1}
    assert set(counts) == {(url, round_) for url in feeds for round_ in (0, 1)}


def test_a_killed_worker_holding_leases_and_claims_is_replaced_after_expiry(
    backend: Backend,
) -> None:
    """A worker process that claimed feeds and alerts is killed (SIGKILL) before saving or
    delivering: its leases hold until they expire, then another worker takes them all."""
    item = article(1)
    with backend.open() as store:
        store.add_article(item, story_id=item.id, fingerprint=None, flags=(), seen=NOW)
        store.add_alert(alert_for(item))
    script = (
        "import json, sys\n"
        "from datetime import datetime\n"
        "from pressmon._store import open_store\n"
        "store = open_store(sys.argv[1])\n"
        "now = datetime.fromisoformat(sys.argv[2])\n"
        "feeds = store.claim_feeds(json.loads(sys.argv[3]), worker='doomed', now=now,"
        " lease_seconds=60)\n"
        "alerts = store.claim_alerts('jsonl:x', worker='doomed', now=now, lease_seconds=60)\n"
        "print(json.dumps([feeds, [alert.id for alert in alerts]]), flush=True)\n"
        "sys.stdin.read()\n"
    )
    command = [sys.executable, "-c", script, str(backend.location), NOW.isoformat()]
    with subprocess.Popen(
        [*command, json.dumps(FEEDS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as doomed:
        assert doomed.stdout is not None
        feeds, alerts = json.loads(doomed.stdout.readline())
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait() == -signal.SIGKILL
    assert feeds == sorted(FEEDS) and alerts == [f"alert-{item.id}"]
    heir = new_worker_id()
    with backend.open() as store:
        soon = NOW + timedelta(seconds=30)
        assert store.claim_feeds(FEEDS, worker=heir, now=soon, lease_seconds=60) == []
        assert store.claim_alerts("jsonl:x", worker=heir, now=soon, lease_seconds=60) == []
        assert store.claim_alerts("other", worker=heir, now=soon, lease_seconds=60) != []
        expired = NOW + timedelta(seconds=60)
        assert store.claim_feeds(FEEDS, worker=heir, now=expired, lease_seconds=60) == sorted(FEEDS)
        taken = store.claim_alerts("jsonl:x", worker=heir, now=expired, lease_seconds=60)
        assert [alert.id for alert in taken] == alerts


# ---------------------------------------------------------------- recording and the outbox


def _record(store: AnyStore, items: list[Article]) -> None:
    """What the monitor does with a batch: join a known story by URL, or make a new story and
    its alert, all in one exclusive transaction."""
    with store.transaction(exclusive=True):
        for item in items:
            known = store.find_by_url(item.url or "")
            story = item.id if known is None else known.story_id
            store.add_article(item, story_id=story, fingerprint=None, flags=(), seen=NOW)
            if known is None:
                store.add_alert(alert_for(item))


def test_workers_recording_copies_of_the_same_stories_make_one_alert_each(
    backend: Backend,
) -> None:
    """Four workers store, at the same moment, their own feed's copies of the same 30 stories
    (same URLs): each story exists once, with one alert; then the workers claim and deliver
    the outbox for one sink together, and every alert is delivered exactly once."""
    urls = [f"https://wire.example/story-{n}" for n in range(30)]
    delivered: list[str] = []
    lock = threading.Lock()
    recorded = threading.Barrier(4, timeout=_HANG_GUARD)

    def worker_run(index: int) -> None:
        feed = f"https://outlet{index}.example/feed"
        items = [
            article(100 * index + n, feed=feed).model_copy(update={"url": url})
            for n, url in enumerate(urls)
        ]
        worker = new_worker_id()
        try:
            with backend.open() as store:
                for start in range(0, len(items), 7):
                    _record(store, items[start : start + 7])
        except BaseException:
            recorded.abort()
            raise
        recorded.wait()
        with backend.open() as store:
            while alerts := store.claim_alerts(
                "jsonl:alerts", worker=worker, now=NOW, lease_seconds=LEASE, limit=4
            ):
                with lock:
                    delivered.extend(alert.id for alert in alerts)
                store.mark_delivered([alert.id for alert in alerts], "jsonl:alerts", NOW)

    _together(4, worker_run)
    with backend.open() as store:
        stories = [store.find_by_url(url) for url in urls]
        assert all(story is not None for story in stories)
        story_ids = {story.story_id for story in stories if story is not None}
        assert len(story_ids) == 30 and store.count_articles() == 120
        assert all(len(store.story_articles(story)) == 4 for story in story_ids)
        assert store.pending_alerts("jsonl:alerts") == []
        assert len(store.pending_alerts("other")) == 30
    assert sorted(delivered) == sorted(f"alert-{story}" for story in story_ids)


def test_an_alert_claim_is_one_workers_per_sink(store: AnyStore) -> None:
    """A claimed alert is not given to another worker for the same sink until delivered,
    released or expired; other sinks are claimed independently; oldest first, with a limit."""
    items = [article(n) for n in range(1, 5)]
    with store.transaction():
        for minutes, item in enumerate(items):
            store.add_alert(alert_for(item, NOW + timedelta(minutes=minutes)))
    ids = [f"alert-{item.id}" for item in items]

    def claim(
        worker: str, sink: str = "a", now: datetime = NOW, limit: int | None = None
    ) -> list[str]:
        alerts = store.claim_alerts(sink, worker=worker, now=now, lease_seconds=60, limit=limit)
        return [alert.id for alert in alerts]

    assert claim("w1", limit=2) == ids[:2]
    assert claim("w2") == ids[2:]
    assert claim("w3") == [] and claim("w3", sink="b") == ids
    store.mark_delivered([ids[0]], "a", NOW)
    assert store.release_alerts(ids[1:3], "a", worker="w1") == 1  # w1 held only ids[1]
    assert claim("w3") == [ids[1]]
    later = NOW + timedelta(seconds=60)
    assert claim("w4", now=later) == ids[1:]  # w2's and w3's claims expired; ids[0] delivered
    assert claim("w4", now=later) == ids[1:]  # its own claims, extended
    assert claim("w5", now=later) == []
