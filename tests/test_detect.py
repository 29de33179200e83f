"""Detection: what answers on a port, asked only read-only questions."""

from __future__ import annotations

import json
import os
import select
import tty

import pytest
from conftest import needs_pty, run_cli

from firmware_bridge.detect import probe
from firmware_bridge.protocols import fgb1, make_decoder
from firmware_bridge.protocols.auto import RETRY_PAUSE_S

#: Every command a probe may send: identification and single readings, nothing that tares,
#: sets a unit or a mode, or starts a stream.
READ_ONLY = {fgb1.encode_frame(fgb1.GET_INFO, 0), b"?", b"RM", b"D", b"XAR"}


def test_an_unanswered_round_asks_only_read_only_questions() -> None:
    decoder = make_decoder("auto")
    sent = b"".join(decoder.outgoing(i * 0.05) for i in range(int(2 * RETRY_PAUSE_S / 0.05)))
    commands = {
        part for chunk in sent.split(b"\x00") if chunk for part in
        ([chunk + b"\x00"] if chunk.startswith(b"\x03\x01\x80") else chunk.split(b"\r"))
    }  # fmt: skip
    commands.discard(b"")
    assert commands <= READ_ONLY, commands - READ_ONLY
    assert decoder.detected is None
    assert decoder.take_notices() == ["no known device answered yet: still asking"]


@needs_pty
@pytest.mark.parametrize(
    ("protocol", "expected"),
    [("fgb1", "fgb1 (FGB1.0 device type 1, HX711, SIM000000001)"),
     ("mark10", "mark10 (M5-100, 3456789)"), ("imada", "imada"), ("imada-zt", "imada-zt"),
     ("wagner", "wagner"), ("ascii", "ascii")],
)  # fmt: skip
def test_ports_probe_names_each_family(pty_device, protocol: str, expected: str) -> None:
    device = pty_device(protocol=protocol, rate_hz=50)
    result = run_cli("ports", "--probe", device.port)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{device.port}  -> {expected}"


@needs_pty
def test_our_firmware_is_not_started_by_a_probe(pty_device) -> None:
    device = pty_device(protocol="fgb1", rate_hz=1000)
    result = run_cli("ports", "--probe", "--json", device.port)
    assert json.loads(result.stdout)[0]["probe"]["protocol"] == "fgb1"
    # had the probe sent START, the device would be streaming now: read what it sends
    fd = os.open(device.port, os.O_RDONLY | os.O_NONBLOCK)
    try:
        tty.setraw(fd)
        readable, _, _ = select.select([fd], [], [], 0.3)
        assert not readable, "the device streams: the probe started it"
    finally:
        os.close(fd)


@needs_pty
def test_a_silent_port_and_a_missing_one() -> None:
    controller, port = os.openpty()
    try:
        tty.setraw(port)
        silent = probe(os.ttyname(port), baud_rates=(9600,))
    finally:
        os.close(controller)
        os.close(port)
    assert silent.protocol == "" and silent.describe() == "no known device answered"
    missing = probe("/dev/no-such-gauge")
    assert "cannot open /dev/no-such-gauge" in missing.describe()
