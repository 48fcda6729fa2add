"""The detection engine: match once, then window, exclude and score each topic.

For one article:

1. **Fields.** The title (without a trailing `` - Publisher``, as Google News
   writes titles), the summary (dropped when the text already contains it,
   even cut short with "…", or when it repeats the title, publisher included)
   and the text.
2. **Terms.** Each field is folded once and every term of every topic is found
   in one pass (:class:`~pressmon._detect._terms.Matcher`).
3. **Sentences.** Only when a topic's required groups were all found somewhere
   are the fields split into sentences, in reading order: title, summary,
   text. A sentence that repeats an earlier one (the title as the first line of
   the text) brings nothing new and is skipped.
4. **Windows.** Every run of ``rule.window`` consecutive sentences (a window
   may run from the title into the summary or the lead) where the rule's groups
   meet is a candidate; a window-scope exclusion found in it cancels it, unless
   one of its ``unless`` groups is there too.
5. **Score.** A window's strength is its position weight (title, summary,
   lead, body, tail) times the sum of the weights of the groups in it. The
   strongest distinct windows are added up with decreasing factors, the
   article-wide groups are added, and ``sigmoid(bias + scale * total)`` is
   the score.
"""

from __future__ import annotations

import dataclasses
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pressmon._detect._fold import Folded, fold
from pressmon._detect._sentences import Run, SentenceFinder, Span, split_sentences
from pressmon._detect._terms import Gate, Hit, Matcher, WordGate
from pressmon._detect._topic import FieldWeights, Group, Topic
from pressmon.models import (
    Article,
    Evidence,
    EvidenceWindow,
    ExclusionHit,
    Explanation,
    Flag,
    GroupMatch,
    TermMatch,
    TextField,
)

__all__ = ["Engine", "reading_fields"]

_PUBLISHER = re.compile(r"\s+[-–—|]\s+([^-–—|]{1,60})\Z")
_SPACES = re.compile(r"\s+")
# How feeds cut a teaser short: "...", "…", "[…]", "(...)", "Read more".
_TRUNCATED = re.compile(r"\s*(?:\[?…\]?|\[?\.\.\.\]?|\(\.\.\.\)|read more|lire la suite)\s*$", re.I)


def _gate_terms(group: Group) -> list[str]:
    """The terms of a group that can make it found (its ignore phrases cannot)."""
    return [term for term, _, ignore in group.all_terms() if not ignore]


def _title_without_publisher(title: str) -> str:
    """Cut a trailing `` - Publisher`` (at most five words) off a headline."""
    match = _PUBLISHER.search(title)
    if match is None:
        return title
    suffix = match.group(1).strip()
    head = title[: match.start()]
    if len(suffix.split()) > 5 or len(head.split()) < 3 or suffix[-1:] in ".!?":
        return title
    return head


def _normalized(text: str) -> str:
    return " ".join(text.split())


def _untruncated(normalized: str) -> str:
    """`normalized` (single spaces, stripped) without a truncation mark at its end."""
    # In such a text a match of _TRUNCATED is at most 14 characters long ("lire la
    # suite" and one space) and ends at the end: searching the last 32 characters
    # finds what re.sub over the whole text would, without trying every position.
    match = _TRUNCATED.search(normalized, max(0, len(normalized) - 32))
    return normalized if match is None else normalized[: match.start()]


def reading_fields(article: Article) -> list[tuple[TextField, str]]:
    """The parts of an article detection reads, in reading order, without repeats.

    Returns ``(field, text)`` pairs; a field's text is a prefix of the article's
    field (the title may lose its `` - Publisher`` suffix), so offsets into it
    are offsets into the article's field.
    """
    title = _title_without_publisher(article.title) if article.title.strip() else ""
    summary, text = article.summary, article.text
    if summary.strip():
        short = _untruncated(_normalized(summary))
        head = _normalized(title)
        if (
            # `short` is normalized: found in the text as it is, it is in the normalized
            # text too (its single spaces are whole runs there), without normalizing 3 KB.
            (text and not text.isspace() and (short in text or short in _normalized(text)))
            or short in (head, _normalized(article.title))
            # Google News: the summary is the title followed by the publisher's name.
            or (head and short.startswith(head) and len(short[len(head) :].split()) <= 6)
        ):
            summary = ""
    out: list[tuple[TextField, str]] = []
    if title.strip():
        out.append(("title", title))
    if summary.strip():
        out.append(("summary", summary))
    if text.strip():
        out.append(("text", text))
    return out


