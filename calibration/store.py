"""Calibrations per device, with their whole history: a new one never overwrites an old one.

One JSON file per device identity (the serial number the device reports, or the name a user
gives a device that has none), in the user's data folder. Plain JSON, so a lab can read and
archive it without this app.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from calibration.linear import CalibrationError, LinearCalibration
from calibration.quadratic import QuadraticCalibration

FORMAT = "pressure-monitor-calibrations"
VERSION = 1


@dataclass(frozen=True)
class CalibrationRecord:
    device_identity: str
    kind: str  # "linear" or "quadratic"
    coefficients: dict[str, float]  # offset, gain_n_per_unit | a, b, c
    raw_unit: str  # what the device sends: "counts", or a force unit
    full_scale_n: float
    linearity_pct_fs: float
    hysteresis_pct_fs: float | None = None
    points: list[dict[str, Any]] = field(default_factory=list)  # load_n, raw, unloading
    verification: dict[str, Any] | None = None
    operator: str = ""
    note: str = ""
    created: str = field(default_factory=lambda: datetime.now().astimezone().isoformat())

    def calibration(self) -> LinearCalibration | QuadraticCalibration:
        source = f"calibrated {self.created}"
        try:
            if self.kind == "linear":
                return LinearCalibration(
                    float(self.coefficients["offset"]),
                    float(self.coefficients["gain_n_per_unit"]),
                    source,
                )
            if self.kind == "quadratic":
                c = self.coefficients
                return QuadraticCalibration(float(c["a"]), float(c["b"]), float(c["c"]), source)
        except (KeyError, TypeError, ValueError) as exc:
            raise CalibrationError(f"calibration record is incomplete: {exc}") from exc
        raise CalibrationError(f"unknown calibration kind {self.kind!r}")

    def check_device(self, identity: str, raw_unit: str) -> None:
        if identity != self.device_identity:
            raise CalibrationError(
                f"this calibration is for device {self.device_identity!r}, not {identity!r}"
            )
        if raw_unit != self.raw_unit:
            raise CalibrationError(
                f"this calibration converts raw values in {self.raw_unit}, but the device "
                f"sends {raw_unit}"
            )


class CalibrationStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path_for(self, identity: str) -> Path:
        """A file name safe on every system, unique per identity."""
        readable = re.sub(r"[^A-Za-z0-9._-]+", "_", identity).strip("._")[:40] or "device"
        digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:8]
        return self.folder / f"{readable}-{digest}.json"

    def history(self, identity: str) -> list[CalibrationRecord]:
        """Every calibration of this device, oldest first."""
        path = self.path_for(identity)
        if not path.exists():
            return []
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CalibrationError(f"calibration file {path} is damaged ({exc})") from exc
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise CalibrationError(f"{path} is not a calibration file of this app")
        if document.get("version", 0) > VERSION:
            raise CalibrationError(f"{path} was written by a newer version: update the app")
        if document.get("device_identity") != identity:
            raise CalibrationError(
                f"{path} holds calibrations of device {document.get('device_identity')!r}, "
                f"not {identity!r}"
            )
        try:
            return [CalibrationRecord(**record) for record in document["history"]]
        except (KeyError, TypeError) as exc:
            raise CalibrationError(f"calibration file {path} is damaged ({exc})") from exc

    def current(self, identity: str) -> CalibrationRecord | None:
        history = self.history(identity)
        return history[-1] if history else None

    def save(self, record: CalibrationRecord) -> Path:
        """Append ``record`` to its device's history (written atomically)."""
        record.calibration()  # refuse a record that could not be applied
        history = self.history(record.device_identity)  # refuses a damaged file
        path = self.path_for(record.device_identity)
        document = {
            "format": FORMAT,
            "version": VERSION,
            "device_identity": record.device_identity,
            "history": [asdict(r) for r in [*history, record]],
        }
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".json.partial")
            partial.write_text(json.dumps(document, indent=1), encoding="utf-8")
            os.replace(partial, path)
        except OSError as exc:
            raise CalibrationError(f"cannot save the calibration to {path}: {exc}") from exc
        return path
