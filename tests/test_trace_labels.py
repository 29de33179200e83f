"""The rule that places marker and segment labels, without a display: labels shorten before any
is left out, the first in priority keep their words longest, none covers another."""

from __future__ import annotations

import itertools

from monitor.label_layout import Label, group_close, joined_forms, place_labels
from monitor.live_view import Marker, MarkerKind


def width(text: str) -> float:
    return 10.0 * len(text)  # ten pixels a character


def spans_apart(placements, gap: float = 4.0) -> bool:
    shown = [p for p in placements if p is not None]
    return all(
        a.row != b.row or a.right + gap <= b.left or b.right + gap <= a.left
        for a, b in itertools.combinations(shown, 2)
    )


def test_labels_that_fit_keep_their_words_and_take_the_first_row() -> None:
    labels = [Label(500.0, ("referred pain", "referred", "2")), Label(200.0, ("marker", "M"))]
    placed = place_labels(labels, width, rows=3)
    assert [(p.text, p.row) for p in placed] == [("referred pain", 0), ("marker", 0)]
    assert placed[0].right == 500.0 and placed[0].left == 370.0  # ends at its line


def test_a_label_with_no_room_shortens_itself_then_those_in_its_way() -> None:
    forms = ("trigger point found", "trigger", "1")
    labels = [Label(300.0 - 15 * i, forms) for i in range(4)]
    placed = place_labels(labels, width, rows=2)
    assert [p.text for p in placed] == ["trigger point found", "1", "1", "trigger point found"]
    assert spans_apart(placed)
    placed = place_labels(labels, width, rows=1)  # the first shortens too, none is left out
    assert [p.text for p in placed] == ["1", "1", "1", "1"]
    assert spans_apart(placed)


def test_one_is_left_out_only_when_every_label_in_its_way_is_as_short_as_it_gets() -> None:
    labels = [Label(100.0 - i, ("a long one", "L")) for i in range(3)]
    placed = place_labels(labels, width, rows=2)
    assert [p.text if p else None for p in placed] == ["L", "L", None]
    assert spans_apart(placed)


def test_a_label_at_the_left_edge_starts_at_its_line() -> None:
    (placed,) = place_labels([Label(8.0, ("SIDE: LEFT", "LEFT", "L"))], width, rows=1)
    assert (placed.text, placed.left, placed.right) == ("SIDE: LEFT", 8.0, 108.0)


def test_obstacles_keep_their_room() -> None:
    labels = [Label(150.0, ("marker", "M"))]
    (placed,) = place_labels(labels, width, rows=2, obstacles={0: [(0.0, 140.0)]})
    assert (placed.text, placed.row) == ("marker", 1)
    (placed,) = place_labels(labels, width, rows=1, obstacles={0: [(0.0, 140.0)]})
    assert placed is None  # 'M' ends at 150 but needs 4 px clear of the obstacle


def test_a_segment_name_stays_within_its_room_while_a_shorter_form_does() -> None:
    label = Label(0.0, ("Levator scapulae left", "Levator left", "2"), leftward=False, room=130)
    (placed,) = place_labels([label], width, rows=1)
    assert placed.text == "Levator left"
    (placed,) = place_labels([label.__class__(0.0, label.forms, False, room=5)], width, rows=1)
    assert placed.text == "2"  # the shortest, even past its room


def test_a_marker_shortens_to_its_first_word_then_its_key() -> None:
    assert Marker(0, "trigger point found").forms() == ("trigger point found", "trigger", "1")
    assert Marker(0, "marker").forms() == ("marker", "M")
    assert Marker(0, "side: left", MarkerKind.SIDE).forms() == ("SIDE: LEFT", "LEFT", "L")
    assert Marker(0, "tender at C4").forms() == ("tender at C4", "tender", "t…")


def test_lines_that_look_like_one_share_a_label() -> None:
    assert group_close([100.0, 102.0, 50.0, 96.5, 51.0], within=4) == [[0, 1, 3], [2, 4]]
    forms = [
        ("SIDE: RIGHT", "RIGHT", "R"),
        ("marker", "M"),
        ("trigger point found", "trigger", "1"),
    ]
    assert joined_forms(forms) == (
        "SIDE: RIGHT · marker · trigger point found",
        "RIGHT · M · trigger",
        "R · M · 1",
    )
