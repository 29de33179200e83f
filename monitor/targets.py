"""Target pressure bands per muscle and technique: what a band means and how it resolves.

A band is stored as the therapist thinks of it: absolute pressure (kPa), absolute force (N on
the probe), or a share of the client's pressure-pain threshold at that site (% PPT). The
display and the recording need pressure in kPa, so a band is *resolved* against the probe
area and, for a relative band, the client's PPT; without a PPT a relative band has no value
and says so instead of guessing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from calibration.units import Unit, convert, unit_named
from monitor.numbers import EN_DASH, as_given, span

TECHNIQUES = ("light", "moderate", "deep", "ischemic compression")
KPA, NEWTON, PERCENT_PPT = "kPa", "N", "% PPT"
BASES = (KPA, NEWTON, PERCENT_PPT)
#: A relative band above this share of the threshold is certainly a typing error.
MAX_PERCENT_PPT = 150.0
_UNITS = {KPA: unit_named("kPa"), NEWTON: unit_named("N")}


def _absolute_to_kpa(value: float, basis: str, probe_area_cm2: float) -> float:
    """``value`` in kPa or N on the probe, as pressure in kPa."""
    return float(convert(value, _UNITS[basis], _UNITS[KPA], probe_area_cm2))


def _kpa_to_absolute(kpa: float, basis: str, probe_area_cm2: float) -> float:
    return float(convert(kpa, _UNITS[KPA], _UNITS[basis], probe_area_cm2))


def convert_band(
    limits: tuple[float, float],
    basis: str,
    to_basis: str,
    probe_area_cm2: float,
    ppt_kpa: float | None = None,
) -> tuple[float, float] | None:
    """The band ``limits`` in ``basis`` said in ``to_basis`` for this probe and threshold;
    None when they cannot be (to or from % of PPT without the client's PPT), so that a band in
    kPa is never read as the same numbers in %."""
    if basis == to_basis:
        return limits
    ppt = ppt_kpa if ppt_kpa is not None and math.isfinite(ppt_kpa) and ppt_kpa > 0 else 0.0
    if PERCENT_PPT in (basis, to_basis) and not ppt:
        return None
    low, high = (
        (
            value / 100 * ppt
            if basis == PERCENT_PPT
            else _absolute_to_kpa(value, basis, probe_area_cm2)
        )
        for value in limits
    )
    if to_basis == PERCENT_PPT:
        return (low / ppt * 100, high / ppt * 100)
    return (
        _kpa_to_absolute(low, to_basis, probe_area_cm2),
        _kpa_to_absolute(high, to_basis, probe_area_cm2),
    )


def _limits(low: float, high: float, unit: str = "") -> str:
    """A band's limits as they were given, e.g. "120–170 kPa", "70–90 % of PPT"."""
    return f"{as_given(low)}{EN_DASH}{as_given(high, unit)}"


class BandError(ValueError):
    """A band that cannot be used: impossible limits, or relative without a threshold."""


@dataclass(frozen=True)
class TargetBand:
    """A band resolved to pressure on the probe: what the gauge, timer and recording use."""

    low_kpa: float
    high_kpa: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low_kpa) and math.isfinite(self.high_kpa)):
            raise BandError("a band needs finite limits")
        if not 0 <= self.low_kpa < self.high_kpa:
            raise BandError(
                f"a band needs 0 <= low < high, got {_limits(self.low_kpa, self.high_kpa, KPA)}"
            )


