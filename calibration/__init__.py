"""Raw device values -> newtons, and newtons -> the units a user reads. Qt-free.

Imports none of the other top-level packages: device facts arrive as plain numbers.
"""

from calibration.linear import CalibrationError, LinearCalibration
from calibration.units import (
    DEFAULT_PROBE_AREA_CM2,
    UNITS,
    Unit,
    from_display,
    to_display,
    unit_named,
)

__all__ = [
    "DEFAULT_PROBE_AREA_CM2",
    "UNITS",
    "CalibrationError",
    "LinearCalibration",
    "Unit",
    "from_display",
    "to_display",
    "unit_named",
]
