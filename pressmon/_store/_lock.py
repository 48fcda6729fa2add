"""One run at a time per state file: an exclusive lock on `STATE.lock`.

The lock is an OS file lock (`flock` on POSIX, `msvcrt.locking` on Windows):
the kernel releases it when the process ends, however it ends (SIGKILL
included), so a crashed run never leaves a stale lock behind. The lock file
itself stays; its presence means nothing.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from types import TracebackType

from pressmon.exceptions import StateLockedError

__all__ = ["RunLock"]


class RunLock:
    """An exclusive lock on a state file, waited for up to `timeout` seconds."""

    def __init__(self, state: Path, timeout: float, *, poll: float = 0.1) -> None:
        self.path = state.with_name(state.name + ".lock")
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

    def _give_up(self, fd: int) -> StateLockedError:
        os.close(fd)
        return StateLockedError(
            f"another pressmon run has held the state for {self.waited:.0f} s: "
            "let it finish, or raise lock_timeout (the lock is released when that "
            "process ends, even if it crashed)",
            path=str(self.path.with_name(self.path.name[: -len(".lock")])),
        )

    def acquire(self) -> None:
        """Take the lock, waiting for another run to finish.

        Raises:
            StateLockedError: still held after `timeout` seconds.
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
            StateLockedError: still held after `timeout` seconds.
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

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
