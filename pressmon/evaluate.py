"""Measure a topic on a labelled set: `python -m pressmon.evaluate TOPIC FILE.jsonl`.

The labelled file has one JSON object per line: the [`Article`][pressmon.Article]
fields (`title`, `summary`, `text`, `language` ...) plus `label`
(true when the article is about the topic) and, optionally, `category` (a
free tag such as `neg:f1`, used to group the errors) and `note`.

It prints precision, recall and F1 at the topic's threshold, every error with
its score and the engine's one-line reason, the errors per category, and on
request (`--baseline`) the same figures for a naive keyword query, the
topic's `baseline` (Google-Alerts style: `Alpine AND (US OR USA OR ...)`,
case-insensitive, anywhere in the article), a threshold sweep (`--sweep`)
and a Platt calibration of the score's `bias` and `scale` (`--calibrate`).

Exit codes: 0, or 2 for a bad argument, an unreadable file or an invalid topic.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pressmon.exceptions import PressmonError, TopicError

__all__ = [
    "Item",
    "Metrics",
    "Report",
    "compile_query",
    "evaluate",
    "load_labelled",
    "main",
]


@dataclass(frozen=True)
class Item:
    """One labelled article."""

    article: object  # a pressmon.Article (kept untyped here so the module imports light)
    label: bool
    category: str
    line: int


@dataclass(frozen=True)
class Metrics:
    """Counts and ratios for one classifier on one set."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was flagged."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there is no positive."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    @classmethod
    def of(cls, labels: Sequence[bool], predictions: Sequence[bool]) -> Metrics:
        """Count agreements between labels and predictions."""
        pairs = list(zip(labels, predictions, strict=True))
        return cls(
            tp=sum(1 for label, flagged in pairs if label and flagged),
            fp=sum(1 for label, flagged in pairs if not label and flagged),
            fn=sum(1 for label, flagged in pairs if label and not flagged),
            tn=sum(1 for label, flagged in pairs if not label and not flagged),
        )


@dataclass
class Report:
    """What `evaluate` measured."""

    topic: str
    path: str
    threshold: float
    items: list[Item]
    scores: list[float]
    reasons: list[str]
    evidence_values: list[float | None]
    metrics: Metrics
    baseline: Metrics | None = None
    baseline_hits: list[bool] = field(default_factory=list)

    def errors(self) -> list[tuple[str, Item, float, str]]:
        """`(kind, item, score, reason)` for every false positive and false negative."""
        out = []
        for item, score, reason in zip(self.items, self.scores, self.reasons, strict=True):
            flagged = score >= self.threshold
            if flagged != item.label:
                out.append(("FP" if flagged else "FN", item, score, reason))
        return out


def load_labelled(path: str | Path) -> list[Item]:
    """Read a labelled JSONL file.

    Raises:
        PressmonError: bad input; the message names the line.
    """
    from pydantic import ValidationError

    from pressmon.models import Article

    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise PressmonError(f"{path}: {error.strerror or error}") from None
    items = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise PressmonError(f"{path}: line {number}: invalid JSON: {error.msg}") from None
        if not isinstance(record, dict) or not isinstance(record.get("label"), bool):
            raise PressmonError(f"{path}: line {number}: needs a boolean 'label'")
        label = record.pop("label")
        category = str(record.pop("category", "") or "")
        record.pop("note", None)
        try:
            article = Article.model_validate(record)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise PressmonError(f"{path}: line {number}: {where}: {first['msg']}") from None
        items.append(Item(article, label, category, number))
    return items


# ---------------------------------------------------------------- the baseline query

