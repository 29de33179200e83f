"""The simulated device: the wire side of a load cell, speaking a real protocol.

It knows nothing about how it is reached: the in-process URL handler and the pseudo-terminal
server both drive it with ``receive`` (host bytes in) and ``poll`` (device bytes out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode, urlsplit

import numpy as np

from firmware_bridge.protocols import fgb1
from firmware_bridge.protocols.cobs import CobsError
from firmware_bridge.samples import FLAG_BUTTON, FLAG_SATURATED
from firmware_bridge.sim.gauges import (
    ImadaGauge,
    ImadaZtGauge,
    Mark10Gauge,
    SketchPrintout,
    WagnerGauge,
)
from firmware_bridge.sim.profiles import (
    NOISE_N,
    PROFILES,
    ForceProfile,
    WeightsOnDemandProfile,
    make_ppt_profile,
    make_profile,
)

SCHEME = "fgsim"


@dataclass(frozen=True)
class SimulatorConfig:
    protocol: str = "fgb1"
    rate_hz: float = 1000.0
    profile: str = "therapy"
    seed: int = 3  # its first hold (140 kPa, 18 s) lands in the default band: the demo shows a hold
    clock_start_us: int = 0  # the device clock at power-on (to test the u32 wrap)
    #: Stamp samples with the host's monotonic clock (mod 2^32 us) at which they were made,
    #: so a process on the same machine can measure their latency (benchmarks/live.py).
    host_clock: bool = False
    ppt_rate: float = 50.0  # the ppt profile's mean ramp, kPa/s
    ppt_rest: float = 4.0  # and its rest between trials, s
    unit: str = "N"  # a text gauge's unit at power-on
    line: str = "{N:.3f}"  # what the ascii sketch prints per reading (see SketchPrintout)
    streams: bool = False  # a text gauge sends readings unasked (a Mark-10 set to auto output)
    stream_lost_at: float = 0.0  # s after power-on: switched off and on (0: never)

    def __post_init__(self) -> None:
        if self.protocol not in PERSONALITIES:
            known = ", ".join(sorted(PERSONALITIES))
            raise ValueError(f"the simulator does not speak {self.protocol!r} (known: {known})")
        if not 0 < self.rate_hz <= 100_000:
            raise ValueError(f"simulated rate must be in (0, 100000] Hz, not {self.rate_hz}")
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r} (known: {', '.join(PROFILES)})")
        if not (0 < self.ppt_rate <= 10_000 and 0 <= self.ppt_rest <= 600):
            raise ValueError("ppt_rate must be in (0, 10000] kPa/s and ppt_rest in [0, 600] s")
        PERSONALITIES[self.protocol](self)  # a unit the gauge lacks, a bad line template

    def to_url(self) -> str:
        query = urlencode(
            {
                "protocol": self.protocol,
                "rate": f"{self.rate_hz:g}",
                "profile": self.profile,
                "seed": self.seed,
                "clock_start_us": self.clock_start_us,
                "host_clock": int(self.host_clock),
                "ppt_rate": f"{self.ppt_rate:g}",
                "ppt_rest": f"{self.ppt_rest:g}",
                "unit": self.unit,
                "line": self.line,
                "streams": int(self.streams),
                "stream_lost_at": f"{self.stream_lost_at:g}",
            }
        )
        return f"{SCHEME}://?{query}"

    @classmethod
    def from_url(cls, url: str) -> SimulatorConfig:
        parts = urlsplit(url)
        if parts.scheme != SCHEME:
            raise ValueError(f"expected a {SCHEME}:// URL, got {url!r}")
        # Each parser returns its own field's type, which a dict cannot say: hence Any.
        fields: dict[str, Callable[[str], Any]] = {
            "protocol": str,
            "rate": float,
            "profile": str,
            "seed": int,
            "clock_start_us": int,
            "host_clock": _flag,
            "ppt_rate": float,
            "ppt_rest": float,
            "unit": str,
            "line": str,
            "streams": _flag,
            "stream_lost_at": float,
        }
        options: dict[str, Any] = {}
        for key, values in parse_qs(parts.query, strict_parsing=bool(parts.query)).items():
            if key not in fields:
                raise ValueError(f"unknown simulator option {key!r} (known: {', '.join(fields)})")
            options["rate_hz" if key == "rate" else key] = fields[key](values[-1])
        return cls(**options)


def _flag(text: str) -> bool:
    return bool(int(text))


class Personality(Protocol):
    """How one protocol looks on the wire, seen from the device."""

    streams_at_power_on: bool

    def power_cycle(self) -> None:
        """Switched off and on: forget what the host set up."""

    def encode(
        self, seq: np.ndarray, t_us: np.ndarray, force_n: np.ndarray, pressed: np.ndarray
    ) -> bytes: ...

    def handle(self, data: bytes, device: SimulatedDevice) -> bytes:
        """React to host bytes; return the reply bytes."""
        ...


class Fgb1Personality:
    """Our firmware: identifies itself, streams SAMPLE frames between START and STOP."""

    streams_at_power_on = False
    COUNTS_PER_NEWTON = 1234.5
    ZERO_OFFSET = -52000
    FULL_SCALE_N = 200.0
    ADC_LIMIT = (1 << 23) - 1

    def __init__(self) -> None:
        self._incoming = b""
        self._reply_seq = 0
        self._commands: dict[int, Callable[[SimulatedDevice], bytes]] = {
            fgb1.GET_INFO: self._info,
            fgb1.START: self._start,
            fgb1.STOP: self._stop,
            fgb1.PING: self._ack,
        }

    def encode(
        self, seq: np.ndarray, t_us: np.ndarray, force_n: np.ndarray, pressed: np.ndarray
    ) -> bytes:
        counts = np.rint(self.ZERO_OFFSET + force_n * self.COUNTS_PER_NEWTON)
        saturated = np.abs(counts) > self.ADC_LIMIT
        counts = np.clip(counts, -self.ADC_LIMIT - 1, self.ADC_LIMIT)
        flags = (np.where(saturated, FLAG_SATURATED, 0) | np.where(pressed, FLAG_BUTTON, 0)).astype(
            np.uint8
        )
        return fgb1.encode_sample_frames(seq & 0xFFFF, t_us & 0xFFFFFFFF, counts, flags)

    def handle(self, data: bytes, device: SimulatedDevice) -> bytes:
        *frames, self._incoming = (self._incoming + data).split(b"\x00")
        replies = []
        for encoded in frames:
            if not encoded:  # a lone delimiter, as a host sends to start afresh
                continue
            try:
                frame = fgb1.decode_frame(encoded)
            except (fgb1.FrameError, CobsError):
                replies.append(self._reply(fgb1.NAK, b""))
                continue
            command = self._commands.get(frame.frame_type)
            replies.append(command(device) if command else self._reply(fgb1.NAK, b""))
        return b"".join(replies)

    def _reply(self, frame_type: int, payload: bytes) -> bytes:
        self._reply_seq += 1
        return fgb1.encode_frame(frame_type, self._reply_seq, payload)

    def power_cycle(self) -> None:
        """Our firmware keeps nothing the host set up."""

    def _ack(self, device: SimulatedDevice) -> bytes:
        return self._reply(fgb1.ACK, b"")

    def _start(self, device: SimulatedDevice) -> bytes:
        device.start()
        return self._ack(device)

    def _stop(self, device: SimulatedDevice) -> bytes:
        device.stop()
        return self._ack(device)

    def _info(self, device: SimulatedDevice) -> bytes:
        info = fgb1.InfoPayload(
            proto_major=fgb1.PROTOCOL_MAJOR,
            proto_minor=fgb1.PROTOCOL_MINOR,
            firmware="0.1.0",
            device_type=1,
            serial="SIM000000001",
            adc="HX711",
            nominal_rate_hz=round(device.rate_hz),
            full_scale_n=self.FULL_SCALE_N,
            counts_per_newton=self.COUNTS_PER_NEWTON,
            zero_offset=self.ZERO_OFFSET,
            unit_code=1,
        )
        return self._reply(fgb1.INFO, info.pack())


PERSONALITIES: dict[str, Callable[[SimulatorConfig], Personality]] = {
    "fgb1": lambda config: Fgb1Personality(),
    "ascii": lambda config: SketchPrintout(config.line),
    "mark10": lambda config: Mark10Gauge(config.unit),
    "imada": lambda config: ImadaGauge(config.unit),
    "imada-zt": lambda config: ImadaZtGauge(config.unit),
    "wagner": lambda config: WagnerGauge(config.unit),
    "wagner-fdix": lambda config: WagnerGauge(config.unit),
}


class SimulatedDevice:
    """Samples ``profile`` at ``rate_hz`` on its own clock and frames them in a protocol."""

    def __init__(self, config: SimulatorConfig, now: float) -> None:
        self.config = config
        self.rate_hz = config.rate_hz
        self.personality = PERSONALITIES[config.protocol](config)
        self.profile: ForceProfile = (
            make_ppt_profile(config.seed, config.ppt_rate, config.ppt_rest)
            if config.profile == "ppt"
            else make_profile(config.profile, config.seed)
        )
        self._rng = np.random.default_rng(config.seed + 1)
        self._powered_at = now
        self._now = now
        self._replies = b""
        self._sent = 0  # samples sent since power-on: the sequence counter
        self._stream_start: float | None = None  # clock value of sample ``_stream_first``
        self._stream_first = 0
        self._cycled = False
        if self.personality.streams_at_power_on or config.streams:
            self.start()

    @property
    def streaming(self) -> bool:
        return self._stream_start is not None

    def start(self, rate_hz: float | None = None) -> None:
        if rate_hz is not None and rate_hz != self.rate_hz:
            self.stop()  # a new rate: the stream starts again from now
            self.rate_hz = rate_hz
        if not self.streaming:
            self._stream_start, self._stream_first = self._now, self._sent

    def force_now(self) -> float:
        """What the load cell reads at this moment (a polled reading)."""
        t = np.array([self._now - self._powered_at])
        return float(self.profile.force_at(t)[0] + self._rng.normal(0.0, NOISE_N))

    def stop(self) -> None:
        self._stream_start = None

    def next_weight(self, now: float) -> float | None:
        """On the weights-on-demand profile, place the next mass now: its kg; else None."""
        if not isinstance(self.profile, WeightsOnDemandProfile):
            return None
        return self.profile.next_weight(max(now, self._now) - self._powered_at)

    def receive(self, data: bytes, now: float) -> None:
        self._now = now
        self._power_cycle_if_due()
        self._replies += self.personality.handle(data, self)

    def _power_cycle_if_due(self) -> None:
        lost_at = self.config.stream_lost_at
        if lost_at and not self._cycled and self._now - self._powered_at >= lost_at:
            self._cycled = True
            self.stop()
            self.personality.power_cycle()

    def seconds_to_next_sample(self, now: float) -> float:
        if self._stream_start is None:
            return float("inf")
        due_at = self._stream_start + (self._sent - self._stream_first) / self.rate_hz
        return max(0.0, due_at - now)

    def poll(self, now: float) -> bytes:
        """Replies owed to the host, then every sample due by ``now``."""
        self._now = now
        self._power_cycle_if_due()
        out, self._replies = self._replies, b""
        if self._stream_start is None:
            return out
        due = int((now - self._stream_start) * self.rate_hz) + 1 + self._stream_first
        if due <= self._sent:
            return out
        seq = np.arange(self._sent, due, dtype=np.int64)
        t = self._stream_start - self._powered_at + (seq - self._stream_first) / self.rate_hz
        force = self.profile.force_at(t) + self._rng.normal(0.0, NOISE_N, seq.size)
        button = getattr(self.profile, "button_at", None)  # devices with a stop button
        pressed = button(t) if button else np.zeros(seq.size, dtype=bool)
        made_at = t + (self._powered_at if self.config.host_clock else 0.0)
        t_us = self.config.clock_start_us + np.rint(made_at * 1e6).astype(np.int64)
        self._sent = due
        return out + self.personality.encode(seq, t_us, force, pressed)
