"""Placeholder: filled from the provider's published pages."""

from .base import Receiver

RECEIVER = Receiver(name="mailru", hosts=(), domains=(), rules=())
