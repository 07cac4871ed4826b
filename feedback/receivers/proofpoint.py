"""Placeholder: filled from the provider's published pages."""

from .base import Receiver

RECEIVER = Receiver(name="proofpoint", hosts=(), domains=(), rules=())
