"""What the PPT guide says is true at every moment (a walk in a real window saw "ready: load"
at 54 to 284 kPa, a load begun in the rest and never measured, and "ready" while a flagged
trial awaited Repeat or Keep). The Qt-free session is driven by the simulator's ``ppt``
profile through the real wire format, on its virtual clock; its status is read after every
block, as the screen reads it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from test_ppt_session import SITE, blocks, session_for

from firmware_bridge.sim import SimulatorConfig, decoded_blocks
from monitor.acquisition import CALIBRATED_DTYPE, calibration_for
from monitor.ppt.protocol import PptProtocol
from monitor.ppt.session import Phase, PptSession, Status


@dataclass(frozen=True)
class Moment:
    """The session after one block: its newest pressure and what the guide would say."""

    t: float
    kpa: float
    status: Status
    pending: bool


def simulated(interval_s: float, until_s: float, trials: int = 3) -> list[Moment]:
    """The simulator's examiner (a 4 s rest, every 4th ramp 50 % too fast) against our rest
    of ``interval_s``, on both sides; flagged trials are left waiting (never decided)."""
    config = SimulatorConfig(rate_hz=200, profile="ppt", seed=3)
    info, decoded, _ = decoded_blocks(config, until_s, 0.05)
    calibration = calibration_for(info)
    protocol = PptProtocol((SITE,), trials_per_site=trials, interval_s=interval_s)
    session = PptSession(protocol, sample_rate_hz=200)
    moments = []
    for block in decoded:
        out = np.zeros(block.size, dtype=CALIBRATED_DTYPE)
        out["t"], out["flags"] = block["t_device"], block["flags"]
        out["force"] = calibration.apply(block["raw"])
        session.feed(out)
        pending = session.run.pending is not None
        moments.append(Moment(session.now, session.current_kpa, session.status(), pending))
    return moments


def loaded(moment: Moment) -> bool:
    return moment.kpa >= 10.0  # where the detector recognises loading


def test_ready_is_never_said_while_the_probe_is_loaded() -> None:
    """The walk's case: our rest 5 s, the simulated examiner's 4 s, so every other ramp begins
    in the rest. "ready: load" was shown through such a ramp's whole climb."""
    moments = simulated(interval_s=5.0, until_s=60.0)
    wrong = [(m.t, round(m.kpa)) for m in moments if m.status.phase is Phase.READY and loaded(m)]
    assert wrong == []
    assert {m.status.phase for m in moments} >= {
        Phase.LOADING,
        Phase.RESTING,
        Phase.REFUSED,
        Phase.READY,
    }


def test_a_load_begun_in_the_rest_is_refused_in_words_while_it_lasts() -> None:
    """From the refusal until the probe comes off: the refusal's words, in the alert colour,
    first with the rest left, then (the rest over, the probe still on) 'lift, then load'."""
    moments = simulated(interval_s=5.0, until_s=30.0)
    first = next(i for i, m in enumerate(moments) if m.status.phase is Phase.REFUSED)
    lifted = next(i for i in range(first, len(moments)) if not loaded(moments[i]))
    during = moments[first:lifted]
    assert during and all(m.status.phase is Phase.REFUSED and m.status.alert for m in during)
    assert all(m.status.short == "lift probe" for m in during)
    assert all("Not measured: loading began during the rest" in m.status.words for m in during)
    resting = [m for m in during if m.status.rest_left_s > 0]
    over = [m for m in during if m.status.rest_left_s == 0]
    assert resting and over  # the simulator's ramp outlasts the rest
    assert "s of rest left" in resting[0].status.words
    assert over[-1].status.words.endswith("Lift the probe, then load.")
    assert max(m.kpa for m in over) > 200  # the climb the walk saw called "ready"
    after = moments[lifted]  # off: the refusal goes, and loading would be measured now
    assert not after.status.alert and after.status.phase is Phase.READY


def test_the_rest_says_how_long_and_to_lift_the_probe() -> None:
    moments = simulated(interval_s=5.0, until_s=30.0)
    resting = [m for m in moments if m.status.phase is Phase.RESTING]
    on = [m for m in resting if loaded(m)]  # the stop, then the examiner lifting
    off = [m for m in resting if not loaded(m)]
    assert on and off
    assert all(m.status.words.endswith("left — lift the probe.") for m in on)
    assert all(m.status.words.endswith("left — keep the probe off.") for m in off)
    assert all(m.status.words.startswith("Resting: ") for m in resting)
    assert all(m.status.short.startswith("rest ") for m in resting)
    assert "rest 0\u202fs" not in {m.status.short for m in resting}  # rounded up while resting


def test_a_flagged_trial_asks_its_question_not_ready() -> None:
    """Our rest 3 s: every simulated ramp is measured, and the 4th (50 % too fast) waits for
    Repeat or Keep until the examiner's next ramp (a repeat)."""
    moments = simulated(interval_s=3.0, until_s=60.0)
    waiting = [m for m in moments if m.pending]
    assert waiting
    assert all(m.status.phase in (Phase.DECIDE, Phase.LOADING) for m in waiting)
    deciding = [m for m in waiting if m.status.phase is Phase.DECIDE]
    assert deciding and all(m.status.short == "decide first" for m in deciding)
    assert all(m.status.words.startswith("Repeat the flagged trial or keep it") for m in deciding)
    assert any("Resting:" in m.status.words for m in deciding)  # and the rest, as it runs
    assert not any(m.status.phase is Phase.READY for m in waiting)


def test_a_trial_starts_only_from_the_probe_off() -> None:
    """A protocol started while the probe is pressed measures nothing until it comes off:
    a ramp already under way has no known start."""
    session = session_for(trials=1)
    held = np.linspace(150, 250, 200)  # pressed, and rising, as the protocol starts
    for block in blocks(held, 0.0):
        session.feed(block)
    assert not session.trial_running() and session.status().phase is Phase.LIFT
    assert session.status().words.startswith("Lift the probe, then load")
    kpa = np.concatenate([np.zeros(50), np.arange(0, 300, 0.5), np.zeros(50)])
    button = np.zeros(kpa.size, dtype=bool)
    button[649] = True
    for block in blocks(kpa, 2.0, button):
        session.feed(block)
    (entry,) = session.run.entries
    assert entry.trial.t_start > 2.5 and session.status().phase is Phase.COMPLETE


def test_no_readings_yet_is_said_so() -> None:
    session = session_for()
    assert session.status().phase is Phase.NO_DATA and session.status().short == "no data"
