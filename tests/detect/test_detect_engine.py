"""The engine's behaviour: fields, windows, exclusions, scores and explanations."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pressmon import Article, Topic, detect, explain
from pressmon._detect import _engine_for, builtin_topics, resolve_topics, topic_from_mapping
from pressmon._detect._engine import _TRUNCATED, _normalized, _untruncated, reading_fields
from pressmon._detect._sentences import SentenceFinder

TOPIC = "alpine-us-expansion"
LEAD = "Alpine will enter the United States in 2027 with AutoNation dealers."


def test_a_summary_repeated_in_the_text_is_not_counted_twice() -> None:
    """A summary that the text already contains adds nothing to the score."""
    text_only = explain(Article(text=LEAD + "\n\nMore follows."), TOPIC)
    both = explain(Article(summary=LEAD, text=LEAD + "\n\nMore follows."), TOPIC)
    assert both.score == text_only.score
    assert both.evidence_total == text_only.evidence_total


def test_teasers_and_google_news_summaries_are_not_counted_twice() -> None:
    """A teaser cut with '…' that the text continues, or a summary that is the title plus
    the publisher (Google News), is not read a second time."""
    text = LEAD + " The first cars will arrive in Florida.\n\nMore follows."
    teaser = Article(summary=LEAD[:40] + "…", text=text)
    assert [name for name, _ in reading_fields(teaser)] == ["text"]
    google = Article(
        title="Alpine et AutoNation s'associent - Les Échos",
        summary="Alpine et AutoNation s'associent Les Échos",
    )
    assert [name for name, _ in reading_fields(google)] == ["title"]


def test_a_title_repeated_as_the_first_line_is_not_counted_twice() -> None:
    """Feeds that put the headline at the top of the text do not double the evidence."""
    title = "Alpine confirms its US launch for 2027"
    alone = explain(Article(title=title, text="Nothing else here."), TOPIC)
    repeated = explain(Article(title=title, text=title + "\n\nNothing else here."), TOPIC)
    assert repeated.evidence_total == alone.evidence_total


def test_the_publisher_after_a_dash_is_not_read() -> None:
    """Google News titles end in ' - Publisher'; 'USA Today' there is not the US market."""
    article = Article(title="Alpine A290 review: small, fast and fun - USA Today")
    assert reading_fields(article) == [("title", "Alpine A290 review: small, fast and fun")]
    explanation = explain(article, TOPIC)
    assert "market" in explanation.missing and not explanation.flagged


def test_more_evidence_scores_higher_and_scores_stay_in_range() -> None:
    """A title alone < title + supporting summary; every score is within [0, 1]."""
    title = "Alpine plans its US launch"
    weak = explain(Article(title=title), TOPIC)
    strong = explain(
        Article(title=title, summary="AutoNation dealers will sell the cars in America from 2027."),
        TOPIC,
    )
    assert 0.0 <= weak.score < strong.score <= 1.0
    assert len([w for w in strong.windows if w.counted]) >= 1


def test_exclusions_are_reported_with_their_terms() -> None:
    """An F1 race story: the f1-race exclusion fired, with the terms that made it fire."""
    article = Article(title="Gasly scores for Alpine at the United States Grand Prix")
    explanation = explain(article, TOPIC)
    assert not explanation.flagged
    (hit,) = [hit for hit in explanation.exclusions if hit.name == "f1-race"]
    assert hit.cancelled >= 1 and "Grand Prix" in hit.terms
    assert all(window.cancelled_by == "f1-race" for window in explanation.windows)


def test_a_title_about_another_brand_cancels_the_article() -> None:
    """A headline about Cupra's US plan is not Alpine's, even if Alpine is named in the text."""
    article = Article(
        title="Cupra confirms US launch",
        text="Cupra, a rival of Alpine in Europe, will launch in the US in 2027.",
    )
    explanation = explain(article, TOPIC)
    assert not explanation.flagged
    assert explanation.exclusions[0].scope == "title"


def test_the_headline_subject_carries_into_the_body() -> None:
    """With 'Alpine' in the title, a body sentence about 'the brand' and the US counts."""
    body = "First paragraph about design.\n\nSecond about the cabin.\n\nThird about power.\n\n"
    body += "The brand will launch in the United States in 2027."
    with_title = explain(Article(title="Alpine: the new A110 is coming", text=body), TOPIC)
    without = explain(Article(title="The new coupe is coming", text=body), TOPIC)
    assert with_title.flagged and not without.flagged


def test_explanation_of_an_article_that_does_not_match() -> None:
    """Not flagged: the explanation says which required group is missing."""
    explanation = explain(Article(title="Alpine A110 review"), TOPIC)
    assert explanation.score == 0.0 and not explanation.flagged
    assert explanation.missing == ("market",)
    assert "no 'market' term" in explanation.reason


def test_flags_are_sorted_strongest_first_across_topics() -> None:
    """Several topics: only flagged ones come back, strongest first."""
    weak = Topic(
        name="weak",
        rule={"all": ["brand"]},
        groups={"brand": {"exact": {"common": ["Alpine"]}}},
        scoring={"bias": -0.5},
    )
    article = Article(title="Alpine confirms its US launch for 2027 with AutoNation")
    flags = detect(article, [weak, TOPIC])
    assert [flag.topic for flag in flags] == [TOPIC, "weak"]
    assert flags[0].score > flags[1].score


def test_no_topics_means_no_flags_and_none_means_every_builtin() -> None:
    """An empty topic list detects nothing; None detects every built-in topic."""
    article = Article(title="Alpine confirms its US launch for 2027")
    assert detect(article, []) == []
    assert {flag.topic for flag in detect(article)} <= set(builtin_topics())
    assert resolve_topics(None)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["a", " ", "…", "[", "]", ".", "(", ")", "read more", "Lire La SuiTe", "ſ", "\n", "é"]
        ),
        max_size=40,
    ).map("".join)
)
def test_a_truncation_mark_is_found_at_the_end_only(text: str) -> None:
    """Looking for a teaser's truncation mark in its last characters finds what a
    substitution over the whole (normalized) summary removes."""
    normalized = _normalized(text)
    assert _untruncated(normalized) == _TRUNCATED.sub("", normalized)


def _cross_group_topic() -> Topic:
    # "etatsunis" (country) is found in "Etats Unis" only because another group's
    # term, "etats-unis", matched that text: the matcher looks up found text with
    # its separators removed.
    return topic_from_mapping(
        {
            "name": "cross-group",
            "title": "cross-group",
            "threshold": 0.1,
            "rule": {"all": ["country", "brand"], "window": 2},
            "groups": {
                "country": {"terms": {"common": ["etatsunis"]}},
                "other": {"terms": {"common": ["etats-unis"]}},
                "brand": {"terms": {"common": ["zorglub", "zorgl", "zor", "zo"]}},
            },
        }
    )


def test_gates_find_a_term_written_with_separators_it_does_not_have() -> None:
    """A term found through another group's spelling (separators where it has none) is
    found by the gates too: detect flags what explain flags."""
    article = Article(title="Zorglub arrive aux Etats Unis en 2027")
    topic = _cross_group_topic()
    assert explain(article, topic).flagged
    assert [flag.topic for flag in detect(article, topic)] == ["cross-group"]


_WORDS = [
    "Alpine", "ALPINE", "alpine", "A110", "US", "us", "U.S.", "USA", "plus", "business",
    "Etats Unis", "États-Unis", "etatsunis", "marché américain", "marche-americain",
    "AutoNation", "Auto-Nation", "Auto Nation", "America", "South America", "Alpine Linux",
    "F1", "Grand Prix", "ski", "2027", "launch", "dealers", "lancement", "米国", "アメリカ",
    "Renault", "Dieppe", "l'Alpine", "d’Alpine", "Team USA", "concessionnaires", "Zorglub",
    "Miami", "Dr", "M", "said", "The", "Le",
]  # fmt: skip
_SEPARATORS = [" ", " ", " ", "-", ". ", ", ", "\n", "", "’", ". ", "! ", "\n\n", ". « "]
_TEXTS = st.lists(
    st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=30
).map(lambda pairs: "".join(word + separator for word, separator in pairs))
_LONG_TEXTS = st.lists(
    st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPARATORS)), max_size=120
).map(lambda pairs: "".join(word + separator for word, separator in pairs))


def _wide_window_topic() -> Topic:
    # A window of three sentences, no focus group (the strongest sentence is the centre,
    # a sentence without hits included), the lead and the tail weighed apart.
    return topic_from_mapping(
        {
            "name": "wide-window",
            "title": "wide-window",
            "threshold": 0.05,
            "rule": {"all": ["brand", "market"], "window": 3, "headline": ["brand"]},
            "fields": {"lead_sentences": 2, "tail_after": 5, "lead": 1.3, "tail": 0.5},
            "groups": {
                "brand": {"terms": {"common": ["Alpine", "Zorglub"]}},
                "market": {"terms": {"common": ["US", "America", "Miami"]}},
                "talk": {"terms": {"common": ["said", "launch"]}, "weight": -0.5},
                "f1": {"terms": {"common": ["F1", "Grand Prix"]}, "weight": 0.0},
                "deal": {"terms": {"common": ["dealers"]}, "weight": 0.0},
            },
            "exclusions": [{"name": "race", "when": ["f1"], "unless": ["deal"]}],
        }
    )


class _SmallChunks:
    """Make the sentence finder cut texts into chunks of a few characters, so that
    short texts take the paths of long ones (sentences found around the hits)."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __enter__(self) -> None:
        self.saved = SentenceFinder.chunk
        SentenceFinder.chunk = self.size

    def __exit__(self, *exc: object) -> None:
        SentenceFinder.chunk = self.saved


