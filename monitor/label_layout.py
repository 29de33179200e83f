"""Where labels go on a plot so that every one stays readable and none covers another: Qt-free,
so the rule is tested without a display; the plots measure text and draw.

Each label comes with the forms it can take, longest first (``trigger point found``,
``trigger``, ``1``). Labels go in rows from the top; one that fits in no row first shortens the
labels in its way, then itself, rather than disappear. Only when every label in its way is as
short as it gets is it left out, which takes more labels than there are rows in a few pixels.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Span = tuple[float, float]  # left and right, in pixels


@dataclass(frozen=True)
class Label:
    """One label to place: at ``x`` in pixels from the plot's left edge."""

    x: float
    forms: tuple[str, ...]  # longest first; the first is the whole text
    #: Ends at ``x`` (a line's label, left of it) or starts there (a stretch's name).
    leftward: bool = True
    #: Pixels a form should stay within (a segment's width); the shortest form may exceed it.
    room: float = math.inf


@dataclass(frozen=True)
class Placement:
    text: str
    row: int
    left: float
    right: float


def place_labels(
    labels: Sequence[Label],
    measure: Callable[[str], float],
    rows: int,
    gap: float = 4.0,
    obstacles: Mapping[int, Sequence[Span]] | None = None,
) -> list[Placement | None]:
    """A placement for each label (in their order of priority), or None for one left out.

    A line's label that would cross the plot's left edge starts at its line instead. Labels
    keep ``gap`` pixels apart and clear of ``obstacles`` (spans already taken in a row). A label
    that fits nowhere is shortened first, then the labels in its way one at a time, the last
    in priority first (the first keep their words longest).
    """
    levels = [_first_fitting(label, measure) for label in labels]
    left_out: set[int] = set()
    while True:
        placed, blocked = _try(labels, levels, left_out, measure, rows, gap, obstacles or {})
        if blocked is None:
            return placed
        index, in_the_way = blocked
        shorter = [other for other in in_the_way if levels[other] < len(labels[other].forms) - 1]
        if levels[index] < len(labels[index].forms) - 1:
            levels[index] += 1
        elif shorter:  # the last in priority of those in the way
            levels[shorter[-1]] += 1
        else:  # it and every label in its way are as short as they get
            left_out.add(index)


def _try(
    labels: Sequence[Label],
    levels: list[int],
    left_out: set[int],
    measure: Callable[[str], float],
    rows: int,
    gap: float,
    obstacles: Mapping[int, Sequence[Span]],
) -> tuple[list[Placement | None], tuple[int, list[int]] | None]:
    """Place each label at its level in the first free row; on the first that fits nowhere,
    returns it and the labels in its way."""
    taken: list[list[tuple[Span, int]]] = [
        [(span, -1) for span in obstacles.get(row, ())] for row in range(rows)
    ]
    placed: list[Placement | None] = []
    for index, label in enumerate(labels):
        if index in left_out:
            placed.append(None)
            continue
        text = label.forms[levels[index]]
        span = _span(label, measure(text))
        row = _free_row(taken, span, gap)
        if row is None:
            in_the_way = {
                owner for spans in taken for other, owner in spans if _overlap(span, other, gap)
            }
            return placed, (index, sorted(in_the_way - {-1}))
        taken[row].append((span, index))
        placed.append(Placement(text, row, *span))
    return placed, None


def _span(label: Label, width: float) -> Span:
    if label.leftward and label.x - width >= 0:
        return label.x - width, label.x
    start = max(label.x, 0.0)
    return start, start + width


def _overlap(a: Span, b: Span, gap: float) -> bool:
    return a[0] < b[1] + gap and b[0] < a[1] + gap


def _free_row(taken: list[list[tuple[Span, int]]], span: Span, gap: float) -> int | None:
    for row, spans in enumerate(taken):
        if not any(_overlap(span, other, gap) for other, _ in spans):
            return row
    return None


def _first_fitting(label: Label, measure: Callable[[str], float]) -> int:
    """The level of the longest form within the label's room (the shortest when none is)."""
    for level, form in enumerate(label.forms):
        if measure(form) <= label.room:
            return level
    return len(label.forms) - 1


def group_close(xs: Sequence[float], within: float) -> list[list[int]]:
    """Indices of ``xs`` (in priority order) grouped where they lie within ``within`` pixels
    of a group's first: lines that close look like one, so one label names them all."""
    groups: list[list[int]] = []
    for index, x in enumerate(xs):
        for group in groups:
            if abs(xs[group[0]] - x) <= within:
                group.append(index)
                break
        else:
            groups.append([index])
    return groups


def joined_forms(forms: Sequence[tuple[str, ...]], separator: str = " · ") -> tuple[str, ...]:
    """One label's forms for several: their forms joined level by level, each at its
    shortest once it has no shorter."""
    levels = max(len(each) for each in forms)
    joined = (
        separator.join(each[min(level, len(each) - 1)] for each in forms) for level in range(levels)
    )
    return tuple(dict.fromkeys(joined))
