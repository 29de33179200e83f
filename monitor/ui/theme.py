"""Colours and text for the zones: colour-blind safe (Okabe-Ito), and never colour alone."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from monitor.feedback import Zone


@dataclass(frozen=True)
class ZoneStyle:
    colour: QColor
    text: str  # says the same as the colour and the position


ZONE_STYLES = {
    Zone.UNDER: ZoneStyle(QColor("#56B4E9"), "▲ UNDER"),  # sky blue
    Zone.IN: ZoneStyle(QColor("#009E73"), "● IN BAND"),  # bluish green
    Zone.OVER: ZoneStyle(QColor("#D55E00"), "▼ OVER"),  # vermillion
}
NO_DATA = ZoneStyle(QColor("#808080"), "NO SIGNAL")
NO_BAND = ZoneStyle(QColor("#808080"), "NO BAND: SET PPT")  # a relative band lacks its PPT

BACKGROUND = QColor("#15181c")
SURFACE = QColor("#22272e")
FOREGROUND = QColor("#f0f0f0")
MUTED = QColor("#9aa4ae")
ALERT = QColor("#ff6b6b")


def style_for(zone: Zone | None, has_band: bool = True) -> ZoneStyle:
    if zone is not None:
        return ZONE_STYLES[zone]
    return NO_DATA if has_band else NO_BAND


def apply_dark_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, BACKGROUND),
        (QPalette.ColorRole.Base, SURFACE),
        (QPalette.ColorRole.AlternateBase, BACKGROUND),
        (QPalette.ColorRole.Button, SURFACE),
        (QPalette.ColorRole.WindowText, FOREGROUND),
        (QPalette.ColorRole.Text, FOREGROUND),
        (QPalette.ColorRole.ButtonText, FOREGROUND),
        (QPalette.ColorRole.ToolTipBase, SURFACE),
        (QPalette.ColorRole.ToolTipText, FOREGROUND),
        (QPalette.ColorRole.PlaceholderText, MUTED),
        (QPalette.ColorRole.Highlight, ZONE_STYLES[Zone.UNDER].colour),
        (QPalette.ColorRole.HighlightedText, BACKGROUND),
    ):
        palette.setColor(role, colour)
    app.setPalette(palette)
