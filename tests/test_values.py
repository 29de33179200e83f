"""Values no device sends are refused and counted, never delivered: infinities and
overflows, ``1_000`` (which only Python's ``float()`` reads), numbers past the plausible
bound. And noise (random bytes, a real sketch's stream at a wrong baud rate) is never taken
by ``auto`` for a sketch printing readings, while real sketches still are."""

from __future__ import annotations

import os
import threading
import time
import tty

import numpy as np
import pytest
from conftest import needs_pty
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz import decode as decode_pieces

from firmware_bridge.protocols import make_decoder
from firmware_bridge.protocols.text import MAX_COUNTS_READING, MAX_FORCE_READING
from firmware_bridge.reader import UNREADABLE, ReaderThread
from firmware_bridge.sim import SimulatorConfig
from firmware_bridge.sim.device import SimulatedDevice


def decode(spec: str, data: bytes, preamble: bytes = b"boot\r\n"):
    decoder = make_decoder(spec)
    decoder.opening_commands()
    blocks = [decoder.feed(preamble + data, 1.0)]
    while decoder.has_backlog:
        blocks.append(decoder.feed(b"", 1.0))
    return np.concatenate(blocks), decoder


@pytest.mark.parametrize(
    ("spec", "good", "bad"),
    [
        ("ascii", b"1.5", b"1e308"),  # finite, but infinite in newtons (x 4.45 for lbf)
        ("ascii:unit=lbf", b"1.5", b"1e308"),
        ("ascii", b"1.5", b"-1e400"),
        ("ascii", b"1.5", b"inf"),
        ("ascii", b"1.5", b"nan"),
        ("ascii", b"1.5", b"12000000"),  # 12 MN: past the bound
        ("ascii:unit=counts", b"1.5", b"5000000000"),  # past a 32-bit converter
        ("ascii", b"Reading: 1.5 g", b"Reading: 1e30 g"),
        ("ascii:column=1", b"3,1.5,5", b"3,1e300,5"),
        ("ascii:label=Fz", b"Fx=0.1 Fz=1.5 N", b"Fx=0.1 Fz=1e300 N"),
        ("mark10:mode=stream", b"1.5 lbF", b"9" * 400 + b" lbF"),  # a run of digits: inf
        ("wagner", b"1.5 kgf", b"-" + b"9" * 12 + b" kgf"),
        ("imada", b"+1.5NTO", b"+" + b"9" * 9 + b"NTO"),
    ],
)
def test_impossible_values_are_refused_and_counted(spec: str, good: bytes, bad: bytes) -> None:
    samples, decoder = decode(spec, b"\r\n".join([good, bad, good, b""]))
    assert samples["raw"].tolist() == [1.5, 1.5]
    assert decoder.stats.implausible == 1
    if spec.startswith("ascii"):  # (a gauge may count the preamble too)
        assert decoder.stats.corrupt == 1


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        ("ascii", b"1_000"),
        ("ascii", b"1_000 N"),
        ("ascii", b"Load: 1_000"),
        ("ascii:column=0", b"1_000,5"),  # not 5: the first number is unreadable
        ("ascii:label=Fz", b"Fz=1_000 N"),
        ("ascii:label=Fz", b"Fz=12x"),
    ],
)
def test_underscores_and_glued_text_are_not_numbers(spec: str, line: bytes) -> None:
    samples, decoder = decode(spec, line + b"\r\n")
    assert samples.size == 0
    assert decoder.stats.corrupt == 1


@pytest.mark.parametrize(
    ("spec", "line", "value"),
    [
        ("ascii:unit=counts", b"-8388608", -8388608.0),  # a 24-bit ADC's extremes
        ("ascii:unit=counts", b"2147483647", 2147483647.0),  # a 32-bit one's
        ("ascii", b"99999.9", 99999.9),  # a 6-digit display
        ("ascii:unit=mN", b"9999999", 9999999.0),  # 10 kN in mN, just under the bound
        ("mark10:mode=stream", b"2500 lbF", 2500.0),
    ],
)
def test_the_largest_real_values_still_pass(spec: str, line: bytes, value: float) -> None:
    samples, decoder = decode(spec, line + b"\r\n")
    assert samples["raw"].tolist() == [value]
    assert decoder.stats.implausible == 0


