"""The simulator's weights profiles: known masses on a cell, looping on their own or placed
one at a time on demand (for walking the calibration wizard at a person's pace)."""

from __future__ import annotations

import numpy as np
import pytest

from firmware_bridge.protocols import make_decoder
from firmware_bridge.sim import SimulatorConfig, next_weight, steps_on_demand
from firmware_bridge.sim.device import Fgb1Personality, SimulatedDevice
from firmware_bridge.sim.profiles import STANDARD_GRAVITY, DeadWeightsProfile
from firmware_bridge.transport import open_port

KG = STANDARD_GRAVITY


def test_the_weights_loop_on_their_own() -> None:
    profile = DeadWeightsProfile()
    cycle = len(profile.masses_kg) * (profile.hold_s + profile.place_s)  # 20 s
    holds = np.arange(len(profile.masses_kg)) * 2.0 + 1.5  # the middle of each rest
    first = profile.force_at(holds) / KG
    assert first.tolist() == pytest.approx([0, 0, 1, 2, 5, 2, 1, 0, 2, 0])
    assert (profile.force_at(holds + cycle) / KG).tolist() == pytest.approx(first.tolist())
    assert (profile.force_at(holds + 7 * cycle) / KG).tolist() == pytest.approx(first.tolist())


def kilograms_read(device: SimulatedDevice, decoder, now: float) -> float:
    """The mean load over what the device sent up to ``now``'s last 0.2 s, in kg."""
    block = decoder.feed(device.poll(now), now)
    raw = block["raw"][-200:]
    counts = raw.mean() - Fgb1Personality.ZERO_OFFSET
    return float(counts / Fgb1Personality.COUNTS_PER_NEWTON / KG)


def test_weights_on_demand_stay_on_until_the_next_is_asked_for() -> None:
    """Through the real protocol and decoder, on the device's virtual clock."""
    device = SimulatedDevice(SimulatorConfig(profile="weights-on-demand"), now=0.0)
    decoder = make_decoder("fgb1")
    for command in decoder.opening_commands():
        device.receive(command, now=0.0)
    decoder.feed(device.poll(0.0), 0.0)
    assert kilograms_read(device, decoder, 30.0) == pytest.approx(0, abs=0.01)
    placed = [device.next_weight(30.0 + 10 * i) for i in range(8)]
    assert placed == [1, 2, 5, 2, 1, 0, 2, 0]  # then again from 1 kg
    # Each stays on until the next is asked for: read 5 s after each (asked at 0, 10, 20 s).
    device = SimulatedDevice(SimulatorConfig(profile="weights-on-demand"), now=0.0)
    for command in decoder.opening_commands():
        device.receive(command, now=0.0)
    read = []
    for i in range(3):
        device.next_weight(10.0 * i)
        read.append(kilograms_read(device, decoder, 10.0 * i + 5))
    assert read == pytest.approx([1, 2, 5], abs=0.01)
    assert device.next_weight(29.0) == 2  # asked at once: placed as soon as the last is on
    assert SimulatedDevice(SimulatorConfig(profile="weights"), 0.0).next_weight(1.0) is None


def test_next_weight_reaches_the_open_in_process_device_only() -> None:
    url = SimulatorConfig(profile="weights-on-demand").to_url()
    assert steps_on_demand(url)
    assert not steps_on_demand(SimulatorConfig(profile="weights").to_url())
    assert not steps_on_demand("/dev/ttyUSB0")
    assert next_weight() == []  # none open
    port = open_port(url)
    looping = open_port(SimulatorConfig(profile="weights").to_url())
    try:
        assert next_weight() == [1]
        assert next_weight() == [2]
    finally:
        port.close()
        looping.close()
    assert next_weight() == []
