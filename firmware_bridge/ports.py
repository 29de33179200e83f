"""The serial ports this machine has, as pyserial sees them."""

from __future__ import annotations

from dataclasses import dataclass

from serial.tools import list_ports

#: What a USB ID suggests is behind a port. A hint, not an identification: the same chip sits
#: in many devices. Sources: Mark-10's ID from Opentrons' driver, whose own comment doubts it;
#: the bridge chips' IDs are their makers' well-known ones.
USB_HINTS: dict[tuple[int, int | None], str] = {
    (0x0483, 0xA1AD): "Mark-10 gauge? (ID from a third-party driver, unverified)",
    (0x2341, None): "Arduino board: our firmware (fgb1) or a DIY sketch (ascii)",
    (0x2A03, None): "Arduino board: our firmware (fgb1) or a DIY sketch (ascii)",
    (0x1A86, 0x7523): "CH340 USB-serial: Arduino clones and DIY boards (fgb1 or ascii)",
    (0x10C4, 0xEA60): "CP210x USB-serial: DIY boards, some gauges",
    (0x0403, 0x6001): "FTDI USB-serial: a gauge's cable, an RS-232 adapter, or a DIY board",
    (0x0403, 0x6015): "FTDI USB-serial: a gauge's cable, an RS-232 adapter, or a DIY board",
    (0x067B, 0x2303): "Prolific USB-to-RS-232 adapter (e.g. for a Wagner FDIX)",
}


@dataclass(frozen=True)
class PortInfo:
    device: str  # the path or name to open
    description: str
    vid: int | None = None  # USB vendor and product IDs, where the port is a USB device
    pid: int | None = None

    @property
    def usb_id(self) -> str:
        return f"{self.vid:04X}:{self.pid:04X}" if self.vid is not None else ""

    @property
    def hint(self) -> str:
        """What is probably behind this port, from its USB ID ("" when nothing is known)."""
        if self.vid is None:
            return ""
        return USB_HINTS.get((self.vid, self.pid)) or USB_HINTS.get((self.vid, None), "")

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