#: Lines that tempt a parser: numbers it must refuse, numbers it must read, and noise.
TEMPTING = st.sampled_from(
    [
        b"1e308\r\n",
        b"-1e309\r\n",
        b"1_000\r\n",
        b"inf\r\n",
        b"NaN\r\n",
        b"9" * 330 + b"\r\n",
        b"12.5\r\n",
        b"12.5 lbF\r\n",
        b"+0012.5NTO\r",
        b"Fz=3e12 N\r\n",
        b"1,2,3e99\r\n",
        b"\r",
        b"\n",
    ]
)
TEXT_SPECS = [
    "ascii",
    "ascii:unit=counts",
    "ascii:column=1",
    "ascii:label=Fz",
    "mark10:mode=stream",
    "imada",
    "imada-zt",
    "wagner",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=st.sampled_from(TEXT_SPECS),
    pieces=st.lists(st.one_of(st.binary(max_size=40), TEMPTING), max_size=30),
)
def test_whatever_bytes_come_every_value_delivered_is_plausible(spec: str, pieces) -> None:
    if not pieces:
        return
    samples, _ = decode_pieces(spec, pieces)
    if samples.size == 0:
        return
    raw = samples["raw"]
    assert np.isfinite(raw).all()
    bound = MAX_COUNTS_READING if spec.endswith("counts") else MAX_FORCE_READING
    assert np.abs(raw).max() <= bound
    assert np.all(np.diff(samples["seq"]) >= 1)
    assert np.all(np.diff(samples["t_device"]) >= 0)


# --- auto: noise is no sketch -----------------------------------------------------------


def detect(stream: bytes, seconds: float = 10.0, bytes_per_s: float = 4000.0) -> str:
    """What ``auto`` decides on a device that sends ``stream`` (over and over) and ignores
    every question, on a virtual clock read every 10 ms; "" when it decides nothing."""
    decoder = make_decoder("auto")
    sent = 0
    for step in range(int(seconds / 0.01)):
        now = step * 0.01
        decoder.outgoing(now)
        due = int(now * bytes_per_s)
        decoder.feed(bytes(np.resize(np.frombuffer(stream, np.uint8), due)[sent:]), now)
        sent = due
        if decoder.detected is not None:
            return decoder.detected.name
    return ""


def at_wrong_baud(data: bytes, sent_baud: int, read_baud: int) -> bytes:
    """``data`` as a UART reading at ``read_baud`` receives it when sent at ``sent_baud``
    (8N1, LSB first; a byte whose stop bit reads 0 is a framing error, read as 0x00)."""
    bits = np.unpackbits(np.frombuffer(data, np.uint8)[:, None], axis=1, bitorder="little")
    frames = np.hstack([np.zeros((len(data), 1)), bits, np.ones((len(data), 1))]).ravel()
    frames = np.concatenate([np.ones(4), frames, np.ones(20)])  # the line idles high

    def level(t: np.ndarray) -> np.ndarray:
        return frames[np.minimum((t * sent_baud).astype(np.int64), frames.size - 1)]

    grid = np.arange(0, frames.size / sent_baud, 1 / (16 * read_baud))  # 16x oversampling
    line = level(grid)
    falling = np.flatnonzero((line[1:] == 0) & (line[:-1] == 1)) + 1
    out, busy_until = bytearray(), -1.0
    offsets = np.arange(1.5, 10.5) / read_baud  # the middles of 8 data bits and the stop bit
    for t in grid[falling]:
        if t < busy_until:
            continue
        sampled = level(t + offsets).astype(np.uint8)
        value = int(np.packbits(sampled[:8], bitorder="little")[0])
        out.append(value if sampled[8] else 0)
        busy_until = t + 9.5 / read_baud
    return bytes(out)


