"""Commercial gauges' text dialects: vectors from their manuals, conversations, units."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calibration import unit_named
from firmware_bridge.protocols import make_decoder
from firmware_bridge.protocols.gauges import POLL_TIMEOUT_S, QUESTION_TIMEOUT_S
from firmware_bridge.samples import FLAG_SATURATED
from firmware_bridge.sim import SimulatorConfig, decoded_blocks
from monitor.acquisition import calibration_for

TEXT_PROTOCOLS = ["mark10", "imada", "imada-zt", "wagner", "wagner-fdix", "ascii"]


def polled(protocol: str, reply: bytes, **options: str):
    """Ask once (after the identification questions time out) and decode ``reply``."""
    decoder = make_decoder(
        protocol + ("" if not options else ":" + ",".join(f"{k}={v}" for k, v in options.items()))
    )
    decoder.opening_commands()
    decoder._questions.clear()  # as if the gauge had answered them
    request = decoder.outgoing(0.1)
    block = decoder.feed(reply, 0.2)
    return request, block, decoder


@pytest.mark.parametrize(
    ("reply", "value", "unit"),
    [
        (b"-18.78 lbF\r\n", -18.78, "lbf"),  # tension is negative
        (b"4.285 N\r\n", 4.285, "N"),
        (b"12.34\r\n", 12.34, "N"),  # "numeric only": the unit option says what it is
        (b"250 gF\r\n", 250.0, "gf"),
        (b"1.5 kgF\r\n", 1.5, "kgf"),
        (b"700 mN\r\n", 700.0, "mN"),
    ],
)
def test_mark10_replies(reply: bytes, value: float, unit: str) -> None:
    request, block, decoder = polled("mark10", reply)
    assert request == b"?\r"
    assert block["raw"].tolist() == [value]
    assert decoder.device_info.raw_unit == unit
    assert block["t_device"][0] == pytest.approx(0.15)  # halfway between poll and reply


def test_mark10_numeric_only_in_the_unit_the_user_names() -> None:
    _, block, decoder = polled("mark10", b"12.34\r\n", unit="lbf")
    assert block["raw"].tolist() == [12.34] and decoder.device_info.raw_unit == "lbf"


def test_mark10_identifies_itself_and_a_refusal_leaves_a_blank() -> None:
    decoder = make_decoder("mark10")
    assert decoder.opening_commands() == [b"RM\r", b"RS\r", b"RV\r"]
    assert decoder.outgoing(0.0) == b""  # no poll while questions are open
    decoder.feed(b"M5-100\r\n3456789\r\n*10\r\n", 0.05)  # a Series 4 refuses RV
    info = decoder.device_info
    assert (info.model, info.identity, info.firmware) == ("M5-100", "3456789", "")
    assert decoder.outgoing(0.06) == b"?\r"


def test_a_gauge_that_ignores_questions_is_polled_after_a_while() -> None:
    decoder = make_decoder("mark10")
    decoder.opening_commands()
    assert decoder.outgoing(0.0) == b""
    assert decoder.outgoing(QUESTION_TIMEOUT_S + 0.01) == b"?\r"


def test_an_unanswered_poll_is_sent_again_and_counted() -> None:
    request, _, decoder = polled("wagner", b"")
    assert request == b"?\r\n"
    assert decoder.outgoing(0.1 + POLL_TIMEOUT_S / 2) == b""
    assert decoder.outgoing(0.1 + POLL_TIMEOUT_S + 0.01) == b"?\r\n"
    assert decoder.stats.unanswered_polls == 1


def test_polling_can_be_capped() -> None:
    decoder = make_decoder("wagner:max_rate_hz=10")
    decoder.opening_commands()
    assert decoder.outgoing(0.0) == b"?\r\n"
    decoder.feed(b"1.00 N\r\n", 0.001)
    assert decoder.outgoing(0.05) == b""
    assert decoder.outgoing(0.1) == b"?\r\n"


@pytest.mark.parametrize(
    ("reply", "value", "unit", "flags"),
    [
        (b"+123.4NTO\r", 123.4, "N", 0),
        (b"-012.3KPH\r", -12.3, "kgf", 0),
        (b"+045.0OTL\r", 45.0, "lbf", 0),
        (b"+999.9NTE\r", 999.9, "N", FLAG_SATURATED),  # judgement E: overload
    ],
)
def test_imada_replies(reply: bytes, value: float, unit: str, flags: int) -> None:
    request, block, decoder = polled("imada", reply)
    assert request == b"D\r"
    assert block["raw"].tolist() == [value] and block["flags"].tolist() == [flags]
    assert decoder.device_info.raw_unit == unit


@pytest.mark.parametrize(
    ("reply", "value", "unit"),
    [
        (b"-23.02 lbf\r\n", -23.02, "lbf"),
        (b"18.14 kgf\r\n", 18.14, "kgf"),
        (b"- 23.02 lbf\r\n", -23.02, "lbf"),
        (b" 5.10 N\r\n", 5.1, "N"),
    ],
)
def test_wagner_replies(reply: bytes, value: float, unit: str) -> None:
    _, block, decoder = polled("wagner", reply)
    assert block["raw"].tolist() == [value] and decoder.device_info.raw_unit == unit


def test_imada_zt_learns_its_units_from_xfc() -> None:
    decoder = make_decoder("imada-zt")
    assert decoder.opening_commands() == [b"XFC\r", b"XAG\r"]
    decoder.feed(b"XFC021108\r", 0.0)  # N, lbf, kgf
    block = decoder.feed(b"+012.34T00000001\r+012.35T00000001\r", 0.01)
    assert block["raw"].tolist() == [12.34, 12.35]
    assert decoder.device_info.raw_unit == "lbf"
    assert decoder.closing_commands() == [b"XAS\r"]


def test_a_unit_change_splits_the_chunk_and_is_announced() -> None:
    _, first, decoder = polled("mark10", b"1.00 lbF\r\n2.00 lbF\r\n8.90 N\r\n")
    assert first["raw"].tolist() == [1.0, 2.0] and decoder.device_info.raw_unit == "lbf"
    assert decoder.has_backlog
    second = decoder.feed(b"", 0.2)
    assert second["raw"].tolist() == [8.9] and decoder.device_info.raw_unit == "N"
    assert second["seq"].tolist() == [2]
    assert decoder.take_notices() == ["the gauge's unit changed from lbf to N"]


def test_torque_readings_are_not_taken_for_force() -> None:
    _, block, decoder = polled("mark10", b"4.285 Nm\r\n")
    assert block.size == 0 and decoder.stats.corrupt == 1
    assert "not a force" in decoder.take_notices()[0]


@pytest.mark.parametrize("protocol", TEXT_PROTOCOLS)
@pytest.mark.parametrize("unit", ["N", "lbf", "kgf"])
def test_every_family_end_to_end_in_newtons(protocol: str, unit: str) -> None:
    """The simulated gauge in its own unit, its replies decoded, converted to newtons: the
    20 N dead weight of the steady profile reads 20 N whatever the gauge's unit."""
    line = {"N": "{N:.3f} N", "lbf": "{lbf:.4f} lbf", "kgf": "Reading: {kgf:.4f} kg"}[unit]
    config = SimulatorConfig(protocol=protocol, unit=unit, line=line, profile="steady", rate_hz=200)
    info, blocks, _ = decoded_blocks(config, 2.0, 0.01)
    samples = np.concatenate(blocks)
    assert info is not None and info.raw_unit == unit
    force = calibration_for(info).apply(samples["raw"])
    resolution = {"imada": 0.1 * unit_named(unit).si_per_unit}.get(protocol, 0.05)
    assert np.mean(force) == pytest.approx(20.0, abs=resolution)
    assert samples.size >= 150  # polled at the read rate, or streamed
    assert np.all(np.diff(samples["seq"]) == 1)
    assert np.all(np.diff(samples["t_device"]) > 0)


