"""The labelled sets: the built-in topic's precision and recall, and the evaluate tool."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from pressmon.evaluate import Metrics, compile_query, evaluate, load_labelled

DATA = Path(__file__).resolve().parents[1] / "data" / "detect"
TUNING = DATA / "tuning.jsonl"
HELDOUT = DATA / "heldout.jsonl"
HELDOUT2 = DATA / "heldout2.jsonl"
TOPIC = "alpine-us-expansion"


def test_labelled_sets_are_varied() -> None:
    """Both sets mix positives and hard negatives, languages and article shapes."""
    for path, least in ((TUNING, 250), (HELDOUT, 100), (HELDOUT2, 40)):
        items = load_labelled(path)
        assert len(items) >= least
        positives = sum(item.label for item in items)
        assert 0.35 < positives / len(items) < 0.65
        languages = {item.article.language for item in items}  # type: ignore[attr-defined]
        assert {"en", "fr", "de", "es", "it"} <= languages and len(languages) >= 8
        shapes = {
            (bool(a.title), bool(a.summary), bool(a.text))  # type: ignore[attr-defined]
            for a in (item.article for item in items)
        }
        assert {(True, False, False), (False, True, False), (True, False, True)} <= shapes
        negatives = {item.category for item in items if not item.label}
        assert {"neg:f1", "neg:ski", "neg:linux", "neg:electronics", "neg:town"} <= negatives
        assert {"neg:other-brand", "neg:other-market", "neg:nature"} <= negatives


def test_tuning_set_precision_and_recall() -> None:
    """On the tuning set: precision >= 0.95 and recall >= 0.95 at the topic's threshold."""
    report = evaluate(TOPIC, TUNING)
    assert report.metrics.precision >= 0.95, report.errors()
    assert report.metrics.recall >= 0.95, report.errors()


@pytest.mark.parametrize("path", [HELDOUT, HELDOUT2], ids=["heldout", "heldout2"])
def test_heldout_sets_precision_and_recall(path: Path) -> None:
    """On the held-out sets (no term chosen from them): precision and recall >= 0.95."""
    report = evaluate(TOPIC, path)
    assert report.metrics.precision >= 0.95, report.errors()
    assert report.metrics.recall >= 0.95, report.errors()


def test_pressmon_beats_the_naive_keyword_query() -> None:
    """On both sets the engine's F1 is far above the topic's naive 'Alpine AND (US ...)' query."""
    from pressmon._detect import builtin_topics

    query = builtin_topics()[TOPIC].baseline
    for path in (TUNING, HELDOUT, HELDOUT2):
        report = evaluate(TOPIC, path, baseline=query)
        assert report.baseline is not None
        assert report.metrics.f1 >= report.baseline.f1 + 0.2
        assert report.metrics.precision > report.baseline.precision


def test_metrics_and_query_semantics() -> None:
    """Precision/recall arithmetic, and the query language: words, phrases, AND, OR, NOT."""
    metrics = Metrics.of([True, True, False, False], [True, False, True, False])
    assert (metrics.precision, metrics.recall, metrics.f1) == (0.5, 0.5, 0.5)
    query = compile_query('alpine AND ("united states" OR usa) AND NOT linux')
    assert query("alpine to the united states")
    assert query("l'alpine aux usa")
    assert not query("alpine linux usa")
    assert not query("alpines usa")  # whole words only
    with pytest.raises(ValueError, match=r"not closed|ends too early"):
        compile_query("alpine AND (usa")


def test_bad_labelled_lines_are_named(tmp_path: Path) -> None:
    """A line without a boolean label, or with a bad field, is reported with its number."""
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"label": True, "title": "ok"}) + "\n" + json.dumps({"title": "x"}))
    with pytest.raises(Exception, match="line 2: needs a boolean 'label'"):
        load_labelled(path)


def test_evaluate_command() -> None:
    """`python -m pressmon.evaluate TOPIC FILE --baseline --sweep` prints figures and errors."""
    import subprocess

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pressmon.evaluate",
            TOPIC,
            str(HELDOUT),
            "--baseline",
            "--sweep",
            "--calibrate",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "precision" in out and "pressmon" in out and "baseline query" in out
    assert "threshold sweep" in out and "Platt calibration" in out
    assert "per category" in out
    bad = subprocess.run(
        [sys.executable, "-m", "pressmon.evaluate", TOPIC, "/no/such/file.jsonl"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "/no/such/file.jsonl" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_detect_and_explain_agree_on_every_labelled_article() -> None:
    """The gated fast path of detect() flags exactly what the full explain() flags."""
    from pressmon import Article, detect, explain

    for path in (TUNING, HELDOUT, HELDOUT2):
        for item in load_labelled(path):
            article = item.article
            assert isinstance(article, Article)
            flagged = [flag.topic for flag in detect(article, [TOPIC])]
            explanation = explain(article, TOPIC)
            assert flagged == ([TOPIC] if explanation.flagged else []), item.line
            if flagged:
                assert detect(article, [TOPIC])[0].score == explanation.score