def _check_detect_is_explain(article: Article, topics: list[Topic]) -> None:
    for topic in topics:
        explanation = explain(article, topic)
        assert detect(article, topic) == ([explanation.to_flag()] if explanation.flagged else [])
    # Topics compiled together share one matcher (which may find a longer text at a
    # position than each topic's own): compare with the full analysis by that engine.
    analyzed = _engine_for(topics).analyze(article)
    expected = sorted(
        (explanation.to_flag() for explanation in analyzed if explanation.flagged),
        key=lambda flag: -flag.score,
    )
    assert detect(article, topics) == expected


@settings(max_examples=300, deadline=None)
@given(title=_TEXTS, summary=_TEXTS, text=_TEXTS)
def test_the_gates_only_skip_work(title: str, summary: str, text: str) -> None:
    """detect (which gates articles) flags exactly what the full analysis of every topic
    flags, with the same scores, on texts dense in terms, look-alikes and separators."""
    article = Article(title=title, summary=summary, text=text)
    _check_detect_is_explain(article, [*builtin_topics().values(), _cross_group_topic()])


@settings(max_examples=400, deadline=None)
@given(
    title=_TEXTS,
    summary=_TEXTS,
    text=_LONG_TEXTS,
    chunk=st.sampled_from([1, 3, 8, 20, 64]),
)
def test_sentences_found_around_the_hits_give_the_flags_of_every_sentence(
    title: str, summary: str, text: str, chunk: int
) -> None:
    """detect, which looks for sentences only around the hits (and for the first
    ones, for the lead), gives the very flags of explain, which splits every field
    whole: evidence, windows across fields, repeated sentences, lead and tail weights,
    windows of one to three sentences."""
    article = Article(title=title, summary=summary, text=text)
    topics = [*builtin_topics().values(), _cross_group_topic(), _wide_window_topic()]
    with _SmallChunks(chunk):
        _check_detect_is_explain(article, topics)