def test_fdix_stream_lost_at_power_cycle_falls_back_to_polling() -> None:
    config = SimulatorConfig(protocol="wagner-fdix", profile="steady", stream_lost_at=1.0)
    _, blocks, _ = decoded_blocks(config, 3.0, 0.01)
    samples = np.concatenate(blocks)
    t = samples["t_device"]
    assert np.sum(t < 1.0) >= 90  # streamed at 100/s until switched off and on
    assert np.sum(t > 2.0) >= 90  # and polled, once per read, after it
    assert np.max(np.diff(t)) < 0.7  # the silence was noticed within the stated half second


def test_fdix_announces_the_fallback() -> None:
    decoder = make_decoder("wagner-fdix")
    decoder.opening_commands()
    decoder.outgoing(0.0)
    decoder.feed(b"1.00 N\r\n" * 3, 0.1)
    assert decoder.outgoing(0.4) == b""
    assert decoder.outgoing(0.7) == b"?\r"
    assert decoder.mode == "poll"
    assert "polling it instead" in decoder.take_notices()[0]


readings = st.lists(
    st.floats(-500, 500, allow_nan=False).map(lambda v: round(v, 2)), min_size=1, max_size=40
)


@settings(max_examples=150, deadline=None)
@given(readings, st.data())
def test_stream_chunking_never_changes_the_readings(values: list[float], data) -> None:
    stream = b"".join(_zt(v) for v in values)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    decoder = _zt_decoder()
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    got = np.concatenate([decoder.feed(chunk, i * 0.01) for i, chunk in enumerate(chunks)])
    assert got["raw"].tolist() == pytest.approx(values)
    assert decoder.stats.corrupt == 0


def _zt(value: float) -> bytes:
    return f"{'-' if value < 0 else '+'}{abs(value):06.2f}T00000000\r".encode()


def _zt_decoder():
    decoder = make_decoder("imada-zt")
    decoder.opening_commands()
    decoder.feed(b"XFC021108\r", 0.0)
    return decoder
