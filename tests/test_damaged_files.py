"""Damaged recordings: every way a file can break gets a one-line reason, never a traceback.

The files are real recordings, written by ``H5Recording`` in a tmp dir and then damaged with
plain h5py or by their bytes: wrong dtypes, missing objects, impossible attributes, cut-off
or flipped bytes. ``info``, ``export`` and ``repair`` either read a file (exit 0) or say why
not in one line (exit 2); a failed export leaves no ``.partial`` file behind; the review tab
shows the file or its reason. Files that claim far more samples than they hold on disk
(compressed zeros) are read in bounded memory.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import h5py
import numpy as np
import pytest
from conftest import run_cli

from monitor.acquisition import CALIBRATED_DTYPE
from monitor.cli import main
from monitor.ui.review_tab import ReviewTab
from recordings import (
    NotARecordingError,
    SessionInfo,
    export_csv,
    read_recording,
    schema,
    summarize,
)
from recordings.h5file import H5Recording
from recordings.reader import RecordingFile
from recordings.repair import repair

DEVICE = {"protocol": "fgb1", "identity": "SIM1", "raw_unit": "counts", "nominal_rate_hz": 1000.0}
CALIBRATION = {"offset": 0.0, "gain_n_per_unit": 0.01, "source": "device"}
ROWS = 10_000  # two whole chunks in /samples, the rest in the tail of an interrupted file

Damage = Callable[[Path], None]


def make_recording(path: Path, interrupted: bool, rows: int = ROWS) -> Path:
    """A small recording with a gap, an event, a segment and a PPT trial; ``interrupted``
    leaves it as a crash would: no end time, the newest samples in the tail."""
    samples = np.zeros(rows, CALIBRATED_DTYPE)
    samples["seq"] = np.arange(rows) + (np.arange(rows) >= rows // 2)  # one sample lost
    samples["t"] = samples["t_device"] = samples["seq"] / 1000
    samples["raw"] = samples["seq"] % 500
    samples["force"] = samples["raw"] / 100
    trial = (1.0, 4.2, "Upper trapezius", "left", 1, 50.0, 48.7, 312.5, "key", 1, "")
    tables = {
        schema.EVENTS_DATASET: [(1.5, "marker", "trigger point", 0.0)],
        schema.SEGMENTS_DATASET: [(0.0, 5.0, "Rhomboids", "left", "deep", 100.0, 200.0, "abs")],
        schema.PPT_TRIALS_DATASET: [trial],
    }
    file = H5Recording.create(
        path, SessionInfo(client="C-17", notes="left first"), DEVICE, CALIBRATION
    )
    file.write([samples], tables)
    if interrupted:
        file.flush()
        file.abandon()
    else:
        file.close_and_stamp()
    return path


# --- ways to damage a file ---------------------------------------------------------------


def edit(change: Callable[[h5py.File], None]) -> Damage:
    def damage(path: Path) -> None:
        with h5py.File(path, "r+") as file:
            change(file)

    return damage


def replace(name: str, make: Callable[[int], np.ndarray], **options: object) -> Damage:
    """``name`` replaced by a dataset ``make(length of the old one)`` makes."""

    def change(file: h5py.File) -> None:
        old = file[name]
        length = old.shape[0] if isinstance(old, h5py.Dataset) and old.shape else 1
        del file[name]
        file.create_dataset(name, data=make(length), **options)

    return edit(change)


def delete(name: str) -> Damage:
    def change(file: h5py.File) -> None:
        del file[name]

    return edit(change)


def attribute(node: str, key: str, value: object) -> Damage:
    def change(file: h5py.File) -> None:
        file[node].attrs[key] = value

    return edit(change)


def drop_attribute(node: str, key: str) -> Damage:
    def change(file: h5py.File) -> None:
        del file[node].attrs[key]

    return edit(change)


def as_group(name: str) -> Damage:
    def change(file: h5py.File) -> None:
        del file[name]
        file.create_group(name)

    return edit(change)


def soft_link(name: str, target: str) -> Damage:
    def change(file: h5py.File) -> None:
        del file[name]
        file[name] = h5py.SoftLink(target)

    return edit(change)


def external_link(name: str) -> Damage:
    def change(file: h5py.File) -> None:
        del file[name]
        file[name] = h5py.ExternalLink("elsewhere.h5", "/data")

    return edit(change)


def huge_zeros(name: str, rows: int, chunk: int = 1 << 16) -> Damage:
    """``name`` as a compressed dataset of ``rows`` zeros (chunks never written read as
    zeros): a few KB on disk."""

    def change(file: h5py.File) -> None:
        dtype = file[name].dtype
        del file[name]
        file.create_dataset(
            name, shape=(rows,), maxshape=(None,), dtype=dtype, chunks=(chunk,), **COMPRESSED
        )

    return edit(change)


COMPRESSED = {"compression": "gzip", "compression_opts": 4}


def truncate(fraction: float = 0.0, minus: int = 0) -> Damage:
    def damage(path: Path) -> None:
        data = path.read_bytes()
        path.write_bytes(data[: int(len(data) * fraction) if fraction else len(data) - minus])

    return damage


def overwrite(offset: int, data: bytes) -> Damage:
    def damage(path: Path) -> None:
        with open(path, "r+b") as stream:
            stream.seek(offset)
            stream.write(data)

    return damage


def flip_byte(offset: int) -> Damage:
    def damage(path: Path) -> None:
        with open(path, "r+b") as stream:
            stream.seek(offset)
            byte = stream.read(1)[0]
            stream.seek(offset)
            stream.write(bytes([byte ^ 0xFF]))

    return damage


def flip_chunk(name: str, index: int) -> Damage:
    """Garble the middle of one compressed chunk of ``name``: its deflate stream breaks."""

    def damage(path: Path) -> None:
        with h5py.File(path, "r") as file:
            info = file[name].id.get_chunk_info(index)
        middle = info.byte_offset + info.size // 2
        overwrite(middle, bytes(64 * [0xA5]))(path)

    return damage


def strings(n: int) -> np.ndarray:
    return np.array([f"{i}" for i in range(n)], dtype=h5py.string_dtype())


def table(fields: list[tuple[str, object]]) -> Callable[[int], np.ndarray]:
    """A table of ``n`` rows of ``fields``: zeros, empty text."""

    def make(n: int) -> np.ndarray:
        rows = np.zeros(n, np.dtype(fields))
        for name, dtype in fields:
            if h5py.check_string_dtype(np.dtype(dtype)) is not None:
                rows[name] = ""
        return rows

    return make


def compound_without(dtype: np.dtype, field: str) -> Callable[[int], np.ndarray]:
    return table([(name, dtype[name]) for name in dtype.names if name != field])


def retyped(dtype: np.dtype, field: str, new: object) -> Callable[[int], np.ndarray]:
    return table([(name, new if name == field else dtype[name]) for name in dtype.names])


EVENTS = table([(name, schema.EVENT_DTYPE[name]) for name in schema.EVENT_DTYPE.names])
T, SEQ, FORCE, FLAGS = "samples/t", "samples/seq", "samples/force", "samples/flags"
TAIL_COUNT = f"{schema.SAMPLES_TAIL_GROUP}/{schema.TAIL_COUNT}"
YEAR_9999 = "9999-12-31T23:59:59+00:00"

#: name -> (damage, what ``info`` says: a reason it prints, or None when the file still reads)
DAMAGES: dict[str, tuple[Damage, str | None]] = {
    # sample columns
    "t missing": (delete(T), "/samples/t is missing"),
    "seq float with NaN": (
        replace(SEQ, lambda n: np.where(np.arange(n) == 3, np.nan, np.arange(n, dtype="f8"))),
        "/samples/seq",
    ),
    "seq float": (replace(SEQ, lambda n: np.arange(n, dtype="f8")), "/samples/seq"),
    "flags float": (replace(FLAGS, np.zeros), "/samples/flags"),
    "t strings": (replace(T, strings), "/samples/t"),
    "t bytes": (replace(T, lambda n: np.zeros(n, "S8")), "/samples/t"),
    "t compound": (replace(T, lambda n: np.zeros(n, "f8,f8")), "/samples/t"),
    "t complex": (replace(T, lambda n: np.zeros(n, "c16")), "/samples/t"),
    "t bool": (replace(T, lambda n: np.zeros(n, bool)), "/samples/t"),
    "force 2-D": (replace(FORCE, lambda n: np.zeros((n, 2), "f4")), "/samples/force"),
    "t scalar": (replace(T, lambda n: np.float64(1.0)), "/samples/t"),
    "t a group": (as_group(T), "/samples/t"),
    "samples a dataset": (replace("samples", lambda n: np.zeros(3)), "/samples"),
    "t dangling link": (soft_link(T, "/nowhere"), "/samples/t"),
    "t external link": (external_link(T), "/samples/t"),
    "t empty": (replace(T, lambda n: np.zeros(0)), None),  # cut to the shortest column
    "t shorter": (replace(T, lambda n: np.arange(n // 2) / 1000), None),
    "t integers": (replace(T, np.arange), None),  # numbers, just not float
    "t NaN": (replace(T, lambda n: np.full(n, np.nan)), None),
    "t infinite": (replace(T, lambda n: np.full(n, np.inf)), None),
    "t huge": (replace(T, lambda n: np.linspace(0, 1e308, n)), None),
    "t backwards": (replace(T, lambda n: -np.arange(n) / 1000), None),
    "force NaN": (replace(FORCE, lambda n: np.full(n, np.nan, "f4")), None),
    "seq extremes": (
        replace(SEQ, lambda n: np.where(np.arange(n) % 2, 2**63 - 1, -(2**63)).astype("i8")),
        None,
    ),
    "seq uint64": (replace(SEQ, lambda n: np.arange(n, dtype="u8")[::-1]), None),
    "force compressed zeros": (huge_zeros(FORCE, 3_000_000), None),
    "force chunk garbled": (flip_chunk(FORCE, 1), "damaged"),
    "t chunk garbled": (flip_chunk(T, 0), "damaged"),
    # the tail of an unfinished file
    "tail count string": (replace(TAIL_COUNT, lambda n: np.array(["9"], "S1")), "count"),
    "tail count empty": (replace(TAIL_COUNT, lambda n: np.zeros(0, "i8")), "count"),
    "tail count scalar": (replace(TAIL_COUNT, lambda n: np.int64(5)), "count"),
    "tail count NaN": (replace(TAIL_COUNT, lambda n: np.array([np.nan])), "count"),
    "tail count negative": (replace(TAIL_COUNT, lambda n: np.array([-5])), "count"),
    "tail count huge": (replace(TAIL_COUNT, lambda n: np.array([10**12])), "count"),
    "tail count missing": (delete(TAIL_COUNT), "count"),
    "tail short": (replace("samples_tail/t", lambda n: np.zeros(100)), "the tail holds 100 rows"),
    "tail seq missing": (delete("samples_tail/seq"), "samples_tail/seq"),
    "tail t strings": (replace("samples_tail/t", strings), "samples_tail/t"),
    "tail missing": (delete(schema.SAMPLES_TAIL_GROUP), None),
    # tables
    "events floats": (replace("events", np.zeros), "/events"),
    "events without kind": (
        replace("events", compound_without(schema.EVENT_DTYPE, "kind")),
        "/events",
    ),
    "events kind numeric": (
        replace("events", retyped(schema.EVENT_DTYPE, "kind", "f8")),
        "/events",
    ),
    "events kind bytes": (replace("events", retyped(schema.EVENT_DTYPE, "kind", "S8")), None),
    "events 2-D": (replace("events", lambda n: np.stack([EVENTS(n)] * 2, axis=1)), "/events"),
    "events scalar": (replace("events", lambda n: EVENTS(1)[0]), "/events"),
    "events a group": (as_group("events"), "/events"),
    "events missing": (delete("events"), None),
    "segments t_start text": (
        replace("segments", retyped(schema.SEGMENT_DTYPE, "t_start", h5py.string_dtype())),
        "/segments",
    ),
    "ppt_trials strings": (replace("ppt_trials", strings), "/ppt_trials"),
    "events compressed zeros": (huge_zeros("events", 50_000), None),
    # root attributes
    "version string": (attribute("/", "schema_version", "1"), "schema_version"),
    "version bytes": (attribute("/", "schema_version", np.bytes_(b"1")), "schema_version"),
    "version zero": (attribute("/", "schema_version", 0), "schema_version"),
    "version negative": (attribute("/", "schema_version", -3), "schema_version"),
    "version fraction": (attribute("/", "schema_version", 1.5), "schema_version"),
    "version array": (attribute("/", "schema_version", [1, 1]), "schema_version"),
    "version bool": (attribute("/", "schema_version", True), "schema_version"),
    "version missing": (drop_attribute("/", "schema_version"), "schema_version"),
    "version newer": (attribute("/", "schema_version", 2), "update the app"),
    "version huge": (attribute("/", "schema_version", np.uint64(2**64 - 1)), "update the app"),
    "version float 1.0": (attribute("/", "schema_version", 1.0), "schema_version"),
    "format missing": (drop_attribute("/", "format"), "not a pressure-monitor-recording"),
    "format other": (attribute("/", "format", "something else"), "not a pressure-monitor"),
    "format bytes": (attribute("/", "format", np.bytes_(schema.FORMAT_NAME.encode())), None),
    # session, device and calibration attributes
    "probe area text": (attribute("session", "probe_area_cm2", "abc"), "probe_area_cm2"),
    "probe area NaN": (attribute("session", "probe_area_cm2", np.nan), "probe_area_cm2"),
    "probe area zero": (attribute("session", "probe_area_cm2", 0.0), "probe_area_cm2"),
    "probe area negative": (attribute("session", "probe_area_cm2", -1.0), "probe_area_cm2"),
    "probe area array": (attribute("session", "probe_area_cm2", [1.0, 2.0]), "probe_area_cm2"),
    "probe area missing": (drop_attribute("session", "probe_area_cm2"), None),
    "nominal rate text": (attribute("device", "nominal_rate_hz", "fast"), "nominal_rate_hz"),
    "gain text": (attribute("calibration", "gain_n_per_unit", "x"), "gain_n_per_unit"),
    "start year 9999": (attribute("session", "start_time", YEAR_9999), None),
    "start garbage": (attribute("session", "start_time", "soon"), None),
    "start a number": (attribute("session", "start_time", 5.0), None),
    "start missing": (drop_attribute("session", "start_time"), None),
    "end a number": (attribute("session", "end_time", 0), None),
    "end missing": (drop_attribute("session", "end_time"), None),
    "client not UTF-8": (attribute("session", "client", np.bytes_(b"\xff\xfe")), None),
    "client empty attribute": (attribute("session", "client", h5py.Empty("f8")), None),
    "client a reference": (edit(lambda f: f["session"].attrs.create("client", f.ref)), None),
    "client compound": (attribute("session", "client", np.zeros((), "i4,f8")), None),
    "notes 1 MB": (attribute("session", "notes", "n" * 1_000_000), None),
    "uuid array": (attribute("session", "uuid", np.arange(3)), None),
    "overflowing number": (attribute("device", "full_scale_n", np.inf), None),
    # groups
    "session missing": (delete("session"), "/session is missing"),
    "device missing": (delete("device"), "/device is missing"),
    "calibration missing": (delete("calibration"), "/calibration is missing"),
    "samples missing": (delete("samples"), "/samples is missing"),
    "session a dataset": (replace("session", lambda n: np.zeros(1)), "/session"),
    "overview missing": (delete("overview"), None),
    "overview wrong": (replace("overview/L64", np.zeros), None),
    # bytes
    "empty file": (truncate(fraction=1e-9), "not a readable HDF5 file"),
    "cut to a third": (truncate(fraction=1 / 3), "truncated"),
    "cut to 90 %": (truncate(fraction=0.9), "truncated"),
    "last byte cut": (truncate(minus=1), "truncated"),
    "superblock zeroed": (overwrite(0, bytes(64)), "not a readable HDF5 file"),
    # a checksum that fails: SWMR reading retried it for minutes
    "superblock byte flipped": (flip_byte(20), "not a readable HDF5 file (Unable"),
    "t huge chunks": (huge_zeros(T, 1 << 22, chunk=1 << 22), "has chunks of 32 MB"),
    "client long double": (attribute("session", "client", np.longdouble(2.5)), None),
    "probe area long double": (attribute("session", "probe_area_cm2", np.longdouble(2.5)), None),
}


def damaged_copy(base: Path, folder: Path, name: str) -> Path:
    path = folder / (name.replace(" ", "_").replace("%", "pc") + ".h5")
    shutil.copyfile(base, path)
    DAMAGES[name][0](path)
    return path


#: Damage found only when samples are read: ``repair`` of a cleanly closed file reads none.
FOUND_ON_READING = {"force chunk garbled", "t chunk garbled"}
#: Damage to the tail that matters only where the tail holds samples (an interrupted file).
TAIL_ONLY = {"tail short"}
#: Without an end time as text, a file was never closed cleanly: it reads as interrupted.
NO_END_TIME = {"end a number", "end missing"}
#: What only ``repair`` trips over: the end time it works out from the start and the samples.
REPAIR_REASONS = {"start year 9999": "past the year 9999"}


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """One interrupted and one closed recording to damage copies of."""
    folder = tmp_path_factory.mktemp("bases")
    return {
        interrupted: make_recording(
            folder / f"{'interrupted' if interrupted else 'closed'}.h5", interrupted
        )
        for interrupted in (True, False)
    }


def command(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``pressure-monitor ARGS`` in this process: exit status, stdout, stderr."""
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def assert_refused(status: int, err: str, name: str, reason: str) -> None:
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith(f"pressure-monitor {name}: "), err
    assert reason in err, err


