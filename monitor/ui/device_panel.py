"""Which device to read: the serial ports found, or the built-in simulator, and its protocol.

Emits ``chosen(port, protocol)``; the window does the switching. Locked while recording: a
recording belongs to one device.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from firmware_bridge.ports import PortInfo, serial_ports
from firmware_bridge.protocols import DESCRIPTIONS
from firmware_bridge.sim import SimulatorConfig

SIMULATOR_LABEL = "Built-in simulator"


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
        for name in sorted(DESCRIPTIONS, key=lambda name: (name != "auto", name)):
            self.protocol_box.addItem(name)
            self.protocol_box.setItemData(
                self.protocol_box.count() - 1, DESCRIPTIONS[name], Qt.ItemDataRole.ToolTipRole
            )
        self.protocol_box.setEditable(True)  # options too: ascii:column=1,unit=counts
        self.protocol_box.setToolTip(
            "What the device speaks: auto finds out; fgb1 is our firmware; options after a "
            "colon, e.g. ascii:column=1,unit=counts"
        )
        self.rescan_button = QPushButton("Rescan")
        self.rescan_button.setToolTip("Look for serial ports again (after plugging a device in)")
        self.rescan_button.clicked.connect(lambda: self.rescan(self.port))
        self.connect_button = QPushButton("Connect")
        self.connect_button.clicked.connect(self._connect)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (
            QLabel("Device"),
            self.port_box,
            self.protocol_box,
            self.rescan_button,
            self.connect_button,
        ):
            layout.addWidget(widget)
        self.rescan(port)
        self.protocol_box.setCurrentText(protocol)

    @property
    def port(self) -> str:
        """What the chosen entry opens: a port path, or the simulator's URL."""
        data = self.port_box.currentData()
        return data if data else SimulatorConfig().to_url()

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
        self.chosen.emit(self.port, protocol)

    def set_locked(self, locked: bool) -> None:
        for widget in (self.port_box, self.protocol_box, self.rescan_button, self.connect_button):
            widget.setEnabled(not locked)
        self.connect_button.setToolTip(
            "Stop recording to change device" if locked else "Read from the chosen device"
        )
