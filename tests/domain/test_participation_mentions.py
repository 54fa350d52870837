"""@mentions: the pure parser and the resolution against the members' public names."""

from __future__ import annotations

import pytest

from participation.domain.mentions import MAX_MENTIONS, mentioned_names, resolve


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Danke @Mia!", ["Mia"]),
        ("@Mia, @Anna-Lena und @jo.ko.", ["Mia", "Anna-Lena", "jo.ko"]),
        ("Frag @[Anna Lena Berg] oder @[  Fritz   Fischer ].", ["Anna Lena Berg", "Fritz Fischer"]),
        ("Müller: @Jürgen_Öz schreibt", ["Jürgen_Öz"]),
        ("@Mia @mia @MIA", ["Mia"]),
        ("Mail an mia@example.org", []),
        ("`@Mia` im Code und\n```\n@Anna\n```\n", []),
        ("@ allein, @[] leer, @[nicht zu]", ["nicht zu"]),
        ("https://example.org/@Mia", []),
        ("@[mit\nUmbruch]", []),
        ("", []),
    ],
)
def test_names_are_found_where_a_person_is_addressed(text: str, names: list[str]) -> None:
    assert mentioned_names(text) == names


def test_at_most_a_fixed_number_of_mentions_count() -> None:
    text = " ".join(f"@p{number}" for number in range(100))
    assert len(mentioned_names(text)) == MAX_MENTIONS


def test_names_resolve_to_people_case_blind_and_ambiguous_names_to_nobody() -> None:
    people = {1: "Mia Maier", 2: "Sonnenblume", 3: "Jo", 4: "jo"}
    assert resolve(["sonnenblume", "Mia  Maier", "Jo", "Niemand"], people) == [2, 1]


def test_a_person_mentioned_twice_is_named_once() -> None:
    assert resolve(["Mia", "mia"], {7: "Mia"}) == [7]