@pytest.mark.parametrize("name", DAMAGES)
def test_a_damaged_file_is_read_or_refused_in_one_line(
    name: str, bases: dict[bool, Path], tmp_path: Path, capsys
) -> None:
    """``info``, ``export`` and ``repair`` on a damaged interrupted file; ``info --json`` and
    ``repair`` (which reads nothing of a closed file) on a damaged closed one."""
    for interrupted in (True, False):
        folder = tmp_path / ("interrupted" if interrupted else "closed")
        folder.mkdir()
        path = damaged_copy(bases[interrupted], folder, name)
        reason = None if name in TAIL_ONLY and not interrupted else DAMAGES[name][1]
        commands = [["info", "--json", str(path)]]
        if interrupted:
            commands.append(["info", str(path)])
            commands.append(["export", str(path), "--csv", str(folder / "out.csv")])
        for args in commands:
            status, out, err = command(capsys, *args)
            if reason is not None:
                assert_refused(status, err, args[0], reason)
            else:
                assert status == 0 and err == "", err
            if args[1] == "--json" and reason is None:
                json.loads(out, parse_constant=pytest.fail)  # NaN, Infinity: not JSON
            if args[1] != "--json" and args[0] == "info" and reason is None:
                assert "state     interrupted" in out
        assert (folder / "out.csv").exists() == (interrupted and reason is None)
        assert not (folder / "out.csv.partial").exists()
        check_repair(name, path, reason, interrupted or name in NO_END_TIME, capsys)


