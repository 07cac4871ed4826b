"""Cloudflare Email Routing (inbound MX ``*.mx.cloudflare.net``): forwards mail for its customers' domains.

Postmaster page: https://developers.cloudflare.com/email-routing/postmaster/
("SMTP errors": in most cases Email Routing passes the upstream server's
error back to the sender in the same session; "Spam and abusive traffic":
its own refusal names our IP and the DNS block list, "554 <ip> found on one
or more DNSBLs (abusixip)"). Sisimai's Rhost/Cloudflare.pm reads the same
reply as ``blocked`` and Cloudflare's "Upstream error" as ``systemerror``.

Only Cloudflare's own wordings are here: an upstream reply it relays (a
Gmail "does not exist ... gsmtp", say) is read with the table of the
receiver its text names (``relays``), else left to the generic tables.
"""

from .base import Receiver, Rule

POSTMASTER = "https://developers.cloudflare.com/email-routing/postmaster/"
SISIMAI = "Sisimai Rhost/Cloudflare.pm, citing " + POSTMASTER

RULES: tuple[Rule, ...] = (
    # Our sending IP on a DNS block list (Abusix and others): never the address.
    Rule(r"found on one or more dnsbls", "blocked", POSTMASTER + " (Spam and abusive traffic)"),
    # Cloudflare could not hand the message to the forwarding destination now.
    Rule(r"upstream error", "systemerror", SISIMAI),
)

RECEIVER = Receiver(
    name="cloudflare",
    hosts=("mx.cloudflare.net",),
    domains=(),
    rules=RULES,
    markers=("developers.cloudflare.com/email-routing",),
    source=POSTMASTER,
    relays=True,
)
