"""The target editor: nothing changes before Save, and a band keeps its meaning when its
basis is switched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from monitor.target_library import TargetLibrary
from monitor.targets import BandSpec
from monitor.ui.target_editor import TargetEditor

MUSCLE, TECHNIQUE = "Upper trapezius", "ischemic compression"  # 120-170 kPa, 60 s


@pytest.fixture
def library(tmp_path: Path) -> TargetLibrary:
    library = TargetLibrary.load(tmp_path / "targets.json")
    library.edit(MUSCLE, TECHNIQUE, BandSpec(130, 160), hold_s=45)
    return library


def editor_for(qtbot, library: TargetLibrary, **options) -> TargetEditor:
    editor = TargetEditor(library, library.get(MUSCLE, TECHNIQUE), **options)
    qtbot.addWidget(editor)
    return editor


def click(editor: TargetEditor, which: QDialogButtonBox.StandardButton) -> None:
    editor.findChild(QDialogButtonBox).button(which).click()


def test_restore_defaults_is_undone_by_cancel(qtbot, library: TargetLibrary) -> None:
    saved = library.edits_path.read_text()
    editor = editor_for(qtbot, library)
    click(editor, QDialogButtonBox.StandardButton.RestoreDefaults)
    assert (editor.low_box.value(), editor.high_box.value()) == (120, 170)
    assert editor.hold_box.value() == 60 and "Cancel to keep yours" in editor.problem_label.text()
    assert library.get(MUSCLE, TECHNIQUE).edited, "nothing applied before Save"
    click(editor, QDialogButtonBox.StandardButton.Cancel)
    assert library.get(MUSCLE, TECHNIQUE).band == BandSpec(130, 160)
    assert library.edits_path.read_text() == saved
    assert TargetLibrary.load(library.edits_path).get(MUSCLE, TECHNIQUE).hold_s == 45


def test_restore_defaults_then_save_forgets_the_edit(qtbot, library: TargetLibrary) -> None:
    editor = editor_for(qtbot, library)
    click(editor, QDialogButtonBox.StandardButton.RestoreDefaults)
    click(editor, QDialogButtonBox.StandardButton.Save)
    assert editor.result() == editor.DialogCode.Accepted
    assert library.get(MUSCLE, TECHNIQUE) == library.default(MUSCLE, TECHNIQUE)
    assert json.loads(library.edits_path.read_text())["targets"] == []


def test_switching_the_basis_converts_the_band(qtbot, library: TargetLibrary) -> None:
    """130-160 kPa with a PPT of 200 kPa is 65-80 %; on a 0.5 cm² probe it is 6.5-8 N."""
    editor = editor_for(qtbot, library, ppt_kpa=200.0, probe_area_cm2=0.5)
    editor.basis_box.setCurrentText("% PPT")
    assert (editor.low_box.value(), editor.high_box.value()) == pytest.approx((65, 80))
    editor.basis_box.setCurrentText("N")
    assert (editor.low_box.value(), editor.high_box.value()) == pytest.approx((6.5, 8.0))
    editor.basis_box.setCurrentText("kPa")
    assert (editor.low_box.value(), editor.high_box.value()) == pytest.approx((130, 160))
    editor.basis_box.setCurrentText("% PPT")
    editor.save()
    assert library.get(MUSCLE, TECHNIQUE).band == BandSpec(65, 80, "% PPT")


def test_without_a_ppt_the_numbers_are_cleared_not_reread(qtbot, library: TargetLibrary) -> None:
    """120-170 kPa is not 120-170 % (which would also be refused as over 150 %)."""
    editor = editor_for(qtbot, library)
    editor.basis_box.setCurrentText("% PPT")
    assert (editor.low_box.value(), editor.high_box.value()) == (0, 0)
    assert "No PPT for this client" in editor.problem_label.text()
    editor.save()
    assert "Not saved" in editor.problem_label.text()
    assert library.get(MUSCLE, TECHNIQUE).band == BandSpec(130, 160), "unchanged"
    editor.low_box.setValue(70)
    editor.high_box.setValue(90)
    editor.save()
    assert library.get(MUSCLE, TECHNIQUE).band == BandSpec(70, 90, "% PPT")
