"""The Clinical Leaders Network site: content core and MkDocs adapter.

The core (everything but ``plugin.py``) knows nothing of MkDocs: it turns content
files into a validated catalogue and the catalogue into pages and feeds.
"""

__version__ = "1.0.0"
