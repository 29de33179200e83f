"""Display units: every conversion between newtons and what the user reads lives here.

Force units need nothing else; pressure units divide by the probe's contact area.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

STANDARD_GRAVITY = 9.80665  # m/s², exact by definition
NEWTONS_PER_LBF = 4.4482216152605  # exact by definition of the pound-force
PASCALS_PER_PSI = 6894.757293168
DEFAULT_PROBE_AREA_CM2 = 1.0  # the usual algometer tip (DFNS, Fischer)
#: Common algometer tips: 1 cm² (DFNS, Fischer) and 0.5 cm² (cervical work, JTech).
PROBE_AREAS_CM2 = (1.0, 0.5)
_CM2_IN_M2 = 1e-4


@dataclass(frozen=True)
class Unit:
    symbol: str
    is_pressure: bool
    si_per_unit: float  # newtons per unit (force) or pascals per unit (pressure)
    decimals: int  # what a readout shows


UNITS: tuple[Unit, ...] = (
    Unit("N", False, 1.0, 1),
    Unit("kgf", False, STANDARD_GRAVITY, 2),
    Unit("lbf", False, NEWTONS_PER_LBF, 2),
    Unit("kPa", True, 1000.0, 0),
    Unit("kgf/cm²", True, STANDARD_GRAVITY / _CM2_IN_M2, 2),
    Unit("psi", True, PASCALS_PER_PSI, 1),
)
#: Force units a gauge may send but nobody reads a treatment in: converted, never offered.
DEVICE_ONLY_UNITS: tuple[Unit, ...] = (
    Unit("mN", False, 1e-3, 0),
    Unit("kN", False, 1e3, 4),
    Unit("gf", False, STANDARD_GRAVITY / 1000.0, 0),
    Unit("ozf", False, NEWTONS_PER_LBF / 16.0, 1),
    Unit("klbf", False, NEWTONS_PER_LBF * 1000.0, 4),
)
_BY_SYMBOL = {unit.symbol: unit for unit in UNITS + DEVICE_ONLY_UNITS} | {"kgf/cm2": UNITS[4]}


def unit_named(symbol: str) -> Unit:
    try:
        return _BY_SYMBOL[symbol]
    except KeyError:
        known = ", ".join(unit.symbol for unit in UNITS)
        raise ValueError(f"unknown unit {symbol!r} (known: {known})") from None


def _check_area(probe_area_cm2: float) -> float:
    if not probe_area_cm2 > 0:
        raise ValueError(f"probe area must be positive, not {probe_area_cm2} cm²")
    return probe_area_cm2 * _CM2_IN_M2


def to_display(force_n: npt.ArrayLike, unit: Unit, probe_area_cm2: float) -> np.ndarray:
    """Newtons -> ``unit`` (pressure units over ``probe_area_cm2``)."""
    force = np.asarray(force_n, dtype=np.float64)
    if unit.is_pressure:
        return force / _check_area(probe_area_cm2) / unit.si_per_unit
    return force / unit.si_per_unit


def from_display(value: npt.ArrayLike, unit: Unit, probe_area_cm2: float) -> np.ndarray:
    """``unit`` -> newtons; the inverse of ``to_display``."""
    value = np.asarray(value, dtype=np.float64)
    if unit.is_pressure:
        return value * unit.si_per_unit * _check_area(probe_area_cm2)
    return value * unit.si_per_unit


def convert(
    value: npt.ArrayLike,
    source: Unit,
    target: Unit,
    probe_area_cm2: float = DEFAULT_PROBE_AREA_CM2,
) -> np.ndarray:
    """``source`` -> ``target`` through newtons; the probe area matters only between a force
    and a pressure (1 kgf/cm² is 98.0665 kPa on any probe; 10 N is 100 kPa on 1 cm²)."""
    return to_display(from_display(value, source, probe_area_cm2), target, probe_area_cm2)
