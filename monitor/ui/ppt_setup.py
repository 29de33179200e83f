"""The PPT protocol's settings and its Start button: what the examiner chooses before
measuring, read as ``PptPreferences`` (remembered across restarts) and as a ``PptProtocol``."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QWidget,
)

from monitor.numbers import UNIT_SPACE
from monitor.ppt.protocol import (
    ORDERS,
    RATE_PRESETS_KPA_S,
    SIDE_CHOICES,
    PptProtocol,
    rate_preset_named,
)
from monitor.ppt.results import MEAN_RULES
from monitor.settings import PptPreferences

CUSTOM = "custom"
#: Sites the list shows at once, beside the form's three rows.
SITE_ROWS_SHOWN = 5


class SiteList(QListWidget):
    """Checkable sites: Space or Enter checks the current one, even where the window uses
    Space as a shortcut (the list claims the key while it has the focus)."""

    TOGGLE_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Select)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in self.TOGGLE_KEYS:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        item = self.currentItem()
        if event.key() in self.TOGGLE_KEYS and item is not None:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


class PptSetup(QWidget):
    """The settings form; ``changed`` whenever a setting does (to remember them), and
    ``start_button`` for the tab to start a protocol."""

    changed = Signal()

    def __init__(self, muscles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site_list = SiteList()
        self.site_list.setMinimumWidth(190)
        # A long name is cut with "…" (its tooltip says it whole) rather than scrolled: a
        # scroll bar would take a row's height.
        self.site_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.site_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.site_list.setToolTip("Space or Enter checks the site under the cursor")
        for muscle in muscles:
            item = QListWidgetItem(muscle)
            item.setToolTip(muscle)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.site_list.addItem(item)
        self.site_list.setCurrentRow(0)
        # Whole rows only: a site cut in half at the list's foot cannot be read (the walk saw
        # "Sternocleidomastoid" halved at 1280x720); the scroll bar says there are more.
        rows = SITE_ROWS_SHOWN * self.site_list.sizeHintForRow(0)
        self.site_list.setFixedHeight(rows + 2 * self.site_list.frameWidth())
        self.sides_box = QComboBox()
        self.sides_box.addItems(SIDE_CHOICES)
        self.trials_box = QSpinBox(minimum=1, maximum=10, value=3)
        self.rate_box = QComboBox()
        self.rate_box.addItems([*RATE_PRESETS_KPA_S, CUSTOM])
        self.rate_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.rate_box.setMinimumContentsLength(14)  # the full name shows when it opens
        self.custom_rate = QDoubleSpinBox(
            minimum=1, maximum=500, value=50, suffix=f"{UNIT_SPACE}kPa/s"
        )
        self.rest_box = QSpinBox(minimum=0, maximum=600, value=30, suffix=f"{UNIT_SPACE}s rest")
        self.order_box = QComboBox()
        self.order_box.addItems(ORDERS)
        self.mean_box = QComboBox()
        for key, text in MEAN_RULES.items():
            self.mean_box.addItem(text, key)
        self.mean_box.setToolTip("Trials 2 and 3 (the first as a familiarisation) need 3 trials")
        self.sex_box = QComboBox()
        self.sex_box.addItems(["sex: not given", "female", "male"])
        self.sex_box.setToolTip("For the reference values, which are by sex")
        self.tolerance_box = QSpinBox(
            minimum=5, maximum=50, value=20, prefix="± ", suffix=f"{UNIT_SPACE}%"
        )
        self.tolerance_box.setToolTip("A trial ramped further than this from the target is flagged")
        self.safety_box = QSpinBox(minimum=50, maximum=3000, value=1000, suffix=f"{UNIT_SPACE}kPa")
        self.safety_box.setToolTip("A trial reaching this pressure stops, with an alarm tone")
        self.start_button = QPushButton("Start protocol")
        self.custom_rate.setEnabled(False)
        self.rate_box.currentTextChanged.connect(
            lambda name: self.custom_rate.setEnabled(name == CUSTOM)
        )
        self._lay_out()
        self._watch()

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)  # the tab's margins are the form's
        grid.addWidget(QLabel("Sites (Space checks)"), 0, 0)
        grid.addWidget(self.site_list, 1, 0, 3, 1)
        for column, cells in enumerate(
            (
                (
                    ("Sides", self.sides_box),
                    ("Trials per site", self.trials_box),
                    ("Site order", self.order_box),
                ),
                (
                    ("Ramp", self.rate_box),
                    ("Custom rate", self.custom_rate),
                    ("Between trials", self.rest_box),
                ),
                (("Threshold", self.mean_box), ("Reference", self.sex_box)),
                (("Rate tolerance", self.tolerance_box), ("Safety maximum", self.safety_box)),
            ),
        ):
            for row, (label, widget) in enumerate(cells, start=1):
                grid.addWidget(QLabel(label), row, 1 + 2 * column)
                grid.addWidget(widget, row, 2 + 2 * column)
        grid.addWidget(self.start_button, 1, 9, 3, 1)
        grid.setColumnStretch(10, 1)  # a wide window's room goes after the settings

    def _watch(self) -> None:
        self.site_list.itemChanged.connect(self.changed)
        for box in (self.sides_box, self.rate_box, self.order_box, self.mean_box):
            box.currentIndexChanged.connect(self.changed)
        for spin in (
            self.trials_box,
            self.custom_rate,
            self.rest_box,
            self.tolerance_box,
            self.safety_box,
        ):
            spin.valueChanged.connect(self.changed)

    def chosen_sites(self) -> tuple[str, ...]:
        return tuple(
            self.site_list.item(i).text()
            for i in range(self.site_list.count())
            if self.site_list.item(i).checkState() == Qt.CheckState.Checked
        )

    def mean_of(self) -> str:
        """Which trials make the threshold (a ``MEAN_RULES`` key)."""
        return self.mean_box.currentData()

    def show_mean_of(self, mean_of: str) -> None:
        self.mean_box.setCurrentIndex(max(0, self.mean_box.findData(mean_of)))

    def sex(self) -> str:
        """The sex the reference values are for; "" when not given."""
        return self.sex_box.currentText() if self.sex_box.currentIndex() > 0 else ""

    def preferences(self) -> PptPreferences:
        rate_name = self.rate_box.currentText()
        return PptPreferences(
            sites=self.chosen_sites(),
            sides=self.sides_box.currentText(),
            trials=self.trials_box.value(),
            rate_kpa_s=RATE_PRESETS_KPA_S.get(rate_name, self.custom_rate.value()),
            order=self.order_box.currentText(),
            rest_s=self.rest_box.value(),
            mean_of=self.mean_of(),
            tolerance_pct=self.tolerance_box.value(),
            safety_max_kpa=self.safety_box.value(),
        )

    def show_preferences(self, preferences: PptPreferences) -> None:
        for row in range(self.site_list.count()):
            item = self.site_list.item(row)
            chosen = item.text() in preferences.sites
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
        self.sides_box.setCurrentText(preferences.sides)
        self.trials_box.setValue(preferences.trials)
        preset = rate_preset_named(preferences.rate_kpa_s)  # 98.07 saved is Fischer's 98.0665
        self.rate_box.setCurrentText(preset or CUSTOM)
        if preset is None:
            self.custom_rate.setValue(preferences.rate_kpa_s)
        self.order_box.setCurrentText(preferences.order)
        self.rest_box.setValue(preferences.rest_s)
        self.show_mean_of(preferences.mean_of)
        self.tolerance_box.setValue(preferences.tolerance_pct)
        self.safety_box.setValue(preferences.safety_max_kpa)

    def protocol(self) -> PptProtocol:
        """The protocol these settings describe (a randomised order seeded now); raises
        ValueError when they make none (no site chosen)."""
        chosen = self.preferences()
        return PptProtocol(
            sites=chosen.sites,
            sides=SIDE_CHOICES[chosen.sides],
            trials_per_site=chosen.trials,
            rate_kpa_s=chosen.rate_kpa_s,
            interval_s=float(chosen.rest_s),
            order=chosen.order,
            seed=int(time.time()),
        )
