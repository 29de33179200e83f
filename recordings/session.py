"""Who, when and what a recording is about: written into every file, rescue files too."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class SessionInfo:
    operator: str = ""
    client: str = ""
    notes: str = ""
    probe_area_cm2: float = 1.0
    app_version: str = ""
    started_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    continues_uuid: str = ""  # set on a rescue file: the session it continues
    recovered_from: str = ""  # set on rescued and repaired files: where the data came from
