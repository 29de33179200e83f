"""Checks for what goes into a recording, made where it is handed over: a value HDF5 cannot
store is refused at once with its reason, and never reaches the writer thread, where it would
look like a failing disk."""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np

from recordings import schema
from recordings.errors import RecordingError

#: The sample columns, in the file's order and dtypes: what ``RecordingWriter.append`` stores.
SAMPLE_DTYPE = np.dtype([(column.name, column.dtype) for column in schema.SAMPLE_COLUMNS])


class InvalidValueError(RecordingError):
    """A value that a recording cannot hold (a NUL character, text that is not UTF-8, a
    number that is not one): refused, and nothing else is affected."""


def check_text(text: object, what: str) -> str:
    """``text`` if HDF5 can store it as a UTF-8 string, else InvalidValueError naming ``what``."""
    if not isinstance(text, str):
        raise InvalidValueError(f"{what} must be text, not {type(text).__name__}")
    if "\x00" in text:
        raise InvalidValueError(f"{what} contains a NUL character, which cannot be saved")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidValueError(f"{what} contains a character that is not valid text") from exc
    return text


def table_row(name: str, row: tuple) -> np.ndarray:
    """One row of table ``name`` as a 1-element array of its dtype, checked."""
    dtype = schema.TABLES[name]
    try:
        array = np.array([tuple(row)], dtype=dtype)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidValueError(f"a {name} row does not fit the table: {exc}") from exc
    for field in dtype.names or ():
        if dtype[field].kind == "O":
            check_text(array[field][0], f"the {name} field {field!r}")
    return array


def check_attributes(attributes: Mapping[str, object], what: str) -> None:
    """Attribute values must be numbers or storable text."""
    for key, value in attributes.items():
        if isinstance(value, str):
            check_text(value, f"{what} {key!r}")
        elif not isinstance(value, (int, float, np.integer, np.floating)):
            raise InvalidValueError(f"{what} {key!r} must be a number or text")


@functools.lru_cache(maxsize=16)
def check_sample_fields(dtype: np.dtype) -> None:
    """A block of ``dtype`` has every sample column (checked once per dtype: the reader's
    thread appends a block every few milliseconds)."""
    names = dtype.names or ()
    missing = [name for name in SAMPLE_DTYPE.names or () if name not in names]
    if missing:
        raise InvalidValueError(f"a sample block lacks the columns {', '.join(missing)}")


def sample_rows(blocks: list[np.ndarray]) -> np.ndarray:
    """``blocks`` as one array of the file's sample dtype (other fields dropped)."""
    if all(block.dtype == blocks[0].dtype for block in blocks):
        joined = np.concatenate(blocks)
        return joined if joined.dtype == SAMPLE_DTYPE else _as_samples(joined)
    return np.concatenate([_as_samples(block) for block in blocks])


def _as_samples(block: np.ndarray) -> np.ndarray:
    out = np.empty(block.shape[0], dtype=SAMPLE_DTYPE)
    for name in SAMPLE_DTYPE.names or ():
        out[name] = block[name]
    return out
