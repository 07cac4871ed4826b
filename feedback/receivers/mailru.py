"""Mail.ru (mail.ru, bk.ru, list.ru, inbox.ru, internet.ru).

Mail.ru states the recipient's state in plain words after DATA: "550 Message
was not accepted -- invalid mailbox. Local mailbox x@mail.ru is unavailable:
user not found" (the mailbox does not exist), "...: account is disabled" or
"...: user is terminated" (an account that exists, or existed, and is closed).
SES DSNs do not say at which stage a reply came, so these words decide.

Pages: Mail.ru's own help pages named in its refusals,
https://help.mail.ru/notspam-support (spam refusals) and
https://help.mail.ru/mail-help/postmaster/dmarc (DMARC). Mail.ru publishes no
page on the "invalid mailbox" replies that we could find; their meaning is the
one given by https://mailout.ru/2015/09 (a third-party list of Mail.ru's
replies), and "user is terminated" is read as suspend, not as a missing
mailbox, because no page says the address is gone.
"""

from __future__ import annotations

from .base import Receiver, Rule

NOTSPAM = "https://help.mail.ru/notspam-support"
DMARC = "https://help.mail.ru/mail-help/postmaster/dmarc"
MAILOUT = "https://mailout.ru/2015/09 (third-party list of Mail.ru replies, no Mail.ru page found)"

RULES: tuple[Rule, ...] = (
    Rule(r"is unavailable: user not found", "userunknown", MAILOUT),
    Rule(r"is unavailable: (?:account is disabled|user is terminated)", "suspend", MAILOUT),
    # "550 spam message rejected. Please visit http://help.mail.ru/notspam-support/id?c=...".
    Rule(r"spam message rejected", "spamdetected", NOTSPAM),
    # "550 5.7.1 This message was not accepted due to domain owner DMARC policy (RFC 7489)".
    Rule(r"not accepted due to domain owner dmarc policy", "authfailure", DMARC),
    Rule(r"\b(?:mailbox full|user quota exceeded)\b", "mailboxfull", MAILOUT),
)

RECEIVER = Receiver(
    name="mailru",
    hosts=("mail.ru",),
    domains=("mail.ru", "bk.ru", "list.ru", "inbox.ru", "internet.ru"),
    rules=RULES,
    markers=("help.mail.ru", "abuse@corp.mail.ru"),
    source=NOTSPAM,
)
