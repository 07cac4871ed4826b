"""Placeholder: filled from the provider's published pages."""

from .base import Receiver

RECEIVER = Receiver(name="yahoo", hosts=(), domains=(), rules=())
