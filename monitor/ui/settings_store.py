"""Settings persisted through QSettings (the platform's own place for them)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from monitor.settings import AppSettings

GROUP = "app"


def load(settings: QSettings) -> AppSettings:
    settings.beginGroup(GROUP)
    stored = {key: settings.value(key) for key in settings.childKeys()}
    settings.endGroup()
    return AppSettings.from_dict(stored)


def save(settings: QSettings, values: AppSettings) -> None:
    settings.beginGroup(GROUP)
    for key, value in values.to_dict().items():
        settings.setValue(key, value)
    settings.endGroup()
    settings.sync()
