"""The PPT tab as a view of its session: real widgets offscreen, blocks fed to it directly on
the samples' own clock (no waiting for a simulated examiner in real time)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget
from test_ppt_session import blocks, ramp

from firmware_bridge.sim import SimulatorConfig, decoded_blocks
from monitor.acquisition import CALIBRATED_DTYPE, calibration_for
from monitor.cues import Cue
from monitor.ppt.protocol import ABANDONED_WORDS, REPEATED_WORDS
from monitor.ppt.results import RESULT_COLUMNS
from monitor.settings import AppSettings, PptPreferences
from monitor.ui import settings_store
from monitor.ui.ppt_guide import GuidePanel
from monitor.ui.ppt_tab import PptTab
from recordings import read_recording

MUSCLES = ["Upper trapezius", "Tibialis anterior", "Masseter"]
CONTEXT = {
    "client": "C-0042",
    "examiner": "E-1",
    "device": "fgsim",
    "serial": "SN-7",
    "calibration": "factory, 2026-11-30",
    "date": "2026-12-02 10:30",
}


class Answers:
    """The examiner's answers to the tab's questions, and the questions asked."""

    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []

    def __call__(self, title: str, text: str) -> bool:
        self.asked.append((title, text))
        return self.answers.pop(0)


def make_tab(qtbot, answers=None, context=None, **kw) -> tuple[PptTab, list, Answers]:
    played: list[Cue] = []
    answers = answers or Answers()
    tab = PptTab(
        MUSCLES,
        probe_area=lambda: 1.0,
        context=lambda: dict(CONTEXT if context is None else context),
        sample_rate=lambda: 100.0,
        play=played.append,
        confirm=answers,
        **kw,
    )
    tab.timer.stop()  # the tests feed it
    qtbot.addWidget(tab)
    return tab, played, answers


def set_up(tab: PptTab, trials: int = 2, rest: int = 0, sides: str = "left only") -> None:
    tab.setup.site_list.item(0).setCheckState(Qt.CheckState.Checked)
    tab.setup.sides_box.setCurrentText(sides)
    tab.setup.trials_box.setValue(trials)
    tab.setup.rest_box.setValue(rest)


def measure(tab: PptTab, t0: float, peak: float, rate: float = 50.0) -> float:
    """One ramp whose last sample, button pressed, is ``peak`` itself (a step short of it
    would end at 199.5 for 200: a half that rounds either way after a unit conversion)."""
    kpa, button = ramp(peak + rate / 200, rate)
    for block in blocks(kpa, t0, button):
        tab.feed(block)
    return t0 + kpa.size / 100.0


def measure_all(tab: PptTab, *peaks: float) -> float:
    t = 0.0
    for peak in peaks:
        t = measure(tab, t, peak)
    return t


def test_a_protocol_measured_shown_and_exported_with_its_context(qtbot, tmp_path) -> None:
    tab, played, _ = make_tab(qtbot, save_dir=tmp_path)
    rows = []
    tab.trial_done.connect(rows.append)
    started = []
    tab.protocol_started.connect(started.append)
    set_up(tab, trials=2)
    assert tab.start() and "trial 1 of 2" in tab.guide.next_label.text()
    assert json.loads(started[0])["mean_of"] == "all"
    t = measure(tab, 0.0, 300)
    measure(tab, t, 340)
    assert "Protocol complete" in tab.guide.next_label.text() and Cue.REACHED in played
    assert [row[4] for row in rows] == [1, 2]  # both rows for the recording
    assert (
        tab.results.table.item(0, 2).text() == "300 340"
        and tab.results.table.item(0, 4).text() == "1, 2"
    )
    assert tab.trials.table.rowCount() == 2 and tab.trials.table.item(0, 3).text() == "button"
    header = tab.results.table.horizontalHeaderItem(7).text()
    assert header == "L/R asymmetry" and "% of the higher side" in tab.results.table.toolTip()

    assert tab.suggested_path("csv") == tmp_path / "ppt-C-0042-2026-12-02_10_30.csv"
    assert tab.session.unexported
    tab.export_csv(tmp_path / "ppt.csv")
    text = (tmp_path / "ppt.csv").read_text()
    for line in (
        "# client: C-0042",
        "# date and time: 2026-12-02 10:30",
        "# examiner: E-1",
        "# device: fgsim",
        "# serial: SN-7",
        "# calibration: factory, 2026-11-30",
        "# probe area (cm²): 1",
        "# threshold: mean of all trials",
    ):
        assert line in text, line
    assert "# protocol: 2 trials per site at 50\u202fkPa/s" in text
    assert "trial_1_stop,trial_1_flags,trial_1_in_mean" in text
    assert not tab.session.unexported
    tab.export_pdf(tmp_path / "ppt.pdf")
    page = PdfReader(tmp_path / "ppt.pdf").pages[0]
    words = " ".join(page.extract_text().split())
    for expected in (
        "C-0042",
        "examiner: E-1",
        "serial: SN-7",
        "calibration: factory",
        "L1 (button)",
        "In mean",
    ):
        assert expected in words, expected


def test_missing_context_is_said_not_recorded(qtbot, tmp_path) -> None:
    tab, _, _ = make_tab(qtbot, context={"client": "C-1"})
    set_up(tab, trials=1)
    tab.start()
    measure(tab, 0.0, 300)
    tab.export_csv(tmp_path / "ppt.csv")
    text = (tmp_path / "ppt.csv").read_text()
    assert "# examiner: not recorded" in text and "# serial: not recorded" in text


def test_an_implausible_trial_is_flagged_and_kept_out_until_decided(qtbot) -> None:
    tab, _, _ = make_tab(qtbot)
    rows = []
    tab.trial_done.connect(rows.append)
    set_up(tab, trials=1)
    tab.start()
    kpa = np.concatenate([np.zeros(50), np.arange(0, 30, 0.5)])
    fed = blocks(kpa, 0.0)
    for block in fed[:15]:
        tab.feed(block)
    assert tab.trial_running()
    tab.stop_now()  # 0.04 s into loading, at 12 kPa
    tab.feed(fed[15])
    assert not tab.trial_running() and rows == []
    assert "too short" in tab.guide.flag_label.text() and "too low" in tab.guide.flag_label.text()
    assert tab.trials.table.item(0, 5).text() == "waiting"
    assert "too short" in tab.trials.table.item(0, 4).text()
    assert tab.rows == []  # nothing to use as a basis
    assert not tab.guide.repeat_button.isHidden() and "counts" in tab.guide.keep_button.text()
    tab.guide.repeat_button.click()
    assert tab.trials.table.item(0, 5).text() == "repeated"  # listed, never counted
    assert tab.rows == [] and tab.guide.repeat_button.isHidden()


def test_kept_trials_count_and_the_table_says_so(qtbot) -> None:
    tab, _, _ = make_tab(qtbot)
    set_up(tab, trials=2)
    tab.start()
    t = measure(tab, 0.0, 300)
    measure(tab, t, 400, rate=90)  # too fast
    tab.guide.keep_button.click()
    assert (
        tab.results.table.item(0, 2).text() == "300 400*"
        and tab.results.table.item(0, 4).text() == "1, 2"
    )
    assert tab.trials.table.item(1, 5).text() == "yes (kept)"


def test_trials_can_be_deleted_and_redone_from_the_keyboard(qtbot) -> None:
    answers = Answers(True, True)
    tab, _, _ = make_tab(qtbot, answers)
    withdrawn = []
    tab.trial_withdrawn.connect(withdrawn.append)
    set_up(tab, trials=3)
    tab.start()
    t = measure_all(tab, 300, 320, 340)
    tab.trials.table.setFocus()
    tab.trials.table.selectRow(0)
    qtbot.keyClick(tab.trials.table, Qt.Key.Key_Delete)
    assert tab.results.table.item(0, 2).text() == "320 340" and "Delete" in answers.asked[0][0]
    tab.trials.table.selectRow(0)
    tab.trials.redo_button.setFocus()  # Tab reaches it; Space presses it
    qtbot.keyClick(tab.trials.redo_button, Qt.Key.Key_Space)
    assert "Now: Upper trapezius, left, trial 2 of 3" in tab.guide.next_label.text()
    measure(tab, t, 380)
    assert tab.results.table.item(0, 2).text() == "380 340"
    assert withdrawn == [
        "deleted: Upper trapezius L1 (300\u202fkPa)",
        "redo: Upper trapezius L2 (320\u202fkPa)",
    ]


def test_loading_during_the_rest_is_refused_with_text_and_a_cue(qtbot) -> None:
    tab, played, _ = make_tab(qtbot)
    set_up(tab, trials=2, rest=30)
    tab.start()
    t = measure(tab, 0.0, 300)
    played.clear()
    kpa, button = ramp(300)
    for block in blocks(kpa, t, button)[:-20]:  # loading in the rest, still on the probe
        tab.feed(block)
    tab.refresh()
    assert tab.guide.status_label.text().startswith("Not measured: loading began during the rest")
    assert played == [Cue.OVER] and tab.trials.table.rowCount() == 1


def test_nothing_is_measured_after_the_protocol(qtbot) -> None:
    tab, _, _ = make_tab(qtbot)
    rows = []
    tab.trial_done.connect(rows.append)
    set_up(tab, trials=1)
    tab.start()
    t = measure(tab, 0.0, 300)
    measure(tab, t, 300)
    tab._show_live()
    assert (
        len(rows) == 1
        and tab.guide.pace_label.text() == ""
        and tab.guide.rate_label.text() == "complete"
    )
    assert not tab.guide.stop_button.isEnabled()


def test_start_asks_before_discarding_unexported_results(qtbot, tmp_path) -> None:
    answers = Answers(False, True)
    tab, _, _ = make_tab(qtbot, answers)
    set_up(tab, trials=1)
    tab.start()
    measure(tab, 0.0, 300)
    session = tab.session
    assert not tab.start() and tab.session is session  # declined: kept
    assert "not been exported" in answers.asked[0][1]
    assert tab.start() and tab.session is not session
    tab.export_csv(tmp_path / "x.csv")  # nothing to lose: no question
    assert tab.start() and len(answers.asked) == 2


def test_trials_2_3_needs_three_trials(qtbot) -> None:
    tab, _, _ = make_tab(qtbot)
    set_up(tab, trials=2)
    tab.setup.mean_box.setCurrentIndex(tab.setup.mean_box.findData("2-3"))
    assert not tab.start() and "needs 3 trials" in tab.guide.reply_label.text()
    tab.setup.trials_box.setValue(3)
    assert tab.start()
    measure_all(tab, 200, 300, 320)
    assert (
        tab.results.table.item(0, 3).text() == "310"
        and tab.results.table.item(0, 4).text() == "2, 3"
    )
    assert tab.results.table.item(0, 2).text() == "[200] 300 320"


def test_the_basis_is_confirmed_with_its_values_first(qtbot) -> None:
    answers = Answers(False, True)
    tab, _, _ = make_tab(qtbot, answers)
    confirmed = []
    tab.basis_confirmed.connect(lambda: confirmed.append(True))
    set_up(tab, trials=2, sides="left and right")
    tab.start()
    measure_all(tab, 300, 320, 200, 220)
    tab.basis_button.click()
    assert confirmed == []  # declined
    _, text = answers.asked[0]
    assert "C-0042" in text and "Upper trapezius, left: 310\u202fkPa" in text
    assert "Upper trapezius, right: 210\u202fkPa" in text
    # The walk: the right side's CV of 28.8 % went unmentioned. Each side's, as the table's.
    left_cv, right_cv = (row.cells()[RESULT_COLUMNS.index("CV")] for row in tab.rows)
    assert text.endswith(
        f"Spread between trials (CV): Upper trapezius, left: {left_cv}; "
        f"Upper trapezius, right: {right_cv}."
    )
    tab.basis_button.click()
    assert confirmed == [True]


def test_sites_are_chosen_by_keyboard_despite_a_window_wide_space(qtbot) -> None:
    """The window's Space shortcut (stop a trial) must not swallow Space in the list."""
    host = QWidget()
    qtbot.addWidget(host)
    tab = PptTab(MUSCLES, probe_area=lambda: 1.0)
    tab.timer.stop()
    layout = QVBoxLayout(host)
    layout.addWidget(QLineEdit())
    layout.addWidget(tab)
    stops = []
    QShortcut(QKeySequence("Space"), host, activated=lambda: stops.append(1))
    host.show()
    qtbot.waitExposed(host)
    tab.setup.site_list.setFocus()
    tab.setup.site_list.setCurrentRow(1)
    qtbot.keyClick(tab.setup.site_list, Qt.Key.Key_Space)
    assert tab.chosen_sites() == ("Tibialis anterior",) and stops == []
    qtbot.keyClick(tab.setup.site_list, Qt.Key.Key_Down)
    qtbot.keyClick(tab.setup.site_list, Qt.Key.Key_Return)
    assert tab.chosen_sites() == ("Tibialis anterior", "Masseter")