@dataclass
class _Sentence:
    field: TextField
    start: int
    end: int
    weight: float
    source: str
    hits: list[Hit] = dataclasses.field(default_factory=list)


@dataclass
class _CompiledTopic:
    topic: Topic
    group_ids: dict[str, int]
    names: dict[int, str]
    weights: dict[int, float]
    window_groups: frozenset[int]
    article_groups: frozenset[int]
    required_all: tuple[int, ...]
    required_any: tuple[int, ...]
    focus: frozenset[int]
    headline: frozenset[int]
    scored: frozenset[int]
    exclusions: list[tuple[int, frozenset[int], frozenset[int]]]


@dataclass
class _Window:
    sentences: list[_Sentence]
    groups: set[int]
    weight: float
    strength: float
    span: tuple[int, int]
    cancelled_by: str | None = None
    counted: bool = False


class Engine:
    """A set of topics compiled together: one term pass serves them all."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics: list[_CompiledTopic] = []
        specs: list[tuple[int, str, bool, bool]] = []
        next_id = 0
        for topic in topics:
            group_ids: dict[str, int] = {}
            for name, group in topic.groups.items():
                group_ids[name] = next_id
                specs.extend(
                    (next_id, term, exact, ignore) for term, exact, ignore in group.all_terms()
                )
                next_id += 1
            names = {gid: name for name, gid in group_ids.items()}
            weights = {group_ids[name]: group.weight for name, group in topic.groups.items()}
            rule = topic.rule
            self.topics.append(
                _CompiledTopic(
                    topic=topic,
                    group_ids=group_ids,
                    names=names,
                    weights=weights,
                    window_groups=frozenset(
                        group_ids[n] for n, g in topic.groups.items() if g.scope == "window"
                    ),
                    article_groups=frozenset(
                        group_ids[n] for n, g in topic.groups.items() if g.scope == "article"
                    ),
                    required_all=tuple(group_ids[name] for name in rule.all),
                    required_any=tuple(group_ids[name] for name in rule.any),
                    focus=frozenset(group_ids[name] for name in rule.focus),
                    headline=frozenset(group_ids[name] for name in rule.headline),
                    scored=frozenset(
                        {group_ids[name] for name in (*rule.all, *rule.any)}
                        | {gid for gid, weight in weights.items() if weight > 0}
                    ),
                    exclusions=[
                        (
                            index,
                            frozenset(group_ids[name] for name in exclusion.when),
                            frozenset(group_ids[name] for name in exclusion.unless),
                        )
                        for index, exclusion in enumerate(topic.exclusions)
                    ],
                )
            )
        self.matcher = Matcher(specs)
        # Every topic needs each group of rule.all somewhere in the article: when the
        # text has no term of any topic's smallest such group, nothing can be flagged.
        self.gate: Gate | None = None
        gated: dict[int, str] = {}  # topic index -> the group the gate looks for
        if all(topic.rule.all for topic in topics):
            gate_terms: list[str] = []
            for index, topic in enumerate(topics):
                smallest = min(topic.rule.all, key=lambda name: len(topic.groups[name].all_terms()))
                gated[index] = smallest
                gate_terms.extend(_gate_terms(topic.groups[smallest]))
            self.gate = Gate(gate_terms, self.matcher.gate_tokens)
        # Then, per topic, a word-bounded gate for each other group of rule.all and one
        # for rule.any: a topic whose required groups cannot all be found is dismissed.
        # (Leaving out the group the gate looked for only makes the test looser.)
        self.word_gates = [
            (
                [
                    WordGate(_gate_terms(topic.groups[name]), self.matcher.gate_tokens)
                    for name in topic.rule.all
                    if name != gated.get(index)
                ],
                WordGate(
                    [term for name in topic.rule.any for term in _gate_terms(topic.groups[name])],
                    self.matcher.gate_tokens,
                )
                if topic.rule.any
                else None,
            )
            for index, topic in enumerate(topics)
        ]

    # ------------------------------------------------------------------ matching

    def analyze(self, article: Article) -> list[Explanation]:
        """Explain the article for every topic of the engine, in the engine's order."""
        return self._analyze([(name, text, fold(text)) for name, text in reading_fields(article)])

    def flags(self, article: Article) -> list[Flag]:
        """The flags of the topics that flag the article, in the engine's order.

        Each is the `Flag` that `Explanation.to_flag` gives for the article's
        explanation (what `analyze` returns), found with less work: the gates
        skip articles that cannot be flagged, sentences are looked for only
        around the matches, and only what a `Flag` holds is built.
        """
        folded = [(name, text, fold(text)) for name, text in reading_fields(article)]
        if self.gate is not None and not any(self.gate(item.text) for _, _, item in folded):
            return []
        texts = [item.text for _, _, item in folded]
        if not any(
            all(any(gate(text) for text in texts) for gate in all_gates)
            and (any_gate is None or any(any_gate(text) for text in texts))
            for all_gates, any_gate in self.word_gates
        ):
            return []
        fields = [(name, text, self.matcher.find(item)) for name, text, item in folded]
        finders: dict[int, SentenceFinder] = {}  # one per field, shared by the topics
        out = []
        for compiled in self.topics:
            flag = self._flag(compiled, fields, finders)
            if flag is not None:
                out.append(flag)
        return out

    def _analyze(self, folded: list[tuple[TextField, str, Folded]]) -> list[Explanation]:
        fields = [(name, text, self.matcher.find(item)) for name, text, item in folded]
        return [self._explain(compiled, fields) for compiled in self.topics]

    # ------------------------------------------------------------------ one topic

    def _sentences(
        self,
        compiled: _CompiledTopic,
        fields: list[tuple[TextField, str, list[Hit]]],
    ) -> list[_Sentence]:
        """Every sentence of the fields, in reading order, with the topic's hits."""
        out: list[_Sentence] = []
        seen: set[str] = set()
        for name, text, hits in fields:
            spans = [(0, len(text.rstrip()))] if name == "title" else split_sentences(text)
            own_hits = [hit for hit in hits if hit.group in compiled.names]
            out.extend(_field_sentences(compiled, name, text, own_hits, spans, seen))
        return out

    def _hit_sentences(
        self,
        compiled: _CompiledTopic,
        fields: list[tuple[TextField, str, list[Hit]]],
        finders: dict[int, SentenceFinder],
    ) -> list[_Sentence]:
        """What `_windows` needs of `_sentences`: the sentences with hits and, around
        each, the ``rule.window - 1`` sentences on either side, in reading order.

        A window holds consecutive sentences and starts at most ``window - 1``
        sentences before a sentence with hits, so the windows `_windows` builds
        from this list are the ones it builds from every sentence (their indexes
        in the two lists differ, their order does not); the other sentences the
        list may hold change nothing. A field whose sentences the finder splits
        whole (a short text, or hits all over it) is taken whole, which costs less
        than choosing.
        """
        weights = compiled.topic.fields
        own = compiled.names
        reach = compiled.topic.rule.window - 1
        limit = max(weights.lead_sentences, weights.tail_after)

        def finder(index: int) -> SentenceFinder:
            found = finders.get(index)
            if found is None:
                found = finders[index] = SentenceFinder(fields[index][1])
            return found

        kept: list[dict[Span, _Sentence]] = [{} for _ in fields]
        whole: list[list[_Sentence] | None] = [None] * len(fields)  # fields taken whole
        # How many of each field's last and first sentences its neighbours need.
        wants = [[0, 0] for _ in fields]

        def need(index: int, before: int, after: int) -> None:
            """Sentences beside field `index` that windows reach: `before` from the
            fields before it, `after` from the fields after it."""
            other = index - 1
            while before > 0 and other >= 0:
                wants[other][0] = max(wants[other][0], before)
                before -= len(self._edge(fields, other, finder, before, last=True))
                other -= 1
            other = index + 1
            while after > 0 and other < len(fields):
                wants[other][1] = max(wants[other][1], after)
                after -= len(self._edge(fields, other, finder, after, last=False))
                other += 1

        seen: set[str] = set()
        for index, (name, text, hits) in enumerate(fields):
            own_hits = [hit for hit in hits if hit.group in own]
            if not own_hits:
                continue
            if name == "title":
                runs = [Run([(0, len(text.rstrip()))], True, True)]
                located = None
            else:
                positions = sorted({hit.start for hit in own_hits})
                runs, located = finder(index).near(positions, reach)
            if len(runs) == 1 and runs[0].starts_text and runs[0].ends_text:
                sentences = _field_sentences(compiled, name, text, own_hits, runs[0].spans, seen)
                with_hits = [at for at, sentence in enumerate(sentences) if sentence.hits]
                if with_hits and reach:
                    need(index, reach - with_hits[0], reach - (len(sentences) - 1 - with_hits[-1]))
                whole[index] = sentences
                continue
            assert located is not None
            where = dict(zip(positions, located, strict=True))
            by_sentence: dict[tuple[int, int], list[Hit]] = {}
            for hit in own_hits:
                place = where[hit.start]
                if place is not None:
                    by_sentence.setdefault(place, []).append(hit)
            field_kept = kept[index]
            for run_index, at in sorted(by_sentence):
                run = runs[run_index]
                start, stop = run.spans[at]
                key = _normalized(text[start:stop]).lower()
                if key in seen:
                    continue  # a repeat: it was counted where it first appeared
                seen.add(key)
                # Consecutive sentences: the run's first ordinal gives the others'.
                base = 0
                if name == "text" and not run.starts_text:
                    base = finder(index).ordinal(run.spans[0], limit)
                for near in range(max(0, at - reach), min(len(run.spans), at + reach + 1)):
                    span = run.spans[near]
                    sentence = field_kept.get(span)
                    if sentence is None:
                        weight = _position_weight(weights, name, min(base + near, limit))
                        sentence = field_kept[span] = _Sentence(name, *span, weight, text)
                    if near == at:
                        sentence.hits = by_sentence[(run_index, at)]
                if reach and (run.starts_text or run.ends_text):
                    need(
                        index,
                        reach - at if run.starts_text else 0,
                        reach - (len(run.spans) - 1 - at) if run.ends_text else 0,
                    )

        out: list[_Sentence] = []
        for index, (name, text, _) in enumerate(fields):
            taken = whole[index]
            if taken is not None:
                out.extend(taken)
                continue
            field_kept = kept[index]
            last, first = wants[index]
            if last or first:
                extra = [
                    *self._edge(fields, index, finder, last, last=True),
                    *self._edge(fields, index, finder, first, last=False),
                ]
                for span in extra:
                    if span not in field_kept:
                        ordinal = finder(index).ordinal(span, limit) if name == "text" else 0
                        weight = _position_weight(weights, name, ordinal)
                        field_kept[span] = _Sentence(name, *span, weight, text)
            out.extend(field_kept[span] for span in sorted(field_kept))
        return out

    @staticmethod
    def _edge(
        fields: list[tuple[TextField, str, list[Hit]]],
        index: int,
        finder: Callable[[int], SentenceFinder],
        count: int,
        *,
        last: bool,
    ) -> list[Span]:
        """The last (or first) `count` sentences of a field."""
        name, text, _ = fields[index]
        if name == "title":
            return [(0, len(text.rstrip()))][:count]
        return finder(index).last(count) if last else finder(index).first(count)

    def _found(
        self, compiled: _CompiledTopic, fields: list[tuple[TextField, str, list[Hit]]]
    ) -> tuple[dict[int, list[tuple[TextField, str, Hit]]], tuple[str, ...]]:
        """The topic's hits by group, and the groups the rule needs that have none."""
        own = compiled.names
        found: dict[int, list[tuple[TextField, str, Hit]]] = {}
        for name, text, hits in fields:
            for hit in hits:
                if hit.group in own:
                    found.setdefault(hit.group, []).append((name, text, hit))
        missing = tuple(own[gid] for gid in compiled.required_all if gid not in found)
        if compiled.required_any and not any(gid in found for gid in compiled.required_any):
            missing += tuple(own[gid] for gid in compiled.required_any)
        return found, missing

    def _article_exclusion(
        self, compiled: _CompiledTopic, found: dict[int, list[tuple[TextField, str, Hit]]]
    ) -> int | None:
        """The first title or article exclusion that fires, if any."""
        present = set(found)
        in_title = {gid for gid, items in found.items() if any(f == "title" for f, _, _ in items)}
        for index, when, unless in compiled.exclusions:
            exclusion = compiled.topic.exclusions[index]
            if exclusion.scope == "window":
                continue
            scope = in_title if exclusion.scope == "title" else present
            if (when & scope) and not (unless & scope):
                return index
        return None

    def _flag(
        self,
        compiled: _CompiledTopic,
        fields: list[tuple[TextField, str, list[Hit]]],
        finders: dict[int, SentenceFinder],
    ) -> Flag | None:
        """``_explain(...).to_flag()`` when the topic flags the article, else None."""
        found, missing = self._found(compiled, fields)
        if missing or self._article_exclusion(compiled, found) is not None:
            return None
        windows, _ = self._windows(compiled, self._hit_sentences(compiled, fields, finders))
        valid = [window for window in windows if window.cancelled_by is None]
        if not valid:
            return None
        total, _ = _count(compiled, valid)
        context = sum(compiled.weights[gid] for gid in compiled.article_groups if gid in found)
        scoring = compiled.topic.scoring
        score = round(_sigmoid(scoring.bias + scoring.scale * (total + context)), 4)
        if score < compiled.topic.threshold:
            return None
        # Explanation.to_flag: the evidence of the counted windows among the first ten.
        evidence: list[Evidence] = []
        for window in windows[:10]:
            if window.counted:
                evidence.extend(_evidence(window, compiled.names))
                if len(evidence) >= 6:
                    break
        own = compiled.names
        return Flag(
            topic=compiled.topic.name,
            score=score,
            evidence=tuple(evidence[:6]),
            groups=tuple(_group_match(own[gid], found[gid]) for gid in sorted(found)),
            threshold=compiled.topic.threshold,
        )

    def _explain(
        self, compiled: _CompiledTopic, fields: list[tuple[TextField, str, list[Hit]]]
    ) -> Explanation:
        topic = compiled.topic
        own = compiled.names
        found, missing = self._found(compiled, fields)
        base = {
            "topic": topic.name,
            "threshold": topic.threshold,
            "groups": tuple(_group_match(own[gid], found[gid]) for gid in sorted(found)),
            "missing": missing,
        }
        if missing:
            return Explanation(
                score=0.0,
                flagged=False,
                reason="not flagged: no "
                + ", no ".join(repr(name) for name in missing)
                + " term anywhere",
                **base,
            )
        excluded = self._article_exclusion(compiled, found)
        if excluded is not None:
            exclusion = topic.exclusions[excluded]
            when = compiled.exclusions[excluded][1]
            fired = ExclusionHit(
                name=exclusion.name,
                scope=exclusion.scope,
                terms=_terms_of(found, when, title_only=exclusion.scope == "title"),
            )
            return Explanation(
                score=0.0,
                flagged=False,
                reason=f"not flagged: exclusion {exclusion.name!r} fired "
                f"({', '.join(fired.terms)})",
                exclusions=(fired,),
                **base,
            )
        windows, fired_in_windows = self._windows(compiled, self._sentences(compiled, fields))
        exclusion_hits = tuple(
            ExclusionHit(
                name=topic.exclusions[index].name,
                scope="window",
                terms=tuple(sorted(terms)),
                cancelled=count,
            )
            for index, (terms, count) in sorted(fired_in_windows.items())
        )
        valid = [window for window in windows if window.cancelled_by is None]
        if not valid:
            reason = (
                "not flagged: every window was cancelled by an exclusion"
                if windows
                else "not flagged: the rule's groups never meet within "
                f"{topic.rule.window} sentence(s)"
            )
            return Explanation(
                score=0.0,
                flagged=False,
                reason=reason,
                exclusions=exclusion_hits,
                windows=tuple(_public_window(w, own) for w in windows[:10]),
                **base,
            )
        scoring = topic.scoring
        total, contributions = _count(compiled, valid)
        context = sum(compiled.weights[gid] for gid in compiled.article_groups if gid in found)
        logit = scoring.bias + scoring.scale * (total + context)
        score = round(_sigmoid(logit), 4)
        flagged = score >= topic.threshold
        best = valid[0]
        reason = (
            f"{'flagged' if flagged else 'not flagged'}: score {score:.2f} "
            f"{'>=' if flagged else '<'} {topic.threshold:.2f}; best window has "
            + ", ".join(own[gid] for gid in sorted(best.groups))
        )
        return Explanation(
            score=score,
            flagged=flagged,
            reason=reason,
            exclusions=exclusion_hits,
            windows=tuple(_public_window(w, own) for w in windows[:10]),
            contributions=tuple(
                (name, round(value, 4)) for name, value in sorted(contributions.items())
            ),
            evidence_total=round(total, 4),
            context=round(context, 4),
            logit=round(logit, 4),
            **base,
        )

    def _windows(
        self, compiled: _CompiledTopic, sentences: list[_Sentence]
    ) -> tuple[list[_Window], dict[int, tuple[set[str], int]]]:
        """The windows, strongest first (cancelled last), and for each window exclusion
        that fired: the terms that made it fire and how many windows it cancelled."""
        size = compiled.topic.rule.window
        hit_indexes = [index for index, sentence in enumerate(sentences) if sentence.hits]
        starts: set[int] = set()
        for index in hit_indexes:
            starts.update(range(max(0, index - size + 1), index + 1))
        by_span: dict[tuple[int, int], _Window] = {}
        fired: dict[int, tuple[set[str], int]] = {}
        topic = compiled.topic
        anchored: set[int] = set()
        title_groups: set[int] = set()
        if compiled.headline and sentences and sentences[0].field == "title":
            title_groups = {hit.group for hit in sentences[0].hits}
            anchored = title_groups & compiled.headline
        for start in sorted(starts):
            chosen = sentences[start : start + size]
            own_groups = {hit.group for sentence in chosen for hit in sentence.hits}
            borrowed = set() if chosen[0].field == "title" else anchored - own_groups
            groups = own_groups | borrowed
            # A window that takes its subject from the headline takes its context too.
            context = own_groups | title_groups if borrowed else own_groups
            if not all(gid in groups for gid in compiled.required_all):
                continue
            if compiled.required_any and not any(gid in groups for gid in compiled.required_any):
                continue
            scored = [
                start + offset
                for offset, sentence in enumerate(chosen)
                if any(hit.group in compiled.scored for hit in sentence.hits)
            ]
            if not scored:
                continue
            span = (scored[0], scored[-1])
            members = sentences[span[0] : span[1] + 1]
            value, centre = _strength(compiled, chosen, groups)
            weight = centre.weight if centre is not None else max(s.weight for s in members)
            strength = weight * value
            cancelled_by = None
            for index, when, unless in compiled.exclusions:
                exclusion = topic.exclusions[index]
                if exclusion.scope != "window" or not (when & context) or (unless & context):
                    continue
                cancelled_by = exclusion.name
                terms, count = fired.get(index, (set(), 0))
                with_title = [sentences[0], *chosen] if borrowed else chosen
                terms.update(
                    _surface(sentence, hit)
                    for sentence in with_title
                    for hit in sentence.hits
                    if hit.group in when
                )
                fired[index] = (terms, count + 1)
                break
            window = _Window(members, groups, weight, strength, span, cancelled_by)
            previous = by_span.get(span)
            if previous is None or _better(window, previous):
                by_span[span] = window
        windows = sorted(
            by_span.values(),
            key=lambda w: (w.cancelled_by is not None, -w.strength, w.span[0]),
        )
        return windows, fired


