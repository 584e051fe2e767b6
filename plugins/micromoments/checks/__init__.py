"""Checks: each module declares its rules and checks one aspect of a moment.

Importing this package registers every rule (for the docs, the CLI and the configuration).
"""

from . import clients, data, spec

__all__ = ["clients", "data", "spec"]