def test_ppt_settings_persist_across_a_restart(qtbot, tmp_path) -> None:
    stored = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings = AppSettings()
    tab, _, _ = make_tab(qtbot, preferences=settings.ppt)
    remembered = []
    tab.preferences_changed.connect(remembered.append)
    set_up(tab, trials=5, rest=45, sides="right only")
    tab.setup.rate_box.setCurrentText("custom")
    tab.setup.custom_rate.setValue(40)
    tab.setup.order_box.setCurrentText("alternating")
    tab.setup.mean_box.setCurrentIndex(tab.setup.mean_box.findData("2-3"))
    tab.setup.tolerance_box.setValue(15)
    tab.setup.safety_box.setValue(800)
    settings_store.save(
        stored, AppSettings(**(settings.to_dict() | AppSettings.ppt_changes(remembered[-1])))
    )

    again = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    loaded = settings_store.load(again).ppt
    assert loaded == PptPreferences(
        sites=("Upper trapezius",),
        sides="right only",
        trials=5,
        rate_kpa_s=40.0,
        order="alternating",
        rest_s=45,
        mean_of="2-3",
        tolerance_pct=15,
        safety_max_kpa=800,
    )
    restarted, _, _ = make_tab(qtbot, preferences=loaded)
    assert restarted.preferences() == loaded and restarted.setup.rest_box.value() == 45


