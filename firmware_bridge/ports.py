"""The serial ports this machine has, as pyserial sees them."""

from __future__ import annotations

from dataclasses import dataclass

from serial.tools import list_ports


@dataclass(frozen=True)
class PortInfo:
    device: str  # the path or name to open
    description: str
    vid: int | None = None  # USB vendor and product IDs, where the port is a USB device
    pid: int | None = None

    @property
    def usb_id(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}" if self.vid is not None else ""

    def label(self) -> str:
        details = " ".join(part for part in (self.description, self.usb_id) if part)
        return f"{self.device} ({details})" if details and details != "n/a" else self.device


def serial_ports() -> list[PortInfo]:
    """Every serial port pyserial finds, USB ones first; never raises."""
    try:
        found = list_ports.comports()
    except OSError:
        return []
    ports = [PortInfo(p.device, p.description or "", p.vid, p.pid) for p in found]
    return sorted(ports, key=lambda port: (port.vid is None, port.device))
