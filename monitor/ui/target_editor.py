"""Edit one target's band and hold; saved for this user, or reset to the shipped default."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from monitor.target_library import LibraryError, TargetLibrary
from monitor.targets import BASES, BandError, BandSpec, Target
from monitor.ui import theme


class TargetEditor(QDialog):
    def __init__(self, library: TargetLibrary, target: Target, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Target: {target.label}")
        self.library = library
        self.target = target
        self.low_box = QDoubleSpinBox(maximum=5000.0, decimals=1)
        self.high_box = QDoubleSpinBox(maximum=5000.0, decimals=1)
        self.basis_box = QComboBox()
        self.basis_box.addItems(BASES)
        self.basis_box.setToolTip("kPa and N are absolute; % PPT is a share of the client's PPT")
        self.hold_check = QCheckBox("hold to reach")
        self.hold_box = QDoubleSpinBox(minimum=1.0, maximum=600.0, decimals=0, suffix=" s")
        self.hold_check.toggled.connect(self.hold_box.setEnabled)
        self.source_label = QLabel(wordWrap=True)
        self.source_label.setStyleSheet(f"color: {theme.muted().name()};")
        self.problem_label = QLabel(library.problem, wordWrap=True)  # a damaged edits file
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setStyleSheet(f"color: {theme.alert().name()};")
        band_row = QHBoxLayout()
        for widget in (self.low_box, QLabel("to"), self.high_box, self.basis_box):
            band_row.addWidget(widget)
        hold_row = QHBoxLayout()
        hold_row.addWidget(self.hold_check)
        hold_row.addWidget(self.hold_box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        restore = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self.restore_default)
        form = QFormLayout(self)
        form.addRow("Band", band_row)
        form.addRow("Hold", hold_row)
        form.addRow("Source", self.source_label)
        form.addRow(self.problem_label)
        form.addRow(buttons)
        self.setMinimumWidth(560)
        self._show(target)

    def _show(self, target: Target) -> None:
        self.low_box.setValue(target.band.low)
        self.high_box.setValue(target.band.high)
        self.basis_box.setCurrentText(target.band.basis)
        self.hold_check.setChecked(target.hold_s is not None)
        self.hold_box.setEnabled(target.hold_s is not None)
        self.hold_box.setValue(target.hold_s or 60.0)
        self.source_label.setText(target.source)

    def band(self) -> BandSpec:
        return BandSpec(self.low_box.value(), self.high_box.value(), self.basis_box.currentText())

    def save(self) -> None:
        hold = self.hold_box.value() if self.hold_check.isChecked() else None
        try:
            self.target = self.library.edit(
                self.target.muscle, self.target.technique, self.band(), hold
            )
        except (BandError, LibraryError, OSError) as exc:
            self.problem_label.setText(f"Not saved: {exc}")
            return
        self.accept()

    def restore_default(self) -> None:
        try:
            self.target = self.library.reset(self.target.muscle, self.target.technique)
        except (LibraryError, OSError) as exc:
            self.problem_label.setText(f"Not reset: {exc}")
            return
        self._show(self.target)
        self.problem_label.setText("Restored the shipped default.")
