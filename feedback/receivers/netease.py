"""Placeholder: filled from the provider's published pages."""

from .base import Receiver

RECEIVER = Receiver(name="netease", hosts=(), domains=(), rules=())
