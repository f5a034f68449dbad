"""Marshmallow schemas of every record kind, grouped by enforcement stage.

The catalogue (:mod:`handlers.catalogue`) is the one index of these schemas; code elsewhere asks
the catalogue, never a module here directly.
"""
