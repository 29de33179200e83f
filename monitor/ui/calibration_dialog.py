"""The calibration wizard's window: a view of ``CalibrationWizard`` fed from the live stream."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calibration import CalibrationError, CalibrationStore, convert, unit_named
from firmware_bridge.sim import next_weight, steps_on_demand
from monitor.acquisition import Acquisition
from monitor.calibration_wizard import CalibrationWizard, Status, Step
from monitor.feedback import Zone
from monitor.live_buffer import LiveBuffer
from monitor.numbers import NO_VALUE, as_given, number, percent, signed, with_unit
from monitor.ui import theme

FEED_INTERVAL_MS = 100
#: What the known loads are entered in: masses in kg (each weighs that many kgf) or newtons.
LOAD_UNITS = {"kg": unit_named("kgf"), "N": unit_named("N")}


def parse_loads(text: str, unit: str) -> list[float]:
    """'1, 2, 5' in ``unit`` (a LOAD_UNITS name) -> newtons; CalibrationError on anything
    that is not a load."""
    try:
        values = [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise CalibrationError(f"loads must be numbers separated by commas, not {text!r}") from None
    newtons: list[float] = convert(values, LOAD_UNITS[unit], unit_named("N")).tolist()
    return newtons


def _bold_label(text: str, scale: float) -> QLabel:
    """A label in bold at ``scale`` times the usual size: read from a step away."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


