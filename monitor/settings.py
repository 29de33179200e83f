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

SETTINGS_VERSION = 1
#: The trace's window lengths on offer, s.
WINDOW_LENGTHS_S = (10.0, 30.0, 60.0, 90.0)
#: Colour themes (monitor/ui/theme.py defines them): dark for a dim treatment room, light
#: for a bright one.
THEME_NAMES = ("dark", "light")


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
        return cls(**values)


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
