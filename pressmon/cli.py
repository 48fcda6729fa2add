"""The `pressmon` command: argument parsing and output, over the library.

Exit codes: 0 when every source was read, 1 when some failed, 2 for a usage
error (an unknown option or topic), 130 when interrupted. `pressmon run` has
its own (see `pressmon run --help`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO, TypeVar

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


_N = TypeVar("_N", int, float)


def _number(
    convert: Callable[[str], _N], expected: str, accept: Callable[[_N], bool], bound: str
) -> Callable[[str], _N]:
    """An argparse `type=` that converts a number and checks its bound, with clear errors."""

    def parse(text: str) -> _N:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not accept(value):
            raise argparse.ArgumentTypeError(f"must be {bound}, got {text!r}")
        return value

    return parse


_positive_float = _number(float, "a number of seconds", lambda value: value > 0, "more than 0")
_positive_int = _number(int, "a whole number", lambda value: value >= 1, "1 or more")
_non_negative_int = _number(int, "a whole number", lambda value: value >= 0, "0 or more")


def _fetch_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    timeout = getattr(args, "timeout", None)
    if timeout is not None:
        from pressmon._fetch import _defaults

        options["deadline"] = timeout
        options["timeout"] = min(timeout, _defaults.TIMEOUT)
    concurrency = getattr(args, "concurrency", None)
    if concurrency is not None:
        options["concurrency"] = concurrency
    parse_workers = getattr(args, "parse_workers", None)
    if parse_workers is not None:
        options["parse_workers"] = parse_workers
    return options


def _read_sources_file(parser: argparse.ArgumentParser, path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
    except OSError as error:
        parser.error(f"cannot read --sources {path}: {error.strerror or error}")
    except UnicodeDecodeError:
        parser.error(f"cannot read --sources {path}: not UTF-8 text")
    sources = []
    for line in lines:
        line = line.strip()
        if line and not line.startswith("#"):
            sources.append(line)
    return sources


def _add_full_text_options(command: argparse.ArgumentParser) -> None:
    """--full-text, --full-text-all and --allow-private-pages (scan, explain)."""
    command.add_argument(
        "--full-text",
        action="store_const",
        const="thin",
        dest="full_text",
        help="follow the link of each item that carries little text (under 500 characters) "
        "and read the article page's main text before detecting topics",
    )
    command.add_argument(
        "--full-text-all",
        action="store_const",
        const="all",
        dest="full_text",
        help="like --full-text, for every item, even those whose feed gives a long text",
    )
    command.add_argument(
        "--allow-private-pages",
        action="store_true",
        help="with --full-text, also follow links to loopback, private and link-local "
        "addresses (refused by default: links come from third-party feeds)",
    )


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
            "Read each SOURCE (a file, a directory, - for standard input, or an "
            "http(s) feed URL: URLs are fetched concurrently), "
            "normalize its articles and flag those that mention a topic. "
            "Sources that cannot be read are reported on standard error; "
            "the others are still processed."
        ),
    )
    scan.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="file, directory, - (stdin), or http(s) feed URL",
    )
    scan.add_argument(
        "--sources",
        dest="sources_file",
        metavar="FILE",
        help="read more sources from FILE, one per line (blank lines and # comments ignored)",
    )
    scan.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="give up on a feed request after SECONDS (default: 30; retries may add more)",
    )
    scan.add_argument(
        "--concurrency",
        type=_positive_int,
        metavar="N",
        help="feeds fetched at once (default: 64, and never more than 2 per host)",
    )
    scan.add_argument(
        "--parse-workers",
        type=_non_negative_int,
        metavar="N",
        help="parse fetched feeds in N worker processes (default: 0, in this process); "
        "faster for hundreds of feeds on a machine with several cores",
    )
    _add_full_text_options(scan)
    scan.add_argument(
        "--topic",
        action="append",
        dest="topics",
        metavar="NAME",
        help="detect only this topic: a built-in name or a topic .toml file "
        "(repeatable; default: every built-in topic)",
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

    discover = commands.add_parser(
        "discover",
        help="find the feeds of a web site",
        description=(
            "Find the feeds of the site at URL: the feeds its page advertises "
            "(<link rel=alternate>), else the usual paths (/feed, /rss, /rss.xml, "
            "/atom.xml, /feed.xml, /index.xml). Each one is fetched to check it is a feed. "
            "Prints one feed URL per line."
        ),
    )
    discover.add_argument("url", metavar="URL", help="a page of the site (http or https)")
    discover.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="give up on a request after SECONDS (default: 30)",
    )

    explain = commands.add_parser(
        "explain",
        help="show, per article, why a topic flags it or not",
        description=(
            "Read each SOURCE like scan does and print, per article and topic, the groups "
            "matched, the exclusions that fired, the score against the threshold and the "
            "highlighted evidence sentences, whether or not the article is flagged."
        ),
    )
    explain.add_argument(
        "sources", nargs="+", metavar="SOURCE", help="file, directory, - (stdin) or feed URL"
    )
    explain.add_argument(
        "--topic",
        action="append",
        dest="topics",
        metavar="NAME",
        help="a built-in topic name or a topic .toml file (repeatable; default: every built-in)",
    )
    explain.add_argument(
        "--format",
        choices=("text", "json", "jsonl"),
        default="text",
        help="text for people (default), json or jsonl (the full explanations)",
    )
    explain.add_argument(
        "--only-flagged", action="store_true", help="explain only the articles that are flagged"
    )
    _add_full_text_options(explain)

    commands.add_parser(
        "demo",
        help="scan the bundled seed and sample feeds, offline, and show what is flagged",
        description=(
            "Scan the bundled seed article and sample feeds (offline) "
            "and print the flagged articles."
        ),
    )

    from pressmon._cli_monitor import add_commands
    from pressmon._cli_state import add_commands as add_state_commands

    add_commands(commands)
    add_state_commands(commands)
    return parser


def _check_topics(
    parser: argparse.ArgumentParser, topics: Sequence[str] | None
) -> list[Any] | None:
    """Resolve `--topic` values (built-in names or topic files); a usage error otherwise."""
    if not topics:
        return None
    from pressmon._detect import resolve_topics
    from pressmon.exceptions import TopicError

    try:
        return resolve_topics(topics)
    except TopicError as error:
        parser.error(str(error))


def _check_full_text(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.allow_private_pages and not args.full_text:
        parser.error(
            f"{args.command}: --allow-private-pages applies to --full-text: add --full-text"
        )


def _run_scan(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pressmon._progress import MIN_FEEDS, ProgressBar
    from pressmon._render import Style, article_record, dumps, format_article
    from pressmon._scan import scan
    from pressmon._urls import is_http_url

    urls = {source for source in args.sources if is_http_url(source)}
    bar = ProgressBar(err) if err.isatty() else None
    try:
        results = scan(
            args.sources,
            topics=args.resolved_topics,
            fetch_options=_fetch_options(args),
            progress=bar if bar is not None and len(urls) >= MIN_FEEDS else None,
            full_text=args.full_text or False,
            allow_private_pages=args.allow_private_pages,
            page_progress=bar.page if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.close()
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
            + (_full_text_summary(results) if args.full_text else "")
            + "\n"
        )
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _full_text_summary(results: Sequence[Any]) -> str:
    """`; pages: 12 ok, 1 not an article, 2 failed, 3 skipped` (the non-zero counts)."""
    counts: dict[str, int] = {}
    for result in results:
        for item in result.items:
            if item.article.extraction is not None:
                status = item.article.extraction.status
                counts[status] = counts.get(status, 0) + 1
    labels = {"ok": "ok", "not_article": "not an article", "failed": "failed", "skipped": "skipped"}
    parts = [f"{counts[status]} {label}" for status, label in labels.items() if counts.get(status)]
    return f"; pages: {', '.join(parts)}" if parts else "; pages: none needed"


def _run_discover(
    parser: argparse.ArgumentParser, args: argparse.Namespace, out: TextIO, err: TextIO
) -> int:
    from pressmon._api import discover_feeds
    from pressmon._urls import is_http_url
    from pressmon.exceptions import FetchError

    if not is_http_url(args.url):
        parser.error(f"discover: {args.url!r} is not an http(s) URL")
    try:
        feeds = discover_feeds(args.url, **_fetch_options(args))
    except FetchError as error:
        _error(args.url, error.message, err)
        return EXIT_SOME_FAILED
    if not feeds:
        _error(args.url, "no feed found (no advertised feed, none at the usual paths)", err)
        return EXIT_SOME_FAILED
    for feed in feeds:
        out.write(feed + "\n")
    return EXIT_OK


def _run_explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from pressmon._detect import explain, resolve_topics
    from pressmon._render import Style, dumps, explanation_record, format_explanation
    from pressmon._scan import scan

    topics = args.resolved_topics or resolve_topics(None)
    results = scan(
        args.sources,
        topics=[],
        full_text=args.full_text or False,
        allow_private_pages=args.allow_private_pages,
    )
    style = Style.for_stream(out)
    records = []
    failed = 0
    for result in results:
        for message in result.warnings:
            _warning(result.source, message, err)
        if result.error is not None:
            failed += 1
            _error(result.source, result.error, err)
            continue
        for item in result.items:
            explanations = [explain(item.article, topic) for topic in topics]
            if args.only_flagged and not any(e.flagged for e in explanations):
                continue
            if args.format == "text":
                out.write(format_explanation(item.article, explanations, style) + "\n\n")
            else:
                record = explanation_record(item.article, explanations)
                if args.format == "jsonl":
                    out.write(dumps(record) + "\n")
                else:
                    records.append(record)
    if args.format == "json":
        import json

        json.dump(records, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return EXIT_SOME_FAILED if failed else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    out, err = sys.stdout, sys.stderr
    try:
        if args.command == "scan":
            args.resolved_topics = _check_topics(parser, args.topics)
            if args.sources_file is not None:
                args.sources = [*args.sources, *_read_sources_file(parser, args.sources_file)]
            if not args.sources:
                parser.error("scan: give at least one SOURCE, or --sources FILE")
            _check_full_text(parser, args)
            return _run_scan(args, out, err)
        if args.command == "discover":
            return _run_discover(parser, args, out, err)
        if args.command == "explain":
            args.resolved_topics = _check_topics(parser, args.topics)
            _check_full_text(parser, args)
            return _run_explain(args, out, err)
        if args.command == "demo":
            from pressmon._demo import run_demo

            return run_demo(out)
        if args.command in ("run", "opml"):
            from pressmon._cli_monitor import run_command

            return run_command(args, out, err)
        if args.command == "state":
            from pressmon._cli_state import run_command as run_state_command

            return run_state_command(args, out, err)
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
