"""GMX, web.de, mail.com and 1&1/IONOS (United Internet, MTA "Nemesis").

Their inbound servers answer with a basic reply code only (no RFC 3463 status)
and a multi-line text whose LAST line decides: "550-Requested action not
taken: mailbox unavailable 550-Reject due to policy restrictions. 550 For
explanation visit https://postmaster.gmx.net/en/case?c=...". So the first line
alone says nothing about the recipient: the specific lines are tried first,
and "mailbox unavailable" reads as a missing mailbox only when nothing else
follows it.

Pages: https://postmaster.gmx.com/en/error-messages (structure of the replies),
https://help.1and1.com/e-mail-and-office-c37589/1and1-postmaster-c85193/smtp-error-messages-for-the-1and1-mail-server-a793087.html
(the 1&1 reply table), https://support.gmx.com/email/composing-and-sending/bounce-reject.html
(mailbox unavailable / mailbox full), https://newsroom.gmx.net/2017/09/28/unzustellbar-fehlermeldungen-email/.
"""

from __future__ import annotations

from .base import Receiver, Rule

GMX_ERRORS = "https://postmaster.gmx.com/en/error-messages"
ONEANDONE = (
    "https://help.1and1.com/e-mail-and-office-c37589/1and1-postmaster-c85193/"
    "smtp-error-messages-for-the-1and1-mail-server-a793087.html"
)
GMX_SUPPORT = "https://support.gmx.com/email/composing-and-sending/bounce-reject.html"
GMX_NEWS = "https://newsroom.gmx.net/2017/09/28/unzustellbar-fehlermeldungen-email/"
UNITED_INTERNET = "https://smtp.codes/unitedinternet/ (quotes the United Internet postmaster texts)"

RULES: tuple[Rule, ...] = (
    # "554-IP address is block listed. 554 For explanation visit .../case?c=r0201".
    Rule(r"ip address is block ?listed", "blocked", GMX_ERRORS),
    # 1&1: "Reject due to policy violations": the IP is blocked after mail to
    # too many addresses that do not exist (or a changing HELO).
    Rule(r"reject due to policy (?:restrictions|violations)", "blocked", ONEANDONE),
    Rule(r"rate limit reached", "ratelimited", ONEANDONE),
    Rule(r"reject due to spf policy", "authfailure", UNITED_INTERNET),
    # The explanation link names the case; "c=rdns" is the reverse-DNS page.
    Rule(r"postmaster\.(?:gmx|web)\.\S*[?&]c=rdns\b", "requireptr", GMX_ERRORS),
    # 1&1: "Syntax error in parameters or arguments": refused because of the
    # sending server's configuration, unblocked on request.
    Rule(r"syntax error in parameters or arguments", "blocked", ONEANDONE),
    Rule(r"exceeded storage allocation|quota exceeded", "mailboxfull", GMX_NEWS),
    Rule(r"user has too many messages on (?:the )?server|mailbox full", "mailboxfull", GMX_SUPPORT),
    Rule(r"local error in processing", "systemerror", ONEANDONE),
    # Only when no more specific line follows ("550-..." continues the reply).
    Rule(
        r"requested action not taken: mailbox unavailable\.?(?:$| \(| 550 for explanation visit)",
        "userunknown",
        GMX_SUPPORT,
    ),
    Rule(r"\bunknown user\b", "userunknown", GMX_SUPPORT),
)

RECEIVER = Receiver(
    name="gmx",
    hosts=(
        "gmx.net",
        "gmx.com",
        "gmx.de",
        "web.de",
        "mail.com",
        "kundenserver.de",
        "1and1.com",
        "1and1.es",
        "1and1.co.uk",
        "ionos.com",
        "ionos.de",
    ),
    domains=(
        "gmx.net",
        "gmx.de",
        "gmx.at",
        "gmx.ch",
        "gmx.com",
        "gmx.co.uk",
        "gmx.fr",
        "gmx.es",
        "gmx.it",
        "gmx.eu",
        "gmx.info",
        "gmx.org",
        "gmx.us",
        "gmx.biz",
        "gmx.li",
        "gmx.se",
        "gmx.tm",
        "web.de",
        "mail.com",
        "usa.com",
    ),
    rules=RULES,
    markers=("postmaster.gmx.", "postmaster.web.de", "nemesis esmtp"),
    source=GMX_ERRORS,
)
