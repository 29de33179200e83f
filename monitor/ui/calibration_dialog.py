"""The calibration wizard's window: a view of ``CalibrationWizard`` fed from the live stream."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
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

from calibration import CalibrationError, CalibrationStore
from monitor.acquisition import Acquisition
from monitor.calibration_wizard import CalibrationWizard, Step
from monitor.feedback import Zone
from monitor.live_buffer import LiveBuffer
from monitor.ui import theme

FEED_INTERVAL_MS = 100
UNITS_TO_N = {"kg": 9.80665, "N": 1.0}


def parse_loads(text: str, unit: str) -> list[float]:
    """'1, 2, 5' in kg -> newtons; CalibrationError on anything that is not a load."""
    try:
        values = [float(part) for part in text.replace(";", ",").split(",") if part.strip()]
    except ValueError:
        raise CalibrationError(f"loads must be numbers separated by commas, not {text!r}") from None
    return [value * UNITS_TO_N[unit] for value in values]


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
        self.unit_box.addItems(list(UNITS_TO_N))
        self.unloading_box = QCheckBox("also take readings while unloading (hysteresis)")
        self.unloading_box.setChecked(True)
        self.verify_edit = QLineEdit("2")
        self.name_edit = QLineEdit(acquisition.identity)
        self.name_edit.setPlaceholderText("a name for this sensor (it reports no serial number)")
        self.name_edit.setEnabled(not acquisition.identity)
        self.start_button = QPushButton("Start")
        self.start_button.clicked.connect(self.start)

        self.instruction = QLabel("Enter the known loads you have, then Start.")
        self.instruction.setWordWrap(True)
        font = self.instruction.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.instruction.setFont(font)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.points_table = QTableWidget(0, 3)
        self.points_table.setHorizontalHeaderLabels(["load (N)", "reading (raw)", "direction"])
        self.points_table.horizontalHeader().setStretchLastSection(True)
        self.verdict = QLabel("")
        verdict_font = self.verdict.font()
        verdict_font.setPointSizeF(verdict_font.pointSizeF() * 1.8)
        verdict_font.setBold(True)
        self.verdict.setFont(verdict_font)
        self.verdict.setVisible(False)
        self.residual_plot = pg.PlotWidget(background=theme.surface())
        self.residual_plot.setLabel("bottom", "load (N)")
        self.residual_plot.setLabel("left", "residual", units="N")
        self.residual_plot.addLine(y=0, pen=pg.mkPen(theme.muted()))
        self.fit_summary = QLabel("")
        self.accept_line = QPushButton("Use the straight line")
        self.accept_line.clicked.connect(lambda: self.accept_fit(second_order=False))
        self.accept_curve = QPushButton("Use the second-order fit")
        self.accept_curve.clicked.connect(lambda: self.accept_fit(second_order=True))
        self.save_button = QPushButton("Save calibration")
        self.save_button.clicked.connect(self.save)
        self.setLayout(self._layout())
        self._refresh()
        self.resize(900, 720)

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
        for button in (self.start_button, self.accept_line, self.accept_curve, self.save_button):
            buttons.addWidget(button)
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
            )
        except CalibrationError as exc:
            self._say(str(exc), alert=True)
            return
        self._say("")
        self.timer.start()
        self._refresh()

    def accept_fit(self, second_order: bool) -> None:
        assert self.wizard is not None
        try:
            self.wizard.accept_fit(second_order)
        except CalibrationError as exc:
            self._say(str(exc), alert=True)
        if self.wizard.step is Step.VERIFY:
            self.timer.start()  # capture the verification load
        self._refresh()

    def save(self) -> None:
        assert self.wizard is not None
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
        self._say(f"Saved to {path}; in use from now on.")
        self.accept()

    # --- display ------------------------------------------------------------------------

    def _feed(self) -> None:
        assert self.wizard is not None
        if self.wizard.feed(self.buffer.columns(1.0, ("raw",))["raw"]):
            self._refresh()
        if self.wizard.step in (Step.FIT, Step.DONE):
            self.timer.stop()

    def _refresh(self) -> None:
        wizard = self.wizard
        step = wizard.step if wizard else None
        for widget in (self.loads_edit, self.unit_box, self.unloading_box, self.verify_edit):
            widget.setEnabled(wizard is None)
        self.start_button.setVisible(wizard is None)
        self.accept_line.setVisible(step is Step.FIT)
        offered = bool(wizard and wizard.report and wizard.report.quadratic is not None)
        self.accept_curve.setVisible(step is Step.FIT and offered)
        self.save_button.setVisible(step is Step.DONE)
        if wizard is None:
            return
        self.instruction.setText(wizard.instruction())
        self.points_table.setRowCount(len(wizard.points))
        for row, point in enumerate(wizard.points):
            direction = "unloading" if point.unloading else ("zero" if row == 0 else "loading")
            for column, text in enumerate((f"{point.load_n:.3f}", f"{point.raw:.1f}", direction)):
                self.points_table.setItem(row, column, QTableWidgetItem(text))
        if wizard.report is not None:
            self._show_fit()
        if wizard.verification is not None:
            result = wizard.verification
            verdict = "✓ PASS" if result.passed else "✗ FAIL"
            colour = theme.ZONE_STYLES[Zone.IN if result.passed else Zone.OVER].colour
            self.verdict.setText(
                f"Verification {verdict}: {result.known_n:.2f} N reads {result.measured_n:.2f} N "
                f"({result.error_pct:+.2f} %, tolerance ±{result.tolerance_n:.2f} N)"
            )
            self.verdict.setStyleSheet(
                f"background: {colour.name()}; color: {theme.ON_ZONE.name()};"
                "padding: 6px; border-radius: 6px;"
            )
            self.verdict.setVisible(True)

    def _show_fit(self) -> None:
        report = self.wizard.report
        loads = np.array([p.load_n for p in self.wizard.points])
        self.residual_plot.clear()
        self.residual_plot.addLine(y=0, pen=pg.mkPen(theme.muted()))
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
            f"{report.hysteresis_pct_fs:.3f} % FS" if report.hysteresis_pct_fs is not None else "—"
        )
        text = (
            f"Sensitivity {1 / report.linear.gain_n_per_unit:.2f} raw/N · zero "
            f"{report.linear.offset:.1f} · linearity {report.linearity_pct_fs:.3f} % FS · "
            f"hysteresis {hysteresis} · full scale {report.full_scale_n:.1f} N"
        )
        if report.quadratic is not None:
            text += f" · second order: {report.quadratic_linearity_pct_fs:.3f} % FS"
        self.fit_summary.setText(text)

    def _say(self, text: str, alert: bool = False) -> None:
        self.message.setText(text)
        colour = theme.alert() if alert else theme.muted()
        self.message.setStyleSheet(f"color: {colour.name()};")

    def done(self, result: int) -> None:
        self.timer.stop()
        super().done(result)