def test_the_window_records_the_tabs_trials(open_window, tmp_path: Path) -> None:
    """Through the real window: rows reach the recording's PPT table."""
    window = open_window("steady")
    ppt = window.ppt
    set_up(ppt, trials=2)
    window.record_button.click()
    assert ppt.start()
    t = measure(ppt, 0.0, 300)
    measure(ppt, t, 320)
    window.record_button.click()
    (file,) = tmp_path.glob("session-*.h5")
    table = read_recording(file).ppt_trials
    assert table["trial"].tolist() == [1, 2] and set(table["stop_source"]) == {"button"}
    assert table["threshold_kpa"] == pytest.approx([300, 320], abs=1)


def test_the_window_records_a_repeated_trial_with_its_flags(open_window, tmp_path: Path) -> None:
    """Through the real window: the flagged trial the examiner repeats (Repeat pressed) is
    a row of the recording's PPT table, accepted 0, saying its flags and that it was
    repeated, before the trial that replaced it."""
    window = open_window("steady")
    ppt = window.ppt
    set_up(ppt, trials=1)
    window.record_button.click()
    assert ppt.start()
    t = measure(ppt, 0.0, 300, rate=90)  # 80 % too fast: waits for Repeat or Keep
    ppt.guide.repeat_button.click()
    measure(ppt, t, 320)
    window.record_button.click()
    (file,) = tmp_path.glob("session-*.h5")
    table = read_recording(file).ppt_trials
    assert table["trial"].tolist() == [1, 1] and table["accepted"].tolist() == [0, 1]
    assert table["threshold_kpa"] == pytest.approx([300, 320], abs=1)
    repeated = table["reason"][0]
    assert "too fast" in repeated and repeated.endswith(f"; {REPEATED_WORDS}")


