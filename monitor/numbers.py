"""One way to write a measured number for people: the unit's decimals, never "-0", a dash for
no value, and a narrow no-break space before the unit (so "12.5 N" never wraps apart).

Every pressure or force shown to a clinician goes through here, so the readout, the gauge, the
trace, the tables and the reports agree on what "12.5 N" looks like.
"""

from __future__ import annotations

import math

from calibration import Unit

#: Before a unit: U+202F NARROW NO-BREAK SPACE, the SI's thin space that never breaks a line.
UNIT_SPACE = "\u202f"
#: What a value that does not exist (NaN, no signal) reads as.
NO_VALUE = "—"
#: A true minus sign: as wide as a digit and unmistakable from across the room.
MINUS = "\u2212"
#: Between the ends of a range.
EN_DASH = "–"


def number(value: float, decimals: int) -> str:
    """``value`` rounded to ``decimals``; "—" when it is not finite; a rounded zero is "0"
    whatever its sign (a probe at rest reads -0.2 N as often as +0.2 N)."""
    if not math.isfinite(value):
        return NO_VALUE
    text = f"{value:.{max(0, decimals)}f}"
    if text.startswith("-"):
        if float(text) == 0.0:
            return text[1:]
        return MINUS + text[1:]
    return text


def value(value: float, unit: Unit, decimals: int | None = None) -> str:
    """A value in ``unit``, without its symbol, to the unit's decimals unless told."""
    return number(value, unit.decimals if decimals is None else decimals)


def quantity(value_in_unit: float, unit: Unit, decimals: int | None = None) -> str:
    """A value with its unit, e.g. "12.5 N"; "—" alone when there is no value."""
    text = value(value_in_unit, unit, decimals)
    return text if text == NO_VALUE else f"{text}{UNIT_SPACE}{unit.symbol}"


def span(low: float, high: float, unit: Unit, decimals: int | None = None) -> str:
    """A range in ``unit``, e.g. "12.0–17.0 N" (the unit once, after both ends)."""
    ends = f"{value(low, unit, decimals)}{EN_DASH}{value(high, unit, decimals)}"
    return f"{ends}{UNIT_SPACE}{unit.symbol}"
