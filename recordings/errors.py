"""Typed errors of the recordings package; each message is one line a user can act on."""

import os


class RecordingError(Exception):
    """A recording cannot be created, written or read."""


class NotARecordingError(RecordingError):
    """The file is missing, not HDF5, truncated, or HDF5 of some other program."""


def reason(exc: BaseException) -> str:
    """An OS or HDF5 failure as its plain reason ("No space left on device")."""
    if isinstance(exc, OSError) and exc.errno:
        return os.strerror(exc.errno)
    text = str(exc).splitlines()[0] if str(exc) else ""
    return text.split("(")[0].strip() or type(exc).__name__
