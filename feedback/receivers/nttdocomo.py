"""NTT docomo (docomo.ne.jp), the Japanese mobile carrier's mail service.

docomo's inbound MTA (mfsmax.docomo.ne.jp) answers "550 Unknown user" at
RCPT TO for an address that does not exist, and the same words at the end of
DATA when the recipient's own reception settings (指定受信/拒否設定: accept
only listed senders or domains) refuse the sender: the mailbox exists.
Sisimai's Rhost/NTTDOCOMO.pm (since v4.25.15) documents both transcripts.
"""

from .base import Receiver, Rule

_SISIMAI = "Sisimai lib/Sisimai/Rhost/NTTDOCOMO.pm (docomo's reception settings refuse after DATA)"

RECEIVER = Receiver(
    name="nttdocomo",
    hosts=("docomo.ne.jp",),
    domains=("docomo.ne.jp",),
    rules=(
        # Postfix writes the stage as "(in reply to end of DATA command)"; Sendmail as ">>> DATA".
        Rule(r">>> data <<< 550 unknown user|550 unknown user .*in reply to end of data", "rejected", _SISIMAI),
        Rule(r"552 too much mail data", "mailboxfull", _SISIMAI),
        Rule(r"552 too many recipients", "toomanyconn", _SISIMAI),
    ),
    source="https://www.docomo.ne.jp/info/spam_mail/ (reception settings); " + _SISIMAI,
)
