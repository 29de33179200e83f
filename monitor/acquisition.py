"""One device's stream: the reader thread, calibration, and the sinks its blocks go to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from calibration import CalibrationError, LinearCalibration, unit_named
from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols import make_decoder
from firmware_bridge.reader import ReaderStatus, ReaderThread, StreamEvent
from firmware_bridge.samples import SAMPLE_DTYPE

#: A decoded block plus ``force`` in newtons: what the display and the recorder receive.
CALIBRATED_DTYPE = np.dtype([*SAMPLE_DTYPE.descr, ("force", "<f8")])

SampleSink = Callable[[np.ndarray], None]
EventSink = Callable[[StreamEvent], None]


def calibration_for(device: DeviceInfo | None) -> LinearCalibration | None:
    """The calibration a device brings with it; None when its raw values cannot be converted."""
    if device is None:
        return None
    if device.raw_unit == "counts":
        if device.counts_per_newton == 0:
            return None
        try:
            return LinearCalibration.from_counts_per_newton(
                device.counts_per_newton, device.zero_offset, source="device"
            )
        except CalibrationError:
            return None
    unit = unit_named(device.raw_unit)
    return LinearCalibration(gain_n_per_unit=unit.si_per_unit, source=f"device unit {unit.symbol}")


class Acquisition:
    """Starts a reader on ``port``; calibrates each block and hands it to every sink.

    Sinks run on the reader thread, so they must be quick and thread-safe (append to a
    buffer, put on a queue).
    """

    def __init__(self, port: str, protocol: str, clock: Callable[[], float] = time.monotonic):
        self.port = port
        self.decoder = make_decoder(protocol)
        self._lock = threading.Lock()
        self._sample_sinks: tuple[SampleSink, ...] = ()
        self._event_sinks: tuple[EventSink, ...] = ()
        self._device: DeviceInfo | None = None
        self._calibration: LinearCalibration | None = None
        self.reader = ReaderThread(port, self.decoder, self._on_block, self._on_event, clock=clock)

    def start(self) -> None:
        self.reader.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the reader and close the port; True when the thread has ended."""
        self.reader.stop()
        if self.reader.is_alive():
            self.reader.join(timeout)
        return not self.reader.is_alive()

    def status(self) -> ReaderStatus:
        return self.reader.status()

    def session_time(self) -> float:
        return self.reader.session_time()

    @property
    def calibration(self) -> LinearCalibration | None:
        with self._lock:
            return self._calibration

    def connect(
        self, on_samples: SampleSink | None = None, on_event: EventSink | None = None
    ) -> Callable[[], None]:
        """Add sinks; returns the function that removes them again."""
        with self._lock:
            if on_samples:
                self._sample_sinks += (on_samples,)
            if on_event:
                self._event_sinks += (on_event,)

        def disconnect() -> None:
            with self._lock:
                self._sample_sinks = tuple(s for s in self._sample_sinks if s is not on_samples)
                self._event_sinks = tuple(s for s in self._event_sinks if s is not on_event)

        return disconnect

    def _on_block(self, block: np.ndarray) -> None:
        device = self.decoder.device_info
        with self._lock:
            if device != self._device:
                self._device, self._calibration = device, calibration_for(device)
            calibration, sinks = self._calibration, self._sample_sinks
        out = np.empty(block.size, dtype=CALIBRATED_DTYPE)
        for name in SAMPLE_DTYPE.names:
            out[name] = block[name]
        out["force"] = calibration.apply(block["raw"]) if calibration else np.nan
        for sink in sinks:
            sink(out)

    def _on_event(self, event: StreamEvent) -> None:
        with self._lock:
            sinks = self._event_sinks
        for sink in sinks:
            sink(event)
