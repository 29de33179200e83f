"""How much more a file may grow: the disk's free space, and the process's file-size limit."""

from __future__ import annotations

import shutil
from pathlib import Path

try:
    import resource
except ImportError:  # Windows has no file-size rlimit
    resource = None

#: Room kept free for HDF5's own metadata when a file is closed or switched.
MARGIN_BYTES = 32 * 1024
#: What one sample may cost before a file has shown its own rate: all its columns
#: uncompressed (38 bytes) plus the overview's share.
BYTES_PER_SAMPLE_BOUND = 40


def room_left(path: Path) -> int:
    """Bytes ``path`` can still grow by before a write fails for want of space."""
    room = shutil.disk_usage(path.parent).free
    if resource is not None:
        limit, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
        if limit != resource.RLIM_INFINITY:
            size = path.stat().st_size if path.exists() else 0
            room = min(room, limit - size)
    return room


def has_room_for(
    path: Path, samples: int, bytes_per_sample: float = BYTES_PER_SAMPLE_BOUND
) -> bool:
    return room_left(path) >= MARGIN_BYTES + samples * bytes_per_sample


__all__ = ["has_room_for", "room_left"]
