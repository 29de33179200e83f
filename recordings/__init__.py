"""Sessions <-> HDF5: the writer thread, the reader, the schema, export. Qt-free.

Imports none of the other top-level packages: a calibration arrives as plain attributes.
"""

from recordings.errors import NotARecordingError, RecordingError
from recordings.export import export_csv
from recordings.reader import Recording, read_recording, summarize
from recordings.writer import RecordingWriter, SessionInfo

__all__ = [
    "NotARecordingError",
    "Recording",
    "RecordingError",
    "RecordingWriter",
    "SessionInfo",
    "export_csv",
    "read_recording",
    "summarize",
]
