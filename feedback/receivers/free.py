"""Free (free.fr, and the former aliceadsl.fr, libertysurf.fr).

Free's postmaster page http://postmaster.free.fr/ lists the replies its MX
servers give when they refuse mail; every one of them is about the sending IP
("Il y a plusieurs raisons qui peuvent nous pousser à bloquer une IP"), which
stays blocked for at most 24 hours. "550 spam detected" is the message judged
spam by its filter. The table is small: that page is the only one Free publishes.
"""

from __future__ import annotations

from .base import Receiver, Rule

POSTMASTER = "http://postmaster.free.fr/"

RULES: tuple[Rule, ...] = (
    Rule(r"\bspam detected\b", "spamdetected", POSTMASTER),
    # Every other refusal that sends the reader to the postmaster page is an IP block.
    Rule(r"postmaster\.free\.fr", "blocked", POSTMASTER),
)

RECEIVER = Receiver(
    name="free",
    hosts=("free.fr",),
    domains=("free.fr", "aliceadsl.fr", "libertysurf.fr"),
    rules=RULES,
    markers=("postmaster.free.fr",),
    source=POSTMASTER,
)
