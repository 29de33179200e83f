"""The device panel: ports found, the simulator offered, switching devices while live."""

from __future__ import annotations

import json
import os
from pathlib import Path

from conftest import PtyDevice, needs_pty, run_cli
from PySide6.QtCore import Qt

from firmware_bridge.ports import PortInfo, serial_ports
from firmware_bridge.sim import SimulatorConfig
from firmware_bridge.transport import open_port
from monitor.ui.device_panel import SIMULATOR_LABEL, DevicePanel

GAUGE = PortInfo("/dev/ttyUSB0", "FT232R USB UART", 0x0403, 0x6001)


def test_panel_lists_ports_usb_ids_and_the_simulator(qtbot) -> None:
    panel = DevicePanel("fgsim://", "fgb1", find_ports=lambda: [GAUGE])
    qtbot.addWidget(panel)
    items = [panel.port_box.itemText(i) for i in range(panel.port_box.count())]
    assert items == [SIMULATOR_LABEL, "/dev/ttyUSB0 (FT232R USB UART 0403:6001)"]
    assert panel.port.startswith("fgsim://")
    remembered = DevicePanel("/dev/ttyACM3", "ascii", find_ports=lambda: [GAUGE])
    qtbot.addWidget(remembered)
    assert remembered.port_box.currentText() == "/dev/ttyACM3 (not found)"
    assert remembered.protocol_box.currentText() == "ascii"


@needs_pty
def test_a_port_that_is_there_but_not_listed_is_not_called_missing(qtbot) -> None:
    controller, device = os.openpty()  # a pseudo-terminal: pyserial does not list them
    try:
        panel = DevicePanel(os.ttyname(device), "fgb1", find_ports=lambda: [GAUGE])
        qtbot.addWidget(panel)
        assert panel.port_box.currentText() == os.ttyname(device)
    finally:
        os.close(controller)
        os.close(device)


def test_the_simulator_offers_its_profiles_and_keeps_its_other_options(qtbot) -> None:
    demo = SimulatorConfig(rate_hz=500, profile="steady").to_url()
    panel = DevicePanel(demo, "fgb1", find_ports=lambda: [GAUGE])
    qtbot.addWidget(panel)
    panel.show()
    profiles = [panel.profile_box.itemText(i) for i in range(panel.profile_box.count())]
    assert profiles == ["therapy", "weights", "weights-on-demand", "ppt", "drift", "steady"]
    assert panel.profile_box.currentText() == "steady"
    assert panel.profile_box.isVisible() and not panel.protocol_box.isVisible()
    assert "looping" in panel.profile_box.itemData(1, Qt.ItemDataRole.ToolTipRole)
    panel.profile_box.setCurrentText("weights")
    with qtbot.waitSignal(panel.chosen) as chosen:
        panel.connect_button.click()
    port, protocol = chosen.args
    assert protocol == "fgb1"
    assert SimulatorConfig.from_url(port) == SimulatorConfig(rate_hz=500, profile="weights")
    assert not panel.next_weight_button.isVisible()  # the weights loop on their own
    panel.port_box.setCurrentIndex(1)  # the gauge: a protocol, no profile
    assert panel.protocol_box.isVisible() and not panel.profile_box.isVisible()
    panel.set_locked(True)
    assert not panel.profile_box.isEnabled()


def test_next_weight_steps_the_connected_simulator(qtbot) -> None:
    panel = DevicePanel("fgsim://", "fgb1", find_ports=lambda: [])
    qtbot.addWidget(panel)
    panel.show()
    panel.profile_box.setCurrentText("weights-on-demand")
    assert not panel.next_weight_button.isVisible()  # not connected to it yet
    with qtbot.waitSignal(panel.chosen) as chosen:
        panel.connect_button.click()
    assert panel.next_weight_button.isVisible() and panel.weight_on == "0\u202fkg on"
    port = open_port(chosen.args[0])  # what the window's reader opens
    try:
        panel.next_weight_button.click()
        assert panel.weight_on == "1\u202fkg on"
        panel.next_weight_button.click()
        assert panel.weight_on == "2\u202fkg on"
    finally:
        port.close()
    panel.next_weight_button.click()
    assert panel.weight_on == "no simulated device is open"


def test_listing_ports_on_this_machine_never_fails() -> None:
    ports = serial_ports()
    assert all(port.device for port in ports)


@needs_pty
def test_switching_to_a_serial_device_and_back(open_window, qtbot, pty_device) -> None:
    window = open_window("steady")  # the built-in simulator, 200 kPa
    assert window.simulated_tag.isVisible()
    sim = pty_device(protocol="ascii", rate_hz=200, profile="weights")
    panel = window.device_panel
    panel.rescan(sim.port)
    panel.protocol_box.setCurrentText("ascii")
    panel.connect_button.click()
    assert window.acquisition.port == sim.port
    qtbot.waitUntil(lambda: window.acquisition.status().samples > 50, timeout=5000)
    assert not window.simulated_tag.isVisible()
    assert window.windowTitle() == "Pressure Monitor"
    assert window._settings.last_port == sim.port and window._settings.protocol == "ascii"
    qtbot.waitUntil(lambda: "connected to " + sim.port in window.status_label.text())
    panel.port_box.setCurrentIndex(0)
    panel.connect_button.click()
    assert window.acquisition.port.startswith("fgsim://")
    assert window.simulated_tag.isVisible()
    assert window._settings.last_port == ""