def check_repair(name: str, path: Path, reason: str | None, interrupted: bool, capsys) -> None:
    status, _, err = command(capsys, "repair", str(path))
    repaired = path.with_name(f"{path.stem}-repaired.h5")
    refusal = REPAIR_REASONS.get(name) if interrupted else None
    if reason and (interrupted or name not in FOUND_ON_READING):
        refusal = reason
    if refusal:
        assert_refused(status, err, "repair", refusal)
        assert not repaired.exists()
    else:
        assert status == 0 and err == "", err
        assert repaired.exists() == interrupted
    if repaired.exists():  # whole, closed, and holding every sample the damaged file gave
        with RecordingFile(path) as source, RecordingFile(repaired) as copy:
            assert not copy.interrupted
            assert copy.sample_count == source.sample_count
            assert copy.table_length("events") == source.table_length("events")


def test_the_cli_says_what_is_damaged_in_one_line(bases: dict[bool, Path], tmp_path: Path) -> None:
    """As a user sees it: a real process, its exit status, one line on stderr."""
    for name, args in [
        ("version string", ["info"]),
        ("probe area text", ["repair"]),
        ("force chunk garbled", ["export", "--csv", str(tmp_path / "out.csv")]),
    ]:
        path = damaged_copy(bases[True], tmp_path, name)
        result = run_cli(args[0], str(path), *args[1:])
        assert result.returncode == 2, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert DAMAGES[name][1] in result.stderr
        assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".h5")) == []


