"""Bytes <-> samples: transports, protocol decoders, the reader thread and the simulator.

Imports none of the other top-level packages (see docs/architecture.md).
"""
