"""Both themes reach WCAG AA for what the live widgets draw, keep the zones apart for
colour-blind eyes, and change at once."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtGui import QColor

from monitor.feedback import Zone
from monitor.ui.pressure_gauge import TINT_ALPHA
from monitor.ui.theme import THEMES, Colours
from monitor.ui.trace_plot import BAND_ALPHA

TEXT, GRAPHIC = 4.5, 3.0  # WCAG 2.1 AA: 1.4.3 text, 1.4.11 non-text (lines, fills, marks)


def _linear(colour: QColor) -> np.ndarray:
    srgb = np.array([colour.redF(), colour.greenF(), colour.blueF()])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def luminance(colour: QColor) -> float:
    return float(np.dot([0.2126, 0.7152, 0.0722], _linear(colour)))


def contrast(a: QColor, b: QColor) -> float:
    dark, light = sorted((luminance(a), luminance(b)))
    return (light + 0.05) / (dark + 0.05)


def over(colour: QColor, alpha: int, backdrop: QColor) -> QColor:
    """``colour`` at ``alpha`` (of 255) painted on ``backdrop``, as QPainter blends (in sRGB)."""
    share = alpha / 255
    mix = [
        round(share * top + (1 - share) * below)
        for top, below in zip(colour.getRgb()[:3], backdrop.getRgb()[:3], strict=True)
    ]
    return QColor(*mix)


def drawn_pairs(c: Colours) -> list[tuple[str, QColor, QColor, float]]:
    """(where, foreground, background, the ratio it needs) for everything the live widgets
    draw: readout, gauge, hold bar and trace."""
    zones = [(zone.name, c.zone(zone)) for zone in Zone] + [("no signal", c.no_signal)]
    stripe = over(c.inside, BAND_ALPHA, c.background)
    tints = {zone: over(c.zone(zone), TINT_ALPHA, c.background) for zone in Zone}
    pairs = [
        ("readout digits and unit", c.foreground, c.background, TEXT),
        *((f"readout zone words on {name}", c.on_zone, fill, TEXT) for name, fill in zones),
        *((f"gauge word {zone.name}", c.zone(zone), c.background, TEXT) for zone in Zone),
        ("gauge band edge labels", c.foreground, c.background, TEXT),
        ("gauge 0 and top labels", c.muted, c.background, TEXT),
        ("gauge outline", c.muted, c.background, GRAPHIC),
        ("gauge band edges", c.inside, c.background, GRAPHIC),
        ("gauge marker", c.foreground, c.background, GRAPHIC),
        ("gauge fill without a band", c.no_signal, c.background, GRAPHIC),
        ("hold words on the bar", c.foreground, c.surface, TEXT),
        ("hold words on its fill", c.on_zone, c.inside, TEXT),
        ("hold bar's fill", c.inside, c.surface, GRAPHIC),
        ("hold summary", c.foreground, c.background, TEXT),
        ("trace axes' numbers", c.muted, c.background, TEXT),
        ("trace band label", c.foreground, c.surface, TEXT),
        ("trace marker label", c.foreground, c.surface, TEXT),
        ("trace side-change label", c.on_zone, c.side, TEXT),
        ("trace band edges", c.inside, c.background, GRAPHIC),
        *((f"trace {name} line", colour, c.background, GRAPHIC) for name, colour in zones),
        *((f"trace {name} line in the band", colour, stripe, GRAPHIC) for name, colour in zones),
        ("trace marker line", c.foreground, c.background, GRAPHIC),
        ("trace marker line in the band", c.foreground, stripe, GRAPHIC),
        ("trace side-change line", c.side, c.background, GRAPHIC),
        ("trace side-change line in the band", c.side, stripe, GRAPHIC),
    ]
    # The gauge's fill rises through the zones below the current one: its colour on each.
    order = list(Zone)
    for fill_zone, region in itertools.product(order, order):
        if order.index(region) <= order.index(fill_zone):
            where = f"gauge fill {fill_zone.name} on the {region.name} shading"
            pairs.append((where, c.zone(fill_zone), tints[region], GRAPHIC))
        pairs.append(
            (f"gauge marker on the {region.name} shading", c.foreground, tints[region], GRAPHIC)
        )
    return pairs


@pytest.mark.parametrize("name", THEMES)
def test_every_pair_drawn_reaches_wcag_aa(name: str) -> None:
    failing = [
        f"{where}: {fg.name()} on {bg.name()} is {contrast(fg, bg):.2f}:1, needs {needed}:1"
        for where, fg, bg, needed in drawn_pairs(THEMES[name])
        if contrast(fg, bg) < needed
    ]
    assert not failing, "\n".join(failing)


def test_the_contrast_is_computed_as_wcag_defines_it() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)
    # What the light theme had: the dark theme's Okabe-Ito colours on near-white.
    assert contrast(QColor("#56B4E9"), QColor("#fbfbfb")) < GRAPHIC
    assert contrast(QColor("#009E73"), QColor("#fbfbfb")) < TEXT
    assert contrast(QColor("#D55E00"), QColor("#fbfbfb")) < TEXT


# Machado, Oliveira & Fernandes (2009), severity 1: linear-RGB simulation of dichromacy.
_CVD = {
    "typical": np.eye(3),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])


def _lab(colour: QColor, vision: str) -> np.ndarray:
    xyz = _XYZ @ np.clip(_CVD[vision] @ _linear(colour), 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def zone_distance(c: Colours, vision: str) -> float:
    """The smallest CIELAB difference between two zones' colours, as ``vision`` sees them."""
    return min(
        float(np.linalg.norm(_lab(c.zone(a), vision) - _lab(c.zone(b), vision)))
        for a, b in itertools.combinations(Zone, 2)
    )


@pytest.mark.parametrize("vision", _CVD)
def test_the_light_zones_stay_as_far_apart_as_okabe_itos_for_colour_blind_eyes(vision: str) -> None:
    okabe_ito = min(zone_distance(THEMES["dark"], v) for v in _CVD)  # 16 (blue-green, tritans)
    assert zone_distance(THEMES["light"], vision) >= okabe_ito
    # and the side-change colour is none of the zones'
    for c in THEMES.values():
        for zone in Zone:
            assert np.linalg.norm(_lab(c.side, vision) - _lab(c.zone(zone), vision)) > 10
