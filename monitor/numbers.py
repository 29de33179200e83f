"""One way to write a measured number for people: the unit's decimals, never "-0", a dash for
no value, and a narrow no-break space before the unit (so "12.5 N" never wraps apart).

Every pressure or force shown to a clinician goes through here, so the readout, the gauge, the
trace, the tables and the reports agree on what "12.5 N" looks like.
"""

from __future__ import annotations

import math

from calibration import Unit, unit_named

#: Before a unit: U+202F NARROW NO-BREAK SPACE, the SI's thin space that never breaks a line.
UNIT_SPACE = "\u202f"
#: What a value that does not exist (NaN, no signal) reads as.
NO_VALUE = "—"
#: A true minus sign: as wide as a digit and unmistakable from across the room.
MINUS = "\u2212"
#: Between the ends of a range.
EN_DASH = "–"
KPA = unit_named("kPa")
#: The most decimals a value as given is written with (``as_given``).
GIVEN_DECIMALS = 4


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


def significant(value: float, digits: int) -> str:
    """``value`` to ``digits`` significant digits, none trailing, never in exponent form: a
    fit's coefficients, whose size depends on the device (20000 counts/N is "20000", not
    "2e+04")."""
    if not math.isfinite(value) or value == 0:
        return number(value, 0)
    decimals = digits - 1 - math.floor(math.log10(abs(value)))
    return _without_trailing_zeros(number(value, max(0, decimals)))


def signed(value: float, decimals: int, symbol: str = "") -> str:
    """A deviation with its direction, e.g. "+1.25 %" or "−0.40 N": a plus where it reads
    high; none on a rounded zero, which is neither."""
    text = number(value, decimals)
    if text != NO_VALUE and not text.startswith(MINUS) and float(text) != 0:
        text = "+" + text
    return f"{text}{UNIT_SPACE}{symbol}" if symbol and text != NO_VALUE else text


def value(value: float, unit: Unit, decimals: int | None = None) -> str:
    """A value in ``unit``, without its symbol, to the unit's decimals unless told."""
    return number(value, unit.decimals if decimals is None else decimals)


def quantity(value_in_unit: float, unit: Unit, decimals: int | None = None) -> str:
    """A value with its unit, e.g. "12.5 N"; "—" alone when there is no value."""
    return with_unit(value_in_unit, unit.symbol, unit.decimals if decimals is None else decimals)


def span(
    low: float, high: float, unit: Unit, decimals: int | None = None, *, symbol: bool = True
) -> str:
    """A range in ``unit``, e.g. "12.0–17.0 N" (the unit once, after both ends; none where
    a column's heading says it)."""
    ends = f"{value(low, unit, decimals)}{EN_DASH}{value(high, unit, decimals)}"
    return f"{ends}{UNIT_SPACE}{unit.symbol}" if symbol else ends


def with_unit(value: float, symbol: str, decimals: int) -> str:
    """A value with a unit that is not a display unit (kPa/s, s, %, cm²), e.g. "50 kPa/s";
    "—" alone when there is no value."""
    text = number(value, decimals)
    return text if text == NO_VALUE else f"{text}{UNIT_SPACE}{symbol}"


def pressure(kpa: float, decimals: int = KPA.decimals) -> str:
    """A pressure in kPa, e.g. "310 kPa": what the PPT screen, its exports and the
    treatment basis say (a threshold is measured and stored in kPa whatever the readout's
    unit)."""
    return quantity(kpa, KPA, decimals)


def percent(value: float, decimals: int = 0) -> str:
    """A share already in percent, e.g. "33.3 %" (the SI's space before the sign)."""
    return with_unit(value, "%", decimals)


def as_given(value: float, symbol: str = "") -> str:
    """A value as it was given (a chosen ramp rate, rest, probe area or limit; a published
    reference): up to four decimals, none trailing, so Fischer's rate (1 kgf/cm² a second)
    is not read as 98 kPa/s and a 30 s rest not as 30.0000 s."""
    text = _without_trailing_zeros(number(value, GIVEN_DECIMALS))
    if not symbol or text == NO_VALUE:
        return text
    return f"{text}{UNIT_SPACE}{symbol}"


def duration(seconds: float) -> str:
    """A duration to the second: "40 s" under a minute, "1:05" from one; "—" for none."""
    if not math.isfinite(seconds):
        return NO_VALUE
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}" if minutes else with_unit(rest, "s", 0)


def _without_trailing_zeros(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text
