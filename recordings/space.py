"""How much more a file may grow: the disk's free space, and the process's file-size limit."""

from __future__ import annotations

import shutil
from pathlib import Path

try:
    import resource
except ImportError:  # Windows has no file-size rlimit
    resource = None  # type: ignore[assignment]

#: Room kept free for HDF5's own metadata when a file is closed or switched.
MARGIN_BYTES = 32 * 1024
#: What one sample may cost before a file has shown its own rate: all its columns
#: uncompressed (38 bytes) plus the overview's share.
BYTES_PER_SAMPLE_BOUND = 40


def room_left(path: Path) -> int:
    """Bytes ``path`` can still grow by before a write fails for want of space; 0 when its
    folder is gone."""
    try:
        room = shutil.disk_usage(path.parent).free
        size = path.stat().st_size if path.exists() else 0
    except OSError:
        return 0
    if resource is not None:
        limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
        if limit != resource.RLIM_INFINITY:
            room = min(room, limit - size)
    return max(room, 0)


def has_room_for(
    path: Path,
    samples: int,
    bytes_per_sample: float = BYTES_PER_SAMPLE_BOUND,
    extra_bytes: int = 0,
) -> bool:
    """Whether ``samples`` more (and ``extra_bytes`` of other growth) fit, with a margin."""
    return room_left(path) >= MARGIN_BYTES + extra_bytes + samples * bytes_per_sample


__all__ = ["has_room_for", "room_left"]
