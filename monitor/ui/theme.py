"""Colours and text for the zones: colour-blind safe, readable in both themes, never colour alone.

The dark theme uses the Okabe-Ito colours. On the light theme's near-white they fail WCAG AA
(sky blue #56B4E9 is 2.2:1), so it has darker variants, chosen to stay at least as far apart
under simulated protanopia, deuteranopia and tritanopia as the Okabe-Ito ones are
(tests/test_theme.py computes every contrast the widgets draw, in both themes).

A theme change applies at once. ``apply_theme(app, name)`` sets the application's palette and
this module's zone colours, then tells every widget that follows the theme:

- a widget that paints (``paintEvent``) reads its colours here at paint time, and caches
  nothing drawn in them without ``theme_name()`` in the cache's key: the new palette repaints it;
- a widget that keeps colours in objects (a style sheet, a pyqtgraph pen or brush) calls
  ``follow_theme(self, self._restyle)`` once: ``_restyle`` runs now and after every change.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from monitor.feedback import Zone


@dataclass(frozen=True)
class ZoneStyle:
    colour: QColor
    text: str  # says the same as the colour and the position


@dataclass(frozen=True)
class Colours:
    background: QColor
    surface: QColor
    foreground: QColor
    muted: QColor
    alert: QColor
    under: QColor  # the zones: lines and words on the background, fills under ``on_zone``
    inside: QColor
    over: QColor
    no_signal: QColor  # no data, or no band: the same places, in grey
    on_zone: QColor  # words on a zone's (or no_signal's) fill
    side: QColor  # a side change on the trace, apart from every zone

    def zone(self, zone: Zone) -> QColor:
        return {Zone.UNDER: self.under, Zone.IN: self.inside, Zone.OVER: self.over}[zone]


THEMES = {
    "dark": Colours(
        background=QColor("#15181c"),
        surface=QColor("#22272e"),
        foreground=QColor("#f0f0f0"),
        muted=QColor("#9aa4ae"),
        alert=QColor("#ff6b6b"),
        under=QColor("#56B4E9"),  # Okabe-Ito sky blue
        inside=QColor("#009E73"),  # bluish green
        over=QColor("#D55E00"),  # vermillion
        no_signal=QColor("#808080"),
        on_zone=QColor("#15181c"),
        side=QColor("#CC79A7"),  # reddish purple
    ),
    # For bright rooms: dark text on near-white; zone colours dark enough for white words on
    # them and for lines and words on the background (each at least 4.9:1).
    "light": Colours(
        background=QColor("#fbfbfb"),
        surface=QColor("#e8ebee"),
        foreground=QColor("#15181c"),
        muted=QColor("#55606a"),
        alert=QColor("#c62828"),
        under=QColor("#1D4ED8"),  # a deeper blue, bluer than Okabe-Ito's #0072B2 for tritans
        inside=QColor("#00775A"),  # a darker bluish green
        over=QColor("#C1440E"),  # a darker vermillion
        no_signal=QColor("#6B6B6B"),
        on_zone=QColor("#ffffff"),
        side=QColor("#8B2F8F"),  # a purple: the reddish purple came too near the green for deutans
    ),
}
DEFAULT_THEME = "dark"

_WORDS = {Zone.UNDER: "▲ UNDER", Zone.IN: "● IN BAND", Zone.OVER: "▼ OVER"}


def _zone_styles(colours: Colours) -> dict[Zone, ZoneStyle]:
    return {zone: ZoneStyle(colours.zone(zone), _WORDS[zone]) for zone in Zone}


#: The zones in the theme in force: ``apply_theme`` replaces the entries (read them when
#: drawing, not at import).
ZONE_STYLES = _zone_styles(THEMES[DEFAULT_THEME])
NO_DATA = ZoneStyle(THEMES[DEFAULT_THEME].no_signal, "NO SIGNAL")
NO_BAND = ZoneStyle(THEMES[DEFAULT_THEME].no_signal, "NO BAND: SET PPT")  # no PPT for a % band

#: Text on the fixed-colour fills below (and on the dark theme's zones); on a zone's fill in
#: any theme use ``on_zone()``.
ON_ZONE = QColor("#15181c")
SIMULATED = QColor("#E69F00")  # orange: "this is not a real device"
#: Banners, with ON_ZONE text (5.2:1 and 8.3:1): samples at risk, and other warnings.
DATA_AT_RISK = QColor("#D55E00")
WARNING = QColor("#E69F00")

# The theme in force also lives in the application's palette (Qt's own per-app state): these
# read it back, so widgets need no theme object handed around.
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


def colours() -> Colours:
    """Every colour of the theme in force."""
    return _IN_FORCE.colours


def theme_name() -> str:
    return next(name for name, colours in THEMES.items() if colours is _IN_FORCE.colours)


def on_zone() -> QColor:
    """Words on a zone's fill (the readout's zone, a reached hold) in the theme in force."""
    return _IN_FORCE.colours.on_zone


def style_for(zone: Zone | None, has_band: bool = True) -> ZoneStyle:
    if zone is not None:
        return ZONE_STYLES[zone]
    return ZoneStyle(_IN_FORCE.colours.no_signal, (NO_DATA if has_band else NO_BAND).text)


class _Changes(QObject):
    changed = Signal()


@dataclass
class _InForce:
    """The theme in force, and who hears of a change (made with the first follower)."""

    colours: Colours
    changes: _Changes | None = None

    def notifier(self) -> _Changes:
        if self.changes is None:
            self.changes = _Changes()
        return self.changes


_IN_FORCE = _InForce(THEMES[DEFAULT_THEME])


class _Follower(QObject):
    """Calls a widget's restyle after each theme change; a child of the widget, so the
    connection ends with it, and holding a widget's own method weakly, so that it does not
    keep the widget alive."""

    def __init__(self, widget: QWidget, restyle: Callable[[], None]) -> None:
        super().__init__(widget)
        self._restyle: Callable[[], Callable[[], None] | None] = (
            weakref.WeakMethod(restyle) if inspect.ismethod(restyle) else lambda: restyle
        )
        _IN_FORCE.notifier().changed.connect(self.restyle)

    def restyle(self) -> None:
        restyle = self._restyle()
        if restyle is not None:
            restyle()


def follow_theme(widget: QWidget, restyle: Callable[[], None]) -> None:
    """Run ``restyle`` now and after every ``apply_theme``, for as long as ``widget`` lives."""
    _Follower(widget, restyle)
    restyle()


def apply_theme(app: QApplication, name: str = DEFAULT_THEME) -> None:
    """Put a theme in force, at the start or at any moment: the palette, the zone colours,
    and every widget that follows the theme restyled."""
    _IN_FORCE.colours = current = THEMES.get(name, THEMES[DEFAULT_THEME])
    ZONE_STYLES.update(_zone_styles(current))
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, current.background),
        (QPalette.ColorRole.Base, current.surface),
        (QPalette.ColorRole.AlternateBase, current.background),
        (QPalette.ColorRole.Button, current.surface),
        (QPalette.ColorRole.WindowText, current.foreground),
        (QPalette.ColorRole.Text, current.foreground),
        (QPalette.ColorRole.ButtonText, current.foreground),
        (QPalette.ColorRole.ToolTipBase, current.surface),
        (QPalette.ColorRole.ToolTipText, current.foreground),
        (QPalette.ColorRole.PlaceholderText, current.muted),
        (QPalette.ColorRole.Highlight, current.under),
        (QPalette.ColorRole.HighlightedText, current.on_zone),
        (_ALERT_ROLE, current.alert),
    ):
        palette.setColor(role, colour)
    app.setPalette(palette)
    _IN_FORCE.notifier().changed.emit()