def test_the_guide_writes_its_numbers_through_numbers(qtbot) -> None:
    """At rest the probe's rate wobbles around zero: the guide says 0, never "-0"; no
    pressure is a dash alone."""
    guide = GuidePanel()
    qtbot.addWidget(guide)
    guide.show_rate(-0.3)
    assert guide.rate_label.text() == "0\u202fkPa/s"
    guide.show_pressure(-0.4)
    assert guide.pressure_label.text() == "0\u202fkPa"
    guide.show_pressure(float("nan"))
    assert guide.pressure_label.text() == "—"


def walk_simulated(tab: PptTab, rest: int, until_s: float) -> list[tuple[float, str, str, bool]]:
    """The simulator's examiner (a 4 s rest, every 4th ramp 50 % too fast) on its virtual
    clock against our ``rest``, both sides, 3 trials; the screen refreshed after every block.
    After each: (pressure, the big place, the status line, a flagged trial's question shown)."""
    set_up(tab, trials=3, rest=rest, sides="left and right")
    assert tab.start()
    info, decoded, _ = decoded_blocks(
        SimulatorConfig(rate_hz=200, profile="ppt", seed=3), until_s, 0.05
    )
    calibration = calibration_for(info)
    guide, seen = tab.guide, []
    for block in decoded:
        out = np.zeros(block.size, dtype=CALIBRATED_DTYPE)
        out["t"], out["flags"] = block["t_device"], block["flags"]
        out["force"] = calibration.apply(block["raw"])
        tab.feed(out)
        tab.refresh()
        asked = not guide.repeat_button.isHidden()
        kpa = float(out["force"][-1] * 10)  # 1 cm²: 10 kPa per N
        seen.append((kpa, guide.rate_label.text(), guide.status_label.text(), asked))
    return seen


