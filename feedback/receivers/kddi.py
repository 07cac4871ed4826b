"""au by KDDI (au.com, ezweb.ne.jp): the Japanese mobile carrier's mail (inbound MX ``msmx.au.com``).

au's mail server answers "User unknown" both for an address that does not
exist and when the recipient's own spam filter (迷惑メールフィルター: receive
or refuse lists, "なりすまし規制", refusing PC mail) refuses the sender; au's
pages describe the filter settings and that filtered mail is refused:
https://www.au.com/online-manual/kyv44/kyv44_01/s06_f06.html and the notes
for senders, https://www.au.com/mobile/service/attention/faq.
Sisimai's Rhost/KDDI.pm tells them apart by the reply's form: the unknown
address is named ("550 <addr>: User unknown"), the filter's refusal names
no one ("550 : User unknown"), and reads the latter as ``filtered``.
"""

from .base import Receiver, Rule

FILTER = "https://www.au.com/online-manual/kyv44/kyv44_01/s06_f06.html"
SISIMAI = "Sisimai Rhost/KDDI.pm"

RULES: tuple[Rule, ...] = (
    # No address named: the recipient's filter refused us; the mailbox exists.
    Rule(r"550 : user unknown", "filtered", f"{SISIMAI}; {FILTER}"),
    Rule(r">: user unknown", "userunknown", SISIMAI),
)

RECEIVER = Receiver(
    name="kddi",
    hosts=("au.com", "ezweb.ne.jp"),
    domains=("au.com", "ezweb.ne.jp"),
    rules=RULES,
    source=FILTER,
)
