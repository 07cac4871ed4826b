"""AT&T consumer mail (att.net, sbcglobal.net, bellsouth.net, pacbell.net, prodigy.net...).

Error-code page: AT&T's mail block inquiry page for end users,
http://rbl.att.net/block_enduser.html (421 DNS look-up failure, 450 busy,
521 "is blocked", 550 [suspend], 550 [permfail] sender domain, 550
unauthorized interface, 550 "blocked by ldap:ou=rblmx"); the current
block replies point to abuse_rbl@abuse-att.net.

Since June 2025 these domains' MX point to Yahoo
(``mx-att.mail.am0.yahoodns.net``): replies from there are identified as
Yahoo by host; for an AT&T recipient without a remote MTA the Yahoo rules
are tried after AT&T's own.
"""

from .base import Receiver, Rule
from .yahoo import RULES as YAHOO_RULES

BLOCK_PAGE = "http://rbl.att.net/block_enduser.html"

RULES: tuple[Rule, ...] = (
    Rule(r"\[suspend\] mailbox currently suspended", "suspend", BLOCK_PAGE),
    Rule(r"521 \S+ is blocked", "blocked", BLOCK_PAGE),
    Rule(r"dnsbl:", "blocked", BLOCK_PAGE),
    Rule(r"abuse_rbl@abuse-att\.net", "blocked", BLOCK_PAGE),
    Rule(r"blocked by ldap:ou=rblmx", "blocked", BLOCK_PAGE),
    Rule(r"unauthorized interface for", "blocked", BLOCK_PAGE),
    Rule(r"requires valid sender domain", "rejected", BLOCK_PAGE),
    Rule(r"failure in dns look-?up", "requireptr", BLOCK_PAGE),
    Rule(r"450 busy-+ ?please try again later", "toomanyconn", BLOCK_PAGE),
) + YAHOO_RULES

RECEIVER = Receiver(
    name="att",
    hosts=("att.net", "prodigy.net", "sbcglobal.net", "bellsouth.net"),
    domains=(
        "att.net",
        "ameritech.net",
        "bellsouth.net",
        "currently.com",
        "flash.net",
        "nvbell.net",
        "pacbell.net",
        "prodigy.net",
        "sbcglobal.net",
        "snet.net",
        "swbell.net",
        "wans.net",
    ),
    rules=RULES,
    markers=("abuse_rbl@abuse-att.net",),
    source=BLOCK_PAGE,
)
