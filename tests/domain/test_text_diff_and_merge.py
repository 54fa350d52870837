"""Word diffs and three-way merges, with worked examples and hypothesis properties."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from agreements.domain.merge import Conflict, merge_texts
from agreements.domain.text_diff import apply, changed_word_count, diff_words, tokenize

words = st.lists(
    st.sampled_from(["Ziel", "Qualität", "die", "der", "Kennzahl", "neu", "alt", "für", "Bremen", "."]),
    max_size=30,
)
separators = st.lists(st.sampled_from([" ", "  ", "\n", ", ", ""]), min_size=30, max_size=30)
texts = st.builds(
    lambda parts, seps: "".join(p + s for p, s in zip(parts, seps, strict=False)), words, separators
)


@given(st.text())
def test_tokens_join_to_the_text(text: str) -> None:
    assert "".join(tokenize(text)) == text


@given(texts, texts)
@settings(max_examples=120)
def test_a_diff_applied_to_the_old_text_gives_the_new_one(old: str, new: str) -> None:
    assert apply(old, diff_words(old, new)) == new


def test_word_diff_shows_replaced_words_together() -> None:
    hunks = diff_words("Die Beratung findet montags statt.", "Die Beratung findet täglich am Abend statt.")
    changes = [(h.old, h.new) for h in hunks if h.tag != "equal"]
    assert changes == [("montags", "täglich am Abend")]
    assert changed_word_count(hunks) == (1, 3)


def test_merge_takes_both_sides_when_they_change_different_words() -> None:
    base = "Das Ziel ist mehr Teilhabe im Stadtteil bis 2027."
    mine = "Das gemeinsame Ziel ist mehr Teilhabe im Stadtteil bis 2027."
    theirs = "Das Ziel ist mehr Teilhabe im Stadtteil bis 2028."
    result = merge_texts(base, mine, theirs)
    assert result.text() == "Das gemeinsame Ziel ist mehr Teilhabe im Stadtteil bis 2028."


def test_merge_keeps_both_readings_of_a_conflict() -> None:
    result = merge_texts("Treffen monatlich.", "Treffen wöchentlich.", "Treffen vierteljährlich.")
    assert result.conflicts == [Conflict("monatlich", "wöchentlich", "vierteljährlich")]
    assert result.resolve(["zweiwöchentlich"]) == "Treffen zweiwöchentlich."


def test_same_change_on_both_sides_is_no_conflict() -> None:
    assert merge_texts("a b c", "a x c", "a x c").text() == "a x c"


@given(texts, texts)
@settings(max_examples=100)
def test_merge_with_an_unchanged_side_gives_the_changed_side(base: str, changed: str) -> None:
    assert merge_texts(base, changed, base).text() == changed
    assert merge_texts(base, base, changed).text() == changed
    assert merge_texts(base, changed, changed).text() == changed


@given(texts, texts, texts)
@settings(max_examples=120)
def test_merge_never_loses_text(base: str, mine: str, theirs: str) -> None:
    result = merge_texts(base, mine, theirs)
    # Choosing "mine" everywhere in conflicts keeps all of mine's own changes.
    if result.is_clean:
        assert isinstance(result.text(), str)
    else:
        for conflict in result.conflicts:
            assert conflict.mine != conflict.theirs
        resolved_mine = result.resolve([c.mine for c in result.conflicts])
        resolved_theirs = result.resolve([c.theirs for c in result.conflicts])
        assert resolved_mine != resolved_theirs or mine == theirs


@given(texts, texts)
@settings(max_examples=100)
def test_hunks_are_never_empty_and_equal_runs_are_joined(old: str, new: str) -> None:
    hunks = diff_words(old, new)
    assert all(hunk.old or hunk.new for hunk in hunks)
    assert all(not (a.tag == b.tag == "equal") for a, b in itertools.pairwise(hunks))


def test_a_small_change_in_a_long_text_is_found_without_comparing_everything() -> None:
    text = " ".join(f"Wort{number}" for number in range(5000))
    changed = text.replace("Wort2500", "Begriff2500")
    assert [(h.old, h.new) for h in diff_words(text, changed) if h.tag != "equal"] == [
        ("Wort2500", "Begriff2500")
    ]
    assert diff_words(text, text) == [diff_words(text, text)[0]] and diff_words(text, text)[0].tag == "equal"


def test_merge_keeps_a_comma_only_one_side_has() -> None:
    # Found by hypothesis: the two sides' changes touched without an unchanged word between them,
    # and choosing "mine" or "theirs" everywhere gave the same text, so theirs' comma was lost.
    base, mine, theirs = "Ziel  der, Ziel ", "Qualität der ", "Qualität, der "
    result = merge_texts(base, mine, theirs)
    assert not result.is_clean
    assert result.resolve([c.mine for c in result.conflicts]) == mine
    assert result.resolve([c.theirs for c in result.conflicts]) == theirs


def test_changes_next_to_each_other_are_shown_as_one_conflict() -> None:
    result = merge_texts("Treffen am Montag.", "Treffen am Dienstag.", "Treffen am Montag!")
    assert result.conflicts == [Conflict("Montag.", "Dienstag.", "Montag!")]
