"""FGB1 framing: the shared reference vectors, the block codec against the scalar one, and
the decoder under arbitrary chunking and corruption."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.protocols import fgb1
from firmware_bridge.protocols.cobs import CobsError, cobs_decode, cobs_encode
from firmware_bridge.protocols.fgb1_decoder import Fgb1Decoder

# From ../shared/reference/device-protocols.md §6.5 (recomputed by protocol_vectors.py).
SAMPLE_1_WIRE = bytes.fromhex("04 01 01 01 04 40 42 0f 05 c7 cf ff ff 03 af e5 00")
SAMPLE_2_WIRE = bytes.fromhex("04 01 01 02 04 75 4e 0f 05 1f d1 ff ff 03 1e 83 00")
GET_INFO_WIRE = bytes.fromhex("03 01 80 01 03 2e c9 00")
INFO_WIRE = bytes.fromhex(
    "03 01 90 01 02 01 01 12 03 01 01 46 41 30 30 30 31 32 33 34 35 36 37 01 50 01"
    "01 03 48 43 0b 50 9a 44 e0 34 ff ff 01 ac 3a 00"
)


def test_crc_check_value() -> None:
    assert fgb1.crc16(b"123456789") == 0x29B1
    rows = np.frombuffer(b"123456789", dtype=np.uint8).reshape(1, 9)
    assert fgb1.crc16_rows(rows)[0] == 0x29B1


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("00", "01 01"),
        ("00 00", "01 01 01"),
        ("11 22 00 33", "03 11 22 02 33"),
        ("11 22 33 44", "05 11 22 33 44"),
        ("11 00 00 00", "02 11 01 01 01"),
    ],
)
def test_cobs_vectors(raw: str, encoded: str) -> None:
    assert cobs_encode(bytes.fromhex(raw)) == bytes.fromhex(encoded)
    assert cobs_decode(bytes.fromhex(encoded)) == bytes.fromhex(raw)


def test_cobs_long_run_without_zeros() -> None:
    data = bytes(range(1, 255))
    assert cobs_encode(data)[0] == 0xFF
    assert cobs_decode(cobs_encode(data)) == data


def test_cobs_rejects_group_running_past_the_end() -> None:
    with pytest.raises(CobsError):
        cobs_decode(bytes.fromhex("05 11 22"))


def test_reference_frames_encode_exactly() -> None:
    payload = fgb1.SAMPLE_PAYLOAD.pack(1_000_000, -12345, 0)
    assert fgb1.encode_frame(fgb1.SAMPLE, 1, payload) == SAMPLE_1_WIRE
    assert fgb1.encode_frame(fgb1.GET_INFO, 0) == GET_INFO_WIRE
    block = fgb1.encode_sample_frames(
        np.array([1, 2]),
        np.array([1_000_000, 1_003_125]),
        np.array([-12345, -12001]),
        np.array([0, 0]),
    )
    assert block == SAMPLE_1_WIRE + SAMPLE_2_WIRE


def test_reference_stream_decodes() -> None:
    decoder = Fgb1Decoder()
    samples = decoder.feed(INFO_WIRE + SAMPLE_1_WIRE + SAMPLE_2_WIRE, arrival=0.0)
    assert samples["seq"].tolist() == [1, 2]
    assert samples["t_device"].tolist() == pytest.approx([1.0, 1.003125])
    assert samples["raw"].tolist() == [-12345, -12001]
    info = decoder.device_info
    assert info is not None
    assert (info.identity, info.firmware, info.nominal_rate_hz) == ("FA0001234567", "0.3.1", 80)
    assert (info.counts_per_newton, info.zero_offset, info.full_scale_n) == (1234.5, -52000, 200)
    assert decoder.stats.corrupt == 0


frame_fields = st.lists(
    st.tuples(
        st.integers(0, 0xFFFF),
        st.integers(0, 0xFFFFFFFF),
        st.integers(-(2**31), 2**31 - 1),
        st.integers(0, 0xFF),
    ),
    min_size=1,
    max_size=40,
)


@given(frame_fields)
def test_block_encoder_equals_scalar_encoder(fields: list[tuple[int, int, int, int]]) -> None:
    seq, t_us, raw, flags = (np.array(column) for column in zip(*fields, strict=True))
    expected = b"".join(
        fgb1.encode_frame(fgb1.SAMPLE, s, fgb1.SAMPLE_PAYLOAD.pack(t, r, f))
        for s, t, r, f in fields
    )
    assert fgb1.encode_sample_frames(seq, t_us, raw, flags) == expected


def stream_of(n: int, first_seq: int = 0, first_t_us: int = 0) -> tuple[bytes, np.ndarray]:
    seq = np.arange(first_seq, first_seq + n)
    t_us = first_t_us + seq * 1000
    raw = (np.sin(seq) * 100_000).astype(np.int64)
    return fgb1.encode_sample_frames(seq, t_us, raw, np.zeros(n)), raw


@settings(max_examples=200)
@given(st.data())
def test_any_chunking_gives_identical_samples(data: st.DataObject) -> None:
    wire, _ = stream_of(60)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(wire)), max_size=20)))
    whole = Fgb1Decoder().feed(wire, 0.0)
    decoder = Fgb1Decoder()
    pieces = [wire[a:b] for a, b in zip([0, *cuts], [*cuts, len(wire)], strict=True)]
    chunked = np.concatenate([decoder.feed(piece, 0.0) for piece in pieces])
    assert np.array_equal(chunked, whole)
    assert whole.size == 60


@settings(max_examples=300)
@given(st.data())
def test_garbage_between_frames_costs_only_damaged_frames(data: st.DataObject) -> None:
    n = 30
    frames = [stream_of(1, first_seq=i)[0] for i in range(n)]
    insertions = data.draw(st.dictionaries(st.integers(1, n - 1), st.booleans(), max_size=8))
    stream = bytearray(frames[0])
    for i in range(1, n):
        if i in insertions:
            garbage = data.draw(st.binary(min_size=1, max_size=40).filter(lambda b: 0 not in b))
            # Without its own delimiter the garbage fuses with frame i and costs it.
            stream += garbage + (b"\x00" if insertions[i] else b"")
        stream += frames[i]
    decoder = Fgb1Decoder()
    received = decoder.feed(bytes(stream), 0.0)["seq"].tolist()
    fused = {i for i, delimited in insertions.items() if not delimited}
    assert received == [i for i in range(n) if i not in fused]
    assert decoder.stats.corrupt == len(insertions)


@given(st.integers(0, fgb1.SAMPLE_ENCODED_SIZE - 1), st.integers(0, 255))
def test_flipped_byte_is_counted_and_neighbours_survive(position: int, xor: int) -> None:
    wire, _ = stream_of(3)
    frame = fgb1.SAMPLE_WIRE_SIZE
    damaged = bytearray(wire)
    damaged[frame + position] ^= xor or 1
    decoder = Fgb1Decoder()
    samples = decoder.feed(bytes(damaged), 0.0)
    seqs = samples["seq"].tolist()
    assert seqs[0] == 0 and seqs[-1] == 2
    assert 1 not in seqs
    assert decoder.stats.corrupt >= 1


def test_damaged_delimiter_costs_the_two_frames_it_joined() -> None:
    wire, _ = stream_of(4)
    damaged = bytearray(wire)
    damaged[2 * fgb1.SAMPLE_WIRE_SIZE - 1] = 0x55  # the delimiter after frame 1
    decoder = Fgb1Decoder()
    assert decoder.feed(bytes(damaged), 0.0)["seq"].tolist() == [0, 3]
    assert decoder.stats.corrupt == 1


def test_lost_frame_shows_as_sequence_gap() -> None:
    wire, _ = stream_of(4)
    frame = fgb1.SAMPLE_WIRE_SIZE
    samples = Fgb1Decoder().feed(wire[: frame * 2] + wire[frame * 3 :], 0.0)
    assert samples["seq"].tolist() == [0, 1, 3]


def test_microsecond_clock_wrap_is_unwrapped() -> None:
    seq = np.array([0, 1])
    t_us = np.array([0xFFFFFF00, 0x00000100])
    wire = fgb1.encode_sample_frames(seq, t_us, np.zeros(2), np.zeros(2))
    samples = Fgb1Decoder().feed(wire, 0.0)
    assert np.diff(samples["t_device"])[0] == pytest.approx(512e-6)


def test_sequence_wrap_is_unwrapped() -> None:
    wire, _ = stream_of(4, first_seq=0xFFFE)
    samples = Fgb1Decoder().feed(wire, 0.0)
    assert samples["seq"].tolist() == [0xFFFE, 0xFFFF, 0x10000, 0x10001]


def test_partial_frame_at_connect_is_not_counted_as_corrupt() -> None:
    wire, _ = stream_of(3)
    decoder = Fgb1Decoder()
    samples = decoder.feed(wire[5:], 0.0)
    assert samples["seq"].tolist() == [1, 2]
    assert decoder.stats.corrupt == 0
    assert decoder.stats.skipped_at_sync == fgb1.SAMPLE_ENCODED_SIZE - 5


def test_other_major_version_is_refused_and_named() -> None:
    body = bytes([2, fgb1.SAMPLE, 0, 0]) + fgb1.SAMPLE_PAYLOAD.pack(0, 0, 0)
    frame = body + fgb1.crc16(body).to_bytes(2, "little")
    decoder = Fgb1Decoder()
    decoder.feed(b"\x00" + cobs_encode(frame) + b"\x00", 0.0)
    assert decoder.incompatible_version == 2
    assert decoder.stats.corrupt == 1


def test_endless_garbage_without_delimiter_is_bounded() -> None:
    decoder = Fgb1Decoder()
    for _ in range(10):
        decoder.feed(b"\x55" * 1000, 0.0)
    assert decoder.stats.corrupt >= 1
    wire, _ = stream_of(2)
    assert decoder.feed(b"\x00" + wire, 0.0)["seq"].tolist() == [0, 1]
