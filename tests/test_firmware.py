"""Our firmware (firmware_bridge/firmware/): its frame encoder compiled for this machine and
checked byte for byte against the Python codec; the AVR image built with avr-gcc; and the
real image run in simavr with a simulated HX711, read by the app's own reader.

Tests that need a tool this machine lacks skip, saying which; `.ci/run` installs them.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_pty

from firmware_bridge.protocols import fgb1
from firmware_bridge.protocols.fgb1_decoder import Fgb1Decoder
from firmware_bridge.reader import ReaderThread
from firmware_bridge.samples import FLAG_TARE_IN_PROGRESS
from firmware_bridge.transport import open_port

FIRMWARE = Path(__file__).resolve().parents[1] / "firmware_bridge" / "firmware"
SIMAVR_HEADER = Path("/usr/include/simavr/sim_avr.h")


def make(build: Path, *targets: str, **variables: str) -> subprocess.CompletedProcess:
    args = [f"{key}={value}" for key, value in {"BUILD": str(build), **variables}.items()]
    return subprocess.run(
        ["make", "-C", str(FIRMWARE), *args, *targets], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("firmware-build")


@pytest.fixture(scope="module")
def host_frames(build: Path) -> Path:
    if not (shutil.which("make") and (shutil.which("cc") or shutil.which("gcc"))):
        pytest.skip("needs make and a C compiler for this machine")
    done = make(build, "host")
    assert done.returncode == 0, done.stderr
    return build / "host_frames"


def ask(program: Path, requests: list[str]) -> list[str]:
    done = subprocess.run(
        [str(program)], input="\n".join(requests) + "\n", capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return done.stdout.splitlines()


def test_crc_check_value(host_frames: Path) -> None:
    assert ask(host_frames, ["crc 123456789"]) == ["29b1"]


def test_sample_frames_are_byte_for_byte_the_python_ones(host_frames: Path) -> None:
    rng = np.random.default_rng(7)
    n = 2000
    seq = rng.integers(0, 1 << 16, n)
    t_us = np.concatenate([rng.integers(0, 1 << 32, n - 4), [0, 1, (1 << 32) - 1, 0xFF00FF00]])
    raw = np.concatenate(
        [rng.integers(-(1 << 23), 1 << 23, n - 4), [0, -1, (1 << 31) - 1, -(1 << 31)]]
    )
    flags = rng.integers(0, 16, n)
    requests = [f"sample {s} {t} {r} {f}" for s, t, r, f in zip(seq, t_us, raw, flags, strict=True)]
    ours = b"".join(bytes.fromhex(line) for line in ask(host_frames, requests))
    assert ours == fgb1.encode_sample_frames(seq, t_us, raw, flags)
    decoded = Fgb1Decoder().feed(b"\x00" + ours, 0.0)
    assert decoded["raw"].tolist() == raw.tolist()


def test_info_frame_matches_the_reference_vector(host_frames: Path) -> None:
    [line] = ask(host_frames, ["info 0 FA0001234567 80 200.0 1234.5 -52000"])
    reference = (  # ../shared/reference/device-protocols.md §6.5
        "03 01 90 01 02 01 01 12 03 01 01 46 41 30 30 30 31 32 33 34 35 36 37 01 50 01"
        "01 03 48 43 0b 50 9a 44 e0 34 ff ff 01 ac 3a 00"
    )
    assert bytes.fromhex(line) == bytes.fromhex(reference)
    decoder = Fgb1Decoder()
    decoder.feed(bytes.fromhex(line), 0.0)
    info = decoder.device_info
    assert (info.identity, info.counts_per_newton, info.zero_offset) == (
        "FA0001234567",
        1234.5,
        -52000,
    )


def test_host_commands_are_understood_and_damage_refused(host_frames: Path) -> None:
    start = fgb1.encode_frame(fgb1.START, 1, b"\x50\x00")[:-1]  # without the delimiter
    damaged = bytearray(start)
    damaged[3] ^= 0x10
    other_version = fgb1.encode_frame(fgb1.GET_INFO, 0)[:-1].replace(b"\x01\x80", b"\x02\x80", 1)
    answers = ask(
        host_frames,
        [f"command {frame.hex()}" for frame in (start, fgb1.encode_frame(fgb1.TARE, 5)[:-1],
                                               bytes(damaged), other_version, b"\x01")],
    )  # fmt: skip
    assert answers == [f"{fgb1.START} 5000", f"{fgb1.TARE} ", "-1 ", "-1 ", "-1 "]


@pytest.fixture(scope="module")
def avr_image(build: Path) -> Path:
    if not shutil.which("avr-gcc"):
        pytest.skip("needs avr-gcc and avr-libc (Debian: gcc-avr avr-libc)")
    done = make(build)
    assert done.returncode == 0, done.stderr
    return build / "firmware-hx711.elf"


def test_the_avr_images_build_and_fit(build: Path, avr_image: Path) -> None:
    done = make(build, ADC="nau7802")
    assert done.returncode == 0, done.stderr
    for image in (avr_image, build / "firmware-nau7802.elf"):
        size = subprocess.run(
            ["avr-size", str(image)], capture_output=True, text=True, check=True
        ).stdout
        text, data, bss = (int(v) for v in size.splitlines()[1].split()[:3])
        assert text + data < 32 * 1024 - 512  # flash, minus the Arduino bootloader
        assert data + bss < 2048 - 256  # RAM, leaving room for the stack


def counts_at(t: np.ndarray) -> np.ndarray:
    """What the modelled converter converts at board time t (sim/board.c)."""
    return np.round(-52000.0 + 1234.5 * (10.0 + 8.0 * np.sin(2 * math.pi * 0.25 * t)))


@pytest.fixture(params=["hx711", "nau7802"])
def board(request, build: Path, avr_image: Path):
    """The real image for one converter, in simavr with that converter modelled."""
    if not SIMAVR_HEADER.exists():
        pytest.skip("needs simavr and its headers (Debian: simavr libsimavr-dev)")
    adc = request.param
    done = make(build, "sim", "all", ADC=adc)
    assert done.returncode == 0, done.stderr
    process = subprocess.Popen(
        [str(build / "board"), str(build / f"firmware-{adc}.elf"), adc],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for line in process.stdout:
            if line.startswith("port: "):
                yield line.split()[1]
                break
        else:
            pytest.fail(f"the simavr board did not start: {process.stderr.read()}")
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()


@needs_pty
def test_the_real_firmware_streams_what_the_load_cell_converts(board: str) -> None:
    blocks, lock = [], threading.Lock()

    def keep(block: np.ndarray) -> None:
        with lock:
            blocks.append(block.copy())

    decoder = Fgb1Decoder()
    reader = ReaderThread(board, decoder, keep)
    reader.start()
    time.sleep(2.5)
    reader.stop()
    reader.join(5)
    samples = np.concatenate(blocks)
    info = decoder.device_info
    assert info is not None and info.nominal_rate_hz == 80
    assert info.model.endswith("HX711") or info.model.endswith("NAU7802")
    assert info.firmware == "0.4.0" and info.identity == ""  # no serial written to EEPROM
    assert decoder.stats.corrupt == 0 and reader.status().dropped_samples == 0
    assert np.all(np.diff(samples["seq"]) == 1)
    # An HX711 says "ready" on a pin, read at once; a NAU7802 is asked over I2C, each question
    # taking about 0.4 ms at 100 kHz, so its stamps wander by that much.
    jitter = 20e-6 if info.model.endswith("HX711") else 500e-6
    assert np.diff(samples["t_device"]) == pytest.approx(1 / 80, abs=jitter)
    assert 150 <= samples.size <= 210  # 80/s for 2.5 s, less the handshake
    # every sample is what the load cell converted when the board's clock says it was made
    error = samples["raw"] - counts_at(samples["t_device"])
    assert np.max(np.abs(error)) <= 20, error


@needs_pty
def test_the_real_firmware_answers_tare_stop_and_ping(board: str) -> None:
    port = open_port(board)
    try:
        decoder = Fgb1Decoder()

        def exchange(frame: bytes, seconds: float) -> np.ndarray:
            port.write(frame)
            got, deadline = [], time.monotonic() + seconds
            while time.monotonic() < deadline:
                got.append(decoder.feed(port.read(port.in_waiting or 1), time.monotonic()))
            return np.concatenate(got)

        exchange(fgb1.encode_frame(fgb1.START, 1, b"\x00\x00"), 0.5)
        before = decoder.ignored_frames
        streamed = exchange(fgb1.encode_frame(fgb1.TARE, 2), 0.5)
        tared = streamed["flags"] & FLAG_TARE_IN_PROGRESS
        assert np.count_nonzero(tared) == 16  # the tare averages 16 conversions
        zero = decoder.device_info.zero_offset  # the INFO sent when the tare was done
        window = streamed["raw"][np.flatnonzero(tared)]
        assert zero == pytest.approx(window.mean(), abs=1)
        stopped = exchange(fgb1.encode_frame(fgb1.STOP, 3), 0.3)
        assert exchange(fgb1.encode_frame(fgb1.PING, 4), 0.3).size == 0
        assert stopped.size <= 2  # what was on its way
        assert decoder.ignored_frames >= before + 3  # ACKs for TARE, STOP and PING
    finally:
        port.close()
