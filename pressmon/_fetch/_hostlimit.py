"""How many requests one host gets at once: a limit that adapts to the host's answers.

A host starts with `start` requests in flight (2, polite). Each quick answer
that is neither 429 nor 503 counts; once the host has given as many quick
answers in a row as its current limit, the limit grows by one, up to
`ceiling`. A 429 or a 503, or an answer much slower than the host's
quickest, halves the limit at once (never below one). A `Retry-After` on
a 429 or 503 holds every new request to the host until it has passed.

This is additive increase, multiplicative decrease (as TCP does with its
window): a host that keeps up gets more, one that struggles gets relief
immediately. The limiter only decides *when* a request may start; the
fetcher's retries still decide whether and when it is sent again.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

__all__ = ["HostLimit"]

# An answer is slow when it takes this many times the host's quickest, and at least
# SLOW_MARGIN seconds more: the margin keeps a busy event loop (parsing between two
# reads) from passing for a slow host.
SLOW_FACTOR = 3.0
SLOW_MARGIN = 0.5
_BACKOFF_STATUSES = frozenset({429, 503})


class HostLimit:
    """The adaptive limit of one host.

    Args:
        start: requests in flight allowed at first (and the floor it grows back from).
        ceiling: the most requests in flight it may grow to.
        clock: seconds, monotonic (tests give their own).
    """

    def __init__(
        self, start: int, ceiling: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if start < 1 or ceiling < start:
            raise ValueError(f"need 1 <= start <= ceiling, got {start} and {ceiling}")
        self.limit = start
        self.ceiling = ceiling
        self.in_flight = 0
        self.peak = 0
        """The most requests ever in flight at once (for tests and benchmarks)."""
        self.paused_until = 0.0
        self._clock = clock
        self._quickest: float | None = None
        self._streak = 0  # quick answers in a row at the current limit
        self._waiting: deque[asyncio.Future[None]] = deque()

    # ------------------------------------------------------------------ slots

    def _free(self) -> bool:
        return self.in_flight < self.limit and self._clock() >= self.paused_until

    async def acquire(self) -> None:
        """Wait for a slot (first come, first served), then take it."""
        if not self._waiting and self._free():
            self._take()
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            while True:
                await waiter
                if self._free():
                    self._take()
                    return
                waiter = asyncio.get_running_loop().create_future()
                self._waiting.appendleft(waiter)  # keep its turn
                self._wake_after_pause()
        except BaseException:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            elif waiter.done() and not waiter.cancelled():
                self.wake()  # it was woken for a slot it will not take: pass it on
            raise

    def _take(self) -> None:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)

    def release(self) -> None:
        """Give back a slot (an answer was observed with `observe`, or none came)."""
        self.in_flight -= 1
        self.wake()

    def wake(self) -> None:
        """Wake as many waiters, in order, as there are free slots now (a timer calls it
        when a pause ends)."""
        now = self._clock()
        if now < self.paused_until:
            self._wake_after_pause()
            return
        free = self.limit - self.in_flight
        for waiter in list(self._waiting)[: max(0, free)]:
            self._waiting.remove(waiter)
            if not waiter.done():
                waiter.set_result(None)

    def _wake_after_pause(self) -> None:
        delay = self.paused_until - self._clock()
        if self._waiting and delay > 0:
            asyncio.get_running_loop().call_later(delay, self.wake)

    # ------------------------------------------------------------------ learning

    def observe(self, seconds: float, status: int | None, retry_after: float | None) -> None:
        """Learn from one answer: how long it took, its status (None: no answer, a
        connection error or a timeout), and its Retry-After in seconds, if any."""
        if status in _BACKOFF_STATUSES:
            self._shrink()
            if retry_after is not None and retry_after > 0:
                self.paused_until = max(self.paused_until, self._clock() + retry_after)
            return
        if status is None:
            self._shrink()
            return
        quickest = self._quickest
        if quickest is None or seconds < quickest:
            self._quickest = quickest = seconds
        if seconds > SLOW_FACTOR * quickest + SLOW_MARGIN:
            self._shrink()
            return
        self._streak += 1
        if self._streak >= self.limit and self.limit < self.ceiling:
            self.limit += 1
            self._streak = 0
            self.wake()

    def _shrink(self) -> None:
        self.limit = max(1, self.limit // 2)
        self._streak = 0

    @property
    def idle(self) -> bool:
        """Nothing in flight or waiting, and no pause to honour: it may be forgotten."""
        return not self.in_flight and not self._waiting and self._clock() >= self.paused_until
