"""Yandex Mail (yandex.ru, yandex.com, ya.ru and the regional domains).

Yandex documents the replies its servers give to mail for its users in
"Report on non-delivery to Yandex" (https://yandex.com/support/mail/bounces/yandex.html)
and one page per reply under it. Its "No such user" comes as "550 5.7.1 No
such user!": the status says security, the words say the mailbox does not
exist, and the page says the same.
"""

from __future__ import annotations

from .base import Receiver, Rule

BOUNCES = "https://yandex.com/support/mail/bounces/yandex.html"
SPAM_PAGE = "https://yandex.com/support/mail/bounces/yandex/message-rejected-under-suspicion-of-spam.html"
POLICY_PAGE = "https://yandex.com/support/mail/bounces/yandex/policy-rejection-on-the-target-address.html"

RULES: tuple[Rule, ...] = (
    # "The email was sent to a non-existing address."
    Rule(r"\bno such user\b", "userunknown", BOUNCES),
    Rule(r"bad recipient address syntax|bad address mailbox syntax", "userunknown", BOUNCES),
    # "Your recipient's account has been blocked due to User Agreement violations."
    Rule(r"policy rejection on the target address", "suspend", POLICY_PAGE),
    Rule(r"message rejected under suspicion of spam", "spamdetected", SPAM_PAGE),
    # Only spam from the sender: Yandex blocks it for 24 hours.
    Rule(r"blocked by spam statistics|client host \[[^\]]*\] blocked using", "blocked", SPAM_PAGE),
    Rule(r"mailbox size (?:limit )?exceeded", "mailboxfull", BOUNCES),
    Rule(r"message infected by virus", "virusdetected", BOUNCES),
)

RECEIVER = Receiver(
    name="yandex",
    hosts=("yandex.ru", "yandex.net"),
    domains=(
        "yandex.ru",
        "yandex.com",
        "ya.ru",
        "yandex.by",
        "yandex.kz",
        "yandex.ua",
        "yandex.com.tr",
        "narod.ru",
    ),
    rules=RULES,
    source=BOUNCES,
)