def test_schema_versions(bases: dict[bool, Path], tmp_path: Path) -> None:
    """A version of the wrong type is damage, not a newer version; so are 0 and below."""
    for version, message in [
        ("1", "damaged (schema_version '1' is not a whole number)"),
        (np.int64(0), "damaged (schema_version 0: versions start at 1)"),
        (np.int64(-1), "damaged (schema_version -1: versions start at 1)"),
        (np.int64(schema.SCHEMA_VERSION + 1), "is newer than this app reads"),
    ]:
        path = tmp_path / "s.h5"
        shutil.copyfile(bases[False], path)
        attribute("/", "schema_version", version)(path)
        with pytest.raises(NotARecordingError) as refused:
            read_recording(path)
        assert message in str(refused.value)
        assert ("newer" in str(refused.value)) == (version == schema.SCHEMA_VERSION + 1)


def test_plain_info_says_when_a_file_was_interrupted(bases: dict[bool, Path], capsys) -> None:
    status, out, _ = command(capsys, "info", str(bases[True]))
    assert status == 0
    assert (
        "  state     interrupted: never closed cleanly (a crash, a kill or a power cut); "
        f"'pressure-monitor repair {bases[True]}' writes a clean copy\n"
    ) in out
    status, out, _ = command(capsys, "info", str(bases[False]))
    assert status == 0 and "interrupted" not in out


