"""One device's stream: the reader thread, calibration, and the sinks its blocks go to."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from calibration import (
    Calibration,
    CalibrationError,
    CalibrationStore,
    LinearCalibration,
    unit_named,
)
from firmware_bridge.device_info import DeviceInfo
from firmware_bridge.protocols import baud_rate, make_decoder
from firmware_bridge.reader import ReaderStatus, ReaderThread, StreamEvent
from firmware_bridge.samples import SAMPLE_DTYPE
from monitor.drift import UNLOADED_BELOW_N, DriftMonitor
from monitor.numbers import signed, with_unit
from recordings.events import EventKind

#: A tare averages this much of the unloaded signal, which must hold this steady (N).
TARE_WINDOW_S = 1.0
TARE_MAX_SPREAD_N = 0.2
#: A zero creeping less than this within the tare's second is as good as still: 1 kPa on a
#: 1 cm² probe, a fifth of the drift that asks for a tare (monitor.drift). No published source.
TARE_MAX_TREND_N = 0.1
TARE_MIN_READINGS = 8

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

    The calibration in force is, in order: one set in this session (a tare, a fresh
    calibration), the device's current one in ``store``, the device's own. Sinks run on the
    reader thread, so they must be quick and thread-safe (append to a buffer, put on a queue).
    """

    def __init__(
        self,
        port: str,
        protocol: str,
        store: CalibrationStore | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.port = port
        self.decoder = make_decoder(protocol)
        self.store = store
        self.drift = DriftMonitor()
        self._lock = threading.Lock()
        self._sample_sinks: tuple[SampleSink, ...] = ()
        self._event_sinks: tuple[EventSink, ...] = ()
        self._device: DeviceInfo | None = None
        self._device_name = ""  # a user's name for a device that reports no identity
        self._stored: Calibration | None = None
        self._session: Calibration | None = None  # set in this session: tare, new calibration
        self.calibration_note = ""  # why a stored calibration was not used
        self.reader = ReaderThread(
            port,
            self.decoder,
            self._on_block,
            self._on_event,
            clock=clock,
            baudrate=baud_rate(protocol),
        )

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
    def identity(self) -> str:
        """The device's serial number, or the name the user gave it."""
        device = self.decoder.device_info
        return (device.identity if device else "") or self._device_name

    def name_device(self, name: str) -> None:
        """Name a device that reports no identity, so its calibrations can be kept."""
        with self._lock:
            self._device_name = name.strip()
            self._device = None  # look it up again under its new name

    @property
    def calibration(self) -> Calibration | None:
        with self._lock:
            return self._session or self._stored

    def use_calibration(self, calibration: Calibration, announce: bool = False) -> None:
        """Apply a calibration from now on in this session (a fresh one from the wizard);
        ``announce`` records it as a ``calibration`` event."""
        with self._lock:
            self._session = calibration
        self.drift.reset()
        if announce:
            event = StreamEvent(self.session_time(), EventKind.CALIBRATION, 0.0, calibration.source)
            self._on_event(event)

    def tare(self, raw: np.ndarray) -> Calibration:
        """Re-zero on ``raw``, the last second of the unloaded, still probe. Refused while the
        probe is pressed: a zero taken under load would make every later reading too low,
        and the therapist would press harder than the screen says."""
        current = self.calibration
        if current is None:
            raise CalibrationError("there is no calibration to tare: calibrate this device first")
        force = current.apply(raw)
        force = force[np.isfinite(force)]
        if force.size < TARE_MIN_READINGS:
            raise CalibrationError("too few readings to tare; hold the probe still a moment")
        if float(force.std()) > TARE_MAX_SPREAD_N:
            raise CalibrationError("hold the probe still and off the client to tare")
        load = float(force.mean())
        if abs(load) > UNLOADED_BELOW_N:  # zeroed under a press, every reading would be low
            raise CalibrationError(
                f"the probe reads {with_unit(load, 'N', 1)}: take it off the client to tare "
                "(a zero that far off needs Calibrate…)"
            )
        half = force.size // 2
        trend = abs(float(force[half:].mean() - force[:half].mean()))
        if trend > TARE_MAX_TREND_N:
            raise CalibrationError(
                f"the reading is still changing ({with_unit(trend, 'N', 2)} within "
                f"{with_unit(TARE_WINDOW_S, 's', 0)}): wait a moment, then tare"
            )
        zero = float(np.nanmean(raw))
        tared = current.with_zero(zero)
        self.use_calibration(tared)
        event = StreamEvent(self.session_time(), EventKind.TARE, zero, "raw value at zero load")
        self._on_event(event)
        return tared

    def mark(self, label: str) -> StreamEvent:
        """A labelled marker now (a key, a foot pedal): an event for the recording."""
        return self.note(EventKind.MARKER, label)

    def note(self, kind: EventKind, label: str) -> StreamEvent:
        """An event of ``kind`` now, for whatever records this stream."""
        event = StreamEvent(self.session_time(), kind, 0.0, label)
        self._on_event(event)
        return event

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

    def _resolve(self, device: DeviceInfo | None) -> Calibration | None:
        """The stored calibration for this device if there is a usable one, else its own."""
        identity = (device.identity if device else "") or self._device_name
        self.calibration_note = ""
        if self.store is not None and device is not None and identity:
            try:
                record = self.store.current(identity)
                if record is not None:
                    record.check_device(identity, device.raw_unit)
                    return record.calibration()
            except CalibrationError as exc:
                self.calibration_note = f"stored calibration not used: {exc}"
        return calibration_for(device)

    def feed(self, block: np.ndarray) -> None:
        """Decoded samples as the reader would hand them over: a replay on the virtual clock
        (tests, benchmarks) goes through the same calibration, drift check and sinks."""
        self._on_block(block)

    def _on_block(self, block: np.ndarray) -> None:
        device = self.decoder.device_info
        with self._lock:
            if device != self._device:
                self._device, self._session = device, None
                self._stored = self._resolve(device)
            calibration, sinks = self._session or self._stored, self._sample_sinks
        out = np.empty(block.size, dtype=CALIBRATED_DTYPE)
        for name in SAMPLE_DTYPE.names or ():
            out[name] = block[name]
        out["force"] = calibration.apply(block["raw"]) if calibration else np.nan
        if calibration is not None:
            warning = self.drift.check(out["t"], out["force"])
            if warning:
                detail = f"the unloaded probe reads {signed(warning.zero_n, 2, 'N')}: re-tare"
                self._on_event(StreamEvent(warning.t, EventKind.DRIFT, warning.zero_n, detail))
        for sink in sinks:
            sink(out)

    def _on_event(self, event: StreamEvent) -> None:
        with self._lock:
            sinks = self._event_sinks
        for sink in sinks:
            sink(event)
