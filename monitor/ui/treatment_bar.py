"""Who and what is being treated: client, muscle, technique, side, and the client's PPT there.

Emits ``changed`` whenever the target in force changes (a new band, a new hold count, a new
recording segment). A PPT typed here is remembered for the client at that site and side.
``muscle``, ``technique``, ``side`` and ``summary`` say plainly what is treated, for a header
read from across the room.

The text fields (client, PPT) keep every key typed into them: none reaches the window's
treatment shortcuts (PgUp/PgDn, [ ], L/R...) while one is being edited. Esc or Enter leaves
the field, so that the keys act again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibration.units import Unit, unit_named
from monitor.clients import ClientStore, ClientStoreError
from monitor.numbers import UNIT_SPACE, as_given
from monitor.target_library import FIRST_TARGET, TargetLibrary
from monitor.targets import Target, band_text
from monitor.ui import theme
from monitor.ui.target_editor import TargetEditor

SIDES = ("—", "left", "right")
NOT_MEASURED = "not measured"
#: Keys a text field passes on to the window while it is edited: help, and Ctrl/Alt chords.
_PASSED_ON = {Qt.Key.Key_F1}
_CHORDS = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


class _FieldKeys(QObject):
    """Keeps a text field's keys in it (no single-key shortcut fires while it is edited), and
    leaves the field on Esc."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if event.key() not in _PASSED_ON and not event.modifiers() & _CHORDS:
                event.accept()  # the key goes to the field, not to a shortcut
                return True
        elif event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and isinstance(watched, QWidget):
                watched.clearFocus()
                return True
        return False


