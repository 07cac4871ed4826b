"""Placeholder: filled from the provider's published pages."""

from .base import Receiver

RECEIVER = Receiver(name="orange", hosts=(), domains=(), rules=())
