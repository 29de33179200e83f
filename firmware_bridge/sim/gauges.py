"""Simulated text devices: the commercial gauges' dialects and a DIY sketch's printout.

Each answers what its manual (or public driver) says it answers, and stays silent or
refuses where the real one does; see docs/protocols.md for what is known and what is
presumed. The device side keeps its own unit table, as a gauge's firmware does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol

import numpy as np


class SimulatedDevice(Protocol):
    """What a gauge's firmware drives (``device.SimulatedDevice``): named here, not
    imported, so that the device and its personalities do not import each other."""

    def force_now(self) -> float: ...
    def start(self, rate_hz: float | None = None) -> None: ...
    def stop(self) -> None: ...


NEWTONS_PER_LBF = 4.4482216152605
STANDARD_GRAVITY = 9.80665
#: Newtons per unit, by the unit's name as the gauges spell it (compared case-blind).
NEWTONS_PER = {
    "n": 1.0,
    "mn": 1e-3,
    "kn": 1e3,
    "lbf": NEWTONS_PER_LBF,
    "ozf": NEWTONS_PER_LBF / 16,
    "kgf": STANDARD_GRAVITY,
    "gf": STANDARD_GRAVITY / 1000,
}
DECIMALS = {"n": 2, "mn": 0, "kn": 4, "lbf": 2, "ozf": 1, "kgf": 3, "gf": 0}


def in_unit(force_n: float, unit: str) -> float:
    """One reading in the gauge's unit (a gauge answers a reading at a time)."""
    return force_n / NEWTONS_PER[unit.lower()]


class TextGauge:
    """A gauge reading commands a line at a time and answering from a table."""

    streams_at_power_on = False
    command_end = b"\r"

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self._incoming = b""
        self.commands: dict[bytes, Callable[[SimulatedDevice], bytes]] = {}

    def handle(self, data: bytes, device: SimulatedDevice) -> bytes:
        *commands, self._incoming = (self._incoming + data).split(self.command_end)
        self._incoming = self._incoming[-64:]
        return b"".join(self.answer(command.strip(), device) for command in commands)

    def answer(self, command: bytes, device: SimulatedDevice) -> bytes:
        action = self.commands.get(command.upper())
        return action(device) if action else self.unknown(command)

    def unknown(self, command: bytes) -> bytes:
        return b""

    def encode(
        self, seq: np.ndarray, t_us: np.ndarray, force_n: np.ndarray, pressed: np.ndarray
    ) -> bytes:
        return b"".join(self.reading(value) for value in force_n.tolist())

    def reading(self, force_n: float) -> bytes:
        raise NotImplementedError

    def power_cycle(self) -> None:
        """Switched off and on: forget what the host set up."""

    def _poll(self, device: SimulatedDevice) -> bytes:
        return self.reading(device.force_now())

    def _unit_commands(
        self, units: dict[bytes, str], reply: bytes
    ) -> dict[bytes, Callable[[SimulatedDevice], bytes]]:
        """A command per unit: it switches the gauge to that unit and answers ``reply``."""

        def switch_to(unit: str) -> Callable[[SimulatedDevice], bytes]:
            def command(device: SimulatedDevice) -> bytes:
                self.unit = unit
                return reply

            return command

        return {command: switch_to(unit) for command, unit in units.items()}


class Mark10Gauge(TextGauge):
    """GCL2: ``?`` reads, ``N``/``LB``/... set the unit (silently), ``RM``/``RS``/``RV``
    identify, ``AOUTn`` streams (BG series; 0 stops); anything else is ``*10``."""

    UNIT_COMMANDS: ClassVar[dict[bytes, str]] = {
        b"N": "N",
        b"MN": "mN",
        b"KN": "kN",
        b"LB": "lbF",
        b"OZ": "ozF",
        b"KG": "kgF",
        b"G": "gF",
    }

    def __init__(self, unit: str = "N") -> None:
        super().__init__(_spelling(unit, ("N", "mN", "kN", "lbF", "ozF", "kgF", "gF")))
        self.commands = {
            b"?": self._poll,
            b"?C": self._poll,
            b"RM": lambda device: b"M5-100\r\n",
            b"RS": lambda device: b"3456789\r\n",
            b"RV": lambda device: b"V1.04\r\n",
            b"AOUT0": _stop_stream,
            b"AOUT1": _stream_at(None),
        } | self._unit_commands(self.UNIT_COMMANDS, reply=b"")  # GCL2: no reply [presumed]

    def unknown(self, command: bytes) -> bytes:
        return b"*10\r\n" if command else b""

    def reading(self, force_n: float) -> bytes:
        value = in_unit(force_n, self.unit)
        return f"{value:.{DECIMALS[self.unit.lower()]}f} {self.unit}\r\n".encode()


