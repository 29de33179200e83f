"""What a device says about itself (or what we know of it when it says nothing)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class DeviceInfo:
    protocol: str
    identity: str = ""  # serial number from the device; "" when it has none
    model: str = ""
    firmware: str = ""
    nominal_rate_hz: float = 0.0  # 0 when the device does not say
    raw_unit: str = "N"  # "counts" for ADC codes, else the force unit the device sends
    counts_per_newton: float = 0.0  # the device's own calibration, 0 when it has none
    zero_offset: float = 0.0
    full_scale_n: float = 0.0

    def as_attributes(self) -> dict[str, str | float]:
        """Plain typed values, as stored in a recording."""
        return asdict(self)
