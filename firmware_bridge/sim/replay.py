"""A simulated device on a virtual clock, through its wire format and the real decoder: the
blocks a reader would get, without waiting in real time (tests, benchmarks)."""

from __future__ import annotations

import numpy as np

from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols import make_decoder
from firmware_bridge.sim.device import SimulatedDevice, SimulatorConfig


def decoded_blocks(
    config: SimulatorConfig, until_s: float, read_every_s: float, protocol: str = ""
) -> tuple[DeviceInfo | None, list[np.ndarray], SimulatedDevice]:
    """Decoded blocks as read every ``read_every_s`` up to ``until_s``, the device's info (for
    its calibration), and the device itself (whose profile knows what it applied). The
    decoder is ``protocol`` (a spec with options), by default the one the device speaks;
    it polls once per read where it polls."""
    device = SimulatedDevice(config, now=0.0)
    decoder = make_decoder(protocol or config.protocol)
    for command in decoder.opening_commands():
        device.receive(command, now=0.0)
    decoder.feed(device.poll(0.0), 0.0)
    blocks = []
    for now in np.arange(read_every_s, until_s + read_every_s / 2, read_every_s):
        request = decoder.outgoing(float(now))
        if request:
            device.receive(request, float(now))
        block = decoder.feed(device.poll(float(now)), float(now))
        while True:
            if block.size:
                blocks.append(block)
            if not decoder.has_backlog:
                break
            block = decoder.feed(b"", float(now))
    return decoder.device_info, blocks, device
