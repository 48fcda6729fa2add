"""The ``pressmon`` command: argument parsing and output, over the library.

Exit codes: 0 when every source was read, 1 when some failed, 2 for a usage
error (an unknown option or topic), 130 when interrupted. ``pressmon run`` has
its own (see ``pressmon run --help``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from pressmon._version import __version__

__all__ = ["main"]

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _error(source: str, reason: str, stream: TextIO) -> None:
    print(f"pressmon: error: {source}: {reason}", file=stream)


def _warning(source: str, message: str, stream: TextIO) -> None:
    print(f"pressmon: warning: {source}: {message}", file=stream)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `pressmon` command (also used to generate docs/cli.md)."""
    parser = argparse.ArgumentParser(
        prog="pressmon",
        description=(
            "Fetch news feeds, normalize articles, flag the ones that mention a monitored topic."
        ),
    )
    parser.add_argument("--version", action="version", version=f"pressmon {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    scan = commands.add_parser(
        "scan",
        help="read sources and flag the articles that mention a topic",
        description=(
            "Read each SOURCE (a file, a directory, or - for standard input), "
            "normalize its articles and flag those that mention a topic. "
            "Sources that cannot be read are reported on standard error; "
            "the others are still processed."
        ),
    )
    scan.add_argument("sources", nargs="+", metavar="SOURCE", help="file, directory or - (stdin)")
    scan.add_argument(
        "--topic",
        action="append",
        dest="topics",
        metavar="NAME",
        help="detect only this topic (repeatable; default: every built-in topic)",
    )
    scan.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text for people (default), json (one array) or jsonl (one object per line)",
    )
    scan.add_argument(
        "--only-flagged", action="store_true", help="print only the articles flagged for a topic"
    )

    commands.add_parser(
        "demo",
        help="scan the bundled seed and sample feeds, offline, and show what is flagged",
        description=(
            "Scan the bundled seed article and sample feeds (offline) "
            "and print the flagged articles."
        ),
    )

    from pressmon._cli_monitor import add_commands

    add_commands(commands)
    return parser


def _check_topics(parser: argparse.ArgumentParser, topics: Sequence[str] | None) -> None:
    if not topics:
        return
    from pressmon.detect import BUILTIN_TOPICS

    for name in topics:
        if name not in BUILTIN_TOPICS:
            parser.error(f"unknown topic {name!r} (available: {', '.join(sorted(BUILTIN_TOPICS))})")


def _run_scan(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pressmon._render import Style, article_record, dumps, format_article
    from pressmon._scan import scan

    results = scan(args.sources, topics=args.topics)
    style = Style.for_stream(out)
    records = []
    shown = flagged = failed = 0
    for result in results:
        for message in result.warnings:
            _warning(result.source, message, err)
        if result.error is not None:
            failed += 1
            _error(result.source, result.error, err)
            continue
        for item in result.items:
            if item.flags:
                flagged += 1
            if args.only_flagged and not item.flags:
                continue
            shown += 1
            if args.format == "jsonl":
                out.write(dumps(article_record(item.article, item.flags)) + "\n")
            elif args.format == "json":
                records.append(article_record(item.article, item.flags))
            else:
                out.write(format_article(item.article, item.flags, style) + "\n\n")
    if args.format == "json":
        import json

        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "text":
        articles = sum(len(result.items) for result in results)
        read = len(results) - failed
        out.write(
            f"{articles} article(s) from {read} source(s), {flagged} flagged"
            + (f"; {failed} source(s) failed" if failed else "")
            + "\n"
        )
    return EXIT_SOME_FAILED if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    out, err = sys.stdout, sys.stderr
    try:
        if args.command == "scan":
            _check_topics(parser, args.topics)
            return _run_scan(args, out, err)
        if args.command == "demo":
            from pressmon._demo import run_demo

            return run_demo(out)
        if args.command in ("run", "opml"):
            from pressmon._cli_monitor import run_command

            return run_command(args, out, err)
        parser.error(
            f"unknown command {args.command!r}"
        )  # pragma: no cover - argparse refuses first
    except KeyboardInterrupt:
        print("pressmon: interrupted", file=err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (pressmon scan ... | head): stop quietly, and keep
        # Python from complaining again when it flushes stdout at exit.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
