"""pyserial URL handler ``fgsim://?protocol=fgb1&rate=1000&profile=therapy``.

pyserial finds it as ``<package>.protocol_<scheme>`` once ``firmware_bridge.transport`` has
registered this package, so the in-process simulator is opened, read and written through
exactly the calls a real port gets (``--demo`` works on every platform, pty or not).
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from serial import PortNotOpenError, SerialBase, SerialException

from firmware_bridge.sim.device import SimulatedDevice, SimulatorConfig

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

MAX_IDLE_WAIT_S = 0.01

#: The simulated devices open in this process, so a control beside the app (the device
#: panel's "Next weight") can reach the one the reader thread is reading.
_open_devices: list[SimulatedDevice] = []
_open_lock = threading.Lock()


def steps_on_demand(port: str) -> bool:
    """Is ``port`` the in-process simulator on the weights-on-demand profile?"""
    try:
        return SimulatorConfig.from_url(port).profile == "weights-on-demand"
    except ValueError:
        return False


def next_weight() -> list[float]:
    """Place the next mass on every open in-process device on the weights-on-demand
    profile; the masses now on them, in kg (empty: no such device is open)."""
    with _open_lock:
        devices = list(_open_devices)
    now = time.monotonic()
    masses = [device.next_weight(now) for device in devices]
    return [mass for mass in masses if mass is not None]


class Serial(SerialBase):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """SerialBase's arguments; it opens the port when given one, so the device slot
        must exist first."""
        self._device: SimulatedDevice | None = None
        self._rx = bytearray()
        super().__init__(*args, **kwargs)

    def open(self) -> None:
        if self.is_open:
            raise SerialException("port is already open")
        port = self.port
        if port is None:
            raise SerialException("port must be configured before it can be used")
        try:
            config = SimulatorConfig.from_url(port)
        except ValueError as exc:
            raise SerialException(str(exc)) from exc
        self._device = SimulatedDevice(config, time.monotonic())
        with _open_lock:
            _open_devices.append(self._device)
        self._rx.clear()
        self.is_open = True

    def close(self) -> None:
        self.is_open = False
        with _open_lock:
            if self._device in _open_devices:
                _open_devices.remove(self._device)
        self._device = None

    def _reconfigure_port(self) -> None:
        """Line settings mean nothing to the simulator."""

    def _pump(self) -> SimulatedDevice:
        if not self.is_open or self._device is None:
            raise PortNotOpenError()
        self._rx += self._device.poll(time.monotonic())
        return self._device

    @property
    def in_waiting(self) -> int:
        self._pump()
        return len(self._rx)

    def read(self, size: int = 1) -> bytes:
        timeout = self.timeout
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            device = self._pump()
            now = time.monotonic()
            if len(self._rx) >= size or (deadline is not None and now >= deadline):
                break
            wait = min(device.seconds_to_next_sample(now), MAX_IDLE_WAIT_S)
            if deadline is not None:
                wait = min(wait, deadline - now)
            time.sleep(max(wait, 0.0))
        data = bytes(self._rx[:size])
        del self._rx[:size]
        return data

    def write(self, data: ReadableBuffer, /) -> int:
        device = self._pump()
        payload = bytes(data)  # a memoryview's len() counts items, not bytes
        device.receive(payload, time.monotonic())
        return len(payload)

    def reset_input_buffer(self) -> None:
        self._pump()
        self._rx.clear()

    def reset_output_buffer(self) -> None:
        """Nothing is ever waiting to go out."""

    @property
    def out_waiting(self) -> int:
        return 0

    def _update_break_state(self) -> None: ...

    def _update_rts_state(self) -> None: ...

    def _update_dtr_state(self) -> None: ...

    @property
    def cts(self) -> bool:
        return True

    @property
    def dsr(self) -> bool:
        return True

    @property
    def ri(self) -> bool:
        return False

    @property
    def cd(self) -> bool:
        return True