def test_the_guide_never_says_ready_while_loaded_and_says_a_refusal_while_it_lasts(
    qtbot,
) -> None:
    """The walk's case: our rest 5 s, the examiner's 4 s, so every other ramp begins in the
    rest. "ready: load" showed through such a ramp's climb to 284 kPa, with no notice; now the
    refusal is said (and cued) from its start until the probe is lifted, and then "ready"."""
    tab, played, _ = make_tab(qtbot)
    seen = walk_simulated(tab, rest=5, until_s=40.0)
    assert [round(kpa) for kpa, big, _, _ in seen if big == "ready: load" and kpa >= 10] == []
    refused = [i for i, (_, _, words, _) in enumerate(seen) if words.startswith("Not measured")]
    assert refused and Cue.OVER in played
    first = refused[0]
    lifted = next(i for i in range(first, len(seen)) if seen[i][0] < 10)
    assert refused[: lifted - first] == list(range(first, lifted))  # kept while it lasts
    assert seen[lifted - 1][1:3] == (
        "lift probe",
        "Not measured: loading began during the rest. Lift the probe, then load.",
    )
    assert seen[lifted][1] == "ready: load"


def test_a_flagged_trial_shows_its_question_not_ready(qtbot) -> None:
    """Our rest 3 s: the simulator's 4th ramp (too fast) waits for Repeat or Keep; the big
    place asks, never "ready: load", until the examiner's next ramp repeats it."""
    tab, _, _ = make_tab(qtbot)
    seen = walk_simulated(tab, rest=3, until_s=60.0)
    asked = [(big, words) for _, big, words, waiting in seen if waiting]
    assert asked and all(big != "ready: load" for big, _ in asked)
    assert ("decide first", "Repeat the flagged trial or keep it.") in asked


def test_the_selection_does_not_move_onto_another_trial(qtbot) -> None:
    """The walk: the flagged trial selected, Repeat removed its row and the selection moved
    to L3, so the next Del would have deleted a valid trial. Now the repeated row stays, the
    selection on it, and Del there is refused; Del on the flagged trial is its Repeat (asked
    first), the "Now:" line left in place."""
    answers = Answers(True, True)
    tab, _, _ = make_tab(qtbot, answers)
    set_up(tab, trials=4)
    tab.start()
    t = measure_all(tab, 300, 320, 340)
    measure(tab, t, 400, rate=90)  # too fast: waiting, the last row
    table = tab.trials.table
    table.setFocus()
    table.selectRow(3)
    tab.guide.repeat_button.click()
    assert table.rowCount() == 4 and tab.selected_entry().repeated  # still on the same trial
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # a repeated trial: refused, not asked
    assert "was repeated" in tab.guide.reply_label.text() and answers.asked == []
    measure(tab, t + 20, 400, rate=90)  # flagged again
    table.selectRow(1)
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # a measured trial while one waits: refused
    assert tab.guide.reply_label.text() == "Repeat or keep the flagged trial first."
    assert "Now: Upper trapezius, left, trial 4 of 4" in tab.guide.next_label.text()
    assert table.rowCount() == 5 and answers.asked == []
    table.selectRow(1)
    measure(tab, t + 40, 400, rate=90)  # measured again without deciding: a repeat
    assert tab.selected_entry() is tab.session.run.entries[1]  # still on L2
    table.selectRow(5)
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # Del on the flagged one: Repeat, asked first
    assert answers.asked[0][0] == "Repeat this trial?"
    assert tab.session.run.pending is None and table.rowCount() == 6
    assert [e.planned.trial for e in tab.session.run.entries] == [1, 2, 3]


