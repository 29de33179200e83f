"""Every unit conversion goes through calibration.units: no hand-written factor elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from calibration.units import DEVICE_ONLY_UNITS, UNITS, convert, unit_named
from firmware_bridge.sim import gauges as sim_gauges
from firmware_bridge.sim import profiles as sim_profiles
from monitor.ppt.protocol import RATE_PRESETS_KPA_S, PptProtocol, rate_preset_named
from monitor.ppt.session import PptSession
from monitor.ppt.trial import FISCHER_RATE_KPA_S

ROOT = Path(__file__).resolve().parents[1]

#: Factors written out by hand: g (9.80665), lbf, psi, kgf/cm² in kPa, pounds per kg, and
#: N on an area in kPa (x 10 / area). A rounded one (9.81, 98.07) is as wrong as a copy.
HAND_WRITTEN = re.compile(
    r"9\.80?6|9\.81\b|4\.448|0\.2248|6894\.|6\.894|0\.14503|0\.4535|2\.2046|98\.06|98\.07"
    r"|10(\.0)?\s*/\s*[\w.]*area|area\w*\s*\*\s*10(\.0)?\b|\*\s*10(\.0)?\s*/\s*[\w.]*area"
)
#: Where the factors are defined: the one place, and the simulator, which may not import
#: calibration (firmware_bridge imports no other package); it is checked against it below.
DEFINED_IN = {
    "calibration/units.py",
    "firmware_bridge/sim/gauges.py",
    "firmware_bridge/sim/profiles.py",
}
#: Hand-written conversions in modules others are rewriting now; the lead removes each one
#: here once it goes through calibration.units (the test then keeps it so).
NOT_YET_CONVERTED: set[str] = set()


def hand_written() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for package in ("monitor", "recordings", "calibration", "firmware_bridge"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                code = line.split("#", 1)[0]
                if HAND_WRITTEN.search(code):
                    found.setdefault(name, []).append(f"{name}:{number}: {line.strip()}")
    return found


def test_no_conversion_is_written_by_hand_outside_calibration_units() -> None:
    found = hand_written()
    stray = [
        line
        for name, lines in found.items()
        if name not in DEFINED_IN | NOT_YET_CONVERTED
        for line in lines
    ]
    assert not stray, "convert with calibration.units instead:\n" + "\n".join(stray)


def test_the_list_of_modules_not_yet_converted_is_current() -> None:
    """A module fixed (or gone) leaves the list, so it cannot slip back unnoticed."""
    assert set(hand_written()) >= NOT_YET_CONVERTED


def test_the_simulators_factors_are_the_calibrations() -> None:
    units = {unit.symbol.lower(): unit for unit in UNITS + DEVICE_ONLY_UNITS}
    for symbol, newtons in sim_gauges.NEWTONS_PER.items():
        assert newtons == pytest.approx(units[symbol].si_per_unit, rel=1e-12), symbol
    assert unit_named("kgf").si_per_unit == sim_profiles.STANDARD_GRAVITY


@pytest.mark.parametrize(
    ("value", "source", "target", "area", "expected"),
    [
        (1.0, "kgf/cm²", "kPa", 1.0, 98.0665),  # the Fischer rate, on any probe
        (1.0, "kgf/cm²", "kPa", 0.5, 98.0665),
        (1.0, "psi", "kPa", 1.0, 6.894757293168),
        (2.0, "kgf", "N", 1.0, 19.6133),  # a 2 kg weight
        (1.0, "lbf", "N", 1.0, 4.4482216152605),
        (10.0, "N", "kPa", 1.0, 100.0),
        (10.0, "N", "kPa", 0.5, 200.0),
        (300.0, "kPa", "N", 0.5, 15.0),
    ],
)
def test_convert(value: float, source: str, target: str, area: float, expected: float) -> None:
    result = convert(value, unit_named(source), unit_named(target), area)
    assert float(result) == pytest.approx(expected, rel=1e-12)


def test_convert_takes_arrays() -> None:
    kpa = convert(np.array([0.0, 1.0, 2.0]), unit_named("N"), unit_named("kPa"), 1.0)
    assert kpa.tolist() == pytest.approx([0.0, 10.0, 20.0])


def test_the_fischer_rate_is_one_kgf_per_cm2_per_second_exactly() -> None:
    rate = FISCHER_RATE_KPA_S
    assert rate == pytest.approx(98.0665, rel=1e-12)  # was 98.07, rounded
    fischer = rate_preset_named(rate)
    assert fischer is not None and fischer.startswith("Fischer")
    assert rate_preset_named(98.07) == fischer  # as settings saved it before
    assert rate_preset_named(50.0) == "DFNS QST, 50 kPa/s"
    assert rate_preset_named(97.0) is None
    assert all(rate_preset_named(rate) == name for name, rate in RATE_PRESETS_KPA_S.items())


@pytest.mark.parametrize(("area", "kpa"), [(1.0, 196.133), (0.5, 392.266)])
def test_the_ppt_session_turns_force_into_pressure_on_its_probe(area: float, kpa: float) -> None:
    """A 2 kg weight on the probe, through the session's own conversion."""
    session = PptSession(PptProtocol(("trapezius",)), probe_area_cm2=area)
    force = convert(2.0, unit_named("kgf"), unit_named("N"))
    assert float(session.kpa(force)) == pytest.approx(kpa, rel=1e-12)
