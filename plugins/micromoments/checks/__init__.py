"""Checks: each module declares its rules and checks one aspect of a moment.

Importing this package registers every rule (for the docs, the CLI and the configuration).
"""

from ..results import data as results_data
from . import clients, data, email, push, sms, spec, tone

__all__ = ["clients", "data", "email", "push", "results_data", "sms", "spec", "tone"]
