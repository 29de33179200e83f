"""Serve a simulated device on a real pseudo-terminal (POSIX), as a USB gauge would appear."""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time
import tty
from collections.abc import Callable
from dataclasses import dataclass

from firmware_bridge.sim.device import SimulatedDevice, SimulatorConfig

#: Bytes held back once the kernel's pty buffer (~16 KiB) is full, like a USB bridge's small
#: FIFO; beyond this the oldest are lost, as on a UART without flow control, so a host that
#: connects late gets current readings rather than a pile of stale ones.
MAX_BACKLOG_BYTES = 1024
MAX_IDLE_WAIT_S = 0.005


@dataclass(frozen=True)
class Stepper:
    """Steps the weights-on-demand profile from a person's Enter: each line read from ``fd``
    (a terminal's or a pipe's) places the next mass; ``placed`` is told it, in kg. Read in
    the serving loop itself, so the device is only ever touched from one thread."""

    fd: int
    placed: Callable[[float], None]


def serve_pty(
    config: SimulatorConfig,
    stop: threading.Event,
    on_ready: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
    stepper: Stepper | None = None,
) -> int:
    """Run until ``stop`` is set; return the number of bytes lost for want of a reader."""
    controller, port = os.openpty()
    try:
        tty.setraw(port)  # no echo, no CR/LF translation
        os.set_blocking(controller, False)
        device = SimulatedDevice(config, clock())
        on_ready(os.ttyname(port))
        return _serve(controller, device, stop, clock, stepper)
    finally:
        os.close(controller)
        os.close(port)  # held open by us too, so that the pty survives reconnecting hosts


def _serve(
    controller: int,
    device: SimulatedDevice,
    stop: threading.Event,
    clock: Callable[[], float],
    stepper: Stepper | None = None,
) -> int:
    backlog = b""
    lost = 0
    watched = [controller] + ([stepper.fd] if stepper else [])
    while not stop.is_set():
        wait = min(device.seconds_to_next_sample(clock()), MAX_IDLE_WAIT_S)
        readable, _, _ = select.select(watched, [], [], wait)
        if controller in readable:
            with contextlib.suppress(BlockingIOError):
                device.receive(os.read(controller, 4096), clock())
        if stepper and stepper.fd in readable and not _step(device, stepper, clock()):
            watched.remove(stepper.fd)  # its input ended: nothing more will step it
        backlog += device.poll(clock())
        if backlog:
            try:
                written = os.write(controller, backlog)
            except BlockingIOError:
                written = 0
            backlog = backlog[written:]
            if len(backlog) > MAX_BACKLOG_BYTES:
                lost += len(backlog) - MAX_BACKLOG_BYTES
                backlog = backlog[-MAX_BACKLOG_BYTES:]
    return lost


def _step(device: SimulatedDevice, stepper: Stepper, now: float) -> bool:
    """A mass placed per line read; False once the input has ended."""
    data = os.read(stepper.fd, 1024)
    for _ in range(data.count(b"\n")):
        mass = device.next_weight(now)
        if mass is not None:
            stepper.placed(mass)
    return bool(data)
