"""T-Online / Deutsche Telekom (t-online.de, magenta.de).

T-Online refuses the connection of a sending IP it does not accept with
"554 IP=192.0.2.1 - <text> (Ask your postmaster for help or to contact
tosa@rx.t-online.de to clarify.) (BL)"; the tag in brackets at the end names
the cause. Its postmaster page (https://postmaster.t-online.de/index.en.html,
sections 4.1, 4.6, 4.7 and 4.12) explains that hosts with a bad or unknown
reputation, dial-up/transient IPs and hosts without an operator's imprint are
not accepted. The tags themselves are explained by T-Online's answers quoted in
https://www.spamresource.com/2020/06/whoops-t-onlinede-not-accepting-mail.html
and the hosting notes cited per rule; none of them is about the recipient.
"""

from __future__ import annotations

from .base import Receiver, Rule

POSTMASTER = "https://postmaster.t-online.de/index.en.html (4.6, 4.7, 4.12)"
SPAMRESOURCE = "https://www.spamresource.com/2020/06/whoops-t-onlinede-not-accepting-mail.html"
CREOLINE = "https://help.creoline.com/de/doc/t-online-554-dialuptransient-ip-not-allowed-zVwMz4z866"
TIMME = "https://timmehosting.de/leitfaden-wenn-t-online-e-mails-blockiert-ursachen-und-loesungen"

RULES: tuple[Rule, ...] = (
    # "554 IP=... - None/bad reputation. ... (NOWL)": no or bad reputation, not on the whitelist.
    Rule(r"none/bad reputation|\(nowl\)", "badreputation", f"{POSTMASTER}; {TIMME}"),
    # "554: Dialup/transient IP not allowed. Use a mailgateway ... (DIAL)".
    Rule(r"dialup/transient ip not allowed|\(dial\)", "blocked", f"{POSTMASTER}; {CREOLINE}"),
    # "554 IP=... - A problem occurred. (Ask your postmaster ...) (BL)": the IP is blocked.
    Rule(r"\(bl\)", "blocked", f"{POSTMASTER}; {SPAMRESOURCE}"),
)

RECEIVER = Receiver(
    name="tonline",
    hosts=("t-online.de",),
    domains=("t-online.de", "magenta.de"),
    rules=RULES,
    # The contact addresses in its refusals (tosa@, toda@, postmaster@rx.t-online.de).
    markers=("rx.t-online.de",),
    source=POSTMASTER,
)
