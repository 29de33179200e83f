"""The calibration dialog's loads through calibration.units, and its colours after a theme
change: words on a zone's fill in that theme's on-zone colour, nothing kept from the old one."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from test_calibration_gui import put as put_load

from calibration import CalibrationError
from monitor.ui import theme
from monitor.ui.calibration_dialog import CalibrationDialog, parse_loads

DARK, LIGHT = theme.THEMES["dark"], theme.THEMES["light"]
pytestmark = pytest.mark.usefixtures("themed_app")  # the dark theme, restored after


@pytest.fixture
def dialog(calibration_dialog: CalibrationDialog) -> CalibrationDialog:
    return calibration_dialog


def put(dialog: CalibrationDialog, load_n: float, seed: int) -> None:
    """Two more seconds of a still cell under ``load_n``, fed to the dialog."""
    put_load(dialog.buffer, load_n, seed)
    dialog._feed()


def verified(dialog: CalibrationDialog) -> None:
    """Zero, 10 N and 20 N, the straight line, then 15 N verified."""
    dialog.loads_edit.setText("10, 20")
    dialog.unit_box.setCurrentText("N")
    dialog.unloading_box.setChecked(False)
    dialog.verify_edit.setText("15")
    dialog.name_edit.setText("bench cell")
    dialog.start_button.click()
    put(dialog, 0.0, seed=0)
    dialog.confirm_zero.click()
    for seed, load in enumerate((0.0, 10.0, 20.0)):
        put(dialog, load, seed)
    dialog.accept_line.click()
    put(dialog, 15.0, seed=4)
    assert dialog.verdict.isVisible() and "PASS" in dialog.verdict.text()


@pytest.mark.parametrize(
    ("text", "unit", "newtons"),
    [
        ("1, 2, 5", "kg", [9.80665, 19.6133, 49.03325]),  # masses: standard gravity, exactly
        ("0.5; 10", "N", [0.5, 10.0]),
        ("", "kg", []),
    ],
)
def test_loads_are_converted_through_calibration_units(
    text: str, unit: str, newtons: list[float]
) -> None:
    assert parse_loads(text, unit) == pytest.approx(newtons, rel=1e-12)


def test_a_load_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(CalibrationError, match="numbers separated by commas"):
        parse_loads("1, two", "kg")


def test_the_verdict_is_written_in_the_on_zone_colour_of_the_theme_in_force(
    qapp: QApplication, dialog: CalibrationDialog
) -> None:
    verified(dialog)
    sheet = dialog.verdict.styleSheet()
    assert DARK.inside.name() in sheet and f"color: {DARK.on_zone.name()}" in sheet
    theme.apply_theme(qapp, "light")  # white words on the light theme's darker green
    sheet = dialog.verdict.styleSheet()
    assert LIGHT.inside.name() in sheet and f"color: {LIGHT.on_zone.name()}" in sheet
    assert DARK.inside.name() not in sheet


def test_the_message_and_the_residual_plot_follow_a_theme_change(
    qapp: QApplication, dialog: CalibrationDialog
) -> None:
    dialog.loads_edit.setText("one kilo")
    dialog.start_button.click()  # refused: said in the alert colour
    assert DARK.alert.name() in dialog.message.styleSheet()
    assert dialog.residual_plot.backgroundBrush().color() == DARK.surface
    theme.apply_theme(qapp, "light")
    assert LIGHT.alert.name() in dialog.message.styleSheet()
    assert "numbers separated by commas" in dialog.message.text()
    assert dialog.residual_plot.backgroundBrush().color() == LIGHT.surface
    assert dialog.residual_plot.getAxis("left").textPen().color() == LIGHT.muted
    dialog.loads_edit.setText("1, 2")
    dialog.start_button.click()  # accepted: the message is plain again, in muted
    assert LIGHT.muted.name() in dialog.message.styleSheet()
