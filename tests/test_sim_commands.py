"""The simulated devices' stream commands, on the device's virtual clock: each starts or stops
the stream (at the rate it names) and answers what the real device answers."""

from __future__ import annotations

import numpy as np
import pytest

from calibration.units import unit_named
from firmware_bridge.protocols import fgb1
from firmware_bridge.sim import SimulatorConfig
from firmware_bridge.sim.device import SimulatedDevice


def device(protocol: str, unit: str = "N") -> SimulatedDevice:
    return SimulatedDevice(SimulatorConfig(protocol=protocol, unit=unit, rate_hz=1000.0), 0.0)


def readings_in(sim: SimulatedDevice, since: float, seconds: float) -> int:
    """Lines the device sends over ``seconds`` after ``since`` (one reading a line)."""
    sim.poll(since)
    return sim.poll(since + seconds).count(b"\r")


@pytest.mark.parametrize(
    ("protocol", "start", "stop", "rate_hz"),
    [
        ("mark10", b"AOUT1\r", b"AOUT0\r", 1000.0),  # the device's own rate
        ("imada-zt", b"XAG\r", b"XAS\r", 2000.0),
        ("imada-zt", b"XAg\r", b"XAS\r", 10.0),
        ("wagner-fdix", b"CB\r", b"CE\r", 10.0),  # FDIX's default rate
    ],
)
def test_a_stream_command_starts_and_stops_the_stream_silently(
    protocol: str, start: bytes, stop: bytes, rate_hz: float
) -> None:
    sim = device(protocol)
    assert not sim.streaming
    sim.receive(start, 1.0)
    assert sim.streaming and sim.rate_hz == rate_hz
    assert sim.poll(1.0).count(b"\r") == 1  # no reply, just the first reading
    assert readings_in(sim, 1.0, 1.0) == pytest.approx(rate_hz, abs=1)
    sim.receive(stop, 2.0)
    assert not sim.streaming
    assert readings_in(sim, 2.0, 1.0) == 0


@pytest.mark.parametrize(
    ("command", "rate_hz"), [(b"C.5\r", 0.5), (b"C20\r", 20), (b"C100\r", 100)]
)
def test_wagner_streams_at_the_rate_set_before_it_begins(command: bytes, rate_hz: float) -> None:
    sim = device("wagner-fdix")
    sim.receive(command, 0.0)
    assert sim.poll(0.0) == b"" and not sim.streaming  # setting the rate streams nothing
    sim.receive(b"CB\r", 1.0)
    assert sim.rate_hz == rate_hz
    assert readings_in(sim, 1.0, 10.0) == pytest.approx(10 * rate_hz, abs=1)


def test_wagner_forgets_its_rate_when_switched_off_and_on() -> None:
    sim = SimulatedDevice(SimulatorConfig(protocol="wagner-fdix", stream_lost_at=5.0), 0.0)
    sim.receive(b"C50\r", 0.0)
    sim.receive(b"CB\r", 0.0)
    assert sim.rate_hz == 50
    sim.poll(6.0)  # switched off and on at 5 s
    assert not sim.streaming
    sim.receive(b"CB\r", 6.0)
    assert sim.rate_hz == 10


def test_our_firmware_acknowledges_start_stop_and_ping() -> None:
    sim = device("fgb1")
    replies = []
    for seq, command in enumerate((fgb1.START, fgb1.PING, fgb1.STOP), 1):
        sim.receive(fgb1.encode_frame(command, seq, b""), float(seq))
        replies.append(sim.poll(float(seq)))
        assert sim.streaming is (command != fgb1.STOP)
    frames = [fgb1.decode_frame(reply.split(b"\x00")[0]) for reply in replies]
    assert [frame.frame_type for frame in frames] == [fgb1.ACK] * 3


def test_a_gauge_reading_is_in_its_unit() -> None:
    """A polled reading goes through the gauge's own unit table (1 kgf = 9.80665 N)."""
    sim = device("mark10", unit="kgf")
    t = np.arange(0.0, 60.0, 0.1)
    loaded = float(t[np.argmax(sim.profile.force_at(t))])  # under a load, not at rest
    sim.receive(b"?\r", loaded)
    value, unit = sim.poll(loaded).decode().split()
    newtons = float(sim.profile.force_at(np.array([loaded]))[0])
    assert unit == "kgF" and newtons > 20
    kgf = newtons / unit_named("kgf").si_per_unit
    assert float(value) == pytest.approx(kgf, abs=0.02)  # the noise is 0.03 N
