"""The session logic (Qt-free) and the command line; the Qt app lives in ``monitor.ui``."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pressure-monitor")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
