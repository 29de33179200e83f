"""Every decoder fuzzed: a stream of real readings with garbage lines or frames inserted,
readings damaged, frames lost, clocks wrapping, cut into random chunks.

Each property runs briefly in the suite and 10^5 times under ``pytest -m slow``: no
exception escapes, every intact reading after damage is decoded (resynchronisation within
one line or frame), every damaged one is counted, lost frames show as sequence gaps, and the
device's microsecond clock unwraps across its 71.6-minute wrap.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware_bridge.protocols import fgb1, make_decoder
from firmware_bridge.sim.gauges import ImadaGauge, ImadaZtGauge, Mark10Gauge, WagnerGauge

FAST, SLOW = 150, 100_000

#: Per protocol: what it sends before readings, and one reading as its gauge prints it.
TEXT = {
    "mark10": (b"M5-100\r\n3456789\r\nV1.04\r\n", Mark10Gauge("lbf").reading),
    "imada": (b"", ImadaGauge("N").reading),
    "imada-zt": (b"XFC021108\r", ImadaZtGauge("N").reading),
    "wagner": (b"", WagnerGauge("kgf").reading),
    "ascii": (b"boot\r\n", lambda force: f"{force:.3f}\r\n".encode()),
}
#: Garbage that is no reading, acknowledgement, comment or blank line in any dialect: no
#: digits, no line ends, no "#" (a sketch's comment), and a "~" that no dialect accepts.
NOISE = st.binary(max_size=30).map(
    lambda b: bytes(c for c in b if not (48 <= c <= 57 or c in (10, 13, 35))) + b"~"
)


def chunked(stream: bytes, cuts: list[int]) -> list[bytes]:
    cuts = sorted(cut % (len(stream) + 1) for cut in cuts)
    return [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]


def decode(protocol: str, pieces: list[bytes]):
    decoder = make_decoder(protocol)
    decoder.opening_commands()
    blocks = []
    for i, piece in enumerate(pieces):
        blocks.append(decoder.feed(piece, i * 0.01))
        while decoder.has_backlog:
            blocks.append(decoder.feed(b"", i * 0.01))
    return np.concatenate(blocks), decoder


def text_property(protocol: str, forces: list[float], damage: list, noise, cuts) -> None:
    preamble, reading = TEXT[protocol]
    lines = [reading(force) for force in forces]
    expected = [decode(protocol, [preamble + line])[0]["raw"][0] for line in lines]
    stream, kept, corrupted = bytearray(preamble), [], 0
    for i, line in enumerate(lines):
        kind = damage[i % len(damage)]
        if kind == "noise":  # a garbage line before this reading
            stream += noise + line[-1:]  # ended like a line of this dialect
            corrupted += 1
        if kind == "damaged":  # the reading hit by line noise: lost, counted
            body = bytearray(line)
            body[i % (len(line) - 1)] = 0x07
            stream += body
            corrupted += 1
            continue
        stream += line
        kept.append(expected[i])
    samples, decoder = decode(protocol, chunked(bytes(stream), cuts))
    assert samples["raw"].tolist() == kept
    assert decoder.stats.corrupt == corrupted
    assert np.all(np.diff(samples["seq"]) == 1)
    assert np.all(np.diff(samples["t_device"]) >= 0)


forces = st.lists(st.floats(-400, 400, allow_nan=False), min_size=1, max_size=40)
damages = st.lists(st.sampled_from(["ok", "ok", "ok", "noise", "damaged"]), min_size=1)
cut_lists = st.lists(st.integers(0, 10_000), max_size=12)


def fgb1_property(n: int, start_t_us: int, events: list, noise: bytes, cuts: list) -> None:
    """Frames of a device whose clock wraps (start near 2^32 us); some lost, some damaged,
    garbage between some. Lost frames are sequence gaps; damaged ones are counted."""
    seq = np.arange(n)
    t_us = (start_t_us + seq * 1000) % (1 << 32)
    raw = (np.sin(seq) * 100_000).astype(np.int64)
    wire = fgb1.encode_sample_frames(seq & 0xFFFF, t_us, raw, np.zeros(n))
    frames = [wire[i * fgb1.SAMPLE_WIRE_SIZE : (i + 1) * fgb1.SAMPLE_WIRE_SIZE] for i in seq]
    stream, received, corrupted = bytearray(), [], 0
    for i, frame in enumerate(frames):
        kind = events[i % len(events)]
        if kind == "lost":
            continue
        if kind == "damaged":
            body = bytearray(frame)
            at = 1 + i % (len(frame) - 2)  # never the delimiter, nor a new one:
            body[at] ^= 0x5A if body[at] != 0x5A else 0xA5  # a damaged byte that reads 0x00
            # splits the frame in two, each counted: that is tested in test_fgb1.py
            stream += body
            corrupted += 1
            continue
        if kind == "noise":
            stream += noise.replace(b"\x00", b"\x01") + b"\x00"
            corrupted += 1
        stream += frame
        received.append(i)
    samples, decoder = decode("fgb1", chunked(b"\x00" + bytes(stream), cuts))
    assert samples["seq"].tolist() == received
    assert decoder.stats.corrupt == corrupted
    t = samples["t_device"]
    assert np.allclose(np.diff(t), np.diff(np.array(received)) * 1e-3)  # across the wrap


events = st.lists(st.sampled_from(["ok", "ok", "ok", "lost", "damaged", "noise"]), min_size=1)
fgb1_args = {
    "n": st.integers(1, 60),
    "start_t_us": st.integers((1 << 32) - 60_000, (1 << 32) - 1),
    "events": events,
    "noise": st.binary(min_size=1, max_size=40),
    "cuts": cut_lists,
}


def garbage_property(protocol: str, garbage: bytes, cuts: list) -> None:
    """Any bytes at all: nothing escapes, and the first clean reading after them is read."""
    preamble, reading = TEXT.get(protocol.removesuffix("-fdix"), (b"", None))
    decoder = make_decoder(protocol)
    decoder.opening_commands()
    if protocol == "fgb1":
        clean = b"\x00" + fgb1.encode_sample_frames([7], [7000], [-1234], [0])
        expected = -1234.0
    elif reading is not None:
        clean = (b"\r" if protocol.startswith("imada") else b"\r\n") + reading(12.5)
        expected = decode(protocol, [preamble + reading(12.5)])[0]["raw"][-1]
    else:  # auto: only that nothing escapes
        clean, expected = b"", None
    decoder.feed(preamble, 0.0)
    values = []
    for piece in chunked(garbage + clean, cuts):
        values += decoder.feed(piece, 0.0)["raw"].tolist()
        while decoder.has_backlog:
            values += decoder.feed(b"", 0.0)["raw"].tolist()
    assert decoder.stats.bytes_in == len(preamble) + len(garbage) + len(clean)
    if expected is not None:
        assert values and values[-1] == expected


def _both(name: str, test, **strategies) -> None:
    """Register ``test`` as a fast test and a slow 10^5-example one."""
    checks = [HealthCheck.too_slow, HealthCheck.data_too_large]
    for suffix, examples, marks in (("", FAST, ()), ("_slow", SLOW, (pytest.mark.slow,))):
        run = settings(max_examples=examples, deadline=None, suppress_health_check=checks)(
            given(**strategies)(test)
        )
        run.__name__ = f"test_{name}{suffix}"
        run.pytestmark = list(marks)
        globals()[run.__name__] = run


for _protocol in TEXT:
    _both(
        f"text_{_protocol.replace('-', '_')}",
        text_property,
        protocol=st.just(_protocol),
        forces=forces,
        damage=damages,
        noise=NOISE,
        cuts=cut_lists,
    )
_both("fgb1", fgb1_property, **fgb1_args)
for _protocol in ["fgb1", "auto", *TEXT, "wagner-fdix"]:
    _both(
        f"garbage_{_protocol.replace('-', '_')}",
        garbage_property,
        protocol=st.just(_protocol),
        garbage=st.binary(max_size=600),
        cuts=cut_lists,
    )