def test_a_port_that_cannot_open_is_reported_and_the_app_goes_on(open_window, qtbot) -> None:
    window = open_window("steady")
    window.switch_device("/dev/no-such-gauge", "ascii")
    qtbot.waitUntil(lambda: "⚠" in window.status_label.text(), timeout=5000)
    assert "no-such-gauge" in window.status_label.text()
    window.switch_device(window.device_panel.port, "fgb1")  # the simulator again
    qtbot.waitUntil(lambda: window.acquisition.status().samples > 50, timeout=5000)


def test_the_device_cannot_change_while_recording(open_window, qtbot) -> None:
    window = open_window("steady")
    window.record_button.click()
    assert not window.device_panel.connect_button.isEnabled()
    port = window.acquisition.port
    window.switch_device("/dev/ttyUSB9", "ascii")
    assert window.acquisition.port == port
    window.record_button.click()
    assert window.device_panel.connect_button.isEnabled()


def test_usb_ids_give_hints_and_unknown_ones_none() -> None:
    assert "FTDI" in GAUGE.hint
    assert "Arduino" in PortInfo("/dev/ttyACM0", "Uno", 0x2341, 0x0043).hint
    assert "unverified" in PortInfo("/dev/ttyACM1", "", 0x0483, 0xA1AD).hint
    assert PortInfo("/dev/ttyS0", "n/a").hint == ""
    assert PortInfo("/dev/ttyUSB3", "", 0x1234, 0x5678).hint == ""


def test_ports_command_lists_what_this_machine_has() -> None:
    listed = run_cli("ports", "--json")
    assert listed.returncode == 0
    rows = json.loads(listed.stdout)
    assert [row["device"] for row in rows] == [port.device for port in serial_ports()]
    text = run_cli("ports")
    assert text.returncode == 0 and text.stdout.strip()


@needs_pty
def test_an_unplugged_gauge_shows_no_signal_until_it_returns(
    open_window, qtbot, tmp_path: Path
) -> None:
    """A therapist glancing at the screen must not see the last pressure as if it were
    now: the readout says NO SIGNAL, the status bar why, and all resumes on replugging."""
    window = open_window("steady")
    config = SimulatorConfig(protocol="mark10", profile="steady", unit="lbf")
    link = tmp_path / "ttyGAUGE"
    device = PtyDevice(config)
    link.symlink_to(device.port)
    window.switch_device(str(link), "mark10")
    try:  # 20 N on 1 cm² is 200 kPa: over the default 120-170 kPa band
        qtbot.waitUntil(lambda: window.readout.zone_label.text() == "▼ OVER", timeout=5000)
        device.unplug()
        link.unlink()
        qtbot.waitUntil(lambda: window.readout.zone_label.text() == "NO SIGNAL", timeout=5000)
        qtbot.waitUntil(
            lambda: "connection lost: waiting for" in window.status_label.text(),
            timeout=5000,
        )
        if os.environ.get("SCREENSHOT_DIR"):
            window.grab().save(os.path.join(os.environ["SCREENSHOT_DIR"], "unplugged.png"))
        device = PtyDevice(config)
        link.symlink_to(device.port)
        qtbot.waitUntil(lambda: window.readout.zone_label.text() == "▼ OVER", timeout=5000)
        assert window.acquisition.status().reconnections == 1
    finally:
        window.close()
        device.unplug()


@needs_pty
def test_auto_finds_a_gauge_from_the_panel(open_window, qtbot, pty_device) -> None:
    window = open_window("steady")
    sim = pty_device(protocol="imada", unit="kgf", profile="steady")
    panel = window.device_panel
    panel.rescan(sim.port)
    panel.protocol_box.setCurrentText("auto")
    panel.connect_button.click()
    qtbot.waitUntil(lambda: window.acquisition.status().samples > 20, timeout=10_000)
    info = window.acquisition.status().device_info
    assert info is not None and (info.protocol, info.raw_unit) == ("imada", "kgf")
    qtbot.waitUntil(lambda: window.readout.zone_label.text() == "▼ OVER", timeout=5000)
    qtbot.waitUntil(lambda: "(imada)" in window.status_label.text(), timeout=5000)
    assert window._settings.protocol == "auto"  # found out again next time


def test_a_mistyped_protocol_is_named_and_the_device_stays(open_window, qtbot) -> None:
    window = open_window("steady")
    before = window.acquisition
    window.switch_device("/dev/ttyUSB0", "mark10:colour=red")
    assert "mark10 has no option 'colour'" in window.message_line.warning_label.toolTip()
    assert window.acquisition is before and before.reader.is_alive()
