"""Liuhen's rules as code: the record catalogue, the gate, diagram properties, conditions, clock.

Nothing here imports Flask or the database, so every rule is testable on its own.
"""
from handlers import messages as _messages  # noqa: F401  # marshmallow's messages in Chinese before any schema exists
