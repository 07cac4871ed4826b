"""Errors the command line turns into one line and exit code 2 (kept light to import)."""

from __future__ import annotations


class StoreError(Exception):
    """A database that cannot be used; the message is one line for the user."""
