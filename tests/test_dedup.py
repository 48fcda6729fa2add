"""Story fingerprints: copies are close, different stories are far, short texts never merge."""

from __future__ import annotations

from monitor_support import AGENCY_BODY, F1_BODY, OTHER_BODY

from pressmon._dedup import fingerprint, hamming, is_global_guid, normalize_words, simhash
from pressmon.models import Article


def test_syndicated_copy_is_within_the_threshold() -> None:
    """A dateline, a credit and an edited word keep the agency text within 8 bits; other
    stories on the same subject are further than that."""
    original = simhash(normalize_words(AGENCY_BODY))
    copy = simhash(
        normalize_words(
            "PARIS (AFP) — " + AGENCY_BODY.replace("Tuesday", "Wednesday") + " (With Reuters)"
        )
    )
    assert hamming(original, copy) <= 8
    for other in (OTHER_BODY, F1_BODY):
        assert hamming(original, simhash(normalize_words(other))) > 8


def test_folding_ignores_case_accents_and_punctuation() -> None:
    """Typography does not change the fingerprint."""
    assert normalize_words("L'Amérique, ÉTATS-UNIS !") == ["l", "amerique", "etats", "unis"]
    base = AGENCY_BODY
    assert simhash(normalize_words(base)) == simhash(normalize_words(base.upper() + " !!"))


def test_short_texts_have_no_fingerprint() -> None:
    """Below min_words words there is no fingerprint, so one-line items never merge by text."""
    short = Article(title="Alpine to enter the US in 2027", summary="Alpine to enter the US.")
    assert fingerprint(short) is None
    assert fingerprint(Article(title="x", text=AGENCY_BODY)) is not None


def test_global_guids() -> None:
    """URL, urn: and tag: guids are global; short per-feed guids are not."""
    assert is_global_guid("https://x.example/a") and is_global_guid("urn:uuid:1")
    assert is_global_guid("tag:x.example,2025:1")
    assert not is_global_guid("1001") and not is_global_guid(None)
