"""One run at a time per SQLite state file: an exclusive lock on `STATE.lock` (see
`pressmon._filelock`), which a crashed run never leaves behind."""

from __future__ import annotations

from pressmon._filelock import FileLock
from pressmon.exceptions import StateLockedError

__all__ = ["RunLock"]


class RunLock(FileLock):
    """The run lock of a state file, waited for up to `timeout` seconds; `acquire` raises
    `StateLockedError` when another run keeps it longer."""

    def timed_out(self) -> Exception:
        """The error for a run that waited too long: what to do about it.

        Returns:
            The `StateLockedError` to raise.
        """
        return StateLockedError(
            f"another pressmon run has held the state for {self.waited:.0f} s: "
            "let it finish, or raise lock_timeout (the lock is released when that "
            "process ends, even if it crashed)",
            path=str(self.target),
        )
