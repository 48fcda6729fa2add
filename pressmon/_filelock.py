"""An exclusive lock on a file, between processes: `flock` on POSIX, `msvcrt.locking` on
Windows, on `FILE.lock` beside it.

The kernel releases the lock when the process ends, however it ends (SIGKILL
included), so a crashed process never leaves a stale lock behind; the lock file
itself stays, and its presence means nothing. The state's run lock
(`pressmon._store.RunLock`) and the JSONL sink (several workers appending to one
file) use it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from types import TracebackType

__all__ = ["FileLock", "LockTimeout"]


class LockTimeout(Exception):
    """Another process held the lock for the whole timeout."""


class FileLock:
    """An exclusive lock on `TARGET.lock`, waited for up to `timeout` seconds.

    Args:
        target: the file the lock guards (the lock is the file beside it, `.lock` added).
        timeout: seconds to wait for another process's lock.
        poll: seconds between two tries.
    """

    def __init__(self, target: Path, timeout: float, *, poll: float = 0.1) -> None:
        self.target = target
        self.path = target.with_name(target.name + ".lock")
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None
        self.waited = 0.0

    def _try_lock(self, fd: int) -> bool:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            try:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            except OSError:
                return False
            return True
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def _give_up(self, fd: int) -> Exception:
        os.close(fd)
        return self.timed_out()

    def timed_out(self) -> Exception:
        """The error raised when the lock stayed taken for `timeout` seconds."""
        return LockTimeout(
            f"{self.target}: another pressmon process kept it locked for {self.waited:.0f} s"
        )

    def acquire(self) -> None:
        """Take the lock, waiting for another run to finish.

        Raises:
            Exception: `timed_out()`, when the lock is still held after `timeout` seconds.
        """
        fd = self._open()
        started = time.monotonic()
        while not self._try_lock(fd):
            self.waited = time.monotonic() - started
            if self.waited >= self.timeout:
                raise self._give_up(fd)
            time.sleep(self.poll)
        self.waited = time.monotonic() - started
        self._fd = fd

    async def acquire_async(self) -> None:
        """Take the lock like `acquire`, waiting without blocking the event loop.

        Raises:
            Exception: `timed_out()`, when the lock is still held after `timeout` seconds.
        """
        fd = self._open()
        started = time.monotonic()
        try:
            while not self._try_lock(fd):
                self.waited = time.monotonic() - started
                if self.waited >= self.timeout:
                    raise self._give_up(fd)
                await asyncio.sleep(self.poll)
        except asyncio.CancelledError:
            os.close(fd)
            raise
        self.waited = time.monotonic() - started
        self._fd = fd

    def release(self) -> None:
        """Give the lock back (closing the file releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
