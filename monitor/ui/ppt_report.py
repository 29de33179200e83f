"""The one-page PPT report: who, how, the results table, and every trial's trace.

Drawn with QPainter, so the same drawing goes to a PDF (QPdfWriter, A4) and to an image (to
look at it). Always black on white: it is printed and filed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from monitor import numbers
from monitor.ppt.results import ASYMMETRY_TEXT, RESULT_COLUMNS, ResultRow
from monitor.ppt.trial import TrialTrace

INK = QColor("#000000")
GREY = QColor("#666666")
TARGET = QColor("#0072B2")  # Okabe-Ito blue: the target ramp
TRACE = QColor("#D55E00")  # vermillion: what was applied
RESOLUTION_DPI = 300
#: Each of ``RESULT_COLUMNS``' width on the page (of about 180 mm).
COLUMN_WIDTHS_MM = (32, 11, 30, 14, 14, 10, 11, 20, 38)


def write_pdf(
    path: Path, title: str, header: Sequence[str], rows: list[ResultRow], traces: list[TrialTrace]
) -> None:
    """The report as a one-page A4 PDF at ``path``."""
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(title)
    painter = QPainter(writer)
    try:
        area = QRectF(0, 0, writer.width(), writer.height())
        draw_report(painter, area, title, header, rows, traces)
    finally:
        painter.end()


def draw_report(
    painter: QPainter,
    area: QRectF,
    title: str,
    header: Sequence[str],
    rows: list[ResultRow],
    traces: list[TrialTrace],
) -> None:
    unit = area.width() / 180  # about one millimetre on A4
    y = area.top()
    y = _text(painter, area, y, title, 5.5 * unit, bold=True)
    for line in header:
        y = _text(painter, area, y, line, 3.0 * unit)
    y += 3 * unit
    y = _table(painter, area, y, rows, unit)
    y += 4 * unit
    _traces(painter, QRectF(area.left(), y, area.width(), area.bottom() - y), traces, unit)


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont("Sans")
    font.setPixelSize(max(1, round(size)))
    font.setBold(bold)
    return font


def _text(painter: QPainter, area: QRectF, y: float, text: str, size: float, bold=False) -> float:
    painter.setFont(_font(size, bold))
    painter.setPen(INK)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap  # a long protocol wraps
    box = painter.boundingRect(QRectF(area.left(), y, area.width(), 100 * size), flags, text)
    height = max(size * 1.5, box.height() + size * 0.3)
    painter.drawText(QRectF(area.left(), y, area.width(), height), flags, text)
    return y + height


def _table(painter: QPainter, area: QRectF, y: float, rows: list[ResultRow], unit: float) -> float:
    size = 2.8 * unit
    cells = [list(RESULT_COLUMNS), *(row.cells() for row in rows)]
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap
    for index, values in enumerate(cells):
        painter.setFont(_font(size, bold=index == 0))
        rects = []
        x = area.left()
        for width_mm, _ in zip(COLUMN_WIDTHS_MM, values, strict=True):
            rects.append(QRectF(x, y, width_mm * unit - unit, 100 * unit))
            x += width_mm * unit
        height = size * 0.6 + max(  # as tall as its most wrapped cell
            painter.boundingRect(rect, flags, value).height()
            for rect, value in zip(rects, values, strict=True)
        )
        painter.setPen(INK)
        for rect, value in zip(rects, values, strict=True):
            painter.drawText(QRectF(rect.left(), y, rect.width(), height), flags, value)
        y += height
        painter.setPen(QPen(GREY, unit * 0.15))
        painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
    painter.setFont(_font(2.4 * unit))
    painter.setPen(GREY)
    notes = [
        "Trials: [value] flagged, not in the mean; value* flagged and kept by the examiner, "
        f"in the mean. {ASYMMETRY_TEXT}."
    ]
    notes += [
        f"Reference: {source}"
        for source in sorted({r.reference.source for r in rows if r.reference})
    ]
    for source in notes:
        painter.drawText(
            QRectF(area.left(), y, area.width(), 2.4 * unit * 2.6),
            Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
            source,
        )
        y += 2.4 * unit * 2.6
    return y


def _traces(painter: QPainter, area: QRectF, traces: list[TrialTrace], unit: float) -> None:
    """Small multiples, one per trial, on shared axes so the ramps compare at a glance."""
    if not traces or area.height() < 20 * unit:
        return
    legend_h = 4 * unit
    legend = QRectF(area.left(), area.top(), area.width(), legend_h)
    area = QRectF(area.left(), area.top() + legend_h, area.width(), area.height() - legend_h)
    columns = 3
    rows = math.ceil(len(traces) / columns)
    cell_w, cell_h = area.width() / columns, min(area.height() / rows, 45 * unit)
    top_kpa = (
        max(
            [float(np.nanmax(trace.pressure_kpa)) for trace in traces if trace.pressure_kpa.size]
            + [1.0]
        )
        * 1.1
    )
    longest_s = max([float(trace.t[-1]) for trace in traces if trace.t.size] + [1.0])
    painter.setFont(_font(2.6 * unit))
    painter.setPen(GREY)
    painter.drawText(
        legend,
        Qt.AlignmentFlag.AlignLeft,
        f"Each trial: pressure applied (solid) against the target ramp (dashed), "
        f"on the same axes: 0–{numbers.pressure(top_kpa)}, "
        f"0–{numbers.with_unit(longest_s, 's', 1)} from the start of loading.",
    )
    for index, trace in enumerate(traces):
        cell = QRectF(
            area.left() + (index % columns) * cell_w,
            area.top() + (index // columns) * cell_h,
            cell_w - 3 * unit,
            cell_h - 3 * unit,
        )
        _trace(painter, cell, trace, top_kpa, longest_s, unit)


def _trace(
    painter: QPainter, cell: QRectF, trace: TrialTrace, top_kpa: float, longest_s: float, unit
) -> None:
    label_h = 3.2 * unit
    plot = QRectF(cell.left(), cell.top() + label_h, cell.width(), cell.height() - label_h)

    def point(t: float, kpa: float) -> QPointF:
        return QPointF(
            plot.left() + plot.width() * t / longest_s,
            plot.bottom() - plot.height() * min(kpa, top_kpa) / top_kpa,
        )

    painter.setFont(_font(2.6 * unit, bold=True))
    painter.setPen(INK)
    flag = "  (flagged)" if trace.flagged else ""
    painter.drawText(
        QRectF(cell.left(), cell.top(), cell.width(), label_h),
        Qt.AlignmentFlag.AlignLeft,
        f"{trace.label}: {numbers.pressure(trace.threshold_kpa)}{flag}",
    )
    painter.setPen(QPen(GREY, unit * 0.15))
    painter.drawRect(plot)
    painter.setPen(QPen(TARGET, unit * 0.3, Qt.PenStyle.DashLine))
    start = float(trace.pressure_kpa[0]) if trace.pressure_kpa.size else 0.0  # loading began
    target_end = min(longest_s, (top_kpa - start) / trace.target_rate_kpa_s)
    painter.drawLine(
        point(0, start), point(target_end, start + trace.target_rate_kpa_s * target_end)
    )
    if trace.t.size > 1:
        step = max(1, trace.t.size // 400)  # a few hundred points are plenty at this size
        painter.setPen(QPen(TRACE, unit * 0.35))
        points = [
            point(float(t), float(p))
            for t, p in zip(trace.t[::step], trace.pressure_kpa[::step], strict=True)
        ]
        painter.drawPolyline(points)