def test_export_that_fails_midway_leaves_nothing(bases: dict[bool, Path], tmp_path: Path) -> None:
    """The second chunk of force is garbled: the first blocks are written, then it fails."""
    path = damaged_copy(bases[False], tmp_path, "force chunk garbled")
    out = tmp_path / "out.csv"
    with RecordingFile(path) as recording:
        assert recording.column("force", 0, schema.SAMPLE_CHUNK).size == schema.SAMPLE_CHUNK
        with pytest.raises(NotARecordingError, match=r"damaged \(/samples/force cannot be read"):
            export_csv(recording, out, block_rows=1000)
    assert list(tmp_path.glob("out.csv*")) == []


# --- bounded memory -----------------------------------------------------------------------


def huge_recording(path: Path, rows: int, interrupted: bool = False) -> Path:
    """A recording whose sample columns each claim ``rows`` compressed zeros: 300 KB on
    disk, 38 bytes a row once read."""
    make_recording(path, interrupted=False)
    for column in schema.SAMPLE_COLUMNS:
        huge_zeros(f"{schema.SAMPLES_GROUP}/{column.name}", rows)(path)
    if interrupted:
        attribute(schema.SESSION_GROUP, "end_time", "")(path)
    return path


def test_a_summary_in_blocks_is_the_summary_of_the_whole(tmp_path: Path) -> None:
    """Gaps on and next to block edges, the force range in one block, times across them."""
    path = make_recording(tmp_path / "s.h5", interrupted=True)  # a gap at 5000
    with h5py.File(path, "r+") as file:
        file["samples/seq"][2999:] += 2  # at a block edge (blocks of 1000 rows)
        file["samples/seq"][4001:] += 3  # just past one
        file["samples/force"][1500] = -7.0
    whole = summarize(read_recording(path), block_rows=10**6)
    with RecordingFile(path) as recording:
        assert summarize(recording, block_rows=1000) == whole
    assert whole["gaps"] == 3 and whole["dropped_samples"] == 1 + 2 + 3
    assert whole["force_n"] == {"min": -7.0, "max": pytest.approx(4.99)}
    assert whole["samples"] == ROWS and whole["duration_s"] == pytest.approx(10.0)


