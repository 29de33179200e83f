"""The review's Qt-free parts: which zone draws each stretch, and cells a spreadsheet keeps as
text."""

from __future__ import annotations

import numpy as np
import pytest

from monitor.feedback import Zone
from monitor.review import comment_line, spreadsheet_safe, zone_links
from recordings.schema import SEGMENT_DTYPE


def segments(*rows: tuple[float, float, float, float]) -> np.ndarray:
    table = np.zeros(len(rows), SEGMENT_DTYPE)
    for index, (start, end, low, high) in enumerate(rows):
        table[index]["t_start"], table[index]["t_end"] = start, end
        table[index]["band_low_kpa"], table[index]["band_high_kpa"] = low, high
    return table


def test_each_link_is_drawn_in_the_zone_of_its_higher_end() -> None:
    t = np.arange(8.0)
    kpa = np.array([50, 150, 150, 250, 150, np.nan, 150, 150])
    links = zone_links(t, kpa, segments((0, 10, 100, 200)))
    assert links[Zone.UNDER].tolist() == [0, 0, 0, 0, 0, 0, 0, 0]
    assert links[Zone.IN].tolist() == [1, 1, 0, 0, 0, 0, 1, 0]  # 50->150 shows the band reached
    assert links[Zone.OVER].tolist() == [0, 0, 1, 1, 0, 0, 0, 0]  # the moment over is never hidden
    assert links[None].tolist() == [0] * 8  # and no link touches the missing value
    assert not any(links[zone][4] or links[zone][5] for zone in links)


def test_no_band_where_no_segment_ran_or_a_relative_band_had_no_ppt() -> None:
    t = np.arange(6.0)
    kpa = np.full(6, 50.0)
    links = zone_links(t, kpa, segments((2, 3, 100, 200), (4, 9, np.nan, np.nan)))
    assert links[None].tolist() == [1, 1, 0, 0, 1, 0]
    assert links[Zone.UNDER].tolist() == [0, 0, 1, 1, 0, 0]
    assert zone_links(t, kpa, segments())[None].tolist() == [1, 1, 1, 1, 1, 0]


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+41 79", "'+41 79"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Upper trapezius", "Upper trapezius"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_text_cell_never_starts_a_formula(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe


def test_a_metadata_line_has_no_cell_that_starts_a_formula() -> None:
    line = comment_line("session.notes", "sore,=cmd|x, +1\nnext\tline")
    assert line == "# session.notes: sore,'=cmd|x, '+1 next line"
    assert not any(cell.lstrip().startswith(("=", "+", "-", "@")) for cell in line.split(","))
