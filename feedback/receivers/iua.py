"""I.UA (i.ua, ua.fm, email.ua): the Ukrainian web mail, inbound MX ``*.email.ua``.

Each refusal links its own explanation, ``https://mail.i.ua/err/N/``; the
number decides the reason. Sisimai's Rhost/IUA.pm lists the ten codes and
what each page says; we found no copy of the pages themselves, so each rule
cites Sisimai's module and the page it names.

Code 3 ("mailbox was not used for more than 3 months") is an address that
exists and comes back when its owner logs in: ``suspend``, not Permanent.
Only code 2 ("user is not found") is about an address that does not exist.
"""

from .base import Receiver, Rule


def _err(n: int) -> str:
    return f"https://mail.i.ua/err/{n}/ (via Sisimai Rhost/IUA.pm)"


RULES: tuple[Rule, ...] = (
    Rule(r"i\.ua/err/2\b", "userunknown", _err(2)),
    Rule(r"i\.ua/err/3\b", "suspend", _err(3)),
    Rule(r"i\.ua/err/4\b", "mailboxfull", _err(4)),
    # "The use of SMTP as mail gate is forbidden", "use SMTP of your provider".
    Rule(r"i\.ua/err/[16]\b", "norelaying", f"{_err(1)}; {_err(6)}"),
    # "Letter sending limit is exceeded."
    Rule(r"i\.ua/err/5\b", "toomanyconn", _err(5)),
    # "Wrong value of HELO/EHLO parameter", "IP address of the sender is blacklisted."
    Rule(r"i\.ua/err/[79]\b", "blocked", f"{_err(7)}; {_err(9)}"),
    # "Couldn't check sender address."
    Rule(r"i\.ua/err/8\b", "rejected", _err(8)),
    # "Not in the list Mail address management": the recipient's own allow list.
    Rule(r"i\.ua/err/10\b", "filtered", _err(10)),
)

RECEIVER = Receiver(
    name="iua",
    hosts=("email.ua", "i.ua"),
    domains=("i.ua", "ua.fm", "email.ua"),
    rules=RULES,
    markers=("mail.i.ua/err/",),
    source="https://mail.i.ua/err/ (via Sisimai Rhost/IUA.pm)",
)
