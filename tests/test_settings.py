"""Settings survive restarts, and a damaged or older settings file never stops the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from monitor.settings import SETTINGS_VERSION, THEME_NAMES, AppSettings
from monitor.ui import settings_store
from monitor.ui.theme import THEMES


def test_round_trip_through_qsettings(tmp_path: Path) -> None:
    stored = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    chosen = AppSettings(
        unit="N",
        probe_area_cm2=0.5,
        preset="Levator scapulae — moderate",
        side="left",
        window_s=60.0,
        sound=False,
        last_port="/dev/ttyUSB0",
        protocol="ascii",
        theme="light",
    )
    settings_store.save(stored, chosen)
    again = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert settings_store.load(again) == chosen


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({}, AppSettings()),
        ({"unit": "furlongs", "probe_area_cm2": "-3", "side": "up"}, AppSettings()),
        ({"probe_area_cm2": "not a number"}, AppSettings()),
        ({"version": 0, "unit": "psi", "colour": "red"}, AppSettings(unit="psi")),
        ({"probe_area_cm2": "0.8"}, AppSettings(probe_area_cm2=0.8)),
        ({"sound": "false", "window_s": "60"}, AppSettings(sound=False, window_s=60.0)),
        ({"sound": "maybe", "window_s": "45"}, AppSettings()),
        ({"theme": "neon", "protocol": "morse"}, AppSettings()),
    ],
)
def test_bad_or_old_values_fall_back_to_defaults(stored: dict, expected: AppSettings) -> None:
    settings = AppSettings.from_dict(stored)
    assert settings == expected
    assert settings.version == SETTINGS_VERSION


def test_every_theme_setting_has_its_colours() -> None:
    assert set(THEMES) == set(THEME_NAMES)
