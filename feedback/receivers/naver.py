"""Naver Mail (naver.com).

Naver publishes no page on its SMTP replies that we could find, so the table
is small. The one reply with a distinctive meaning is the IP filter, which
sends the sender to Naver's IP registration service:
"421 4.3.2 Your IP(192.0.2.1) is filtered and this connection will be closed.
You must register your IP to http://realip.naver.com" (quoted with that
meaning by the Korean list of returned-mail replies cited below). Everything
else is left to the generic tables.
"""

from __future__ import annotations

from .base import Receiver, Rule

REALIP = "http://realip.naver.com; https://puffinknight.tistory.com/102 (third-party list, no Naver page found)"

RULES: tuple[Rule, ...] = (Rule(r"realip\.naver\.com", "blocked", REALIP),)

RECEIVER = Receiver(
    name="naver",
    hosts=("naver.com",),
    domains=("naver.com",),
    rules=RULES,
    markers=("realip.naver.com",),
    source="http://realip.naver.com",
)
