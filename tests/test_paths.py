"""The user's folders: where calibrations, client thresholds and recordings are kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from monitor import paths

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the XDG conventions are Linux's"
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of its own, with none of the XDG variables set."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("PRESSURE_MONITOR_DATA", raising=False)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_DOCUMENTS_DIR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_environment_override_wins(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSURE_MONITOR_DATA", str(home / "elsewhere"))
    assert paths.user_data_dir() == home / "elsewhere"
    assert paths.calibrations_dir() == home / "elsewhere" / "calibrations"
    assert paths.rescue_dir() == home / "elsewhere" / "rescue"


@linux_only
def test_the_data_folder_is_where_earlier_versions_kept_it(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored calibrations and client thresholds are still found after the change."""
    assert paths.user_data_dir() == home / ".local" / "share" / "pressure-monitor"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    assert paths.user_data_dir() == home / "data" / "pressure-monitor"
    assert paths.clients_path() == home / "data" / "pressure-monitor" / "clients.json"


@linux_only
def test_recordings_go_to_the_users_own_documents_folder(home: Path) -> None:
    assert paths.default_recordings_dir() == home / "Documents" / "Pressure Monitor"
    # A German desktop names it Dokumente, in the file xdg-user-dirs writes.
    config = home / ".config"
    config.mkdir()
    (config / "user-dirs.dirs").write_text(
        '# written by xdg-user-dirs-update\nXDG_DOCUMENTS_DIR="$HOME/Dokumente"\n',
        encoding="utf-8",
    )
    assert paths.default_recordings_dir() == home / "Dokumente" / "Pressure Monitor"
