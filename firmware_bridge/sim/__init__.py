"""The simulated device: real wire protocols, reached in-process (``fgsim://``) or on a pty."""

from firmware_bridge.sim.device import SimulatedDevice, SimulatorConfig
from firmware_bridge.sim.profiles import PROFILE_DESCRIPTIONS, PROFILES, make_profile
from firmware_bridge.sim.protocol_fgsim import next_weight, steps_on_demand
from firmware_bridge.sim.replay import decoded_blocks

__all__ = [
    "PROFILES",
    "PROFILE_DESCRIPTIONS",
    "SimulatedDevice",
    "SimulatorConfig",
    "decoded_blocks",
    "make_profile",
    "next_weight",
    "steps_on_demand",
]
