"""Edit one target's band and hold; saved for this user, or reset to the shipped default.

Nothing reaches the library before Save: Restore Defaults only fills in the shipped values,
so Cancel keeps the user's edit. Switching the band's basis says the same band in the new one
(kPa, N on this probe, or % of the client's PPT) or, without a PPT to convert with, clears
the numbers and says why: 120-170 kPa is never read as 120-170 %.
"""

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
from monitor.targets import BASES, BandError, BandSpec, Target, convert_band
from monitor.ui import theme


class TargetEditor(QDialog):
    def __init__(
        self,
        library: TargetLibrary,
        target: Target,
        parent: QWidget | None = None,
        ppt_kpa: float | None = None,
        probe_area_cm2: float = 1.0,
    ):
        super().__init__(parent)
        self.setWindowTitle(f"Target: {target.label}")
        self.library = library
        self.target = target
        self.ppt_kpa = ppt_kpa  # the client's PPT here, to convert a band to or from % of it
        self.probe_area_cm2 = probe_area_cm2  # to convert between kPa and N
        self._basis = target.band.basis  # what the numbers shown are in
        self.low_box = QDoubleSpinBox(maximum=5000.0, decimals=1)
        self.high_box = QDoubleSpinBox(maximum=5000.0, decimals=1)
        self.basis_box = QComboBox()
        self.basis_box.addItems(BASES)
        self.basis_box.setToolTip(
            "kPa and N are absolute; % PPT is a share of the client's PPT. Switching converts "
            "the numbers where it can (% needs the client's PPT)."
        )
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
        self.basis_box.currentTextChanged.connect(self._basis_changed)

    def _show(self, target: Target) -> None:
        self.basis_box.blockSignals(True)
        self.basis_box.setCurrentText(target.band.basis)
        self.basis_box.blockSignals(False)
        self._basis = target.band.basis
        self.low_box.setValue(target.band.low)
        self.high_box.setValue(target.band.high)
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

    def _basis_changed(self, basis: str) -> None:
        limits = (self.low_box.value(), self.high_box.value())
        converted = convert_band(limits, self._basis, basis, self.probe_area_cm2, self.ppt_kpa)
        self._basis = basis
        if converted is None:
            converted = (0.0, 0.0)
            self.problem_label.setText(
                "No PPT for this client here to convert with: enter the band in the new unit."
            )
        else:
            self.problem_label.setText(self.library.problem)
        self.low_box.setValue(converted[0])
        self.high_box.setValue(converted[1])

    def restore_default(self) -> None:
        """The shipped default in the fields; the library changes only on Save."""
        self._show(self.library.default(self.target.muscle, self.target.technique))
        self.problem_label.setText("The shipped default: Save to use it, Cancel to keep yours.")
