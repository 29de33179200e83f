"""Opening a port by device path or pyserial URL: bytes only, no knowledge of formats."""

from __future__ import annotations

import os

import serial

#: Our simulator's URL scheme (``fgsim://``) lives in this package as ``protocol_fgsim``.
SIMULATOR_HANDLER_PACKAGE = "firmware_bridge.sim"

READ_TIMEOUT_S = 0.05  # short enough for a responsive stop, long enough not to spin


class PortError(OSError):
    """The port cannot be opened or used; the message says why, in one line."""


def describe(exc: BaseException) -> str:
    """An OS or pyserial error as its plain reason ("No such file or directory")."""
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno)
    return str(exc)


def _register_simulator() -> None:
    if SIMULATOR_HANDLER_PACKAGE not in serial.protocol_handler_packages:
        serial.protocol_handler_packages.append(SIMULATOR_HANDLER_PACKAGE)


def open_port(port: str, baudrate: int = 115200) -> serial.Serial:
    """Open ``port`` (``/dev/ttyACM0``, ``COM3``, ``fgsim://...``, ``socket://...``)."""
    _register_simulator()
    is_url = "://" in port
    try:
        return serial.serial_for_url(
            port,
            baudrate=baudrate,
            timeout=READ_TIMEOUT_S,
            write_timeout=1.0,
            exclusive=None if is_url else True,
        )
    except (serial.SerialException, OSError, ValueError) as exc:
        raise PortError(f"cannot open {port}: {describe(exc)}") from exc
