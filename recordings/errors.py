"""Typed errors of the recordings package; each message is one line a user can act on."""


class RecordingError(Exception):
    """A recording cannot be created, written or read."""


class NotARecordingError(RecordingError):
    """The file is missing, not HDF5, truncated, or HDF5 of some other program."""
