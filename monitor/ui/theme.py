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

#: Text on a zone-coloured fill (banner, reached bar): dark on every zone colour, in both themes.
ON_ZONE = QColor("#15181c")
SIMULATED = QColor("#E69F00")  # orange: "this is not a real device"
#: Banners, with ON_ZONE text (5.2:1 and 8.3:1): samples at risk, and other warnings.
DATA_AT_RISK = QColor("#D55E00")
WARNING = QColor("#E69F00")


@dataclass(frozen=True)
class Colours:
    background: QColor
    surface: QColor
    foreground: QColor
    muted: QColor
    alert: QColor


THEMES = {
    "dark": Colours(
        QColor("#15181c"),
        QColor("#22272e"),
        QColor("#f0f0f0"),
        QColor("#9aa4ae"),
        QColor("#ff6b6b"),
    ),
    # For bright rooms: dark text on white, the same zone colours, a darker red.
    "light": Colours(
        QColor("#fbfbfb"),
        QColor("#e8ebee"),
        QColor("#15181c"),
        QColor("#55606a"),
        QColor("#c62828"),
    ),
}
DEFAULT_THEME = "dark"

# The theme in force lives in the application's palette (Qt's own per-app state): these read
# it back, so widgets need no theme object handed around.
_ALERT_ROLE = QPalette.ColorRole.BrightText


def _role(role: QPalette.ColorRole) -> QColor:
    return QApplication.palette().color(role)


def background() -> QColor:
    return _role(QPalette.ColorRole.Window)


def surface() -> QColor:
    return _role(QPalette.ColorRole.Base)


def foreground() -> QColor:
    return _role(QPalette.ColorRole.WindowText)


def muted() -> QColor:
    return _role(QPalette.ColorRole.PlaceholderText)


def alert() -> QColor:
    return _role(_ALERT_ROLE)


def style_for(zone: Zone | None, has_band: bool = True) -> ZoneStyle:
    if zone is not None:
        return ZONE_STYLES[zone]
    return NO_DATA if has_band else NO_BAND


def apply_theme(app: QApplication, name: str = DEFAULT_THEME) -> None:
    """Set the application's palette from a theme (before the windows are made)."""
    colours = THEMES.get(name, THEMES[DEFAULT_THEME])
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, colours.background),
        (QPalette.ColorRole.Base, colours.surface),
        (QPalette.ColorRole.AlternateBase, colours.background),
        (QPalette.ColorRole.Button, colours.surface),
        (QPalette.ColorRole.WindowText, colours.foreground),
        (QPalette.ColorRole.Text, colours.foreground),
        (QPalette.ColorRole.ButtonText, colours.foreground),
        (QPalette.ColorRole.ToolTipBase, colours.surface),
        (QPalette.ColorRole.ToolTipText, colours.foreground),
        (QPalette.ColorRole.PlaceholderText, colours.muted),
        (QPalette.ColorRole.Highlight, ZONE_STYLES[Zone.UNDER].colour),
        (QPalette.ColorRole.HighlightedText, ON_ZONE),
        (_ALERT_ROLE, colours.alert),
    ):
        palette.setColor(role, colour)
    app.setPalette(palette)
