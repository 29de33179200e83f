"""Raw device values -> newtons, and newtons -> the units a user reads. Qt-free.

Imports none of the other top-level packages: device facts arrive as plain numbers.
"""

from calibration.fit import CalibrationPoint, FitReport, fit
from calibration.linear import CalibrationError, LinearCalibration
from calibration.quadratic import QuadraticCalibration
from calibration.stillness import is_still, still_mean
from calibration.store import CalibrationRecord, CalibrationStore
from calibration.units import (
    DEFAULT_PROBE_AREA_CM2,
    PROBE_AREAS_CM2,
    UNITS,
    Unit,
    convert,
    from_display,
    to_display,
    unit_named,
)
from calibration.verify import Verification, verify

Calibration = LinearCalibration | QuadraticCalibration

__all__ = [
    "DEFAULT_PROBE_AREA_CM2",
    "PROBE_AREAS_CM2",
    "UNITS",
    "Calibration",
    "CalibrationError",
    "CalibrationPoint",
    "CalibrationRecord",
    "CalibrationStore",
    "FitReport",
    "LinearCalibration",
    "QuadraticCalibration",
    "Unit",
    "Verification",
    "convert",
    "fit",
    "from_display",
    "is_still",
    "still_mean",
    "to_display",
    "unit_named",
    "verify",
]
