"""Each client's pressure-pain thresholds per site and side, remembered between sessions.

A measured PPT is what a relative band (e.g. 70-90 % of PPT) is a share of. The PPT mode
supplies thresholds; a therapist can also type one in. Clients are pseudonyms: nothing here
identifies a person. One JSON file, written atomically, readable without this app.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from monitor.json_documents import DocumentError, keep_copy, parse_document, save_document

FORMAT = "pressure-monitor-clients"
VERSION = 1


class ClientStoreError(ValueError):
    pass


@dataclass(frozen=True)
class Threshold:
    kpa: float
    source: str  # "entered" or "measured" (PPT mode, with its recording's name)
    measured_at: str = field(default_factory=lambda: datetime.now().astimezone().isoformat())


def _site_key(muscle: str, side: str) -> str:
    return f"{muscle}|{side}"


class ClientStore:
    """Thresholds keyed by client pseudonym, then muscle and side ("left", "right" or "—")."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problem = ""
        self._clients: dict[str, dict[str, Threshold]] = {}
        if path.exists():
            try:
                self._clients = _read(path.read_text("utf-8"))
            except (OSError, UnicodeDecodeError, ClientStoreError) as exc:
                self.problem = (
                    f"client thresholds in {path} could not be read ({exc}); {keep_copy(path)}; "
                    "new thresholds are not saved until the file is repaired or removed"
                )

    def threshold(self, client: str, muscle: str, side: str) -> Threshold | None:
        if not client.strip():
            return None
        return self._clients.get(client.strip(), {}).get(_site_key(muscle, side))

    def set_threshold(
        self, client: str, muscle: str, side: str, kpa: float, source: str = "entered"
    ) -> Threshold:
        """Remember a threshold (replacing an older one for the same site) and save."""
        if not client.strip():
            raise ClientStoreError("a threshold belongs to a client: enter a pseudonym first")
        if not (math.isfinite(kpa) and kpa > 0):
            raise ClientStoreError(f"a threshold must be a positive pressure, got {kpa!r}")
        if self.problem:
            raise ClientStoreError(f"not saved, to keep the damaged file intact: {self.problem}")
        threshold = Threshold(float(kpa), source)
        self._clients.setdefault(client.strip(), {})[_site_key(muscle, side)] = threshold
        self._save()
        return threshold

    def _save(self) -> None:
        clients = {
            client: {site: asdict(t) for site, t in sites.items()}
            for client, sites in self._clients.items()
        }
        save_document(self.path, FORMAT, VERSION, {"clients": clients})


def _read(text: str) -> dict[str, dict[str, Threshold]]:
    try:
        document = parse_document(text, FORMAT, VERSION)
    except DocumentError as exc:
        raise ClientStoreError(str(exc)) from exc
    try:
        return {
            str(client): {
                str(site): Threshold(
                    float(values["kpa"]), str(values["source"]), str(values["measured_at"])
                )
                for site, values in sites.items()
            }
            for client, sites in document["clients"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ClientStoreError(f"a client entry is unusable: {exc}") from exc