def _field_sentences(
    compiled: _CompiledTopic,
    name: TextField,
    text: str,
    hits: list[Hit],
    spans: list[Span],
    seen: set[str],
) -> list[_Sentence]:
    """The sentences of one field (all its `spans`) with the topic's `hits`; a sentence
    that repeats one already `seen` (by its normalized text) gets no hits."""
    weights = compiled.topic.fields
    starts = [start for start, _ in spans]
    sentences = [
        _Sentence(name, start, end, _position_weight(weights, name, index), text)
        for index, (start, end) in enumerate(spans)
    ]
    for hit in hits:
        index = bisect_right(starts, hit.start) - 1
        if index >= 0 and hit.start < sentences[index].end:
            sentences[index].hits.append(hit)
    for sentence in sentences:
        if sentence.hits:
            key = _normalized(text[sentence.start : sentence.end]).lower()
            if key in seen:
                sentence.hits = []  # a repeat: it was counted where it first appeared
            else:
                seen.add(key)
    return sentences


def _position_weight(weights: FieldWeights, field: TextField, ordinal: int) -> float:
    """The weight of a sentence by where it is: its field, and in the text its ordinal."""
    if field == "title":
        return weights.title
    if field == "summary":
        return weights.summary
    if ordinal < weights.lead_sentences:
        return weights.lead
    if ordinal < weights.tail_after:
        return weights.body
    return weights.tail


