"""Target pressure bands per muscle and technique (the starter set; the full library comes later).

No study gives target pressures per muscle (../shared/reference/domain.md §3.1): each default
names its basis, and where that is only a conservative starting point it says so. Bands are
pressures in kPa, i.e. on the probe's contact area.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TargetBand:
    low_kpa: float
    high_kpa: float

    def __post_init__(self) -> None:
        if not 0 <= self.low_kpa < self.high_kpa:
            raise ValueError(
                f"a band needs 0 <= low < high, got {self.low_kpa}-{self.high_kpa} kPa"
            )


#: Ischemic compression: "sustained deep pressure ... 30 s-1 min", released at 1 min at the
#: latest (Nimmo-style protocol; ../shared/reference/domain.md §3.1).
ISCHEMIC_HOLD_S = 60.0


@dataclass(frozen=True)
class TargetPreset:
    muscle: str
    technique: str
    band: TargetBand
    source: str
    hold_s: float | None = None  # the hold to reach, for techniques that hold

    @property
    def label(self) -> str:
        return f"{self.muscle} — {self.technique}"


PRESETS: tuple[TargetPreset, ...] = (
    TargetPreset(
        "Upper trapezius",
        "ischemic compression",
        TargetBand(150, 220),
        "Conservative start below the median PPT of healthy women at the upper trapezius "
        "(244 kPa; UWO-Algometer normative table). Set it from the client's own PPT.",
        hold_s=ISCHEMIC_HOLD_S,
    ),
    TargetPreset(
        "Levator scapulae",
        "moderate",
        TargetBand(100, 170),
        "Conservative starting point to edit; no published target exists.",
    ),
    TargetPreset(
        "Gluteus medius",
        "deep",
        TargetBand(200, 300),
        "Conservative starting point to edit; no published target exists.",
    ),
    TargetPreset(
        "Tibialis anterior",
        "moderate",
        TargetBand(150, 250),
        "Conservative start below the median PPT of healthy women at tibialis anterior "
        "(369 kPa; UWO-Algometer normative table).",
    ),
    TargetPreset(
        "Any muscle",
        "deep friction",
        TargetBand(100, 230),
        "From the 25th percentile to the mean pressure 40 physiotherapists applied in deep "
        "friction massage (1.02-2.32 kgf/cm²; Chaves et al., Appl Sci 2020;10:2705).",
    ),
    TargetPreset(
        "Any muscle",
        "light",
        TargetBand(20, 60),
        "Conservative starting point to edit; no published target exists.",
    ),
)


def preset_for(muscle: str) -> TargetPreset:
    """The first preset for ``muscle`` (case-insensitive)."""
    for preset in PRESETS:
        if preset.muscle.lower() == muscle.lower() or preset.label.lower() == muscle.lower():
            return preset
    known = "; ".join(preset.muscle for preset in PRESETS)
    raise ValueError(f"no target preset for {muscle!r} (known: {known})")
