"""Pressure-pain thresholds, Qt-free: trials found in the stream (``trial``), the protocol and
its run (``protocol``), what the trials come to (``results``), one protocol being measured
(``session``) and what is exported (``export``)."""
