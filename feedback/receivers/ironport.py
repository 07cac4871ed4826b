"""Cisco Secure Email / IronPort (AsyncOS appliances; the cloud service's MX hosts are *.iphmx.com).

AsyncOS answers for its customers' domains with default texts its
documentation gives: a sender group of the Host Access Table that rejects
poor SenderBase reputation ("554 ... Your access to this mail system has been
rejected due to the sending MTA's poor reputation"; Cisco's note
https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/200436-Identify-and-allow-poor-SenderBase-Reput.html),
the SPF and DMARC verification profiles ("550 #5.7.1 SPF unauthorized mail is
prohibited.", "#5.7.1 DMARC unauthenticated mail is prohibited"; AsyncOS
Advanced Configuration Guide, Email Authentication), and the LDAP accept query,
which refuses a recipient not found in the directory with "550 #5.1.0 Address
rejected." (AsyncOS User Guide, LDAP Queries). Size and command limits are
Cisco's technotes 118546 and 118495. That last one is read as a
missing mailbox only on Cisco's own MX hosts (identified by host, not by the
words), because the same words are also sent by other systems for relaying.
"""

from __future__ import annotations

from .base import Receiver, Rule

SBRS = (
    "https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/"
    "200436-Identify-and-allow-poor-SenderBase-Reput.html"
)
AUTH = "Cisco IronPort AsyncOS for Email Advanced Configuration Guide, Email Authentication (SPF/DMARC reject text)"
LDAP = "Cisco AsyncOS User Guide, LDAP Queries: Accept queries (default bounce '550 #5.1.0 Address rejected')"
SIZE = "https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/118546-technote-esa-00.html"
HEADER = "https://www.cisco.com/c/en/us/support/docs/security/email-security-appliance/118495-technote-esa-00.html"
HAT = (
    "Cisco AsyncOS User Guide, Mail Flow Policies: rate limiting (default '452 Too many recipients received this hour')"
)

RULES: tuple[Rule, ...] = (
    Rule(r"rejected due to the sending mta's poor reputation", "badreputation", SBRS),
    Rule(r"spf unauthorized mail is prohibited|dmarc unauthenticated mail is prohibited", "authfailure", AUTH),
    # "552 #5.3.4 message size exceeds limit", "... message header size exceeds limit".
    Rule(r"#5\.3\.4 message size exceeds limit", "mesgtoobig", SIZE),
    Rule(r"#5\.3\.4 message header size exceeds limit", "mesgtoobig", HEADER),
    Rule(r"exceeded bad smtp command limit", "syntaxerror", HEADER),
    Rule(r"too many recipients received this hour", "ratelimited", HAT),
    Rule(r"#5\.1\.0 address rejected", "userunknown", LDAP),
)

RECEIVER = Receiver(
    name="ironport",
    hosts=("iphmx.com",),
    domains=(),
    rules=RULES,
    markers=("sending mta's poor reputation", "spf unauthorized mail is prohibited"),
    source=SBRS,
)