def _count(compiled: _CompiledTopic, valid: list[_Window]) -> tuple[float, dict[str, float]]:
    """Mark the distinct windows the score counts; their total and each field's part."""
    scoring = compiled.topic.scoring
    total = 0.0
    factor = 1.0
    used: set[int] = set()
    contributions: dict[str, float] = {}
    counted = 0
    for window in valid:
        if counted >= scoring.max_windows:
            break
        indexes = set(range(window.span[0], window.span[1] + 1))
        if indexes & used:
            continue
        used |= indexes
        window.counted = True
        value = factor * window.strength
        total += value
        main = max(window.sentences, key=lambda s: (s.weight, -s.start)).field
        contributions[main] = contributions.get(main, 0.0) + value
        factor *= scoring.extra
        counted += 1
    return total, contributions


def _strength(
    compiled: _CompiledTopic, sentences: list[_Sentence], groups: set[int]
) -> tuple[float, _Sentence | None]:
    """The sum of the group weights (in full in the centre sentence, ``spread`` times
    elsewhere), and the centre sentence, whose position weight the window takes."""
    weights = compiled.weights
    counted = [gid for gid in groups if gid in compiled.window_groups]
    best: set[int] = set()
    centre: _Sentence | None = None
    best_value = -math.inf
    for sentence in sentences:
        own = {hit.group for hit in sentence.hits}
        if compiled.focus and not (own & compiled.focus):
            continue
        value = sum(weights[gid] for gid in own if gid in compiled.window_groups)
        if value > best_value:
            best, best_value, centre = own, value, sentence
    spread = compiled.topic.scoring.spread
    return sum(weights[gid] * (1.0 if gid in best else spread) for gid in counted), centre


