"""Which file of a diagram version defines a process (a version may hold several, e.g. a called 送达 process);
kept in :mod:`webapp.engine.diagrams`, which the JSON API shares."""
from __future__ import annotations

from webapp.engine.diagrams import defines, process_file

__all__ = ["defines", "process_file"]
