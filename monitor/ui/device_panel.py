"""Which device to read: the serial ports found and their protocol, or the built-in
simulator and what it simulates (its profile).

Emits ``chosen(port, protocol)``; the window does the switching. Locked while recording: a
recording belongs to one device. On the simulator's weights-on-demand profile, "Next weight"
places the next mass on it, for walking the calibration wizard at one's own pace.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from firmware_bridge.ports import PortInfo, serial_ports
from firmware_bridge.protocols import DESCRIPTIONS
from firmware_bridge.sim import (
    PROFILE_DESCRIPTIONS,
    SimulatorConfig,
    next_weight,
    steps_on_demand,
)
from monitor.numbers import as_given
from monitor.ui import theme

SIMULATOR_LABEL = "Built-in simulator"
#: The profiles offered, most useful first.
PROFILE_ORDER = ("therapy", "weights", "weights-on-demand", "ppt", "drift", "steady")


class DevicePanel(QWidget):
    chosen = Signal(str, str)  # port, protocol

    def __init__(
        self,
        port: str,
        protocol: str,
        find_ports: Callable[[], list[PortInfo]] = serial_ports,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._find_ports = find_ports
        self.port_box = QComboBox()
        self.port_box.setMinimumContentsLength(14)
        self.port_box.setToolTip("The serial port of the force gauge, or the built-in simulator")
        self.protocol_box = QComboBox()
        protocols = sorted(DESCRIPTIONS, key=lambda name: (name != "auto", name))
        _add_items(self.protocol_box, protocols, DESCRIPTIONS)
        self.protocol_box.setEditable(True)  # options too: ascii:column=1,unit=counts
        self.protocol_box.setToolTip(
            "What the device speaks: auto finds out; fgb1 is our firmware; options after a "
            "colon, e.g. ascii:column=1,unit=counts"
        )
        self.profile_box = QComboBox()
        _add_items(self.profile_box, PROFILE_ORDER, PROFILE_DESCRIPTIONS)
        self.profile_box.setToolTip("What the simulated device is put through")
        # As narrow as the protocol box it replaces: the row is full at 1280 pixels.
        self.profile_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.profile_box.setMinimumContentsLength(8)
        self.next_weight_button = QPushButton("Ne&xt")
        self._say_weight(_on_cell(0.0))
        self.next_weight_button.setAccessibleName("Next weight")
        self.next_weight_button.clicked.connect(self.next_weight)
        self.rescan_button = QPushButton("Rescan")
        self.rescan_button.setToolTip("Look for serial ports again (after plugging a device in)")
        self.rescan_button.clicked.connect(lambda: self.rescan(self.port))
        self.connect_button = QPushButton("Connect")
        self.connect_button.clicked.connect(self._connect)
        self.simulated_tag = QLabel("SIMULATED DEVICE")
        self.simulated_tag.setStyleSheet(
            f"color: {theme.ON_ZONE.name()}; background: {theme.SIMULATED.name()};"
            "font-weight: bold; padding: 3px 8px; border-radius: 4px;"
        )
        # Two rows: what the device is (and the simulator's Next) above the choice of device,
        # so the Next button does not widen a row that is full at 1280 pixels.
        tag_row = QHBoxLayout()
        tag_row.addStretch(1)
        tag_row.addWidget(self.next_weight_button)
        tag_row.addWidget(self.simulated_tag)
        choice_row = QHBoxLayout()
        for widget in (
            QLabel("Device"),
            self.port_box,
            self.protocol_box,
            self.profile_box,
            self.rescan_button,
            self.connect_button,
        ):
            choice_row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tag_row)
        layout.addLayout(choice_row)
        self._connected = port
        self._simulator = _simulator_config(port)
        self.profile_box.setCurrentText(self._simulator.profile)
        self.port_box.currentIndexChanged.connect(self._show_choices)
        self.rescan(port)
        self.protocol_box.setCurrentText(protocol)
        self._show_choices()

    @property
    def port(self) -> str:
        """What the chosen entry opens: a port path, or the simulator's URL (its other
        options, e.g. the rate ``--demo`` chose, kept)."""
        data = self.port_box.currentData()
        if data:
            return data
        profile = self.profile_box.currentText()
        return dataclasses.replace(self._simulator, profile=profile).to_url()

    def next_weight(self) -> None:
        masses = next_weight()
        self._say_weight(_on_cell(masses[-1]) if masses else "no simulated device is open")

    @property
    def weight_on(self) -> str:
        """What the simulated cell carries now (the button's tooltip: the row has no room)."""
        return self.next_weight_button.toolTip().rpartition(": ")[2]

    def _say_weight(self, text: str) -> None:
        self.next_weight_button.setToolTip(f"Place the next known mass on the simulator: {text}")

    def _show_choices(self) -> None:
        """The simulator has a profile, not a protocol; a serial port the other way round."""
        simulated = not self.port_box.currentData()
        self.protocol_box.setVisible(not simulated)
        self.profile_box.setVisible(simulated)
        on_demand = steps_on_demand(self._connected)
        self.next_weight_button.setVisible(on_demand)

    def rescan(self, current: str = "") -> None:
        self.port_box.clear()
        self.port_box.addItem(SIMULATOR_LABEL, "")
        for port in self._find_ports():
            self.port_box.addItem(port.label(), port.device)
        if current and not current.startswith("fgsim"):
            index = self.port_box.findData(current)
            if index < 0:  # not listed: a pseudo-terminal, a pyserial URL, or unplugged
                present = "://" in current or os.path.exists(current)
                self.port_box.addItem(current if present else f"{current} (not found)", current)
                index = self.port_box.count() - 1
            self.port_box.setCurrentIndex(index)

    def _connect(self) -> None:
        protocol = "fgb1" if not self.port_box.currentData() else self.protocol_box.currentText()
        self._connected = self.port
        self._say_weight(_on_cell(0.0))
        self._show_choices()
        self.chosen.emit(self.port, protocol)

    def set_locked(self, locked: bool) -> None:
        for widget in (
            self.port_box,
            self.protocol_box,
            self.profile_box,
            self.rescan_button,
            self.connect_button,
        ):
            widget.setEnabled(not locked)
        self.connect_button.setToolTip(
            "Stop recording to change device" if locked else "Read from the chosen device"
        )


def _simulator_config(port: str) -> SimulatorConfig:
    """The simulator's settings in ``port`` when it is the simulator, else the defaults."""
    try:
        return SimulatorConfig.from_url(port)
    except ValueError:
        return SimulatorConfig()


def _add_items(box: QComboBox, names: Iterable[str], tips: Mapping[str, str]) -> None:
    for name in names:
        box.addItem(name)
        box.setItemData(box.count() - 1, tips[name], Qt.ItemDataRole.ToolTipRole)


def _on_cell(kg: float) -> str:
    """The mass the simulated cell carries, as the simulator's weights are given."""
    return f"{as_given(kg, 'kg')} on"