@dataclass(frozen=True)
class BandSpec:
    """A band as entered: ``low``-``high`` in ``basis`` (kPa, N, or % of PPT)."""

    low: float
    high: float
    basis: str = KPA

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise BandError(f"unknown band basis {self.basis!r} (known: {', '.join(BASES)})")
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise BandError("a band needs finite limits")
        if not 0 <= self.low < self.high:
            raise BandError(f"a band needs 0 <= low < high, got {_limits(self.low, self.high)}")
        if self.basis == PERCENT_PPT and self.high > MAX_PERCENT_PPT:
            raise BandError(
                f"a band above {as_given(MAX_PERCENT_PPT, '%')} of the PPT is not a target"
            )

    @property
    def relative(self) -> bool:
        return self.basis == PERCENT_PPT

    def describe(self) -> str:
        """The band as entered, e.g. "120–170 kPa" or "70–90 % of PPT"."""
        return _limits(self.low, self.high, "% of PPT" if self.relative else self.basis)

    def resolve(self, probe_area_cm2: float, ppt_kpa: float | None = None) -> TargetBand:
        """The band in kPa on this probe; raises BandError for a relative band without PPT."""
        if self.basis == KPA:
            return TargetBand(self.low, self.high)
        if self.basis == NEWTON:
            return TargetBand(
                _absolute_to_kpa(self.low, NEWTON, probe_area_cm2),
                _absolute_to_kpa(self.high, NEWTON, probe_area_cm2),
            )
        if ppt_kpa is None or not (math.isfinite(ppt_kpa) and ppt_kpa > 0):
            raise BandError(
                f"this band is {self.describe()}: enter or measure the client's PPT at this site"
            )
        return TargetBand(self.low / 100 * ppt_kpa, self.high / 100 * ppt_kpa)

    def basis_note(self, ppt_kpa: float | None = None) -> str:
        """How the recorded kPa limits were derived, for the segment's ``band_basis``."""
        if self.basis == KPA:
            return "absolute"
        if self.basis == NEWTON:
            return f"absolute, {self.describe()}"
        if ppt_kpa is None or not (math.isfinite(ppt_kpa) and ppt_kpa > 0):
            return f"{self.describe()} not measured"
        return f"{self.describe()} {as_given(ppt_kpa, 'kPa')}"


def band_text(
    band: BandSpec, unit: Unit, probe_area_cm2: float, ppt_kpa: float | None = None
) -> str:
    """The band as entered and, where that is another unit, in the user's: "70–90 % of PPT
    = 175–225 kPa", "120–170 kPa = 12.0–17.0 N". A relative band without a PPT says only
    what it is."""
    entered = band.describe()
    try:
        resolved = band.resolve(probe_area_cm2, ppt_kpa)
    except BandError:
        return entered
    if band.basis == unit.symbol:
        return entered
    low, high = convert([resolved.low_kpa, resolved.high_kpa], _UNITS[KPA], unit, probe_area_cm2)
    return f"{entered} = {span(float(low), float(high), unit)}"


#: Ischemic compression: "sustained deep pressure ... 30 s-1 min", released at 1 min at the
#: latest (Nimmo-style protocol).
ISCHEMIC_HOLD_S = 60.0


@dataclass(frozen=True)
class Target:
    """One muscle and technique: its band, the hold to reach (if any), and where it came from."""

    muscle: str
    technique: str
    band: BandSpec
    source: str
    hold_s: float | None = None
    edited: bool = False  # the user changed the shipped default

    def __post_init__(self) -> None:
        if not self.muscle.strip() or not self.technique.strip():
            raise BandError("a target needs a muscle and a technique")
        if self.hold_s is not None and not (math.isfinite(self.hold_s) and self.hold_s > 0):
            raise BandError(f"a target hold must be a positive time, got {self.hold_s!r}")

    @property
    def key(self) -> tuple[str, str]:
        return (self.muscle, self.technique)

    @property
    def label(self) -> str:
        return f"{self.muscle} — {self.technique}"


@dataclass(frozen=True)
class SegmentSpec:
    """What a recording segment says about the target in force while it ran."""

    muscle: str
    technique: str
    side: str
    band_low_kpa: float  # NaN when a relative band had no threshold
    band_high_kpa: float
    basis: str

    @classmethod
    def of(
        cls, target: Target, side: str, probe_area_cm2: float, ppt_kpa: float | None
    ) -> SegmentSpec:
        try:
            band = target.band.resolve(probe_area_cm2, ppt_kpa)
            low, high = band.low_kpa, band.high_kpa
        except BandError:
            low = high = math.nan
        return cls(
            target.muscle, target.technique, side, low, high, target.band.basis_note(ppt_kpa)
        )
