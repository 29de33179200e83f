"""The hold timer under the big number: a bar filling towards the target hold, and the count."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from monitor.feedback import Zone
from monitor.hold_timer import HoldState
from monitor.ui import theme


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else f"{whole} s"


class HoldBar(QWidget):
    """The hold's progress: a rounded bar filling towards the target, its words on top, all
    of it in the zone's colour once the target is reached.

    Painted here rather than by a QProgressBar, which repaints itself at once on every new
    value: an extra paint of that part of the window ten times a second.
    """

    RADIUS = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._progress = 0.0
        self._text = ""
        self._reached = False

    @property
    def progress(self) -> float:
        return self._progress

    @property
    def text(self) -> str:
        return self._text

    def show_progress(self, progress: float, text: str, reached: bool) -> None:
        if (progress, text, reached) != (self._progress, self._text, self._reached):
            self._progress, self._text, self._reached = progress, text, reached
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        whole = QRectF(self.rect())
        fill = theme.ZONE_STYLES[Zone.IN].colour
        painter.setBrush(theme.surface())
        painter.drawRoundedRect(whole, self.RADIUS, self.RADIUS)
        filled = QRectF(whole)
        if self._reached:
            painter.setBrush(fill)
            painter.drawRoundedRect(whole, self.RADIUS, self.RADIUS)
        elif self._progress > 0:
            filled.setWidth(max(2 * self.RADIUS, whole.width() * min(self._progress, 1.0)))
            painter.setBrush(fill)
            painter.drawRoundedRect(filled, self.RADIUS, self.RADIUS)
        else:
            filled.setWidth(0)
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        # The words cross the fill's edge: on the fill in the words' colour for a zone, on the
        # rest in the text colour, so every letter has its contrast.
        rest = QRectF(filled.right(), whole.top(), whole.right() - filled.right(), whole.height())
        for clip, colour in ((filled, theme.on_zone()), (rest, theme.foreground())):
            if clip.width() > 0:
                painter.setClipRect(clip)
                painter.setPen(colour)
                painter.drawText(whole, Qt.AlignmentFlag.AlignCenter, self._text)
        painter.end()


class HoldDisplay(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.bar = HoldBar()
        self.summary = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.summary)

    def show_hold(self, hold: HoldState) -> None:
        if hold.target_s:
            if hold.reached:
                text = f"✓ TARGET HOLD REACHED  {clock(hold.current_s)}"
            else:
                text = f"hold {clock(hold.current_s)} of {clock(hold.target_s)}"
            self.bar.show_progress(hold.progress, text, hold.reached)
        else:
            self.bar.show_progress(0.0, f"in band {clock(hold.current_s)}", False)
        self.summary.setText(
            f"longest hold {clock(hold.longest_s)}   ·   total in band {clock(hold.total_s)}"
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        size = max(12, min(self.width() // 28, 30))
        for widget, scale in ((self.bar, 1.0), (self.summary, 0.7)):
            font = QFont(widget.font())
            font.setPixelSize(int(size * scale))
            widget.setFont(font)
        self.bar.setFixedHeight(int(size * 2.2))