class ImadaGauge(TextGauge):
    """DS2/DST: ``D`` -> ``+123.4NTO``; ``Z``/``T``/``P`` and the unit letters -> ``R``;
    anything else -> ``E``. Lines end with CR only."""

    LETTERS: ClassVar[dict[str, bytes]] = {"lbf": b"O", "kgf": b"K", "N": b"N"}
    FULL_SCALE_N = 500.0

    def __init__(self, unit: str = "N") -> None:
        super().__init__(_spelling(unit, tuple(self.LETTERS)))
        letters = {letter: unit_name for unit_name, letter in self.LETTERS.items()}
        self.commands = {b"D": self._poll, b"Z": _ack, b"T": _ack, b"P": _ack}
        self.commands |= self._unit_commands(letters, reply=b"R\r")

    def unknown(self, command: bytes) -> bytes:
        return b"E\r" if command else b""

    def reading(self, force_n: float) -> bytes:
        value = in_unit(force_n, self.unit)
        judgement = b"E" if abs(force_n) > self.FULL_SCALE_N else b"O"
        sign = b"-" if value < 0 else b"+"
        digits = f"{abs(value):05.1f}".encode()
        return sign + digits + self.LETTERS[self.unit] + b"T" + judgement + b"\r"


class ImadaZtGauge(TextGauge):
    """ZTA/ZTS: ``XAR`` one reading, ``XAg`` 10/s, ``XAG`` 2000/s, ``XAS`` stop, ``XFC``
    the unit list. A reading: sign, 6 value characters, 8 status characters (their meaning
    is not public; shown here as the mode and zeros), the unit's index in the list, CR."""

    UNIT_LIST = ("N", "kgf", "lbf", "gf", "mN", "ozf")
    CODES: ClassVar[dict[str, str]] = {
        "mN": "01",
        "N": "02",
        "gf": "07",
        "kgf": "08",
        "ozf": "10",
        "lbf": "11",
    }

    def __init__(self, unit: str = "N") -> None:
        super().__init__(_spelling(unit, self.UNIT_LIST))
        self.commands = {
            b"XAR": self._poll,
            b"XAG": _stream_at(2000.0),
            b"XAS": _stop_stream,
            b"XFC": lambda device: (
                b"XFC" + "".join(self.CODES[u] for u in self.UNIT_LIST).encode() + b"\r"
            ),
        }

    def answer(self, command: bytes, device: SimulatedDevice) -> bytes:
        if command == b"XAg":  # lower-case g: the slow stream
            device.start(10.0)
            return b""
        return super().answer(command, device)

    def reading(self, force_n: float) -> bytes:
        value = in_unit(force_n, self.unit)
        sign = "-" if value < 0 else "+"
        index = self.UNIT_LIST.index(self.unit)
        return f"{sign}{abs(value):06.2f}T0000000{index}\r".encode()


