"""The user's settings: a typed, versioned record, handed to the window (no global config).

Stored values come back through ``from_dict``, which never fails: an unknown key is ignored
and a missing or impossible value falls back to its default, so a damaged or older settings
file costs at most a preference, never a start-up.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from calibration import UNITS
from firmware_bridge.protocols import DECODERS, UnknownProtocolError, parse_spec
from monitor.ppt.protocol import ORDERS, SIDE_CHOICES
from monitor.ppt.results import MEAN_RULES
from monitor.ppt.trial import DFNS_RATE_KPA_S

SETTINGS_VERSION = 1
#: The trace's window lengths on offer, s.
WINDOW_LENGTHS_S = (10.0, 30.0, 60.0, 90.0)
#: Colour themes (monitor/ui/theme.py defines them): dark for a dim treatment room, light
#: for a bright one.
THEME_NAMES = ("dark", "light")


@dataclass(frozen=True)
class PptPreferences:
    """The PPT screen's protocol choices, as they were last set."""

    sites: tuple[str, ...] = ()
    sides: str = "left and right"
    trials: int = 3
    rate_kpa_s: float = DFNS_RATE_KPA_S
    order: str = ORDERS[0]
    rest_s: int = 30
    mean_of: str = "all"
    tolerance_pct: int = 20
    safety_max_kpa: int = 1000


#: PPT preferences as AppSettings stores them: field name -> PptPreferences field.
PPT_FIELDS = {f"ppt_{field.name}": field.name for field in fields(PptPreferences)}


@dataclass(frozen=True)
class AppSettings:
    version: int = SETTINGS_VERSION
    unit: str = "kPa"
    probe_area_cm2: float = 1.0
    preset: str = ""  # the label of the last muscle and technique; "" for the first
    side: str = "—"
    window_s: float = 30.0
    sound: bool = True
    last_port: str = ""  # the device last used ("" for the built-in simulator)
    protocol: str = "fgb1"  # what it spoke
    theme: str = "dark"
    examiner: str = ""  # who treats or examines: in every recording and PPT report
    # The PPT protocol last set up (PptPreferences, flat: a stored value is text or a number).
    ppt_sites: str = ""  # one site per line
    ppt_sides: str = PptPreferences.sides
    ppt_trials: int = PptPreferences.trials
    ppt_rate_kpa_s: float = PptPreferences.rate_kpa_s
    ppt_order: str = PptPreferences.order
    ppt_rest_s: int = PptPreferences.rest_s
    ppt_mean_of: str = PptPreferences.mean_of
    ppt_tolerance_pct: int = PptPreferences.tolerance_pct
    ppt_safety_max_kpa: int = PptPreferences.safety_max_kpa

    @property
    def ppt(self) -> PptPreferences:
        values = {name: getattr(self, key) for key, name in PPT_FIELDS.items()}
        values["sites"] = tuple(site for site in self.ppt_sites.split("\n") if site)
        return PptPreferences(**values)

    @staticmethod
    def ppt_changes(preferences: PptPreferences) -> dict[str, Any]:
        """The fields to ``replace`` for these PPT preferences."""
        changes = {key: getattr(preferences, name) for key, name in PPT_FIELDS.items()}
        changes["ppt_sites"] = "\n".join(preferences.sites)
        return changes

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> AppSettings:
        defaults = cls()
        values: dict[str, Any] = {}
        for field in fields(cls):
            default = getattr(defaults, field.name)
            value = stored.get(field.name, default)
            try:
                value = _as_bool(value) if isinstance(default, bool) else type(default)(value)
            except (TypeError, ValueError):
                value = default
            values[field.name] = value
        values["version"] = SETTINGS_VERSION  # older versions migrate field by field
        if values["unit"] not in {unit.symbol for unit in UNITS}:
            values["unit"] = defaults.unit
        area = values["probe_area_cm2"]
        if not (math.isfinite(area) and 0.01 <= area <= 100):
            values["probe_area_cm2"] = defaults.probe_area_cm2
        if values["side"] not in ("—", "left", "right"):
            values["side"] = defaults.side
        if not _known_protocol(values["protocol"]):
            values["protocol"] = defaults.protocol
        if values["theme"] not in THEME_NAMES:
            values["theme"] = defaults.theme
        if values["window_s"] not in WINDOW_LENGTHS_S:
            values["window_s"] = defaults.window_s
        _check_ppt(values, defaults)
        return cls(**values)


def _check_ppt(values: dict[str, Any], defaults: AppSettings) -> None:
    """Each PPT choice within what the screen offers, else its default."""
    allowed = {
        "ppt_sides": lambda v: v in SIDE_CHOICES,
        "ppt_trials": lambda v: 1 <= v <= 10,
        "ppt_rate_kpa_s": lambda v: math.isfinite(v) and 1 <= v <= 500,
        "ppt_order": lambda v: v in ORDERS,
        "ppt_rest_s": lambda v: 0 <= v <= 600,
        "ppt_mean_of": lambda v: v in MEAN_RULES,
        "ppt_tolerance_pct": lambda v: 5 <= v <= 50,
        "ppt_safety_max_kpa": lambda v: 50 <= v <= 3000,
    }
    for key, ok in allowed.items():
        if not ok(values[key]):
            values[key] = getattr(defaults, key)


def _known_protocol(spec: str) -> bool:
    try:
        return parse_spec(spec)[0] in DECODERS
    except UnknownProtocolError:
        return False


def _as_bool(value: Any) -> bool:
    """QSettings hands booleans back as "true"/"false" from text-based stores."""
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1"):
        return True
    if str(value).lower() in ("false", "0"):
        return False
    raise ValueError(f"not a boolean: {value!r}")
