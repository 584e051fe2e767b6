"""micromoments: a static-site generator for micro-moment design systems.

The core (``load``, ``model``, ``checks``, ``render``, ``write``) never imports MkDocs; the
MkDocs plugin (``micromoments.mkdocs``) and the CLI (``micromoments.cli``) are thin adapters.
"""

__version__ = "0.1.0"
