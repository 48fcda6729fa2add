"""`pressmon state`: work on a monitor's state itself (`pressmon state copy SRC DST`)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

__all__ = ["add_commands", "run_command"]

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_STATE = 4

_COPY_EPILOG = """\
A state is an SQLite file (a path) or a PostgreSQL database (postgresql://user@host/db;
the password comes from PGPASSWORD or ~/.pgpass, never from the command line). SRC is
read in one snapshot and left as it is (an older SRC is migrated first, as a run would);
DST is written in one transaction and committed only when its counts match SRC's. Feed
leases and alert claims are not copied: stop the runs and workers first.

exit codes:
  0  copied; the counts printed were checked in DST
  2  a usage error (a password in a URL, SRC and DST the same)
  4  a state cannot be used: SRC missing or unreadable, DST already holds a state
     (give --force to replace it), a server that cannot be reached
"""


def add_commands(commands: Any) -> None:
    """Add `state` (and its action `copy`) to the `pressmon` subcommands."""
    state = commands.add_parser(
        "state",
        help="work on a monitor's state: copy it between SQLite and PostgreSQL",
        description=(
            "Work on a monitor's state (the configuration's `state`): 'copy' moves every "
            "feed state, article, alert and delivery record of one state into another, "
            "SQLite to PostgreSQL or back."
        ),
    )
    actions = state.add_subparsers(dest="state_action", metavar="ACTION", required=True)
    copy = actions.add_parser(
        "copy",
        help="copy a state into another (SQLite file or PostgreSQL URL, either way)",
        description=(
            "Copy the state SRC into DST: feeds, articles with their stories, fingerprints, "
            "flags, first and last sight, alerts (pending ones stay pending) and delivery "
            "records, exactly. Prints the counts, checked in DST."
        ),
        epilog=_COPY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    copy.add_argument("source", metavar="SRC", help="the state to read: a file or a URL")
    copy.add_argument("target", metavar="DST", help="the state to write: a file or a URL")
    copy.add_argument(
        "--force",
        action="store_true",
        help="replace what DST holds (without it, a DST that holds a state is refused)",
    )


def _error(message: str, err: TextIO) -> None:
    err.write(f"pressmon: error: {message}\n")
    err.flush()


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run `pressmon state ACTION`; return the exit code."""
    from pressmon._store import open_store
    from pressmon._store._copy import copy_state, describe, same_state, state_name
    from pressmon._store._url import LOGIN_ADVICE, has_password, is_postgres_url
    from pressmon.exceptions import StoreError

    source, target = args.source, args.target
    for name, value in (("SRC", source), ("DST", target)):
        if is_postgres_url(value) and has_password(value):
            _error(f"{name}: the PostgreSQL URL carries a password: {LOGIN_ADVICE}", err)
            return EXIT_USAGE
    if same_state(source, target):
        _error(f"SRC and DST are the same state ({state_name(source)}): name another DST", err)
        return EXIT_USAGE
    try:
        with open_store(source, create=False) as reader, open_store(target) as writer:
            result = copy_state(reader, writer, force=args.force, target_name=state_name(target))
    except StoreError as error:
        _error(str(error), err)
        return EXIT_STATE
    counts = result.counts
    lines = [f"copied {state_name(source)} to {state_name(target)}"]
    if result.replaced is not None:
        lines.append(f"  replaced    {describe(result.replaced)}")
    lines += [
        f"  feeds       {counts.feeds}",
        f"  articles    {counts.articles} (stories: {counts.stories})",
        f"  alerts      {counts.alerts} (pending: {counts.pending})",
        f"  deliveries  {counts.deliveries}",
        "checked: the destination holds as many of each",
    ]
    out.write("\n".join(lines) + "\n")
    return EXIT_OK