def test_a_repeated_trial_is_said_in_the_exports(qtbot, tmp_path) -> None:
    """The walk: neither the CSV nor the PDF mentioned the implausible trial that was
    repeated. It stays out of the results, and both exports list it with its flags."""
    tab, _, _ = make_tab(qtbot)
    set_up(tab, trials=1)
    tab.start()
    kpa = np.concatenate([np.zeros(50), np.arange(0, 30, 0.5), np.zeros(20)])
    fed = blocks(kpa, 0.0)
    for block in fed[:15]:
        tab.feed(block)
    tab.stop_now()  # 0.04 s into loading, at 12 kPa: too short, too low
    for block in fed[15:]:
        tab.feed(block)
    tab.guide.repeat_button.click()
    measure(tab, 5.0, 300)
    assert tab.results.table.item(0, 2).text() == "300"
    tab.export_csv(tmp_path / "ppt.csv")
    line = next(
        line
        for line in (tmp_path / "ppt.csv").read_text().splitlines()
        if line.startswith("# repeated, not in the results: ")
    )
    assert line.startswith("# repeated, not in the results: Upper trapezius L1 12")
    assert "(key: too short: stopped" in line and "too low" in line
    tab.export_pdf(tmp_path / "ppt.pdf")
    words = " ".join(PdfReader(tmp_path / "ppt.pdf").pages[0].extract_text().split())
    assert "repeated, not in the results: Upper trapezius L1" in words


def test_starting_anew_records_the_flagged_trial_left_waiting(qtbot) -> None:
    """Start while a flagged trial waits for Repeat or Keep: it was measured, so its row
    still goes to the recording, saying it was left undecided."""
    tab, _, _ = make_tab(qtbot)
    rows: list[tuple] = []
    tab.trial_done.connect(rows.append)
    set_up(tab, trials=1)
    tab.start()
    measure(tab, 0.0, 300, rate=90)  # too fast: waits
    assert tab.session.run.pending is not None and rows == []
    assert tab.start()
    (row,) = rows
    assert row[2] == "Upper trapezius" and row[9] == 0
    assert "too fast" in row[10] and row[10].endswith(ABANDONED_WORDS)


def test_a_repeated_trial_stays_listed_as_repeated_and_out_of_the_results(qtbot) -> None:
    """The walk: the flagged trial the examiner repeated vanished from the trials table,
    though the recording and the exports keep it. It is listed where it was measured, its
    value in brackets and "repeated", greyed and italic; the results leave it out, and
    Delete and Redo on it are refused with the reason, nothing asked."""
    answers = Answers()
    tab, _, _ = make_tab(qtbot, answers)
    set_up(tab, trials=2)
    tab.start()
    t = measure(tab, 0.0, 300)
    t = measure(tab, t, 400, rate=90)  # too fast: flagged
    tab.guide.repeat_button.click()
    measure(tab, t, 340)
    table = tab.trials.table
    assert table.rowCount() == 3
    cells = [table.item(1, column).text() for column in range(table.columnCount())]
    assert cells[0] == "Upper trapezius L2" and cells[1] == "[400]"
    assert cells[4] == "ramp rate" and cells[5] == "repeated"
    assert REPEATED_WORDS in table.item(1, 1).toolTip()
    assert table.item(1, 1).font().italic() and not table.item(2, 1).font().italic()
    assert table.item(2, 1).text() == "340" and table.item(2, 5).text() == "yes"
    assert tab.results.table.item(0, 2).text() == "300 340"  # the 400 is not in them
    assert "Protocol complete" in tab.guide.next_label.text()
    table.selectRow(1)
    tab.trials.delete_button.click()
    assert "Upper trapezius L2 was repeated" in tab.guide.reply_label.text()
    tab.trials.redo_button.click()
    assert "was repeated" in tab.guide.reply_label.text() and answers.asked == []
    assert table.rowCount() == 3 and tab.results.table.item(0, 2).text() == "300 340"
