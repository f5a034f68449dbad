"""Helpers shared by the tests: apps and agencies, walkers through the API, tampering, browsers."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
