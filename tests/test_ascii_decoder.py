"""Plain ASCII lines, as DIY boards print them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.protocols.ascii_lines import AsciiLineDecoder

# The first line before the first newline is skipped: we may have joined mid-line.
PREAMBLE = b"boot\r\n"


def decode(data: bytes, **options) -> tuple[np.ndarray, AsciiLineDecoder]:
    decoder = AsciiLineDecoder(**options)
    return decoder.feed(PREAMBLE + data, arrival=1.0), decoder


def test_bare_numbers_with_crlf() -> None:
    samples, decoder = decode(b"12.34\r\n-0.5\r\n1e2\n")
    assert samples["raw"].tolist() == [12.34, -0.5, 100.0]
    assert samples["seq"].tolist() == [0, 1, 2]
    assert decoder.stats.corrupt == 0


def test_csv_takes_the_chosen_column() -> None:
    lines = b"123456,-52000,1.234\r\n123457;-51990;1.240\r\n"
    assert decode(lines)[0]["raw"].tolist() == [1.234, 1.240]
    assert decode(lines, column=1)[0]["raw"].tolist() == [-52000, -51990]


def test_comments_blank_lines_and_garbage() -> None:
    samples, decoder = decode(b"# header\r\n\r\n1.0\r\nTare complete\r\nnan\r\n2.0\r\n")
    assert samples["raw"].tolist() == [1.0, 2.0]
    assert decoder.stats.corrupt == 2  # "Tare complete" and "nan"


def test_first_partial_line_is_skipped_not_misread() -> None:
    decoder = AsciiLineDecoder()
    samples = decoder.feed(b"2.345\r\n12.5\r\n", 0.0)  # "1" of "12.345" was before we listened
    assert samples["raw"].tolist() == [12.5]
    assert decoder.stats.corrupt == 0


def test_host_times_spread_between_arrivals() -> None:
    decoder = AsciiLineDecoder()
    decoder.feed(PREAMBLE, 10.0)
    samples = decoder.feed(b"1\n2\n3\n4\n", 10.4)
    assert samples["t_device"].tolist() == pytest.approx([10.1, 10.2, 10.3, 10.4])


def test_overlong_line_is_dropped_and_counted() -> None:
    decoder = AsciiLineDecoder()
    decoder.feed(PREAMBLE, 0.0)
    decoder.feed(b"9" * 5000, 0.0)
    samples = decoder.feed(b"\n1.5\n", 0.0)
    assert samples["raw"].tolist() == [1.5]
    assert decoder.stats.corrupt == 1


values = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=50)


@settings(max_examples=200)
@given(values, st.data())
def test_any_chunking_gives_identical_values(readings: list[float], data: st.DataObject) -> None:
    stream = PREAMBLE + b"".join(f"{value:.4f}\r\n".encode() for value in readings)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=15)))
    decoder = AsciiLineDecoder()
    chunks = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    # 1 ms apart, as a steady stream arrives (a second between chunks of a few lines each
    # would be a device pausing, whose missing readings the counter skips)
    chunked = np.concatenate([decoder.feed(chunk, i * 1e-3) for i, chunk in enumerate(chunks)])
    whole, _ = AsciiLineDecoder().feed(stream, 0.0), None
    assert chunked["raw"].tolist() == whole["raw"].tolist()
    assert chunked["seq"].tolist() == list(range(len(readings)))
    assert np.all(np.diff(chunked["t_device"]) >= 0)


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(garbage: bytes) -> None:
    decoder = AsciiLineDecoder()
    samples = decoder.feed(garbage, 0.0)
    assert np.isfinite(samples["raw"]).all()
    assert decoder.feed(b"\n7.5\n", 1.0)["raw"].tolist()[-1] == 7.5
