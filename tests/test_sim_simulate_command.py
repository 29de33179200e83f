"""``simulate``: every profile it offers can be used on a pseudo-terminal, weights-on-demand
stepped by Enter on the command's own input, and its help says what each profile does."""

from __future__ import annotations

import argparse
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from calibration import unit_named
from firmware_bridge.protocols import make_decoder
from firmware_bridge.sim import PROFILE_DESCRIPTIONS, PROFILES
from firmware_bridge.sim.device import Fgb1Personality
from firmware_bridge.transport import open_port
from monitor.commands import simulate as simulate_command

pytestmark = pytest.mark.skipif(os.name != "posix", reason="a POSIX pseudo-terminal")
ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_S = 10.0


class Simulate:
    """The command running, its output read line by line on a thread of its own."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self.process, self.stdin, self._lines = process, process.stdin, queue.Queue[str]()
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stdout: IO[str]) -> None:
        for line in stdout:
            self._lines.put(line.strip())

    def line(self) -> str:
        """The next line it prints (failing, not hanging, when none comes)."""
        try:
            return self._lines.get(timeout=TIMEOUT_S)
        except queue.Empty:
            raise AssertionError("the simulate command said nothing") from None

    def enter(self, times: int = 1) -> None:
        self.stdin.write("\n" * times)
        self.stdin.flush()


@pytest.fixture
def simulate() -> Iterator[Simulate]:
    command = [sys.executable, "-m", "monitor", "simulate", "--profile", "weights-on-demand"]
    with subprocess.Popen(
        [*command, "--rate", "200"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:  # its pipes closed at the end
        yield Simulate(process)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(TIMEOUT_S)


def kilograms_on(port: str, expected: float) -> float:
    """The load the device sends (the mean of 40 samples, its fgb1 counts undone, in kg),
    read until it is ``expected`` or for TIMEOUT_S: a mass takes a moment to be placed, and
    what waited unread in the pty is seconds old."""
    decoder = make_decoder("fgb1")
    deadline = time.monotonic() + TIMEOUT_S
    with open_port(port) as serial:
        serial.timeout = 0.05
        serial.reset_input_buffer()
        for command in decoder.opening_commands():
            serial.write(command)
        raw = np.zeros(0)
        kg = float("nan")
        while time.monotonic() < deadline and not abs(kg - expected) < 0.02:
            raw = np.concatenate([raw, decoder.feed(serial.read(4096), 0.0)["raw"]])[-40:]
            counts = raw.mean() - Fgb1Personality.ZERO_OFFSET if raw.size == 40 else np.nan
            kg = counts / Fgb1Personality.COUNTS_PER_NEWTON / unit_named("kgf").si_per_unit
    return kg


def test_enter_on_the_commands_input_places_the_next_mass(simulate: Simulate) -> None:
    port = simulate.line().removeprefix("port: ")
    assert simulate.line().startswith("simulating fgb1")
    assert "Enter" in simulate.line()
    assert kilograms_on(port, 0) == pytest.approx(0, abs=0.02)
    simulate.enter()
    assert simulate.line() == "placed: 1\u202fkg"
    simulate.enter(2)
    assert [simulate.line(), simulate.line()] == ["placed: 2\u202fkg", "placed: 5\u202fkg"]
    assert kilograms_on(port, 5) == pytest.approx(5, abs=0.02)  # on the wire, not only said
    simulate.stdin.close()  # the input ended: the device is still served, as it was left
    assert kilograms_on(port, 5) == pytest.approx(5, abs=0.02)
    simulate.process.send_signal(signal.SIGTERM)
    assert simulate.process.wait(TIMEOUT_S) == 0


def test_the_help_says_what_every_offered_profile_does() -> None:
    commands = argparse.ArgumentParser().add_subparsers()
    simulate_command.add_parser(commands)
    parser = commands.choices["simulate"]
    profile = next(action for action in parser._actions if action.dest == "profile")
    assert profile.choices is not None and profile.help is not None
    assert set(profile.choices) == set(PROFILES) == set(PROFILE_DESCRIPTIONS)
    for name in PROFILES:
        assert f"{name}: {PROFILE_DESCRIPTIONS[name]}" in profile.help % {}
    assert "press Enter where this command runs" in profile.help
    parser.format_help()  # argparse can format it (a bare % would raise here)
