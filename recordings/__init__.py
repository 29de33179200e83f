"""Sessions <-> HDF5: the writer thread, the reader, the schema, export, repair. Qt-free.

Imports none of the other top-level packages: a calibration arrives as plain attributes.
"""

from recordings.errors import NotARecordingError, RecordingError
from recordings.events import EventKind
from recordings.export import export_csv
from recordings.reader import Envelope, Recording, ReviewFile, read_recording, summarize
from recordings.session import SessionInfo
from recordings.writer import RecordingWriter, WriterStatus

__all__ = [
    "Envelope",
    "EventKind",
    "NotARecordingError",
    "Recording",
    "RecordingError",
    "RecordingWriter",
    "ReviewFile",
    "SessionInfo",
    "WriterStatus",
    "export_csv",
    "read_recording",
    "summarize",
]
