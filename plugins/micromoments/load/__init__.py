"""Reading spec files into the model, with diagnostics for everything that is wrong."""

from .loader import load_catalog

__all__ = ["load_catalog"]