_QUERY_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|([^\s()"]+))')


def compile_query(query: str) -> Callable[[str], bool]:
    """Compile a keyword query (`A AND (B OR "c d") AND NOT e`) into a test on folded text.

    Words and quoted phrases match whole words, without case or accents, as a
    news alert would; `AND` binds tighter than `OR`; juxtaposed terms are ANDed.
    """
    from pressmon._detect._fold import fold

    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(query):
        match = _QUERY_TOKEN.match(query, position)
        if match is None or match.end() == position:
            if query[position:].strip():
                raise ValueError(f"cannot read the query at {query[position:]!r}")
            break
        position = match.end()
        if match.group(1):
            tokens.append(("(", "("))
        elif match.group(2):
            tokens.append((")", ")"))
        elif match.group(3) is not None:
            tokens.append(("term", match.group(3)))
        else:
            word = match.group(4)
            if word in ("AND", "OR", "NOT"):
                tokens.append((word, word))
            else:
                tokens.append(("term", word))
    index = 0

    def peek() -> str | None:
        return tokens[index][0] if index < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal index
        if index >= len(tokens):
            raise ValueError("the query ends too early")
        index += 1
        return tokens[index - 1]

    def parse_or() -> Callable[[str], bool]:
        parts = [parse_and()]
        while peek() == "OR":
            take()
            parts.append(parse_and())
        return parts[0] if len(parts) == 1 else (lambda text: any(part(text) for part in parts))

    def parse_and() -> Callable[[str], bool]:
        parts = [parse_not()]
        while peek() in ("AND", "NOT", "term", "("):
            if peek() == "AND":
                take()
            parts.append(parse_not())
        return parts[0] if len(parts) == 1 else (lambda text: all(part(text) for part in parts))

    def parse_not() -> Callable[[str], bool]:
        if peek() == "NOT":
            take()
            inner = parse_not()
            return lambda text: not inner(text)
        kind, value = take()
        if kind == "(":
            inner = parse_or()
            if take()[0] != ")":
                raise ValueError("a '(' is not closed")
            return inner
        if kind != "term":
            raise ValueError(f"unexpected {value!r} in the query")
        pattern = re.compile(rf"(?<!\w){re.escape(fold(value).text)}(?!\w)")
        return lambda text: pattern.search(text) is not None

    result = parse_or()
    if index != len(tokens):
        raise ValueError(f"unexpected {tokens[index][1]!r} in the query")
    return result


def _article_text(article: object) -> str:
    from pressmon._detect._fold import fold
    from pressmon.models import Article

    assert isinstance(article, Article)
    return fold("\n".join((article.title, article.summary, article.text))).text


# ---------------------------------------------------------------- evaluation


def evaluate(
    topic: object,
    path: str | Path,
    *,
    threshold: float | None = None,
    baseline: str | None = None,
) -> Report:
    """Score every labelled article of `path` with `topic` and count the agreements.

    Args:
        topic: a built-in name, a topic file path or a [`Topic`][pressmon.Topic].
        path: the labelled JSONL file.
        threshold: the threshold to judge at (default: the topic's own).
        baseline: a keyword query to compare with (default: none; pass the
            topic's `baseline` to use it).
    """
    from pressmon._detect import explain, resolve_topics

    (resolved,) = resolve_topics([topic])  # type: ignore[list-item]  # validated by resolve
    items = load_labelled(path)
    cut = resolved.threshold if threshold is None else threshold
    scores, reasons, values = [], [], []
    for item in items:
        explanation = explain(item.article, resolved)  # type: ignore[arg-type]  # an Article
        scores.append(explanation.score)
        reasons.append(explanation.reason)
        values.append(
            explanation.evidence_total + explanation.context if explanation.windows else None
        )
    labels = [item.label for item in items]
    report = Report(
        topic=resolved.name,
        path=str(path),
        threshold=cut,
        items=items,
        scores=scores,
        reasons=reasons,
        evidence_values=values,
        metrics=Metrics.of(labels, [score >= cut for score in scores]),
    )
    if baseline:
        query = compile_query(baseline)
        hits = [query(_article_text(item.article)) for item in items]
        report.baseline = Metrics.of(labels, hits)
        report.baseline_hits = hits
    return report


def calibrate(report: Report) -> tuple[float, float]:
    """Fit `bias` and `scale` of `sigmoid(bias + scale * evidence)` (Platt scaling).

    Only articles with a window that met the rule take part (the others score 0
    whatever the constants are). Newton's method on the log-loss, with a light
    ridge so that a perfectly separated set still gives finite values.
    """
    pairs = [
        (value, 1.0 if item.label else 0.0)
        for item, value in zip(report.items, report.evidence_values, strict=True)
        if value is not None
    ]
    bias, scale = -3.0, 1.0
    for _ in range(100):
        g0 = g1 = h00 = h01 = h11 = 0.0
        for x, y in pairs:
            z = bias + scale * x
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g0 += p - y
            g1 += (p - y) * x
            w = p * (1.0 - p)
            h00 += w
            h01 += w * x
            h11 += w * x * x
        ridge = 0.05
        g0 += ridge * (bias + 3.0)
        g1 += ridge * (scale - 1.0)
        h00 += ridge
        h11 += ridge
        det = h00 * h11 - h01 * h01
        if abs(det) < 1e-12:
            break
        step0 = (h11 * g0 - h01 * g1) / det
        step1 = (h00 * g1 - h01 * g0) / det
        bias -= step0
        scale -= step1
        if abs(step0) + abs(step1) < 1e-9:
            break
    return bias, scale


def _line(name: str, metrics: Metrics) -> str:
    return (
        f"{name:<16} {metrics.precision:>9.3f} {metrics.recall:>7.3f} {metrics.f1:>6.3f}"
        f" {metrics.tp:>4} {metrics.fp:>4} {metrics.fn:>4} {metrics.tn:>4}"
    )


def _describe(item: Item) -> str:
    article = item.article
    title = getattr(article, "title", "") or getattr(article, "summary", "")[:90] or "(untitled)"
    language = getattr(article, "language", None) or "??"
    return f"[{item.category or '-'} {language} line {item.line}] {title}"


def print_report(
    report: Report, out: TextIO, *, sweep: bool = False, show_errors: bool = True
) -> None:
    """Write the report for people."""
    positives = sum(item.label for item in report.items)
    out.write(
        f"topic {report.topic} on {report.path}: {len(report.items)} articles "
        f"({positives} positive, {len(report.items) - positives} negative), "
        f"threshold {report.threshold:.2f}\n\n"
    )
    header = ("precision", "recall", "F1", "TP", "FP", "FN", "TN")
    widths = (9, 7, 6, 4, 4, 4, 4)
    out.write(f"{'':<16} " + " ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
    out.write("\n")
    out.write(_line("pressmon", report.metrics) + "\n")
    if report.baseline is not None:
        out.write(_line("baseline query", report.baseline) + "\n")
    errors = report.errors()
    if show_errors:
        out.write(f"\nerrors ({len(errors)}):\n")
        for kind, item, score, reason in errors:
            out.write(f"  {kind} {score:.2f} {_describe(item)}\n       {reason}\n")
    categories: dict[str, list[int]] = {}
    for item, score in zip(report.items, report.scores, strict=True):
        counts = categories.setdefault(item.category or "-", [0, 0])
        counts[0] += 1
        counts[1] += (score >= report.threshold) != item.label
    out.write("\nper category (articles, errors):\n")
    for name in sorted(categories):
        total, wrong = categories[name]
        out.write(f"  {name:<28} {total:>4} {wrong:>4}\n")
    if report.baseline is not None:
        wrong_baseline = sum(
            1
            for item, hit in zip(report.items, report.baseline_hits, strict=True)
            if hit != item.label
        )
        out.write(f"\nbaseline query errors: {wrong_baseline}\n")
    if sweep:
        out.write("\nthreshold sweep:\n  threshold precision recall   F1\n")
        labels = [item.label for item in report.items]
        for step in range(1, 20):
            cut = step / 20
            metrics = Metrics.of(labels, [score >= cut for score in report.scores])
            out.write(
                f"  {cut:>9.2f} {metrics.precision:>9.3f} {metrics.recall:>6.3f} "
                f"{metrics.f1:>6.3f}\n"
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation command line; return the exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m pressmon.evaluate",
        description="Measure a topic on a labelled JSONL set: precision, recall, F1, errors.",
    )
    parser.add_argument("topic", help="a built-in topic name or the path of a topic .toml file")
    parser.add_argument("file", help="labelled JSONL: Article fields plus 'label' (true/false)")
    parser.add_argument("--threshold", type=float, help="judge at this threshold")
    parser.add_argument(
        "--baseline",
        nargs="?",
        const="",
        metavar="QUERY",
        help="also score a naive keyword query (default: the topic's own 'baseline')",
    )
    parser.add_argument("--sweep", action="store_true", help="print a threshold sweep")
    parser.add_argument(
        "--calibrate", action="store_true", help="fit the score's bias and scale (Platt)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not list every error")
    args = parser.parse_args(argv)
    if args.threshold is not None and not 0.0 < args.threshold < 1.0:
        parser.error("--threshold must be between 0 and 1")
    try:
        from pressmon._detect import resolve_topics

        (topic,) = resolve_topics([args.topic])
        query = None
        if args.baseline is not None:
            query = args.baseline or topic.baseline
            if not query:
                parser.error(f"topic {topic.name!r} has no 'baseline' query; give one")
            compile_query(query)
        report = evaluate(topic, args.file, threshold=args.threshold, baseline=query)
    except (TopicError, PressmonError, ValueError) as error:
        print(f"python -m pressmon.evaluate: error: {error}", file=sys.stderr)
        return 2
    print_report(report, sys.stdout, sweep=args.sweep, show_errors=not args.quiet)
    if args.calibrate:
        bias, scale = calibrate(report)
        sys.stdout.write(
            f"\nPlatt calibration on this set: bias = {bias:.3f}, scale = {scale:.3f} "
            f"(topic has bias = {topic.scoring.bias}, scale = {topic.scoring.scale})\n"
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
