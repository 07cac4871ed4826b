"""Placeholder: filled from the provider's published pages."""

from .base import Receiver

RECEIVER = Receiver(name="barracuda", hosts=(), domains=(), rules=())