class CalibrationDialog(QDialog):
    def __init__(
        self,
        acquisition: Acquisition,
        buffer: LiveBuffer,
        store: CalibrationStore,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calibrate the sensor")
        self.acquisition, self.buffer, self.store = acquisition, buffer, store
        self.wizard: CalibrationWizard | None = None
        self.timer = QTimer(self, interval=FEED_INTERVAL_MS, timeout=self._feed)

        self.loads_edit = QLineEdit("1, 2, 5")
        self.unit_box = QComboBox()
        self.unit_box.addItems(list(LOAD_UNITS))
        self.unloading_box = QCheckBox("also take readings while unloading (hysteresis)")
        self.unloading_box.setChecked(True)
        self.verify_edit = QLineEdit("2")
        self.verify_edit.setPlaceholderText("blank: no verification")
        self.name_edit = QLineEdit(acquisition.identity)
        self.name_edit.setPlaceholderText("a name for this sensor (it reports no serial number)")
        self.name_edit.setEnabled(not acquisition.identity)
        self.start_button = QPushButton("S&tart")
        self.start_button.clicked.connect(self.start)

        self.instruction = _bold_label("Enter the known loads you have, then Start.", 1.6)
        self.instruction.setWordWrap(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.points_table = QTableWidget(0, 3)
        self.points_table.setHorizontalHeaderLabels(["load (N)", "reading (raw)", "direction"])
        self.points_table.horizontalHeader().setStretchLastSection(True)
        self.verdict = _bold_label("", 1.8)
        self.verdict.setVisible(False)
        self.residual_plot = pg.PlotWidget()  # its colours: _restyle
        self.residual_plot.setLabel("bottom", "load (N)")
        self.residual_plot.setLabel("left", "residual", units="N")
        self.residual_plot.addLine(y=0, pen=pg.mkPen(theme.muted()))
        self.fit_summary = QLabel("")
        self.fit_summary.setWordWrap(True)
        self.saved_summary = QLabel("")
        self.saved_summary.setWordWrap(True)
        self.saved_summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.saved_summary.setVisible(False)
        self._make_buttons()
        self.saved_to: Path | None = None
        self._shown_status: Status | None = None
        self._alert = False  # the message is a refusal (in the alert colour)
        self.setLayout(self._layout())
        self._refresh()
        self.resize(900, 640)
        theme.follow_theme(self, self._restyle)

    def _make_buttons(self) -> None:
        self.confirm_zero = self._button(
            "&Nothing is on it: zero now",
            lambda: self._act(lambda wizard: wizard.confirm()),
            "Take the next still reading without the check the calibration in force makes "
            "(there is none, or it is far off)",
        )
        self.accept_line = self._button(
            "Use the straight &line", lambda: self.accept_fit(second_order=False)
        )
        self.accept_curve = self._button(
            "Use the second-order &fit", lambda: self.accept_fit(second_order=True)
        )
        self.skip_verify = self._button(
            "S&kip verification",
            lambda: self._act(lambda wizard: wizard.skip_verification()),
            "Save without verifying: the result says it was not verified",
        )
        self.save_button = self._button("&Save calibration", self.save)
        self.back_button = self._button(
            "&Back", lambda: self._act(lambda wizard: wizard.back()), "One step back"
        )
        self.retake_button = self._button("&Retake", lambda: self._act(lambda w: w.retake()))
        self.restart_button = self._button(
            "Res&tart", self.restart, "Discard every reading and start again from the loads"
        )
        self.close_button = self._button("Cancel", self.close_dialog, "Close without saving")
        # The panel's control is behind this modal dialog: the same one here.
        self.next_weight = self._button(
            "Ne&xt weight (simulator)",
            self._next_weight,
            "Place the next known mass on the simulated cell",
        )

    def _button(self, text: str, action: Callable[[], None], tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(action)
        button.setToolTip(tip)
        return button

    def _layout(self) -> QVBoxLayout:
        form = QFormLayout()
        loads = QHBoxLayout()
        loads.addWidget(self.loads_edit)
        loads.addWidget(self.unit_box)
        form.addRow("Known loads", loads)
        form.addRow("", self.unloading_box)
        form.addRow("Verification load", self.verify_edit)
        form.addRow("Sensor", self.name_edit)
        buttons = QHBoxLayout()
        for button in (
            self.start_button,
            self.confirm_zero,
            self.accept_line,
            self.accept_curve,
            self.skip_verify,
            self.save_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.next_weight, self.back_button, self.retake_button, self.restart_button):
            buttons.addWidget(button)
        buttons.addWidget(self.close_button)
        column = QVBoxLayout()
        column.addLayout(form)
        column.addWidget(self.instruction)
        column.addWidget(self.verdict)
        column.addWidget(self.message)
        results = QHBoxLayout()
        results.addWidget(self.points_table, 2)
        results.addWidget(self.residual_plot, 3)
        column.addLayout(results, 1)
        column.addWidget(self.fit_summary)
        column.addWidget(self.saved_summary)
        column.addLayout(buttons)
        return column

    # --- actions ------------------------------------------------------------------------

    def start(self) -> None:
        unit = self.unit_box.currentText()
        device = self.acquisition.decoder.device_info
        try:
            verify = parse_loads(self.verify_edit.text(), unit)
            self.wizard = CalibrationWizard(
                parse_loads(self.loads_edit.text(), unit),
                self.acquisition.identity or self.name_edit.text().strip(),
                device.raw_unit if device else "N",
                with_unloading=self.unloading_box.isChecked(),
                verify_n=verify[0] if verify else None,
                reference=self.acquisition.calibration,
            )
        except CalibrationError as exc:
            self._say(str(exc), alert=True)
            return
        self._say("")
        self._refresh()

    def restart(self) -> None:
        """Back to the loads, every reading discarded (the loads may be changed)."""
        self.wizard = None
        self._say("")
        self._refresh()

    def accept_fit(self, second_order: bool) -> None:
        self._act(lambda wizard: wizard.accept_fit(second_order))

    def save(self) -> None:
        if self.wizard is None:
            return
        name = self.acquisition.identity or self.name_edit.text().strip()
        self.wizard.identity = name
        try:
            record = self.wizard.record()
            path = self.store.save(record)
        except CalibrationError as exc:
            self._say(str(exc), alert=True)
            return
        if not self.acquisition.identity:
            self.acquisition.name_device(name)
        self.acquisition.use_calibration(record.calibration(), announce=True)
        self.saved_to = path
        self._say("")
        self._refresh()

    def _next_weight(self) -> None:
        masses = next_weight()
        if masses:
            self._say(f"Simulator: {as_given(masses[-1], 'kg')} now on the cell.")

    def close_dialog(self) -> None:
        self.done(QDialog.DialogCode.Accepted if self.saved_to else QDialog.DialogCode.Rejected)

    def _act(self, action: Callable[[CalibrationWizard], object]) -> None:
        """Run a user's action on the wizard; what it refuses is said, nothing raised."""
        if self.wizard is None:
            return
        try:
            action(self.wizard)
        except CalibrationError as exc:
            self._say(str(exc), alert=True)
        else:
            self._say("")
        self._refresh()

    # --- display ------------------------------------------------------------------------

    def _feed(self) -> None:
        wizard = self.wizard
        if wizard is None:
            return
        captured = wizard.feed(self.buffer.columns(1.0, ("raw",))["raw"])
        if captured:
            self._refresh()
        elif wizard.status != self._shown_status:
            self._show_status()

    def _show_status(self) -> None:
        if self.wizard is not None and self.wizard.status != self._shown_status:
            self._shown_status = self.wizard.status
            self._say(self.wizard.status.text, alert=self.wizard.status.refused)

    def _refresh(self) -> None:
        wizard = self.wizard
        step = wizard.step if wizard else None
        saved = self.saved_to is not None
        for widget in (self.loads_edit, self.unit_box, self.unloading_box, self.verify_edit):
            widget.setEnabled(wizard is None)
        self.name_edit.setEnabled(not self.acquisition.identity and not saved)
        self.start_button.setVisible(wizard is None)
        vouch = wizard.confirm_label() if wizard and not saved else ""
        self.confirm_zero.setVisible(bool(vouch))
        self.confirm_zero.setText(f"&{vouch}")
        fitted = bool(wizard and wizard.report)
        self.accept_line.setVisible(step is Step.FIT and fitted)
        offered = bool(wizard and wizard.report and wizard.report.quadratic is not None)
        self.accept_curve.setVisible(step is Step.FIT and offered)
        self.skip_verify.setVisible(step is Step.VERIFY)
        self.save_button.setVisible(step is Step.DONE and not saved)
        self.back_button.setVisible(wizard is not None and not saved)
        self.back_button.setEnabled(step is not Step.TARE)
        self.retake_button.setVisible(wizard is not None and not saved)
        self.retake_button.setEnabled(bool(wizard and wizard.can_retake))
        label = wizard.retake_label() if wizard else ""
        self.retake_button.setText(f"&Retake {label}" if label else "&Retake")
        self.restart_button.setVisible(wizard is not None and not saved)
        self.next_weight.setVisible(steps_on_demand(self.acquisition.port) and not saved)
        self.close_button.setText("&Close" if saved else "Cancel")
        self.close_button.setToolTip("" if saved else "Close without saving")
        running = step in (Step.TARE, Step.LOADS, Step.VERIFY) and not saved
        if running and not self.timer.isActive():
            self.timer.start()
        elif not running:
            self.timer.stop()
        self._show_readings()
        self._show_result()
        if wizard is None:
            self.instruction.setText("Enter the known loads you have, then Start.")
            return
        self.instruction.setText(
            "Saved: this calibration is in use from now on." if saved else wizard.instruction()
        )
        self._show_status()

    def _show_readings(self) -> None:
        wizard = self.wizard
        points = wizard.points if wizard else []
        self.points_table.setRowCount(len(points))
        for row, point in enumerate(points):
            direction = "unloading" if point.unloading else ("zero" if row == 0 else "loading")
            for column, text in enumerate(
                (number(point.load_n, 3), number(point.raw, 1), direction)
            ):
                self.points_table.setItem(row, column, QTableWidgetItem(text))
        self.residual_plot.clear()
        self.residual_plot.addLine(y=0, pen=pg.mkPen(theme.muted()))
        self.fit_summary.setText("")
        if wizard is not None and wizard.report is not None:
            self._show_fit()
        result = wizard.verification if wizard else None
        self.verdict.setVisible(result is not None)
        if result is not None:
            verdict = "✓ PASS" if result.passed else "✗ FAIL"
            colour = theme.ZONE_STYLES[Zone.IN if result.passed else Zone.OVER].colour
            self.verdict.setText(
                f"Verification {verdict}: {with_unit(result.known_n, 'N', 2)} reads "
                f"{with_unit(result.measured_n, 'N', 2)} ({signed(result.error_pct, 2, '%')}, "
                f"tolerance ±{with_unit(result.tolerance_n, 'N', 2)})"
            )
            self.verdict.setStyleSheet(
                f"background: {colour.name()}; color: {theme.on_zone().name()};"
                "padding: 6px; border-radius: 6px;"
            )

    def _show_result(self) -> None:
        """What was saved and where, kept on screen until the dialog is closed."""
        self.saved_summary.setVisible(self.saved_to is not None and self.wizard is not None)
        if self.saved_to is not None and self.wizard is not None:
            lines = [*self.wizard.summary(), f"Saved to {self.saved_to}"]
            self.saved_summary.setText("\n".join(lines))

    def _show_fit(self) -> None:
        report = self.wizard.report
        loads = np.array([p.load_n for p in self.wizard.points])
        for residuals, colour, name in (
            (report.residuals_n, theme.ZONE_STYLES[Zone.UNDER].colour, "straight line"),
            (report.quadratic_residuals_n, theme.ZONE_STYLES[Zone.OVER].colour, "second order"),
        ):
            if residuals is not None:
                self.residual_plot.plot(
                    loads, residuals, pen=None, symbol="o", symbolSize=11, name=name,
                    symbolBrush=pg.mkBrush(colour),
                )  # fmt: skip
        hysteresis = (
            f"{percent(report.hysteresis_pct_fs, 3)} FS"
            if report.hysteresis_pct_fs is not None
            else NO_VALUE
        )
        text = (
            f"Sensitivity {with_unit(1 / report.linear.gain_n_per_unit, 'raw/N', 2)} · zero "
            f"{number(report.linear.offset, 1)} · linearity "
            f"{percent(report.linearity_pct_fs, 3)} FS · hysteresis {hysteresis} · full scale "
            f"{with_unit(report.full_scale_n, 'N', 1)}"
        )
        if report.quadratic is not None and report.quadratic_linearity_pct_fs is not None:
            text += f" · second order: {percent(report.quadratic_linearity_pct_fs, 3)} FS"
        self.fit_summary.setText(text)

    def _say(self, text: str, alert: bool = False) -> None:
        self.message.setText(text)
        self._alert = alert
        self._colour_message()

    def _colour_message(self) -> None:
        colour = theme.alert() if self._alert else theme.muted()
        self.message.setStyleSheet(f"color: {colour.name()};")

    def _restyle(self) -> None:
        """The colours baked into the plot and the style sheets, from the theme in force."""
        self.residual_plot.setBackground(theme.surface())
        for name in ("left", "bottom"):
            axis = self.residual_plot.getAxis(name)
            axis.setPen(pg.mkPen(theme.muted()))
            axis.setTextPen(pg.mkPen(theme.muted()))
        self._colour_message()
        self._show_readings()  # the zero line, the residuals and the verdict

    def done(self, result: int) -> None:
        self.timer.stop()
        super().done(result)
