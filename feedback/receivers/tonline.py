"""Placeholder: filled from the provider's published pages."""

from .base import Receiver

RECEIVER = Receiver(name="tonline", hosts=(), domains=(), rules=())