class WagnerGauge(TextGauge):
    """FDX ``?`` -> ``-23.02 lbf``; FDIX continuous output: ``C<rate>`` (0.5-100/s), ``CA``,
    ``CX``, ``CB`` begin, ``CE`` end. Unknown commands get no reply. Switched off and on
    (``stream_lost_at``) it forgets the continuous output."""

    RATES: ClassVar[dict[bytes, float]] = {
        b"C.5": 0.5,
        b"C1": 1,
        b"C2": 2,
        b"C5": 5,
        b"C10": 10,
        b"C20": 20,
        b"C50": 50,
        b"C100": 100,
    }

    def __init__(self, unit: str = "N") -> None:
        super().__init__(_spelling(unit, ("lbf", "kgf", "N", "ozf", "gf")))
        self.rate_hz = 10.0
        self.commands = {
            b"?": self._poll,
            b"C?": self._poll,
            b"CA": lambda device: b"",
            b"CX": lambda device: b"",
            b"CB": self._begin,
            b"CE": _stop_stream,
        }
        self.commands |= {command: self._rate_setter(rate) for command, rate in self.RATES.items()}

    def handle(self, data: bytes, device: SimulatedDevice) -> bytes:
        return super().handle(data.replace(b"\n", b""), device)  # CR LF or CR

    def _begin(self, device: SimulatedDevice) -> bytes:
        device.start(self.rate_hz)
        return b""

    def _rate_setter(self, rate: float) -> Callable[[SimulatedDevice], bytes]:
        """``C<rate>``: the rate the next ``CB`` streams at (no reply)."""

        def command(device: SimulatedDevice) -> bytes:
            self.rate_hz = rate
            return b""

        return command

    def power_cycle(self) -> None:
        self.rate_hz = 10.0

    def reading(self, force_n: float) -> bytes:
        value = in_unit(force_n, self.unit)
        return f"{value:.2f} {self.unit}\r\n".encode()


class SketchPrintout:
    """A DIY sketch printing one line per reading from power-on, ignoring the host. The line
    is a template: ``{N}`` ``{gf}`` ``{kgf}`` ``{lbf}`` the force, ``{counts}`` an HX711's
    raw value, ``{ms}`` millis(); e.g. ``Reading: {gf:.1f} g`` or ``{ms},{counts},{N:.3f}``."""

    streams_at_power_on = True
    COUNTS_PER_NEWTON = 1234.5
    ZERO_OFFSET = -52000

    def __init__(self, line: str = "{N:.3f}") -> None:
        self.line = line + "\r\n"
        _check_template(self.line)

    def handle(self, data: bytes, device: SimulatedDevice) -> bytes:
        return b""

    def power_cycle(self) -> None:
        """Nothing to forget."""

    def encode(
        self, seq: np.ndarray, t_us: np.ndarray, force_n: np.ndarray, pressed: np.ndarray
    ) -> bytes:
        pairs = zip(force_n.tolist(), t_us.tolist(), strict=True)
        return "".join(self.line.format(**_fields(force, us)) for force, us in pairs).encode()


def _fields(force: float, t_us: int) -> dict[str, float]:
    return {
        "N": force,
        "gf": force / NEWTONS_PER["gf"],
        "kgf": force / NEWTONS_PER["kgf"],
        "lbf": force / NEWTONS_PER["lbf"],
        "counts": round(SketchPrintout.ZERO_OFFSET + force * SketchPrintout.COUNTS_PER_NEWTON),
        "ms": t_us // 1000,
    }


def _check_template(line: str) -> None:
    try:
        line.format(**_fields(0.0, 0))
    except (KeyError, ValueError, IndexError) as exc:
        raise ValueError(f"bad line template {line.strip()!r}: {exc}") from None


def _ack(device: SimulatedDevice) -> bytes:
    return b"R\r"


def _stream_at(rate_hz: float | None) -> Callable[[SimulatedDevice], bytes]:
    """A command that starts the stream (at ``rate_hz``; None: the device's own) silently."""

    def command(device: SimulatedDevice) -> bytes:
        device.start(rate_hz)
        return b""

    return command


def _stop_stream(device: SimulatedDevice) -> bytes:
    device.stop()
    return b""


def _spelling(unit: str, known: tuple[str, ...]) -> str:
    """``unit`` as this gauge spells it (``lbf`` -> ``lbF`` on a Mark-10)."""
    for name in known:
        if name.lower() == unit.lower():
            return name
    raise ValueError(f"this gauge has no unit {unit!r} (it has {', '.join(known)})")
