"""The Qt layer: the only package that imports Qt or pyqtgraph.

pyqtgraph picks the first Qt binding it finds (PyQt6 before PySide6); pin it to ours so that
a machine with both installed never mixes two Qts in one process.
"""

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
