"""The optional `apprise` library (`pressmon[apprise]`): importing it with a clear error
when it is missing, keeping its log lines off standard error, checking a URL.

Both the configuration (which checks `urls` when it loads) and the apprise sink use
this module, so neither imports the other for it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

from pressmon.exceptions import ConfigError

__all__ = ["apprise_logs", "require_apprise", "url_problem"]

_INSTALL = 'the apprise sink needs apprise: pip install "pressmon[apprise]"'


def require_apprise() -> ModuleType:
    """The `apprise` module.

    Raises:
        ConfigError: apprise is not installed (the message says how to install it).
    """
    try:
        import apprise
    except ImportError:
        raise ConfigError(_INSTALL) from None
    return apprise


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def apprise_logs() -> Iterator[list[str]]:
    """Collect apprise's warnings and errors instead of letting them reach standard error."""
    logger = logging.getLogger("apprise")
    keep = _Keep()
    propagate = logger.propagate
    logger.addHandler(keep)
    logger.propagate = False
    try:
        yield keep.messages
    finally:
        logger.removeHandler(keep)
        logger.propagate = propagate


def url_problem(url: str) -> str | None:
    """Why apprise cannot use a URL (in words that do not quote it), or None."""
    apprise = require_apprise()
    with apprise_logs():
        service = apprise.Apprise.instantiate(url)
    if service is None:
        scheme = url.partition("://")[0].lower()
        return (
            f"apprise cannot use this {scheme}:// URL (unknown service, or its details are "
            "wrong): check it against https://github.com/caronc/apprise/wiki"
        )
    return None
