"""`Secret.scrub`: no start of the key of 8 or more characters survives, whatever surrounds it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from seeding_suite.client import Secret
from tests.unit.client.conftest import KEY

# Pieces that texts echoing a key are made of: cut-off starts of the key, the whole key, the
# deployment name it shares with the URL, and noise that looks like it.
_PIECES = st.one_of(
    st.integers(min_value=1, max_value=len(KEY)).map(lambda n: KEY[:n]),
    st.just("happy-animal-123"),
    st.just("prod:"),
    st.text(alphabet="prod:hapy-nimal123|eJ ", max_size=12),
)


@given(st.lists(_PIECES, max_size=8).map("".join))
def test_no_start_of_the_key_of_eight_or_more_characters_survives(text: str) -> None:
    assert KEY[:8] not in Secret(KEY).scrub(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz .:/-", max_size=60))
def test_text_without_the_key_is_left_as_it_is(text: str) -> None:
    assert Secret(KEY).scrub(text) == text


def test_a_cut_off_key_is_masked_up_to_where_it_stops_matching() -> None:
    text = f"key={KEY[:20]}&next={KEY}"
    assert Secret(KEY).scrub(text) == "key=**********&next=**********"


def test_shorter_starts_and_the_deployment_name_stay_readable() -> None:
    text = "https://happy-animal-123.convex.cloud said prod:ha"
    assert Secret(KEY).scrub(text) == text


def test_a_key_shorter_than_the_prefix_is_masked_whole_only() -> None:
    assert Secret("abc").scrub("abcabc ab") == "******************** ab"
