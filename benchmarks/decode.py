"""Decoder benchmark: samples/s for every protocol on one core, against a naive reader.

    python benchmarks/decode.py [--samples N]

1. Decoding alone: each decoder is fed its protocol's bytes (as the simulated device
   writes them) in 16 KiB chunks, as the reader thread gets them from a fast stream.
   Goal for the framed protocol: >= 2,000,000 samples/s.
2. Over a real pty, as the app reads a port: a writer thread pushes the ASCII stream into a
   pseudo-terminal; the naive baseline reads it with pyserial's ``readline()`` and
   ``float()`` per line, ours with ``read(in_waiting or 1)`` and the ASCII decoder.
   Goal: >= 50x the naive loop.
"""

from __future__ import annotations

import argparse
import os
import threading
import time
import tty

import serial

from firmware_bridge.protocols import make_decoder
from firmware_bridge.sim import SimulatedDevice, SimulatorConfig

CHUNK = 16384
STREAMS = {  # protocol spec: simulator settings whose bytes it decodes
    "fgb1": SimulatorConfig(protocol="fgb1"),
    "ascii": SimulatorConfig(protocol="ascii"),
    "ascii (Reading: 12.3 g)": SimulatorConfig(protocol="ascii", line="Reading: {gf:.1f} g"),
    "ascii:column=1 (CSV)": SimulatorConfig(protocol="ascii", line="{ms},{counts},{N:.3f}"),
    "mark10:mode=stream": SimulatorConfig(protocol="mark10", streams=True, unit="lbf"),
    "imada-zt": SimulatorConfig(protocol="imada-zt"),
    "wagner-fdix": SimulatorConfig(protocol="wagner-fdix", unit="kgf"),
}


def device_bytes(config: SimulatorConfig, samples: int, spec: str) -> bytes:
    """What the simulated device sends for ``samples`` samples once it streams."""
    device = SimulatedDevice(config, now=0.0)
    decoder = make_decoder(spec.split(" ", maxsplit=1)[0])
    for command in decoder.opening_commands():
        device.receive(command, now=0.0)
    preamble = device.poll(0.0)
    return preamble + device.poll(samples / device.rate_hz - 1e-9)


def decode_rate(spec: str, stream: bytes) -> tuple[float, int]:
    """(samples/s, samples) feeding ``stream`` in CHUNK-byte pieces; best of three."""
    best, count = 0.0, 0
    for _ in range(3):
        decoder = make_decoder(spec.split(" ", maxsplit=1)[0])
        decoder.opening_commands()
        start = time.perf_counter()
        count = 0
        for offset in range(0, len(stream), CHUNK):
            count += decoder.feed(stream[offset : offset + CHUNK], 0.0).size
            while decoder.has_backlog:
                count += decoder.feed(b"", 0.0).size
        best = max(best, count / (time.perf_counter() - start))
    return best, count


def pty_pair() -> tuple[int, str, int]:
    controller, port = os.openpty()
    tty.setraw(port)
    return controller, os.ttyname(port), port


def feed_pty(controller: int, stream: bytes) -> threading.Thread:
    def write() -> None:
        view = memoryview(stream)
        while view:
            written = os.write(controller, view[:65536])
            view = view[written:]

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def naive_over_pty(stream: bytes, lines: int) -> float:
    controller, name, port = pty_pair()
    link = serial.Serial(name, 115200, timeout=1.0)
    writer = feed_pty(controller, stream)
    start = time.perf_counter()
    values = []
    for _ in range(lines):
        values.append(float(link.readline()))
    elapsed = time.perf_counter() - start
    writer.join()
    link.close()
    os.close(controller)
    os.close(port)
    return len(values) / elapsed


def ours_over_pty(stream: bytes, lines: int) -> float:
    controller, name, port = pty_pair()
    link = serial.Serial(name, 115200, timeout=1.0)
    decoder = make_decoder("ascii")
    decoder.feed(b"\n", 0.0)  # the stream starts at a line boundary here
    writer = feed_pty(controller, stream)
    start = time.perf_counter()
    count = 0
    while count < lines:
        count += decoder.feed(link.read(link.in_waiting or 1), 0.0).size
    elapsed = time.perf_counter() - start
    writer.join()
    link.close()
    os.close(controller)
    os.close(port)
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=400_000)
    args = parser.parse_args()

    print(f"1. decoding alone, {CHUNK // 1024} KiB chunks, one core, best of 3")
    print(f"   {'protocol':26} {'bytes/sample':>12} {'samples/s':>12}")
    for spec, config in STREAMS.items():
        stream = device_bytes(config, args.samples, spec)
        rate, count = decode_rate(spec, stream)
        assert count >= args.samples * 0.99, (spec, count)
        print(f"   {spec:26} {len(stream) / count:12.1f} {rate:12,.0f}")

    lines = min(args.samples, 100_000)
    stream = device_bytes(STREAMS["ascii"], lines + 10, "ascii")
    naive = naive_over_pty(stream, lines)
    ours = ours_over_pty(stream, lines)
    print(f"2. ASCII over a pty, {lines:,} lines ({len(stream) / (lines + 10):.1f} bytes each)")
    print(f"   naive readline() + float(): {naive:12,.0f} lines/s")
    print(f"   read(in_waiting) + decoder: {ours:12,.0f} lines/s   {ours / naive:5.1f}x")


if __name__ == "__main__":
    main()
