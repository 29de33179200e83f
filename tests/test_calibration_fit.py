"""Calibration math against hand-computed cases, and the per-device store."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from calibration import (
    CalibrationError,
    CalibrationPoint,
    CalibrationRecord,
    CalibrationStore,
    LinearCalibration,
    QuadraticCalibration,
    fit,
    is_still,
    still_mean,
    verify,
)

P = CalibrationPoint
KG = 9.80665


def test_hx711_cell_with_known_masses() -> None:
    # raw = -52000 + 1234.5 counts/N x load, at 0, 1, 2 and 5 kg
    loads = [0.0, 1 * KG, 2 * KG, 5 * KG]
    report = fit([P(load, -52000 + 1234.5 * load) for load in loads])
    assert report.linear.offset == pytest.approx(-52000)
    assert report.linear.gain_n_per_unit == pytest.approx(1 / 1234.5)
    assert report.linearity_pct_fs == pytest.approx(0, abs=1e-9)
    assert report.hysteresis_pct_fs is None
    assert report.quadratic is None  # a straight line needs nothing more
    assert report.full_scale_n == pytest.approx(5 * KG)
    assert report.accept() is report.linear


def test_bending_cell_hand_computed() -> None:
    # raw = 1000 F - 2 F^2 at F = 0..50 N. By hand: mean F 25, sum (F-25)^2 = 1750,
    # sum (F-25) raw = 1 575 000 -> slope 900 counts/N; mean raw 23 166.67 -> intercept
    # 666.67; residuals -666.7 133.3 533.3 533.3 133.3 -666.7 counts = +-0.741 N at worst,
    # 1.48 % of the 50 N full scale.
    loads = np.arange(0.0, 51.0, 10.0)
    report = fit([P(f, 1000 * f - 2 * f**2) for f in loads])
    assert 1 / report.linear.gain_n_per_unit == pytest.approx(900)
    assert report.linear.offset == pytest.approx(666.6667, abs=1e-3)
    assert report.residuals_n == pytest.approx(
        np.array([-666.667, 133.333, 533.333, 533.333, 133.333, -666.667]) / 900, abs=1e-5
    )
    assert report.linearity_pct_fs == pytest.approx(100 * 666.667 / 900 / 50, abs=1e-4)
    with pytest.raises(CalibrationError, match=r"1\.48 % of full scale exceeds 1 %.*second"):
        report.accept()
    quadratic = report.accept(second_order=True)
    assert isinstance(quadratic, QuadraticCalibration)
    assert (quadratic.a, quadratic.b, quadratic.c) == pytest.approx((0, 1000, -2), abs=1e-6)
    assert quadratic.apply(1000 * loads - 2 * loads**2) == pytest.approx(loads)


def test_hysteresis_hand_computed() -> None:
    # Loading 0, 10, 20 N reads 0, 10 000, 20 000; unloading at 10 N reads 10 100.
    # Slope over all four points: 1000 counts/N; the 100-count gap is 0.1 N, 0.5 % of 20 N.
    points = [P(0, 0), P(10, 10_000), P(20, 20_000), P(10, 10_100, unloading=True)]
    report = fit(points)
    assert 1 / report.linear.gain_n_per_unit == pytest.approx(1000)
    assert report.hysteresis_pct_fs == pytest.approx(0.5)


def test_inverted_cell_is_fine() -> None:
    report = fit([P(0, 100), P(10, -900), P(20, -1900)])
    assert report.linear.gain_n_per_unit == pytest.approx(-0.01)
    assert report.linear.apply(np.array([-1400.0]))[0] == pytest.approx(15)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([P(10, 100)], "two or more different loads, got 1"),
        ([P(10, 100), P(10, 102)], "two or more different loads, got 1"),
        ([P(0, 0), P(10, 1000), P(20, 900), P(30, 3000)], "turns back at 20 N"),
        ([P(0, 0), P(10, 0)], "does not change"),
        ([P(-1, 0), P(10, 1000)], "negative"),
        ([P(0, float("nan")), P(10, 1000)], "number"),
    ],
)
def test_bad_points_are_refused_with_a_reason(points: list, message: str) -> None:
    with pytest.raises(CalibrationError, match=message):
        fit(points)


def test_no_second_order_offer_means_no_second_order() -> None:
    with pytest.raises(CalibrationError, match="no second-order fit"):
        fit([P(0, 0), P(10, 1000)]).accept(second_order=True)


@given(
    st.floats(-1e5, 1e5),
    st.floats(100, 5000),
    st.floats(-2, 2),
    st.floats(0, 50),
)
def test_quadratic_inverts_its_own_curve(a: float, b: float, c: float, load: float) -> None:
    # Only the rising branch is a calibration: past the turning point two loads read alike.
    assume(c >= 0 or load < 0.9 * b / (-2 * c))
    calibration = QuadraticCalibration(a, b, c)
    raw = a + b * load + c * load**2
    assert calibration.apply(np.array([raw]))[0] == pytest.approx(load, rel=1e-6, abs=1e-6)


def test_tare_needs_a_still_signal() -> None:
    rng = np.random.default_rng(0)
    still = -52000 + rng.normal(0, 30, 500)
    assert still_mean(still) == pytest.approx(-52000, abs=5)
    pressing = still + np.linspace(0, 2000, 500)
    with pytest.raises(CalibrationError, match="still moving"):
        still_mean(pressing)
    shaking = -52000 + rng.normal(0, 300, 500)
    assert is_still(shaking)  # steady on average...
    assert not is_still(shaking, noise=30)  # ...but far noisier than the unloaded cell
    with pytest.raises(CalibrationError, match="too few"):
        still_mean(still[:3])


def test_verification_pass_and_fail() -> None:
    calibration = LinearCalibration(offset=-52000, gain_n_per_unit=1 / 1234.5)
    raw_for = lambda newtons: -52000 + 1234.5 * newtons  # noqa: E731
    good = verify(calibration, 2 * KG, raw_for(2 * KG * 1.005))
    assert good.passed and good.error_pct == pytest.approx(0.5)
    bad = verify(calibration, 2 * KG, raw_for(2 * KG * 1.02))
    assert not bad.passed and bad.error_n == pytest.approx(0.02 * 2 * KG)


def record(identity: str = "FA0001234567", offset: float = -52000, **changes) -> CalibrationRecord:
    values = {
        "device_identity": identity,
        "kind": "linear",
        "coefficients": {"offset": offset, "gain_n_per_unit": 1 / 1234.5},
        "raw_unit": "counts",
        "full_scale_n": 49.0,
        "linearity_pct_fs": 0.1,
    } | changes
    return CalibrationRecord(**values)


def test_store_keeps_the_whole_history(tmp_path: Path) -> None:
    store = CalibrationStore(tmp_path)
    assert store.current("FA0001234567") is None
    for offset in (-52000, -51990, -52010):
        store.save(record(offset=offset))
    store.save(record("SOMEONE/ELSE:1"))
    history = store.history("FA0001234567")
    assert [r.coefficients["offset"] for r in history] == [-52000, -51990, -52010]
    current = store.current("FA0001234567")
    assert current.calibration().offset == -52010
    assert len(store.history("SOMEONE/ELSE:1")) == 1
    assert not list(tmp_path.glob("*.partial"))


def test_store_refuses_damaged_foreign_and_misplaced_files(tmp_path: Path) -> None:
    store = CalibrationStore(tmp_path)
    path = store.save(record())
    path.write_text("{ not json")
    with pytest.raises(CalibrationError, match="damaged"):
        store.current("FA0001234567")
    with pytest.raises(CalibrationError, match="damaged"):
        store.save(record())  # and does not overwrite the damaged history
    assert path.read_text() == "{ not json"
    path.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(CalibrationError, match="not a calibration file"):
        store.current("FA0001234567")
    other = CalibrationStore(tmp_path / "b")
    other_path = other.save(record("OTHER"))
    path.write_text(other_path.read_text())  # another device's file under this name
    with pytest.raises(CalibrationError, match="device 'OTHER', not 'FA0001234567'"):
        store.current("FA0001234567")


def test_record_for_another_device_or_unit_is_refused() -> None:
    current = record()
    current.check_device("FA0001234567", "counts")
    with pytest.raises(CalibrationError, match="is for device"):
        current.check_device("FB9", "counts")
    with pytest.raises(CalibrationError, match=r"converts raw values in counts.*sends kgf"):
        current.check_device("FA0001234567", "kgf")


def test_record_that_cannot_be_applied_is_not_saved(tmp_path: Path) -> None:
    store = CalibrationStore(tmp_path)
    with pytest.raises(CalibrationError, match="gain must be finite"):
        store.save(record(coefficients={"offset": 0, "gain_n_per_unit": 0}))
    with pytest.raises(CalibrationError, match="unknown calibration kind"):
        store.save(record(kind="cubic"))
    assert store.history("FA0001234567") == []
