"""The simulated device: real wire protocols, reached in-process (``fgsim://``) or on a pty."""

from firmware_bridge.sim.device import SimulatedDevice, SimulatorConfig
from firmware_bridge.sim.profiles import PROFILES, make_profile
from firmware_bridge.sim.replay import decoded_blocks

__all__ = ["PROFILES", "SimulatedDevice", "SimulatorConfig", "decoded_blocks", "make_profile"]