def _limit_address_space(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_info_reads_a_huge_file_in_bounded_memory(tmp_path: Path) -> None:
    """5 x 10^7 samples (1.9 GB as arrays) in a 1 GB address space: summarised in blocks."""
    path = huge_recording(tmp_path / "zeros.h5", 5 * 10**7)
    assert path.stat().st_size < 1 << 20
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "info", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=lambda: _limit_address_space(1 << 30),
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["samples"] == 5 * 10**7 and summary["force_n"] == {"min": 0.0, "max": 0.0}


def peak_bytes(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


MANY = 100_000  # 3.8 MB of sample arrays: read whole, they alone pass the bound below
BLOCK = 2_500  # 95 KB of them (export and repair take about 0.8 MB at their peak)


def test_export_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = huge_recording(tmp_path / "zeros.h5", MANY)
    out = tmp_path / "zeros.csv"
    with RecordingFile(path) as recording:
        peak = peak_bytes(lambda: export_csv(recording, out, block_rows=BLOCK))
    assert out.read_text().count("\n") > MANY
    assert peak < MANY * 38 / 3, f"{peak / 1e6:.2f} MB"


def test_repair_copies_in_bounded_memory(tmp_path: Path) -> None:
    path = huge_recording(tmp_path / "zeros.h5", MANY, interrupted=True)
    result = None

    def work() -> None:
        nonlocal result
        result = repair(path, block_rows=BLOCK)

    peak = peak_bytes(work)
    assert result.repaired is not None and result.samples == MANY
    with RecordingFile(result.repaired) as copy:
        assert copy.sample_count == MANY and not copy.interrupted
    assert peak < MANY * 38 / 3, f"{peak / 1e6:.2f} MB"


# --- the review tab -----------------------------------------------------------------------


def test_the_review_tab_shows_each_damaged_file_or_its_reason(
    bases: dict[bool, Path], tmp_path: Path, qtbot
) -> None:
    """Whatever the damage, the tab shows the file, or says why not and goes on showing the
    one before; nothing raises. One tab for all: each file opens over the one before."""
    review = ReviewTab()
    qtbot.addWidget(review)
    review.resize(1000, 700)
    review.show()
    try:
        for name, (_, reason) in DAMAGES.items():
            before = review.title.text()
            path = damaged_copy(bases[True], tmp_path, name)
            opened = review.open(path)
            assert opened == (reason is None), f"{name}: {review.problem.text()}"
            if opened:
                assert review.title.text().startswith(path.name), name
                assert review.problem.text() == "", name
                review.range.setRegion((2.0, 6.0))
            else:
                assert review.problem.text().startswith(f"Cannot open {path.name}: "), name
                assert review.title.text() == before, name
            qtbot.wait(1)
    finally:
        review.close_file()
