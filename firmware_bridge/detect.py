"""What is behind a port: ``--protocol auto``'s questions, asked at each candidate baud rate.

Only read-only questions are asked (see ``protocols/auto.py``); nothing is started, tared or
set. For ``pressure-monitor ports --probe``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import serial

from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols import Decoder, make_decoder
from firmware_bridge.protocols.auto import ANSWER_WAIT_S, LISTEN_S, PROBES, AutoDecoder
from firmware_bridge.protocols.gauges import GaugeDecoder
from firmware_bridge.transport import PortError, describe, open_port

#: Our firmware and USB devices first (they ignore the rate), then what gauges default to.
BAUD_RATES = (115200, 9600, 19200, 38400, 57600)
#: Long enough for one round of questions (and a follow-up), with a little to spare.
ROUND_S = LISTEN_S + ANSWER_WAIT_S * len(PROBES) + 0.2
#: After detection: time for a polled gauge to answer its identification questions.
IDENTIFY_S = 0.5


@dataclass(frozen=True)
class Detection:
    port: str
    protocol: str = ""  # "" when nothing known answered
    baudrate: int = 0
    device: DeviceInfo | None = None
    error: str = ""  # why the port could not be asked

    def describe(self) -> str:
        if self.error:
            return self.error
        if not self.protocol:
            return "no known device answered"
        device = self.device
        who = ", ".join(part for part in (device.model, device.identity) if part) if device else ""
        spec = self.protocol if self.baudrate == 115200 else f"{self.protocol}:baud={self.baudrate}"
        return f"{spec}" + (f" ({who})" if who else "")


def probe(
    port: str,
    baud_rates: tuple[int, ...] = BAUD_RATES,
    clock: Callable[[], float] = time.monotonic,
) -> Detection:
    """Ask ``port`` at each rate in turn until a device answers; never raises."""
    for baud in baud_rates:
        try:
            link = open_port(port, baud)
        except PortError as exc:
            return Detection(port, error=str(exc))
        try:
            decoder = _converse(link, clock)
        except (serial.SerialException, OSError) as exc:
            return Detection(port, error=f"{port}: {describe(exc)}")
        finally:
            link.close()
        if decoder.detected is not None:
            return Detection(port, decoder.detected.name, baud, decoder.device_info)
    return Detection(port)


def _converse(link: serial.Serial, clock: Callable[[], float]) -> AutoDecoder:
    decoder = make_decoder("auto")
    assert isinstance(decoder, AutoDecoder)
    link.reset_input_buffer()
    deadline = clock() + ROUND_S
    while decoder.detected is None and clock() < deadline:
        _exchange(link, decoder.outgoing(clock()), decoder, clock)
    detected = decoder.detected
    if isinstance(detected, GaugeDecoder) and detected.mode == "poll":
        questions = b"".join(q.command for q in detected.dialect.identify)  # read-only
        detected.opening_commands()
        until = clock() + IDENTIFY_S
        _exchange(link, questions, detected, clock)
        while clock() < until:
            _exchange(link, b"", detected, clock)
    elif detected is not None:
        detected.feed(b"\x00" + decoder.last_answer, clock())  # our firmware's INFO
    return decoder


def _exchange(
    link: serial.Serial, request: bytes, decoder: Decoder, clock: Callable[[], float]
) -> None:
    if request:
        link.write(request)
    data = link.read(link.in_waiting or 1)
    if data:
        decoder.feed(data, clock())
