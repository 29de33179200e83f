"""The target library: shipped defaults with sources, bands in kPa, N or % PPT, user edits,
and each client's thresholds remembered."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from calibration.units import unit_named
from monitor.clients import ClientStore, ClientStoreError
from monitor.target_library import LibraryError, TargetLibrary, shipped_targets
from monitor.targets import (
    TECHNIQUES,
    BandError,
    BandSpec,
    SegmentSpec,
    Target,
    TargetBand,
    band_text,
    convert_band,
)

REQUIRED_MUSCLES = {
    "Upper trapezius",
    "Levator scapulae",
    "Rhomboids",
    "Infraspinatus",
    "Supraspinatus",
    "Sternocleidomastoid",
    "Masseter",
    "Temporalis",
    "Erector spinae / lumbar paraspinals",
    "Quadratus lumborum",
    "Gluteus medius",
    "Piriformis",
    "Tibialis anterior",
    "Gastrocnemius",
    "Plantar fascia",
}


def test_shipped_library_covers_every_muscle_and_technique_with_a_source() -> None:
    library = TargetLibrary.load()
    assert set(library.muscles) == REQUIRED_MUSCLES
    for muscle in library.muscles:
        assert library.techniques(muscle) == list(TECHNIQUES)
    for target in library.targets():
        assert len(target.source) > 80, target.label  # a real reason, not a placeholder
        band = target.band.resolve(probe_area_cm2=1.0)
        assert 0 < band.low_kpa < band.high_kpa < 400, target.label
    for muscle in library.muscles:
        bands = [library.get(muscle, t).band for t in TECHNIQUES]
        assert [b.low for b in bands] == sorted(b.low for b in bands)  # lighter to deeper
        ischemic = library.get(muscle, "ischemic compression")
        assert ischemic.hold_s is not None and 30 <= ischemic.hold_s <= 90


def test_defaults_say_what_they_rest_on() -> None:
    library = TargetLibrary.load()
    trapezius = library.get("Upper trapezius", "moderate").source
    assert "244 kPa" in trapezius and "UWO-Algometer" in trapezius
    assert "Conservative starting point to edit" in library.get("Masseter", "deep").source
    assert "Polianskis" in library.get("Gastrocnemius", "light").source


def test_bands_resolve_from_kpa_newtons_and_percent_of_ppt() -> None:
    assert BandSpec(150, 220).resolve(1.0) == TargetBand(150, 220)
    # 15 N on 0.5 cm² is 300 kPa.
    assert BandSpec(10, 15, "N").resolve(0.5) == TargetBand(200, 300)
    relative = BandSpec(70, 90, "% PPT")
    band = relative.resolve(1.0, ppt_kpa=320)
    assert (band.low_kpa, band.high_kpa) == pytest.approx((224, 288))
    with pytest.raises(BandError, match="enter or measure the client's PPT"):
        relative.resolve(1.0, ppt_kpa=None)
    assert relative.basis_note(320) == "70–90\u202f% of PPT 320\u202fkPa"
    assert BandSpec(150, 220).basis_note() == "absolute"


@pytest.mark.parametrize(
    ("low", "high", "basis", "reason"),
    [
        (200, 100, "kPa", "low < high"),
        (-5, 10, "kPa", "low < high"),
        (math.nan, 10, "N", "finite"),
        (70, 300, "% PPT", "not a target"),
        (1, 2, "psi", "unknown band basis"),
    ],
)
def test_impossible_bands_are_refused(low, high, basis, reason) -> None:
    with pytest.raises(BandError, match=reason):
        BandSpec(low, high, basis)


def test_segment_of_a_relative_band_without_ppt_records_why() -> None:
    target = Target("M", "deep", BandSpec(70, 90, "% PPT"), "test")
    segment = SegmentSpec.of(target, "left", 1.0, None)
    assert math.isnan(segment.band_low_kpa) and segment.basis == "70–90\u202f% of PPT not measured"
    measured = SegmentSpec.of(target, "left", 1.0, 200.0)
    assert (measured.band_low_kpa, measured.band_high_kpa) == pytest.approx((140, 180))


def test_edits_are_saved_per_user_and_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    library = TargetLibrary.load(path)
    edited = library.edit("Masseter", "deep", BandSpec(60, 80, "% PPT"), hold_s=45)
    assert edited.edited and "default was 70–100\u202fkPa" in edited.source
    again = TargetLibrary.load(path)
    assert again.get("Masseter", "deep") == edited
    assert again.get("Masseter", "light") == again.default("Masseter", "light")
    assert again.reset("Masseter", "deep") == again.default("Masseter", "deep")
    assert TargetLibrary.load(path).get("Masseter", "deep").edited is False
    # Saving only what changed: the file holds no entry once everything is back to default.
    assert json.loads(path.read_text())["targets"] == []


def test_an_unreadable_edits_file_is_copied_aside_and_never_saved_over(tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    damaged = '{"format": "pressure-monitor-targets", "version": 1, "targets": [{"mus'
    path.write_text(damaged)
    library = TargetLibrary.load(path)
    assert "were not used" in library.problem and "a copy is kept as" in library.problem
    assert library.get("Upper trapezius", "deep") == library.default("Upper trapezius", "deep")
    (copy,) = tmp_path.glob("targets.json.damaged-*")
    assert copy.read_text() == damaged
    with pytest.raises(LibraryError, match="damaged file intact"):
        library.edit("Masseter", "deep", BandSpec(50, 90, "kPa"), None)
    assert path.read_text() == damaged
    assert library.get("Masseter", "deep").edited is False, "an edit not saved is not applied"
    TargetLibrary.load(path)
    assert len(list(tmp_path.glob("targets.json.damaged-*"))) == 1, "one copy, not one a start"


def test_one_damaged_entry_costs_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "targets.json"
    library = TargetLibrary.load(path)
    muscles = library.muscles[:10]
    for muscle in muscles:
        library.edit(muscle, "deep", BandSpec(50, 90, "kPa"), None)
    document = json.loads(path.read_text())
    document["targets"][3]["low"] = "ninety"  # one of ten damaged
    path.write_text(json.dumps(document))
    library = TargetLibrary.load(path)
    assert library.problem.startswith("1 of 10 target edits in")
    kept = [m for m in muscles if library.get(m, "deep").edited]
    assert kept == [m for i, m in enumerate(muscles) if i != 3]
    library.edit(library.muscles[11], "light", BandSpec(5, 9, "kPa"), None)  # a new edit saves
    saved = json.loads(path.read_text())["targets"]
    assert len(saved) == 11, "the other nine, the new one, and the damaged one as it was"
    assert {"muscle": muscles[3], "low": "ninety"}.items() <= next(
        entry for entry in saved if entry.get("low") == "ninety"
    ).items()
    path.write_text(
        json.dumps(
            {
                "format": "pressure-monitor-targets",
                "version": 1,
                "targets": [
                    {
                        "muscle": "Masseter",
                        "technique": "deep",
                        "low": 90,
                        "high": 10,
                        "basis": "kPa",
                    }
                ],
            }
        )
    )
    assert "low < high" in TargetLibrary.load(path).problem


def test_find_by_muscle_or_label_and_unknown_names_are_refused() -> None:
    library = TargetLibrary(shipped_targets())
    assert library.find("upper TRAPEZIUS").key == ("Upper trapezius", "light")
    assert library.find("Piriformis — deep").key == ("Piriformis", "deep")
    with pytest.raises(LibraryError, match="no target for 'biceps'"):
        library.find("biceps")
    with pytest.raises(LibraryError):
        library.get("Piriformis", "tapotement")


def test_client_thresholds_are_remembered_per_site_and_side(tmp_path: Path) -> None:
    path = tmp_path / "clients.json"
    store = ClientStore(path)
    store.set_threshold("C-7", "Upper trapezius", "left", 231.0, source="measured")
    store.set_threshold("C-7", "Upper trapezius", "right", 254.0)
    reopened = ClientStore(path)
    assert reopened.threshold("C-7", "Upper trapezius", "left").kpa == 231.0
    assert reopened.threshold("C-7", "Upper trapezius", "right").source == "entered"
    assert reopened.threshold("C-7", "Masseter", "left") is None
    assert reopened.threshold("", "Upper trapezius", "left") is None
    with pytest.raises(ClientStoreError, match="pseudonym"):
        reopened.set_threshold(" ", "Masseter", "left", 100)
    with pytest.raises(ClientStoreError, match="positive"):
        reopened.set_threshold("C-7", "Masseter", "left", -3)


def test_damaged_clients_file_is_reported_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "clients.json"
    path.write_text("{not json")
    store = ClientStore(path)
    assert "could not be read" in store.problem and "a copy is kept as" in store.problem
    with pytest.raises(ClientStoreError, match="damaged file intact"):
        store.set_threshold("C-1", "Masseter", "left", 120)
    assert path.read_text() == "{not json"
    (copy,) = tmp_path.glob("clients.json.damaged-*")
    assert copy.read_text() == "{not json"


def test_a_band_converts_between_bases_or_says_it_cannot() -> None:
    # 7.5-10 N on 0.5 cm² is 150-200 kPa; with a PPT of 250 kPa that is 60-80 %.
    assert convert_band((7.5, 10), "N", "kPa", 0.5) == pytest.approx((150, 200))
    assert convert_band((150, 200), "kPa", "% PPT", 0.5, 250) == pytest.approx((60, 80))
    assert convert_band((60, 80), "% PPT", "N", 0.5, 250) == pytest.approx((7.5, 10))
    assert convert_band((120, 170), "kPa", "kPa", 1.0) == (120, 170)
    for ppt in (None, 0.0, math.nan):
        assert convert_band((120, 170), "kPa", "% PPT", 1.0, ppt) is None
        assert convert_band((70, 90), "% PPT", "kPa", 1.0, ppt) is None


def test_a_band_is_said_in_the_users_unit_too() -> None:
    kpa, newton, psi = (unit_named(symbol) for symbol in ("kPa", "N", "psi"))
    assert band_text(BandSpec(120, 170), kpa, 1.0) == "120–170\u202fkPa"
    assert band_text(BandSpec(120, 170), newton, 0.5) == "120–170\u202fkPa = 6.0–8.5\u202fN"
    assert band_text(BandSpec(6, 8, "N"), newton, 0.5) == "6–8\u202fN"
    assert band_text(BandSpec(6, 8, "N"), psi, 0.5) == "6–8\u202fN = 17.4–23.2\u202fpsi"
    relative = BandSpec(70, 90, "% PPT")
    assert band_text(relative, kpa, 1.0, 250) == "70–90\u202f% of PPT = 175–225\u202fkPa"
    assert band_text(relative, kpa, 1.0, None) == "70–90\u202f% of PPT"
