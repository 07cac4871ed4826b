"""Placeholder: filled from the provider's published pages."""

from .base import Receiver

RECEIVER = Receiver(name="charter", hosts=(), domains=(), rules=())