def _pair_topic(name: str, market: str) -> Topic:
    return topic_from_mapping(
        {
            "name": name,
            "title": name,
            "threshold": 0.05,
            "rule": {"all": ["brand", "market"]},
            "groups": {
                "brand": {"terms": {"common": ["Zorglub"]}},
                "market": {"terms": {"common": [market]}},
            },
        }
    )


def test_topics_read_together_do_not_change_each_others_sentences() -> None:
    """Topics detected together share each field's sentences: one that takes the
    summary's only sentence as a neighbour on both sides (hits in the title and the
    text, none in the summary) leaves the summary's sentences as they are for the next."""
    article = Article(
        title="Zorglub in Texas",
        summary="Miami waits for it.",
        text="Texas is far away. Zorglub sells there.",
    )
    topics = [_pair_topic("first", "Miami"), _pair_topic("second", "Texas")]
    topics.append(_pair_topic("third", "Miami"))
    _check_detect_is_explain(article, topics)


_SPACES = st.sampled_from([" ", "  ", "\n", "\n\n", "\t", "\u00a0", " \n "])
_SPACED_WORDS = st.lists(
    st.tuples(st.sampled_from(["Alpine", "US", "la", "suite", "…", "x", "É"]), _SPACES),
    max_size=12,
).map(lambda pairs: "".join(word + space for word, space in pairs))


@settings(max_examples=500, deadline=None)
@given(text=_SPACED_WORDS, cut=st.integers(0, 40), length=st.integers(0, 40), extra=_SPACED_WORDS)
def test_a_summary_found_in_the_text_is_dropped_as_before(
    text: str, cut: int, length: int, extra: str
) -> None:
    """Looking for the normalized summary in the text as it is, before normalizing
    the text, drops exactly the summaries that the normalized text contains."""
    summary = text[cut : cut + length] + extra
    article = Article(title="Un titre", summary=summary, text=text)
    short = _untruncated(_normalized(summary))
    expected = summary.strip() and not (
        (text.strip() and short in _normalized(text)) or short == "Un titre"
    )
    assert ("summary" in dict(reading_fields(article))) == bool(expected)