def _better(window: _Window, other: _Window) -> bool:
    if (window.cancelled_by is None) != (other.cancelled_by is None):
        return window.cancelled_by is None
    return window.strength > other.strength


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)


def _surface(sentence: _Sentence, hit: Hit) -> str:
    return _SPACES.sub(" ", sentence.source[hit.start : hit.end])


def _group_match(name: str, items: list[tuple[TextField, str, Hit]]) -> GroupMatch:
    terms: list[str] = []
    for _, text, hit in items:
        surface = _SPACES.sub(" ", text[hit.start : hit.end])
        if surface not in terms:
            terms.append(surface)
    return GroupMatch(group=name, terms=tuple(terms), count=len(items))


def _terms_of(
    found: dict[int, list[tuple[TextField, str, Hit]]],
    groups: frozenset[int],
    *,
    title_only: bool = False,
) -> tuple[str, ...]:
    terms: list[str] = []
    for gid in sorted(groups):
        for field_name, text, hit in found.get(gid, ()):
            if title_only and field_name != "title":
                continue
            surface = _SPACES.sub(" ", text[hit.start : hit.end])
            if surface not in terms:
                terms.append(surface)
    return tuple(terms)


def _evidence(window: _Window, names: dict[int, str]) -> list[Evidence]:
    """A window's sentences as public evidence: one item per field it spans."""
    evidence: list[Evidence] = []
    by_field: dict[TextField, list[_Sentence]] = {}
    for sentence in window.sentences:
        by_field.setdefault(sentence.field, []).append(sentence)
    for field_name, members in by_field.items():
        start, end = members[0].start, members[-1].end
        source = members[0].source
        matches = tuple(
            TermMatch(
                group=names[hit.group],
                term=source[hit.start : hit.end],
                start=hit.start,
                end=hit.end,
            )
            for sentence in members
            for hit in sentence.hits
        )
        evidence.append(
            Evidence(
                field=field_name,
                start=start,
                end=end,
                text=source[start:end],
                matches=matches,
            )
        )
    return evidence


def _public_window(window: _Window, names: dict[int, str]) -> EvidenceWindow:
    return EvidenceWindow(
        evidence=tuple(_evidence(window, names)),
        groups=tuple(sorted(names[gid] for gid in window.groups)),
        weight=round(window.weight, 4),
        strength=round(window.strength, 4),
        counted=window.counted,
        cancelled_by=window.cancelled_by,
    )
