"""The monitor's subcommands, `pressmon run` and `pressmon opml`: parsing and output."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

__all__ = ["EXIT_CODES_HELP", "add_commands", "run_command"]

EXIT_OK = 0
EXIT_NEW_ALERTS = 1
EXIT_USAGE = 2
EXIT_ALL_FEEDS_FAILED = 3
EXIT_STATE = 4
EXIT_DELIVERY = 5

EXIT_CODES_HELP = """\
exit codes:
  0  a normal run (some feeds may have failed: see the warnings)
  1  --fail-on-new was given and there were new alerts
  2  a configuration or usage error (the message names the file, the key and the fix)
  3  every feed that was due failed
  4  the state cannot be used: locked by another run past lock_timeout, damaged
     (rebuild it with --rebuild-state), or written by a newer pressmon
  5  a sink could not take some alerts (they stay in the outbox; the next run retries)
"""


def add_commands(commands: Any) -> None:
    """Add `run` and `opml` to the `pressmon` subcommands."""
    run = commands.add_parser(
        "run",
        help="run the monitor once: fetch the feeds, alert once on each new flagged story",
        description=(
            "Fetch the feeds of CONFIG that are due, store new articles in the state file, "
            "flag those that mention a topic, and deliver one alert per new story to every "
            "sink. Run it on a schedule (cron, GitHub Actions): each story is alerted once. "
            "Progress and log lines go to standard error; sinks such as the console print "
            "to standard output."
        ),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("config", metavar="CONFIG", help="the monitor's TOML configuration file")
    run.add_argument(
        "--fail-on-new",
        action="store_true",
        help="exit with code 1 when the run made new alerts (to fail a CI job on news)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="fetch every feed now, even those backing off or not due yet",
    )
    run.add_argument(
        "--rebuild-state",
        action="store_true",
        help="when the state file is damaged, move it aside and start a new one",
    )
    level = run.add_mutually_exclusive_group()
    level.add_argument("-q", "--quiet", action="store_true", help="print only warnings and errors")
    level.add_argument(
        "-v", "--verbose", action="store_true", help="print a line per feed and per duplicate"
    )

    opml = commands.add_parser(
        "opml",
        help="export a configuration's feeds as OPML, or import OPML as [[feeds]] tables",
        description=(
            "Move feed lists between pressmon and feed readers: 'export' prints the feeds of "
            "CONFIG (its [[feeds]] and feeds_file) as OPML 2.0; 'import' prints the feeds of "
            "an OPML file as [[feeds]] tables to paste into a configuration."
        ),
    )
    actions = opml.add_subparsers(dest="opml_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="print CONFIG's feeds as OPML")
    export.add_argument("config", metavar="CONFIG", help="the monitor's TOML configuration file")
    importer = actions.add_parser("import", help="print an OPML file's feeds as TOML")
    importer.add_argument("opml_file", metavar="FILE", help="an OPML file")


def _error(message: str, err: TextIO) -> None:
    err.write(f"pressmon: error: {message}\n")
    err.flush()


def run_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run `pressmon run` or `pressmon opml`; return the exit code."""
    from pressmon.exceptions import ConfigError, StoreError, TopicError

    try:
        if args.command == "opml":
            return _opml(args, out)
        return _run(args, out, err)
    except (ConfigError, TopicError) as error:
        _error(str(error), err)
        return EXIT_USAGE
    except StoreError as error:
        _error(str(error), err)
        return EXIT_STATE


def _opml(args: argparse.Namespace, out: TextIO) -> int:
    from pressmon.config import export_opml, feeds_as_toml, load_config, read_feeds_file

    if args.opml_action == "export":
        config = load_config(args.config)
        out.write(export_opml(config.all_feeds()) + "\n")
    else:
        out.write(feeds_as_toml(read_feeds_file(args.opml_file)))
    return EXIT_OK


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pressmon._monitor import Progress, run_monitor
    from pressmon.config import load_config

    config = load_config(args.config)
    progress = Progress(err, quiet=args.quiet, verbose=args.verbose, secrets=config.secrets())
    report = run_monitor(
        config,
        force=args.force,
        rebuild_state=args.rebuild_state,
        progress=progress,
        stdout=out,
    )
    if report.all_feeds_failed:
        _error("every feed failed: check the network and the feed URLs above", err)
        return EXIT_ALL_FEEDS_FAILED
    if report.sink_errors:
        return EXIT_DELIVERY
    if args.fail_on_new and report.alerts:
        return EXIT_NEW_ALERTS
    return EXIT_OK
