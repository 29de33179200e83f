"""A banner across the top of the window for what must not be missed (``monitor.alerts``):
shown while it lasts, on every tab, and gone when it is over."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from monitor.alerts import Alert
from monitor.ui import theme


class AlertBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # paths and device text, never markup
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._alerts: tuple[Alert, ...] = ()
        self.hide()

    def show_alerts(self, alerts: tuple[Alert, ...]) -> None:
        if alerts == self._alerts:
            return
        self._alerts = alerts
        self.setVisible(bool(alerts))
        if not alerts:
            return
        urgent = any(alert.data_at_risk for alert in alerts)
        colour = theme.DATA_AT_RISK if urgent else theme.WARNING
        self.setText("\n".join(f"⚠ {alert.text}" for alert in alerts))
        self.setStyleSheet(
            f"background: {colour.name()}; color: {theme.ON_ZONE.name()};"
            "font-weight: bold; padding: 6px; border-radius: 4px;"
        )
