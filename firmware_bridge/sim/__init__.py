"""The simulated device: real wire protocols, reached in-process (``fgsim://``) or on a pty."""

from firmware_bridge.sim.device import SimulatedDevice, SimulatorConfig
from firmware_bridge.sim.profiles import PROFILES, make_profile

__all__ = ["PROFILES", "SimulatedDevice", "SimulatorConfig", "make_profile"]