SKETCHES = [
    "{N:.3f}",
    "Reading: {gf:.1f} g",
    "{ms},{counts},{N:.3f}",
    "Load_cell output val: {N:.2f}",
    "Fx=0.1 Fz={N:.2f} N",
]


def sketch_stream(line: str, seconds: float = 10.0, rate_hz: float = 100.0) -> bytes:
    config = SimulatorConfig(protocol="ascii", rate_hz=rate_hz, line=line, profile="therapy")
    return SimulatedDevice(config, 0.0).poll(seconds)


@pytest.mark.parametrize("line", SKETCHES)
@pytest.mark.parametrize("rate_hz", [10.0, 100.0])
def test_real_sketches_are_still_detected(line: str, rate_hz: float) -> None:
    stream = sketch_stream(line, rate_hz=rate_hz)
    assert detect(stream, seconds=1.0, bytes_per_s=len(stream) / 10.0) == "ascii"


def random_bytes(seed: int, printable: bool) -> bytes:
    rng = np.random.default_rng(seed)
    if printable:  # 0x20-0x7f and line ends, as a floating input or a wrong setting gives
        alphabet = np.array([*range(0x20, 0x80), 0x0D, 0x0A], dtype=np.uint8)
        return rng.choice(alphabet, 40_000).tobytes()
    return rng.integers(0, 256, 40_000, dtype=np.uint8).tobytes()


@pytest.mark.parametrize("printable", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_random_bytes_are_never_taken_for_a_device(seed: int, printable: bool) -> None:
    assert detect(random_bytes(seed, printable)) == ""


@pytest.mark.parametrize("line", SKETCHES[:3])
@pytest.mark.parametrize(
    ("sent", "read"),
    [(115200, 9600), (9600, 115200), (9600, 19200), (19200, 9600), (38400, 57600)],
)
def test_a_sketch_at_a_wrong_baud_rate_is_not_taken_for_one(line: str, sent: int, read: int):
    stream = at_wrong_baud(sketch_stream(line, seconds=2.0)[:3000], sent, read)
    assert detect(stream) == ""
    assert at_wrong_baud(b"12.5\r\n", 9600, 9600) == b"12.5\r\n"  # the UART model itself


# --- through a real pty ------------------------------------------------------------------


@needs_pty
def test_auto_on_a_port_full_of_noise_decides_nothing_and_says_so(monkeypatch) -> None:
    """A writer thread pours os.urandom into a pty at about 11 kB/s (a wrong-baud link)."""
    monkeypatch.setattr("firmware_bridge.reader.SILENCE_AFTER_S", 0.5)
    controller, port = os.openpty()
    tty.setraw(port)
    stop = threading.Event()

    def pour() -> None:
        while not stop.wait(0.01):
            os.write(controller, os.urandom(110))

    writer = threading.Thread(target=pour, name="noise", daemon=True)
    writer.start()
    reader = ReaderThread(os.ttyname(port), make_decoder("auto"), lambda block: None)
    reader.start()
    try:
        time.sleep(1.5)  # the listening and the first questions
        status = reader.status()
    finally:
        reader.stop()
        reader.join(5)
        stop.set()
        writer.join(5)
        os.close(controller)
        os.close(port)
    assert reader.decoder.detected is None
    assert status.samples == 0
    assert status.silence == UNREADABLE


@needs_pty
def test_the_status_counts_refused_values() -> None:
    controller, port = os.openpty()
    tty.setraw(port)
    blocks: list[np.ndarray] = []
    reader = ReaderThread(os.ttyname(port), make_decoder("ascii:unit=lbf"), blocks.append)
    reader.start()
    try:
        time.sleep(0.2)
        os.write(controller, b"boot\r\n" + b"1.5\r\n1e308\r\n2.5\r\n1_000\r\n" * 5)
        deadline = time.monotonic() + 5
        while reader.status().samples < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        reader.stop()
        reader.join(5)
        os.close(controller)
        os.close(port)
    status = reader.status()
    assert status.samples == 10 and status.implausible == 5 and status.corrupt == 10
    assert sorted(set(np.concatenate(blocks)["raw"].tolist())) == [1.5, 2.5]