class TreatmentBar(QWidget):
    changed = Signal()
    message = Signal(str)  # a note for the user: done, or worth knowing
    warning = Signal(str)  # what the user asked for did not happen

    def __init__(
        self, library: TargetLibrary, clients: ClientStore, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.clients = clients
        self.unit = unit_named("kPa")  # what the band is also said in
        self.probe_area_cm2 = 1.0
        self.client_edit = QLineEdit(placeholderText="pseudonym", minimumWidth=130)
        self.client_edit.editingFinished.connect(self._load_threshold)
        self.client_edit.returnPressed.connect(self.client_edit.clearFocus)
        self.muscle_box = QComboBox()
        self.muscle_box.addItems(library.muscles)
        self.technique_box = QComboBox()
        self.side_box = QComboBox()
        self.side_box.addItems(SIDES)
        self.ppt_box = QDoubleSpinBox(
            minimum=0.0,
            maximum=3000.0,
            decimals=0,
            suffix=f"{UNIT_SPACE}kPa",
            specialValueText=NOT_MEASURED,
        )
        self.ppt_box.setToolTip(
            "The client's pressure-pain threshold here, the basis of a band in % of PPT. "
            "Remembered for the client at this site and side."
        )
        self.ppt_box.setKeyboardTracking(False)
        self.ppt_box.lineEdit().returnPressed.connect(self.ppt_box.clearFocus)
        self._field_keys = _FieldKeys(self)
        for field in (self.client_edit, self.ppt_box.lineEdit()):
            field.installEventFilter(self._field_keys)
        self.band_label = QLabel()
        self.edit_button = QPushButton("Edit target…")
        self.edit_button.setToolTip("Change this muscle's band and hold; saved for you")
        self.edit_button.clicked.connect(self.edit_target)
        # Row 1, what is treated; row 2, the band it gives and the threshold it may rest on.
        choices, band = QHBoxLayout(), QHBoxLayout()
        for row, widgets in (
            (
                choices,
                (
                    QLabel("Client"),
                    self.client_edit,
                    QLabel("Muscle"),
                    self.muscle_box,
                    self.technique_box,
                    QLabel("Side"),
                    self.side_box,
                ),
            ),
            (
                band,
                (QLabel("Band"), self.band_label, self.edit_button, QLabel("PPT"), self.ppt_box),
            ),
        ):
            for widget in widgets:
                row.addWidget(widget)
            row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(choices)
        layout.addLayout(band)
        for widget in (
            self.client_edit,
            self.muscle_box,
            self.technique_box,
            self.side_box,
            self.band_label,
        ):
            font = widget.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            widget.setFont(font)
        # Full names where there is room; squeezed (the name elided) on a 1280-pixel screen.
        for box, width in ((self.muscle_box, 150), (self.technique_box, 205)):
            box.setMinimumWidth(width)
        self._fill_techniques()
        self.choose(" — ".join(FIRST_TARGET))
        self.muscle_box.currentIndexChanged.connect(self._muscle_changed)
        self.technique_box.currentIndexChanged.connect(self._target_changed)
        self.side_box.currentIndexChanged.connect(self._load_threshold)
        self.ppt_box.valueChanged.connect(self._threshold_entered)
        theme.follow_theme(self, self._show_target)  # the band's colour, now and on a change

    # --- what is chosen -----------------------------------------------------------------

    @property
    def client(self) -> str:
        return self.client_edit.text().strip()

    @property
    def muscle(self) -> str:
        return self.muscle_box.currentText()

    @property
    def technique(self) -> str:
        return self.technique_box.currentText()

    @property
    def side(self) -> str:
        return self.side_box.currentText()

    @property
    def summary(self) -> str:
        """What is treated, in words: "Upper trapezius · left · ischemic compression"."""
        side = "" if self.side == SIDES[0] else f" · {self.side}"
        return f"{self.muscle}{side} · {self.technique}"

    @property
    def target(self) -> Target:
        return self.library.get(self.muscle_box.currentText(), self.technique_box.currentText())

    @property
    def ppt_kpa(self) -> float | None:
        value = self.ppt_box.value()
        return value if value > 0 else None

    def choose(self, label: str, side: str | None = None) -> bool:
        """Select a target by its label ("muscle — technique"); False when unknown."""
        muscle, _, technique = label.partition(" — ")
        if muscle not in self.library.muscles:
            return False
        self.muscle_box.setCurrentText(muscle)
        self._fill_techniques()
        if technique in self.library.techniques(muscle):
            self.technique_box.setCurrentText(technique)
        if side in SIDES:
            self.side_box.setCurrentText(side)
        return True

    def step(self, box: QComboBox, delta: int) -> None:
        """Next or previous item of a box (keyboard shortcuts), wrapping around."""
        box.setCurrentIndex((box.currentIndex() + delta) % box.count())

    # --- reactions ----------------------------------------------------------------------

    def _fill_techniques(self) -> None:
        previous = self.technique_box.currentText()
        self.technique_box.blockSignals(True)
        self.technique_box.clear()
        techniques = self.library.techniques(self.muscle_box.currentText())
        self.technique_box.addItems(techniques)
        if previous in techniques:
            self.technique_box.setCurrentText(previous)
        self.technique_box.blockSignals(False)

    def _muscle_changed(self) -> None:
        self._fill_techniques()
        self._load_threshold()

    def reload_threshold(self) -> None:
        """The client's thresholds changed elsewhere (the PPT tab): show the current one."""
        self._load_threshold()

    def _load_threshold(self) -> None:
        """The remembered PPT for this client, muscle and side (none for a new site)."""
        threshold = self.clients.threshold(self.client, self.muscle_box.currentText(), self.side)
        self.ppt_box.blockSignals(True)
        self.ppt_box.setValue(threshold.kpa if threshold else 0.0)
        self.ppt_box.blockSignals(False)
        self._target_changed()

    def _threshold_entered(self, value: float) -> None:
        if value > 0 and self.client:
            try:
                self.clients.set_threshold(
                    self.client, self.muscle_box.currentText(), self.side, value
                )
            except (ClientStoreError, OSError) as exc:
                self.warning.emit(f"PPT not remembered: {exc}")
        elif value > 0:
            self.message.emit("PPT used for now; enter the client's pseudonym to remember it")
        self._target_changed()

    def _target_changed(self) -> None:
        self._show_target()
        self.changed.emit()

    def _show_target(self) -> None:
        target = self.target
        band = band_text(target.band, self.unit, self.probe_area_cm2, self.ppt_kpa)
        if target.hold_s:
            band += f", hold {as_given(target.hold_s, 's')}"
        self.band_label.setText(band + (" (edited)" if target.edited else ""))
        colour = theme.foreground() if not target.band.relative or self.ppt_kpa else theme.alert()
        self.band_label.setStyleSheet(f"color: {colour.name()};")
        self.band_label.setToolTip(target.source)
        self.muscle_box.setToolTip(target.source)

    def set_unit(self, unit: Unit) -> None:
        """Say the band in ``unit`` too (a ``calibration.units`` unit)."""
        self.unit = unit
        self._show_target()

    def set_probe_area(self, area_cm2: float) -> None:
        """The probe in use: a band in N is another pressure on another probe."""
        self.probe_area_cm2 = area_cm2
        self._show_target()

    def edit_target(self) -> None:
        before = self.target
        TargetEditor(self.library, before, self, self.ppt_kpa, self.probe_area_cm2).exec()
        if self.target != before:  # saved, or restored to the default
            self._target_changed()

    def set_client_editable(self, editable: bool) -> None:
        """A recording belongs to one client: the name is fixed while it runs."""
        self.client_edit.setEnabled(editable)
