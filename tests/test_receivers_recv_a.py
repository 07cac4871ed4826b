"""The receiving providers' tables of google, microsoft, yahoo, apple, comcast, cox, charter, att, verizon, godaddy, zoho.

Every row is a Diagnostic-Code as an SES DSN would carry it, written from the
provider's page that the matching rule cites (not copied from any corpus).
"""

from __future__ import annotations

import importlib
import re

import pytest

from feedback.reasons import fold
from feedback.receivers import identify, receiver_rule
from feedback.receivers.base import Receiver, Rule

from . import test_receivers_recv_c as recv_c

NAMES = ("google", "microsoft", "yahoo", "apple", "comcast", "cox", "charter", "att", "verizon", "godaddy", "zoho")
# recv_c's receivers and rows get the same per-module checks.
NAMES += recv_c.NAMES
MODULES = {n: importlib.import_module(f"feedback.receivers.{n}") for n in NAMES}
YAHOO_RULES: tuple[Rule, ...] = MODULES["yahoo"].RULES
# Modules whose mailboxes Yahoo now hosts: they carry Yahoo's rules after their own.
ON_YAHOO = {"yahoo", "comcast", "cox", "att", "verizon"}

VOCABULARY = {
    "userunknown", "hostunknown", "hasmoved", "mailboxfull", "suspend", "filtered", "notaccept", "blocked",
    "badreputation", "requireptr", "authfailure", "spamdetected", "virusdetected", "policyviolation",
    "contenterror", "notcompliantrfc", "mesgtoobig", "exceedlimit", "rejected", "norelaying", "speeding",
    "ratelimited", "toomanyconn", "systemerror", "systemfull", "networkerror", "expired", "syntaxerror",
    "securityerror", "undefined",
}  # fmt: skip

GMAIL = ("dns; gmail-smtp-in.l.google.com", "reader@gmail.com")
WORKSPACE = ("dns; aspmx.l.google.com", "reader@example.org")
EXO = ("dns; example-com.mail.protection.outlook.com", "reader@example.com")
OLC = ("dns; hotmail-com.olc.protection.outlook.com", "reader@hotmail.com")
HOTMAIL_LEGACY = ("dns; mx1.hotmail.com", "reader@live.com")
YAHOO = ("dns; mta7.am0.yahoodns.net", "reader@yahoo.com")
AOL = ("dns; mx-aol.mail.gm0.yahoodns.net", "reader@aol.com")
ICLOUD = ("dns; mx01.mail.icloud.com", "reader@icloud.com")
COMCAST = ("dns; mx1.comcast.net", "reader@comcast.net")
COX = ("dns; mx.west.cox.net", "reader@cox.net")
CHARTER = ("dns; mx0.charter.net", "reader@charter.net")
ATT = ("dns; al-ip4-mx-vip1.prodigy.net", "reader@att.net")
GODADDY = ("dns; mx1.secureserver.net", "reader@example.com")
ZOHO = ("dns; mx.zoho.com", "reader@zoho.com")

# (module, (remote MTA, recipient), diagnostic code, reason)
ROWS: list[tuple[str, tuple[str | None, str], str, str]] = [
    # --- Google: https://support.google.com/a/answer/3726730 -----------------------------------------------
    ("google", GMAIL, "smtp; 550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
     "550-5.1.1 double-checking the recipient's email address for typos or\n550-5.1.1 unnecessary spaces. "
     "For more information, go to\n550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a1b2c3-gsmtp",
     "userunknown"),
    ("google", WORKSPACE, "smtp; 553 5.1.2 We weren't able to find the recipient domain. Please check for any "
     "spelling errors, and make sure you didn't enter any spaces, periods, or other punctuation after the "
     "recipient's email address. a1b2c3 - gsmtp", "hostunknown"),
    ("google", WORKSPACE, "smtp; 553 5.1.3 The recipient address <reader@@example.org> is not a valid RFC 5321 "
     "address. For more information, go to About SMTP error messages. a1b2c3 - gsmtp", "userunknown"),
    ("google", GMAIL, "smtp; 550-5.2.1 The email account that you tried to reach is inactive. For more "
     "information, go to\n550 5.2.1 https://support.google.com/mail/?p=DisabledUser a1b2c3 - gsmtp", "suspend"),
    ("google", GMAIL, "smtp; 452-4.2.2 The recipient's inbox is out of storage space. Please direct the\n"
     "452-4.2.2 recipient to Manage files in your Google Drive storage. a1b2c3 - gsmtp", "mailboxfull"),
    ("google", GMAIL, "smtp; 450-4.2.1 The user you are trying to contact is receiving mail too quickly. Please\n"
     "450-4.2.1 resend your message at a later time. a1b2c3 - gsmtp", "speeding"),
    ("google", WORKSPACE, "smtp; 553 5.1.7 The sender address <0100abc@amazonses.com> is not a valid RFC 5321 "
     "address. a1b2c3 - gsmtp", "rejected"),
    ("google", WORKSPACE, "smtp; 550 5.7.0 Email sending denied. For more information, go to SMTP relay service "
     "error messages. a1b2c3 - gsmtp", "rejected"),
    ("google", WORKSPACE, "smtp; 550 5.7.0 Email relay denied 192.0.2.10. Invalid credentials for relay for one "
     "of the domains in: example.com (as obtained from HELO and MAIL FROM). a1b2c3 - gsmtp", "norelaying"),
    ("google", GMAIL, "smtp; 451-4.7.24 The SPF record of the sending domain has one or more suspicious\n"
     "451-4.7.24 entries. To protect our users from spam, email sent from your IP address has been "
     "temporarily rate limited. a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.26 Unauthenticated email from example.com is not accepted due to\n"
     "550-5.7.26 domain's DMARC policy. Contact the administrator of example.com domain. a1b2c3 - gsmtp",
     "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.26 This email has been blocked because the sender is unauthenticated.\n"
     "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM. a1b2c3 - gsmtp",
     "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.26 The MAIL FROM domain [example.com] has an SPF record with a hard fail\n"
     "550-5.7.26 policy (-all) but it fails to pass SPF checks with the ip: [192.0.2.10]. a1b2c3 - gsmtp",
     "authfailure"),
    ("google", GMAIL, "smtp; 421-4.7.27 Your email has been rate limited because SPF authentication didn't\n"
     "421-4.7.27 pass for this message. Gmail requires all bulk email senders to authenticate their email "
     "with SPF. a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 421-4.7.32 Your email has been rate limited because the From: header (RFC5322) in\n"
     "421-4.7.32 this message isn't aligned with either the authenticated SPF or DKIM organizational domain. "
     "a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.40 Your message was blocked because the sending domain doesn't have a\n"
     "550-5.7.40 DMARC record or the DMARC record doesn't specify a DMARC policy. a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.25 This message was blocked because the sending IP address doesn't have a\n"
     "550-5.7.25 PTR record, or the forwarding DNS entry doesn't reference the sending IP address. "
     "a1b2c3 - gsmtp", "requireptr"),
    ("google", GMAIL, "smtp; 421-4.7.0 This message is suspicious due to the very low reputation of the\n"
     "421-4.7.0 sending IP address. To protect our users from spam, email sent from your IP address has been "
     "temporarily rate limited. a1b2c3 - gsmtp", "badreputation"),
    ("google", WORKSPACE, "smtp; 421 4.7.0 IP not in whitelist for RCPT domain, closing connection. a1b2c3 - gsmtp",
     "blocked"),
    ("google", GMAIL, "smtp; 550-5.7.1 The IP you're using to send email is not authorized to send email\n"
     "550-5.7.1 directly to our servers. Use the SMTP relay at your service provider instead. a1b2c3 - gsmtp",
     "blocked"),
    ("google", GMAIL, "smtp; 501 5.5.4 Empty HELO/EHLO argument not allowed, closing connection. a1b2c3 - gsmtp",
     "blocked"),
    ("google", GMAIL, "smtp; 550-5.7.28 There is an unusual rate of unsolicited email originating from your IP\n"
     "550-5.7.28 address. To protect our users from spam, email sent from your IP address has been blocked. "
     "a1b2c3 - gsmtp", "blocked"),
    ("google", GMAIL, "smtp; 421-4.7.28 Gmail has detected an unusual rate of email originating from your IP\n"
     "421-4.7.28 address 192.0.2.10. To protect our users from spam, email sent from your IP address has been "
     "temporarily rate limited. a1b2c3 - gsmtp", "speeding"),
    ("google", GMAIL, "smtp; 550 5.7.1 This email has been rate limited. For more information, go to Limits "
     "for sending & getting email. a1b2c3 - gsmtp", "speeding"),
    ("google", WORKSPACE, "smtp; 550 5.4.5 Daily SMTP relay limit exceeded for user. a1b2c3 - gsmtp", "speeding"),
    ("google", GMAIL, "smtp; 421-4.7.0 This message is suspicious due to the nature of the content or the\n"
     "421-4.7.0 links within. To best protect our users from spam, the message has been blocked. a1b2c3 - gsmtp",
     "spamdetected"),
    ("google", GMAIL, "smtp; 550-5.7.1 This message is likely unsolicited email. To reduce the amount of spam\n"
     "550-5.7.1 sent to Gmail, this message has been blocked. a1b2c3 - gsmtp", "spamdetected"),
    ("google", GMAIL, "smtp; 552-5.7.0 This message was blocked because its content presents a potential\n"
     "552-5.7.0 security issue. To review our message content and attachment content guidelines, go to File "
     "types blocked in Gmail. a1b2c3 - gsmtp", "policyviolation"),
    ("google", WORKSPACE, "smtp; 550 5.7.1 The user or domain that you are sending to (or from) has a policy "
     "that prohibits the email that you sent. a1b2c3 - gsmtp", "policyviolation"),
    ("google", GMAIL, "smtp; 421-4.7.28 Gmail has detected this sender exceeded the quota for sending\n"
     "421-4.7.28 messages that have the same Message-ID:. a1b2c3 - gsmtp", "policyviolation"),
    ("google", GMAIL, "smtp; 550-5.7.1 This message is not RFC 5322 compliant because it has duplicate\n"
     "550-5.7.1 headers. To reduce the amount of spam sent to Gmail, this message has been blocked. "
     "a1b2c3 - gsmtp", "notcompliantrfc"),
    ("google", GMAIL, "smtp; 554 5.6.0 Email message is malformed. Not accepted. a1b2c3 - gsmtp", "contenterror"),
    ("google", GMAIL, "smtp; 552-5.3.4 Your message exceeded Google's message size limits. To view our\n"
     "552-5.3.4 message size guidelines, go to Send attachments with your Gmail message. a1b2c3 - gsmtp",
     "mesgtoobig"),
    ("google", GMAIL, "smtp; 552-5.3.4 The number of attachments (120) exceeds Google's limit of 100\n"
     "552-5.3.4 attachments. a1b2c3 - gsmtp", "exceedlimit"),
    ("google", GMAIL, "smtp; 452 4.5.3 Your message has too many recipients. a1b2c3 - gsmtp", "toomanyconn"),
    ("google", GMAIL, "smtp; 554 5.4.6 Message exceeded 50 hops, this may indicate an email loop. a1b2c3 - gsmtp",
     "networkerror"),
    ("google", WORKSPACE, "smtp; 421 4.7.0 TLS required for RCPT domain, closing connection. a1b2c3 - gsmtp",
     "securityerror"),
    ("google", GMAIL, "smtp; 451 4.4.2 Timeout - closing connection. a1b2c3 - gsmtp", "expired"),
    ("google", GMAIL, "smtp; 451 4.5.0 SMTP protocol violation. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", GMAIL, "smtp; 421 4.3.0 Temporary System Problem. Try again later. a1b2c3 - gsmtp", "systemerror"),
    ("google", GMAIL, "smtp; 421 4.7.0 Try again later, closing connection. (EHLO) a1b2c3 - gsmtp", "blocked"),
    # Only the marker identifies Google here.
    ("google", (None, "reader@example.org"), "smtp; 550-5.1.1 The email account that you tried to reach does "
     "not exist. a1b2c3 - gsmtp", "userunknown"),
    # --- Microsoft: Exchange Online / Exchange Server NDR pages, Outlook.com troubleshooting ------------------
    ("microsoft", (None, "reader@example.com"), "smtp; 550 5.1.1 RESOLVER.ADR.ExRecipNotFound; not found",
     "userunknown"),
    ("microsoft", EXO, "smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
     "lookup", "userunknown"),
    ("microsoft", EXO, "smtp; 550 5.1.1 Bad destination mailbox address", "userunknown"),
    ("microsoft", OLC, "smtp; 550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). "
     "[AM4PEPF00027A5F.eurprd04.prod.outlook.com]", "userunknown"),
    ("microsoft", EXO, "smtp; 550 5.4.1 Recipient address rejected: Access denied. "
     "[DM6NAM12FT035.eop-nam12.prod.protection.outlook.com]", "userunknown"),
    ("microsoft", (None, "reader@example.com"), "smtp; 550 5.1.3 STOREDRV.Submit; invalid recipient address",
     "userunknown"),
    ("microsoft", EXO, "smtp; 550 5.1.4 Recipient address reserved by RFC 2606", "hostunknown"),
    ("microsoft", EXO, "smtp; 550 5.7.505 Access denied, banned recipient", "suspend"),
    ("microsoft", EXO, "smtp; 550 5.7.504 [reader@example.com]: Recipient address rejected: Access denied",
     "suspend"),
    ("microsoft", EXO, "smtp; 550 5.2.2 Submission quota exceeded", "speeding"),
    ("microsoft", EXO, "smtp; 554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException."
     "MapiExceptionShutoffQuotaExceeded", "mailboxfull"),
    ("microsoft", EXO, "smtp; 432 4.3.2 STOREDRV.Deliver; recipient thread limit exceeded", "speeding"),
    ("microsoft", EXO, "smtp; 550 5.2.121 Recipient's per hour message receive limit from specific sender "
     "exceeded", "speeding"),
    ("microsoft", EXO, "smtp; 452 4.5.3 Too many recipients", "toomanyconn"),
    ("microsoft", HOTMAIL_LEGACY, "smtp; 421 RP-001 (BAY004-MC1F20) Unfortunately, some messages from "
     "192.0.2.10 weren't sent. Please try again. We have limits for how many messages can be sent per hour "
     "and per day.", "speeding"),
    ("microsoft", HOTMAIL_LEGACY, "smtp; 421 RP-003 The mail server IP connecting to Outlook.com server has "
     "exceeded the connection limit allowed.", "toomanyconn"),
    ("microsoft", HOTMAIL_LEGACY, "smtp; 550 SC-001 (BAY004-MC1F20) Unfortunately, messages from 192.0.2.10 "
     "weren't sent. Please contact your Internet service provider since part of their network is on our "
     "block list.", "blocked"),
    ("microsoft", HOTMAIL_LEGACY, "smtp; 550 DY-001 (SNT004-MC1F8) Mail rejected by Outlook.com for policy "
     "reasons. We generally do not accept email from dynamic IP's.", "blocked"),
    ("microsoft", OLC, "smtp; 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact "
     "your Internet service provider since part of their network is on our block list (S3150). You can also "
     "refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.", "blocked"),
    ("microsoft", OLC, "smtp; 550 5.7.515 Access denied, sending domain example.com doesn't meet the required "
     "authentication level.", "authfailure"),
    ("microsoft", EXO, "smtp; 550 5.7.606 Access denied, banned sending IP [192.0.2.10]. To request removal "
     "from this list please visit https://sender.office.com/", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.511 Access denied, banned sender[192.0.2.10]. To request removal from "
     "this list please forward this message to delist@microsoft.com.", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.513 Service unavailable, Client host [192.0.2.10] blocked by example.com "
     "using Customer Block list (AS16012607)", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.507 Access denied, rejected by recipient", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.510 Access denied, example.com does not accept email over IPv6", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.25 Access denied, the sending IPv6 address [2001:db8::10] must have a "
     "reverse DNS record", "requireptr"),
    ("microsoft", EXO, "smtp; 550 5.7.508 Access denied, [2001:db8::10] has exceeded permitted limits within "
     "/64 range", "speeding"),
    ("microsoft", OLC, "smtp; 451 4.7.650 The mail server [192.0.2.10] has been temporarily rate limited due to "
     "IP reputation. For e-mail delivery information, see https://postmaster.live.com (S775)", "badreputation"),
    ("microsoft", OLC, "smtp; 451 4.7.500 Server busy. Please try again later from [192.0.2.10]. (S77714)",
     "blocked"),
    ("microsoft", EXO, "smtp; 451 4.7.851 Access denied, please try again later", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.501 Access denied, spam abuse detected", "rejected"),
    ("microsoft", EXO, "smtp; 550 5.1.8 Access denied, bad outbound sender", "rejected"),
    ("microsoft", EXO, "smtp; 550 5.1.0 Sender denied", "rejected"),
    ("microsoft", EXO, "smtp; 550 5.1.7 Invalid address", "rejected"),
    ("microsoft", EXO, "smtp; 550 5.7.509 Access denied, sending domain example.com does not pass DMARC "
     "verification and has a DMARC policy of reject.", "authfailure"),
    ("microsoft", EXO, "smtp; 550 5.7.512 Access denied, message must be RFC 5322 section 3.6.2 compliant",
     "notcompliantrfc"),
    ("microsoft", EXO, "smtp; 550 5.7.901 Delivery not authorized, message refused", "policyviolation"),
    ("microsoft", EXO, "smtp; 550 5.0.350 Requested action not taken: policy violation detected (AS345)",
     "policyviolation"),
    ("microsoft", EXO, "smtp; 550 5.7.124 Sender not in allowed-senders list", "filtered"),
    ("microsoft", EXO, "smtp; 550 5.7.134 Sender was not authenticated for mailbox", "filtered"),
    ("microsoft", (None, "reader@example.com"), "smtp; 550 5.7.1 RESOLVER.RST.AuthRequired; authentication "
     "required", "filtered"),
    ("microsoft", EXO, "smtp; 550 5.2.1 Content Filter agent quarantined this message", "spamdetected"),
    ("microsoft", EXO, "smtp; 550 5.7.1 Unable to relay", "norelaying"),
    ("microsoft", EXO, "smtp; 530 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM",
     "securityerror"),
    ("microsoft", EXO, "smtp; 552 5.3.4 Message size exceeds fixed maximum message size", "mesgtoobig"),
    ("microsoft", EXO, "smtp; 552 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient",
     "mesgtoobig"),
    ("microsoft", EXO, "smtp; 550 5.6.11 SMTPSEND.BareLinefeedsAreIllegal; message contains bare linefeeds",
     "contenterror"),
    ("microsoft", EXO, "smtp; 554 5.4.14 Hop count exceeded - possible mail loop ATTR34", "networkerror"),
    ("microsoft", EXO, "smtp; 451 4.4.316 Connection refused [Message=Socket error code 10061]", "networkerror"),
    ("microsoft", EXO, "smtp; 550 4.4.7 Message expired", "expired"),
    ("microsoft", EXO, "smtp; 452 4.3.1 Insufficient system resources", "systemfull"),
    ("microsoft", EXO, "smtp; 421 4.3.2 Service not available, closing transmission channel", "systemerror"),
    ("microsoft", EXO, "smtp; 503 5.5.2 Send hello first", "syntaxerror"),
    # --- Yahoo / AOL: https://senders.yahooinc.com/smtp-error-codes -------------------------------------------
    ("yahoo", YAHOO, "smtp; 554 delivery error: dd This user doesn't have a yahoo.com account (reader@yahoo.com) "
     "[-5] - mta1234.mail.bf1.yahoo.com", "userunknown"),
    ("yahoo", AOL, "smtp; 552 1 Requested mail action aborted, mailbox not found", "userunknown"),
    ("yahoo", YAHOO, "smtp; 554 delivery error: dd reader@yahoo.com is no longer valid. [-20] - "
     "mta1234.mail.bf1.yahoo.com", "suspend"),
    ("yahoo", AOL, "smtp; 554 30 Sorry, your message to reader@aol.com cannot be delivered. This mailbox is "
     "disabled (554.30).", "suspend"),
    ("yahoo", YAHOO, "smtp; 450 User is receiving mail too quickly", "speeding"),
    ("yahoo", YAHOO, "smtp; 553 5.7.2 [TSS09] All messages from 192.0.2.10 will be permanently deferred; "
     "Retrying will NOT succeed. See https://senders.yahooinc.com/smtp-error-codes", "blocked"),
    ("yahoo", YAHOO, "smtp; 421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected "
     "volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes", "badreputation"),
    ("yahoo", YAHOO, "smtp; 553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.10, because the ip "
     "is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html", "blocked"),
    ("yahoo", YAHOO, "smtp; 550 5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo "
     "requires all senders to authenticate with either SPF or DKIM.", "authfailure"),
    ("yahoo", YAHOO, "smtp; 554 Message not allowed - [PH01] Email not accepted for policy reasons. Please "
     "visit https://postmaster.yahooinc.com/error-codes", "policyviolation"),
    ("yahoo", YAHOO, "smtp; 554 Message not allowed - Headers are not RFC compliant[291]", "notcompliantrfc"),
    ("yahoo", YAHOO, "smtp; 451 Message temporarily deferred due to unresolvable RFC.5321 from domain. See "
     "https://senders.yahooinc.com/error-codes#unresolvable-from-domain", "rejected"),
    ("yahoo", YAHOO, "smtp; 550 relaying denied for <reader@yahoo.com>", "norelaying"),
    ("yahoo", YAHOO, "smtp; 421 Max message per connection reached, closing transmission channel", "toomanyconn"),
    ("yahoo", YAHOO, "smtp; 451 mta1234.mail.bf1.yahoo.com Resources temporarily unavailable. Please try again "
     "later [#4.16.1].", "systemerror"),
    ("yahoo", (None, "list@example.org"), "smtp; 421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily "
     "deferred due to unexpected volume or user complaints - 4.16.55.1; see "
     "https://postmaster.yahooinc.com/error-codes", "badreputation"),
    # --- Apple iCloud: https://support.apple.com/en-us/102322 (via Sisimai Rhost/Apple.pm) -------------------
    ("apple", ICLOUD, "smtp; 550 5.1.1 <reader@icloud.com>: user does not exist", "userunknown"),
    ("apple", ("dns; mx02.mail.icloud.com", "reader@me.com"), "smtp; 550 5.1.1 unknown or illegal alias: "
     "reader@me.com", "userunknown"),
    ("apple", ICLOUD, "smtp; 550 5.1.6 recipient no longer on server: reader@icloud.com", "hasmoved"),
    ("apple", ICLOUD, "smtp; 550 5.1.1 <reader@icloud.com>: inactive email address", "userunknown"),
    ("apple", ICLOUD, "smtp; 552 5.2.2 <reader@icloud.com>: user is over quota", "mailboxfull"),
    ("apple", ICLOUD, "smtp; 421 4.7.1 Messages to reader@icloud.com deferred due to excessive volume. Try "
     "again later - https://support.apple.com/en-us/HT204137", "speeding"),
    ("apple", ICLOUD, "smtp; 554 5.7.1 Your message was rejected due to example.com's DMARC policy. See "
     "https://support.apple.com/en-us/HT204137 for", "authfailure"),
    ("apple", ICLOUD, "smtp; 550 5.7.1 Mail from IP 192.0.2.10 was rejected due to listing in Spamhaus SBL.",
     "blocked"),
    ("apple", ICLOUD, "smtp; 550 5.7.1 [CS01] Message rejected due to local policy. Please visit "
     "https://support.apple.com/en-us/HT204137", "policyviolation"),
    ("apple", ICLOUD, "smtp; 450 4.1.8 <0100abc@amazonses.com>: Sender address rejected: Domain not found",
     "rejected"),
    ("apple", ("dns; mx01.mail.icloud.com", "reader@mac.com"), "smtp; 554 5.7.1 <reader@mac.com>: Relay access "
     "denied", "norelaying"),
    # --- Comcast: https://www.xfinity.com/support/articles/email-errors ------------------------------------
    ("comcast", COMCAST, "smtp; 554 resimta-po-01v.sys.comcast.net comcast 192.0.2.10 Comcast block for spam. "
     "Please see http://postmaster.comcast.net/smtp-error-codes.php#BL000001", "blocked"),
    ("comcast", COMCAST, "smtp; 554 resimta-po-01v.sys.comcast.net comcast 192.0.2.10 found on dynamic IP "
     "space. ES000010", "blocked"),
    ("comcast", COMCAST, "smtp; 421 resimta-po-01v.sys.comcast.net comcast Too many sessions opened", "toomanyconn"),
    ("comcast", COMCAST, "smtp; 554 imta01.westchester.pa.mail.comcast.net comcast 192.0.2.10 Comcast BL006 "
     "Blocked for spam. Please see http://help.comcast.net/content/faq/BL006", "blocked"),
    ("comcast", COMCAST, "smtp; 421 Reverse DNS failure : Try again later", "requireptr"),
    ("comcast", (None, "reader@comcast.net"), "smtp; 554 delivery error: dd This user doesn't have a comcast.net "
     "account (reader@comcast.net) [-5]", "userunknown"),
    # --- Cox: https://www.cox.com/residential/support/email-error-codes.html -------------------------------
    ("cox", COX, "smtp; 554 cxr.mx.west.cox.net cox 192.0.2.10 blocked. AUP#CXBL", "blocked"),
    ("cox", COX, "smtp; 421 cxr.mx.west.cox.net cox 192.0.2.10 rejected - no rDNS AUP#CXDNS", "requireptr"),
    ("cox", COX, "smtp; 550 cxr.mx.west.cox.net cox sender failed authentication AUP#CXSNDR", "authfailure"),
    ("cox", COX, "smtp; 550 cxr.mx.west.cox.net cox protocol violation AUP#CXSMTP", "rejected"),
    ("cox", COX, "smtp; 421 cxr.mx.west.cox.net cox too many sessions from 192.0.2.10 AUP#CXCNCT", "toomanyconn"),
    ("cox", COX, "smtp; 452 cxr.mx.west.cox.net cox too many recipients AUP#CXMXRT", "speeding"),
    ("cox", COX, "smtp; 554 cxr.mx.west.cox.net cox URL found on block list AUP#URLBL1001", "spamdetected"),
    ("cox", COX, "smtp; 421 cxr.mx.west.cox.net cox too many bad commands from 192.0.2.10", "blocked"),
    ("cox", COX, "smtp; 552 cxr.mx.west.cox.net cox attachment extension is forbidden", "policyviolation"),
    ("cox", COX, "smtp; 554 cxr.mx.west.cox.net cox ESMTP no data before greeting", "syntaxerror"),
    ("cox", COX, "smtp; 421 cxr.mx.west.cox.net cox ESMTP server temporarily not available", "systemerror"),
    ("cox", COX, "smtp; 550 5.1.0 <0100abc@amazonses.com> sender rejected", "rejected"),
    ("cox", COX, "smtp; 550 <reader@cox.net> recipient rejected", "userunknown"),
    ("cox", (None, "reader@example.org"), "smtp; 554 cxr.mx.west.cox.net cox 192.0.2.10 blocked. AUP#CXBL",
     "blocked"),
    # --- Charter / Spectrum: spectrumbusiness.net "Understanding email error codes" -------------------------
    ("charter", CHARTER, "smtp; 554 5.7.1 hrndva-cmimta01 192.0.2.10 blocked AUP#I-1000", "blocked"),
    ("charter", CHARTER, "smtp; 554 5.7.1 hrndva-cmimta01 ESMTP server not available AUP#I-1010", "rejected"),
    ("charter", CHARTER, "smtp; 451 4.3.0 hrndva-cmimta01 message cannot be processed AUP#I-1090", "systemerror"),
    ("charter", CHARTER, "smtp; 554 5.7.1 hrndva-cmimta01 DNS check failed AUP#I-1100", "requireptr"),
    ("charter", CHARTER, "smtp; 554 5.7.1 hrndva-cmimta01 domain security policy AUP#I-1160", "policyviolation"),
    ("charter", CHARTER, "smtp; 554 5.7.1 hrndva-cmimta01 192.0.2.10 listed by Cloudmark CSI AUP#I-1200",
     "blocked"),
    ("charter", CHARTER, "smtp; 554 5.7.1 hrndva-cmimta01 IPv6 not accepted AUP#I-1260", "networkerror"),
    ("charter", CHARTER, "smtp; 421 4.7.0 hrndva-cmimta01 too many connections AUP#I-1310", "toomanyconn"),
    ("charter", CHARTER, "smtp; 452 4.7.0 hrndva-cmimta01 too many messages AUP#I-1350", "speeding"),
    ("charter", CHARTER, "smtp; 550 5.7.1 hrndva-cmimta01 sender mismatch AUP#O-1500", "rejected"),
    ("charter", CHARTER, "smtp; 552 5.3.4 hrndva-cmimta01 message too large AUP#O-1530", "mesgtoobig"),
    ("charter", CHARTER, "smtp; 452 4.5.3 hrndva-cmimta01 too many recipients AUP#O-1550", "speeding"),
    ("charter", CHARTER, "smtp; 550 5.7.1 hrndva-cmimta01 too many invalid recipients AUP#O-1560",
     "policyviolation"),
    # The address named is the SES envelope sender: never userunknown.
    ("charter", ("dns; mx.rr.com", "reader@nc.rr.com"), "smtp; 550 5.1.0 <0100abc@amazonses.com> sender rejected",
     "rejected"),
    ("charter", (None, "reader@spectrum.net"), "smtp; 550 5.1.0 <0100abc@amazonses.com> sender rejected",
     "rejected"),
    # --- AT&T: http://rbl.att.net/block_enduser.html ----------------------------------------------------------
    ("att", ("dns; al-ip4-mx-vip1.prodigy.net", "reader@bellsouth.net"), "smtp; 550 [SUSPEND] Mailbox currently "
     "suspended - Please contact correspondent directly", "suspend"),
    ("att", ATT, "smtp; 553 5.3.0 flph123 DNSBL:RBL 521< 192.0.2.10 >_is_blocked.For assistance forward this "
     "error to abuse_rbl@abuse-att.net", "blocked"),
    ("att", ATT, "smtp; 550 unauthorized interface for 192.0.2.10", "blocked"),
    ("att", ATT, "smtp; 550 [PERMFAIL] att.net requires valid sender domain", "rejected"),
    ("att", ATT, "smtp; 421 failure in DNS look-up.", "requireptr"),
    ("att", ATT, "smtp; 450 busy--Please try again later", "toomanyconn"),
    ("att", (None, "reader@sbcglobal.net"), "smtp; 421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily "
     "deferred due to unexpected volume or user complaints - 4.16.55.1", "badreputation"),
    # --- Verizon: Yahoo-hosted ----------------------------------------------------------------------------
    ("verizon", (None, "reader@verizon.net"), "smtp; 554 delivery error: dd This user doesn't have a verizon.net "
     "account (reader@verizon.net) [-5]", "userunknown"),
    # --- GoDaddy: godaddy.com/help 40685 and 3568 ------------------------------------------------------------
    ("godaddy", GODADDY, "smtp; 535 Authentication not allowed on IBSMTP Servers. IB401", "securityerror"),
    ("godaddy", GODADDY, "smtp; 550 sender@example.net Blank From: addresses are not allowed. Provide a valid "
     "From. IB501", "notcompliantrfc"),
    ("godaddy", GODADDY, "smtp; 550 example.net From: Domain is invalid. Provide a valid From: IB506", "rejected"),
    ("godaddy", GODADDY, "smtp; 550 sender@example.net Invalid SPF record. Inspect your SPF settings, and try "
     "again. IB508", "authfailure"),
    ("godaddy", GODADDY, "smtp; 421 Temporarily rejected. Reverse DNS for this IP failed. IB108", "requireptr"),
    ("godaddy", GODADDY, "smtp; 552 This message has been rejected due to content judged to be spam by the "
     "internet community. IB212", "spamdetected"),
    ("godaddy", GODADDY, "smtp; 552 Virus infected message rejected. IB705", "virusdetected"),
    ("godaddy", GODADDY, "smtp; 421 Connection refused, too many sessions from This IP. Lower the number of "
     "concurrent sessions. IB007", "toomanyconn"),
    ("godaddy", GODADDY, "smtp; 421 Server temporarily unavailable. Try again later. IB101", "systemerror"),
    ("godaddy", GODADDY, "smtp; 550 5.1.1 <reader@example.com> - 192.0.2.10 has sent to too many recipients "
     "this hour. IB607", "speeding"),
    ("godaddy", GODADDY, "smtp; 554 This IP has been temporarily blocked for attempting to send too many "
     "messages containing content judged to be spam by the Internet community. IB110", "blocked"),
    ("godaddy", GODADDY, "smtp; 554 Connection refused. This IP has a poor reputation on Cloudmark Sender "
     "Intelligence (CSI). IB103", "badreputation"),
    ("godaddy", GODADDY, "smtp; 554 RBL Reject.", "blocked"),
    ("godaddy", GODADDY, "smtp; 550 Recipient not found", "userunknown"),
    ("godaddy", GODADDY, "smtp; 550 Account disabled", "suspend"),
    ("godaddy", GODADDY, "smtp; 552 Account storage limit", "mailboxfull"),
    ("godaddy", GODADDY, "smtp; 552 Message rejected for spam or virus content", "spamdetected"),
    ("godaddy", GODADDY, "smtp; 554 This message is looping: it already has my Delivered-To line. (#5.4.6)",
     "networkerror"),
    ("godaddy", GODADDY, "smtp; 451 Sorry, I wasn't able to establish an SMTP connection. I'm not going to try "
     "again; this message has been in the queue too long.", "expired"),
    # --- Zoho: zoho.com/mail/help/spam-reason.html (via Sisimai Rhost/Zoho.pm) -----------------------------
    ("zoho", ZOHO, "smtp; 550 5.1.1 User does not exist - <reader@zoho.com>", "userunknown"),
    ("zoho", ZOHO, "smtp; 550 5.7.1 Email rejected per DMARC policy for example.com", "authfailure"),
    ("zoho", ZOHO, "smtp; 554 5.7.1 Email cannot be delivered. Reason: Email flagged as Spam.", "spamdetected"),
    ("zoho", ZOHO, "smtp; 554 5.7.7 Email policy violation detected", "policyviolation"),
    ("zoho", ZOHO, "smtp; 541 5.4.1 Mail rejected by destination domain", "filtered"),
    ("zoho", ZOHO, "smtp; 552 5.7.1 virus Eicar-Test-Signature detected by Zoho Mail", "virusdetected"),
    ("zoho", ZOHO, "smtp; 451 4.7.1 Greylisted, try again after some time", "undefined"),
    ("zoho", ZOHO, "smtp; 452 4.3.1 Temporary System Error", "systemerror"),
]  # fmt: skip


# Further wordings of the same pages, one row for each rule not reached above.
ROWS += [
    ("google", GMAIL, "smtp; 550-5.2.1 The email account that you tried to reach is disabled. a1b2c3 - gsmtp",
     "suspend"),
    ("google", GMAIL, "smtp; 552-5.2.2 The email account that you tried to reach is over quota. a1b2c3 - gsmtp",
     "mailboxfull"),
    ("google", GMAIL, "smtp; 550-5.2.1 The user you are trying to contact is receiving email at a rate that\n"
     "550-5.2.1 prevents additional messages from being delivered. a1b2c3 - gsmtp", "speeding"),
    ("google", WORKSPACE, "smtp; 550 5.7.1 Invalid credentials for relay [192.0.2.10]. The IP address you've "
     "registered in your Workspace SMTP Relay service doesn't match the domain of the account this email is "
     "being sent from. a1b2c3 - gsmtp", "norelaying"),
    ("google", GMAIL, "smtp; 550-5.7.27 This message was blocked because it didn't pass SPF authentication.\n"
     "550-5.7.27 Gmail requires bulk email senders to authenticate their email with SPF. a1b2c3 - gsmtp",
     "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.30 This message was blocked because it didn't pass DKIM authentication.\n"
     "550-5.7.30 Gmail requires bulk email senders to authenticate their email with DKIM. a1b2c3 - gsmtp",
     "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.26 This message does not have authentication information or fails to\n"
     "550-5.7.26 pass authentication checks (SPF or DKIM). a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 421-4.7.40 Your email has been rate limited because the DMARC record doesn't "
     "specify a DMARC policy. a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 451-4.7.23 The sending IP address for this message doesn't match the PTR record's\n"
     "451-4.7.23 forward DNS entry. a1b2c3 - gsmtp", "requireptr"),
    ("google", GMAIL, "smtp; 550-5.7.1 This message does not meet IPv6 sending guidelines regarding PTR records\n"
     "550-5.7.1 and authentication. a1b2c3 - gsmtp", "requireptr"),
    ("google", GMAIL, "smtp; 501 5.5.4 HELO/EHLO argument mail..example invalid, closing connection. "
     "a1b2c3 - gsmtp", "blocked"),
    ("google", GMAIL, "smtp; 421-4.7.28 Gmail has detected an unusual amount of unsolicited email originating\n"
     "421-4.7.28 from your IP address. To protect our users from spam, email sent from your IP address has been "
     "temporarily blocked. a1b2c3 - gsmtp", "blocked"),
    ("google", WORKSPACE, "smtp; 550 5.7.1 Daily SMTP relay sending limit exceeded for this customer. "
     "a1b2c3 - gsmtp", "speeding"),
    ("google", GMAIL, "smtp; 550 5.4.5 Daily user sending limit exceeded. a1b2c3 - gsmtp", "speeding"),
    ("google", GMAIL, "smtp; 552-5.7.0 Our system detected an illegal attachment on your message. a1b2c3 - gsmtp",
     "policyviolation"),
    ("google", GMAIL, "smtp; 421-4.7.28 Gmail has detected this message exceeded its quota for sending messages\n"
     "421-4.7.28 with the same Message-ID:. a1b2c3 - gsmtp", "policyviolation"),
    ("google", GMAIL, "smtp; 550-5.7.1 Messages missing a valid address in the From: header, or having no\n"
     "550-5.7.1 From: header, are not accepted. a1b2c3 - gsmtp", "notcompliantrfc"),
    ("google", GMAIL, "smtp; 550-5.7.1 Messages with multiple addresses in From: header are not accepted. "
     "a1b2c3 - gsmtp", "notcompliantrfc"),
    ("google", GMAIL, "smtp; 550-5.7.1 Messages missing a valid Message-ID: header are not accepted. "
     "a1b2c3 - gsmtp", "notcompliantrfc"),
    ("google", GMAIL, "smtp; 550-5.7.1 The message contains a unicode character in a disallowed header. "
     "a1b2c3 - gsmtp", "notcompliantrfc"),
    ("google", GMAIL, "smtp; 550-5.7.1 Encoded-word syntax is not permitted in message header Subject. "
     "a1b2c3 - gsmtp", "notcompliantrfc"),
    ("google", GMAIL, "smtp; 552-5.3.4 The size of your message (41000000 bytes) exceeds Google's message size "
     "limit of 26214400 bytes. a1b2c3 - gsmtp", "mesgtoobig"),
    ("google", GMAIL, "smtp; 552-5.3.4 Your message exceeded Google's message header size limits. "
     "a1b2c3 - gsmtp", "exceedlimit"),
    ("google", GMAIL, "smtp; 552-5.3.4 The size of the Subject header value (2000 bytes) exceeds Google's limit "
     "of 1000 bytes per individual header size. a1b2c3 - gsmtp", "exceedlimit"),
    ("google", GMAIL, "smtp; 552-5.3.4 The size of a header name (300 bytes) exceeds Google's header name limit "
     "of 200 bytes. a1b2c3 - gsmtp", "exceedlimit"),
    ("google", GMAIL, "smtp; 550 5.5.3 Too many recipients for this sender. a1b2c3 - gsmtp", "toomanyconn"),
    ("google", GMAIL, "smtp; 530 5.7.0 Must issue a STARTTLS command first. a1b2c3 - gsmtp", "securityerror"),
    ("google", GMAIL, "smtp; 550-5.7.29 This message was blocked because it wasn't sent over a TLS connection.\n"
     "550-5.7.29 Gmail requires all bulk email senders to use TLS/SSL for SMTP connections. a1b2c3 - gsmtp",
     "securityerror"),
    ("google", GMAIL, "smtp; 421 4.7.0 Connection expired, try reconnecting. a1b2c3 - gsmtp", "expired"),
    ("google", GMAIL, "smtp; 503 5.5.1 Bad sequence of commands. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", GMAIL, "smtp; 502 5.5.1 Unrecognized command. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", GMAIL, "smtp; 502 5.5.1 Unimplemented command. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", GMAIL, "smtp; 503 5.5.1 No DATA after BDAT. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", GMAIL, "smtp; 555 5.5.2 Syntax error, goodbye. a1b2c3 - gsmtp", "syntaxerror"),
    ("google", GMAIL, "smtp; 421 4.4.5 Server busy, try again later. a1b2c3 - gsmtp", "systemerror"),
    ("google", GMAIL, "smtp; 451 4.3.0 Email server has temporarily rejected this message. a1b2c3 - gsmtp",
     "systemerror"),
    ("google", GMAIL, "smtp; 451 4.3.0 Mail server temporarily rejected message. a1b2c3 - gsmtp", "systemerror"),
    ("google", WORKSPACE, "smtp; 451 4.3.0 Multiple destination domains per transaction is unsupported. Please "
     "try again. a1b2c3 - gsmtp", "systemerror"),
    ("google", WORKSPACE, "smtp; 452 4.5.3 Domain policy size per transaction exceeded, please try this "
     "recipient in a separate transaction. a1b2c3 - gsmtp", "systemerror"),
    ("google", GMAIL, "smtp; 550-5.7.26 This mail is unauthenticated, which poses a security risk to the\n"
     "550-5.7.26 sender and Gmail users, and has been blocked. The sender must\n550-5.7.26 authenticate with at "
     "least one of SPF or DKIM. https://support.google.com/mail/answer/81126#authentication a1b2c3 - gsmtp",
     "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.26 The sender must authenticate with at least one of SPF or DKIM. For this\n"
     "550-5.7.26 message, DKIM checks did not pass. a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.27 This mail has been blocked because SPF does not pass. Gmail requires all\n"
     "550-5.7.27 large senders to authenticate with SPF. a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.28 This mail has been blocked because DKIM does not pass. Gmail requires all\n"
     "550-5.7.28 large senders to authenticate with DKIM. a1b2c3 - gsmtp", "authfailure"),
    ("google", GMAIL, "smtp; 550-5.7.25 The sending IP does not match the IP address of the hostname specified in\n"
     "550-5.7.25 the pointer (PTR) record. a1b2c3 - gsmtp", "requireptr"),
    ("microsoft", (None, "reader@example.com"), "smtp; 550 5.1.1 RESOLVER.ADR.RecipNotFound; not found",
     "userunknown"),
    ("microsoft", (None, "reader@example.com"), "smtp; 550 5.1.1 RESOLVER.ADR.X400RecipNotFound; not found",
     "userunknown"),
    ("microsoft", EXO, "smtp; 550 5.1.10 Recipient not found", "userunknown"),
    ("microsoft", HOTMAIL_LEGACY, "smtp; 550 Requested action not taken: mailbox unavailable", "userunknown"),
    ("microsoft", EXO, "smtp; 550 5.1.6 Recipient addresses in single label domains not accepted",
     "hostunknown"),
    ("microsoft", EXO, "smtp; 550 Access denied, banned recipient", "suspend"),
    ("microsoft", EXO, "smtp; 550 The message can't be submitted because the sender's submission quota was "
     "exceeded", "speeding"),
    ("microsoft", EXO, "smtp; 554 STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuota"
     "Exceeded", "mailboxfull"),
    ("microsoft", HOTMAIL_LEGACY, "smtp; 550 OU-001 (SNT004-MC1F8) Mail rejected by Outlook.com for policy "
     "reasons.", "blocked"),
    ("microsoft", EXO, "smtp; 550 Access denied, banned sending IP [192.0.2.10]", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.800 Access denied, banned sender", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.513 Service unavailable, Client host [192.0.2.10] blocked", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.506 Access denied, bad HELO", "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP.",
     "blocked"),
    ("microsoft", EXO, "smtp; 550 5.7.502 Access denied, banned sender", "rejected"),
    ("microsoft", EXO, "smtp; 550 5.1.7 Unknown sender address", "rejected"),
    ("microsoft", EXO, "smtp; 451 4.7.26 Access denied, a message sent over IPv6 [2001:db8::10] must pass either "
     "SPF or DKIM validation, this message is not signed", "authfailure"),
    ("microsoft", EXO, "smtp; 550 5.7.23 The message was rejected because of Sender Policy Framework violation",
     "authfailure"),
    ("microsoft", EXO, "smtp; 550 Delivery not authorized, message refused", "policyviolation"),
    ("microsoft", EXO, "smtp; 550 5.0.350 x-dg-ref header is too long", "policyviolation"),
    ("microsoft", EXO, "smtp; 550 5.7.133 Sender not authenticated for group", "filtered"),
    ("microsoft", EXO, "smtp; 550 5.7.1 Delivery not authorized", "filtered"),
    ("microsoft", (None, "reader@example.com"), "smtp; 550 5.7.1 RESOLVER.RST.NotAuthorized; not authorized",
     "filtered"),
    ("microsoft", EXO, "smtp; 550 5.3.2 STOREDRV.Deliver: Missing or bad StoreDriver MDB properties", "filtered"),
    ("microsoft", EXO, "smtp; 550 5.7.64 TenantAttribution; Relay Access Denied", "norelaying"),
    ("microsoft", EXO, "smtp; 550 5.7.3 Cannot achieve Exchange Server authentication", "securityerror"),
    ("microsoft", EXO, "smtp; 451 4.4.317 STARTTLS is required to send mail", "securityerror"),
    ("microsoft", EXO, "smtp; 451 4.7.321 starttls-not-supported: Destination mail server must support TLS to "
     "receive mail.", "securityerror"),
    ("microsoft", EXO, "smtp; 550 5.7.322 certificate-expired: Destination mail server's certificate is expired.",
     "securityerror"),
    ("microsoft", EXO, "smtp; 550 5.7.323 tlsa-invalid: The domain failed DANE validation.", "securityerror"),
    ("microsoft", EXO, "smtp; 550 5.7.324 dnssec-invalid: Destination domain returned invalid DNSSEC records",
     "securityerror"),
    ("microsoft", EXO, "smtp; 550 5.7.325 certificate-host-mismatch: Remote certificate MUST have a common name "
     "or subject alternative name matching the hostname (DANE)", "securityerror"),
    ("microsoft", EXO, "smtp; 451 4.4.8 MX hosts of example.com failed MTA-STS validation", "securityerror"),
    ("microsoft", EXO, "smtp; 550 5.6.11 Invalid characters", "contenterror"),
    ("microsoft", EXO, "smtp; 550 5.3.0 Too many related errors", "contenterror"),
    ("microsoft", EXO, "smtp; 550 5.4.14 Routing loop detected", "networkerror"),
    ("microsoft", EXO, "smtp; 554 5.4.4 SMTPSEND.DNS.NonExistentDomain; nonexistent domain", "networkerror"),
    ("microsoft", EXO, "smtp; 451 4.4.7 Message delayed", "expired"),
    ("microsoft", EXO, "smtp; 451 4.4.7 Queue expired; Message expired", "expired"),
    ("microsoft", EXO, "smtp; 550 5.4.300 Message expired", "expired"),
    ("microsoft", EXO, "smtp; 451 4.4.1 Connection timed out", "expired"),
    ("microsoft", EXO, "smtp; 421 4.3.2 Service not active", "systemerror"),
    ("microsoft", EXO, "smtp; 554 5.3.5 System incorrectly configured", "systemerror"),
    ("microsoft", EXO, "smtp; 550 5.3.190 Journaling on-premises messages to Microsoft 365 or Office 365 not "
     "supported when Journaling Archive is disabled", "systemerror"),
    ("microsoft", EXO, "smtp; 500 5.3.3 Unrecognized command", "syntaxerror"),
    ("yahoo", YAHOO, "smtp; 421 4.7.0 [XY01] Messages from 192.0.2.10 temporarily deferred due to user "
     "complaints - 4.16.55.1", "badreputation"),
    ("yahoo", YAHOO, "smtp; 553 5.7.1 Connections will not be accepted from 192.0.2.10, because the ip is in "
     "Spamhaus's list", "blocked"),
    ("yahoo", YAHOO, "smtp; 553 5.7.1 Connections not accepted from IP addresses on Spamhaus XBL", "blocked"),
    ("yahoo", YAHOO, "smtp; 550 5.7.9 This mail has been blocked because the sender is unauthenticated.",
     "authfailure"),
    ("yahoo", YAHOO, "smtp; 554 5.7.9 Message not accepted for policy reasons. See "
     "https://senders.yahooinc.com/error-codes", "policyviolation"),
    ("apple", ICLOUD, "smtp; 554 5.7.1 [HME1] This message was blocked for failing both SPF and DKIM "
     "authentication checks.", "authfailure"),
    ("apple", ICLOUD, "smtp; 550 5.7.1 Your email was rejected due to having a domain present in the Spamhaus "
     "DBL -- see https://www.spamhaus.org/dbl/", "blocked"),
    ("apple", ICLOUD, "smtp; 550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=192.0.2.10",
     "blocked"),
    ("apple", ICLOUD, "smtp; 554 mx01-smtpin001.me.com ESMTP not accepting connections", "blocked"),
    ("comcast", COMCAST, "smtp; 554 imta01.westchester.pa.mail.comcast.net comcast 192.0.2.10 Comcast requires "
     "that all mail servers must have a PTR record with a valid Reverse DNS entry.", "requireptr"),
    ("cox", COX, "smtp; 554 cxr.mx.west.cox.net cox 192.0.2.10 temporarily blocked AUP#CDRBL", "blocked"),
    ("cox", COX, "smtp; 554 cxr.mx.west.cox.net cox 192.0.2.10 listed AUP#IPBL0001", "blocked"),
    ("cox", COX, "smtp; 421 cxr.mx.west.cox.net cox DNS check failure - try again later", "requireptr"),
    ("cox", COX, "smtp; 554 cxr.mx.west.cox.net cox 192.0.2.10 rejected - no rDNS", "requireptr"),
    ("cox", COX, "smtp; 421 cxr.mx.west.cox.net cox too many sessions from 192.0.2.10", "toomanyconn"),
    ("cox", COX, "smtp; 421 cxr.mx.west.cox.net cox message threshold exceeded", "toomanyconn"),
    ("cox", COX, "smtp; 421 cxr.mx.west.cox.net cox requested action aborted: try again later", "speeding"),
    ("cox", COX, "smtp; 554 cxr.mx.west.cox.net cox 192.0.2.10 too many invalid recipients", "blocked"),
    ("att", ATT, "smtp; 521 <192.0.2.10> is blocked", "blocked"),
    ("att", ATT, "smtp; 553 5.3.0 flph123 192.0.2.10 blocked. For assistance forward this error to "
     "abuse_rbl@abuse-att.net", "blocked"),
    ("att", ("dns; mx1.bellsouth.net", "reader@bellsouth.net"), "smtp; 550 <192.0.2.10> blocked by "
     "ldap:ou=rblmx,dc=bellsouth,dc=net", "blocked"),
    ("godaddy", GODADDY, "smtp; 452 This message contains too many recipients. Reduce the number of recipients "
     "and retry. IB605", "toomanyconn"),
    ("godaddy", GODADDY, "smtp; 550 This IP has sent too many messages this hour. IB504", "speeding"),
    ("godaddy", GODADDY, "smtp; 550 This message has exceeded the max number of messages per session. Open a new "
     "session and try again. IB510", "speeding"),
    ("godaddy", GODADDY, "smtp; 554 Connection refused. This IP address is listed on the Spamhaus Block List "
     "(SBL). IB104", "blocked"),
    ("godaddy", GODADDY, "smtp; 550 Account does not exist", "userunknown"),
    ("godaddy", GODADDY, "smtp; 451 Delivery timeout", "expired"),
    ("zoho", ZOHO, "smtp; 552 5.1.1 <reader@zoho.com> Mailbox delivery restricted by policy error",
     "policyviolation"),
]  # fmt: skip


ROWS += recv_c.ROWS


def _hit(mta: str | None, rcpt: str, text: str) -> tuple[Receiver, Rule] | None:
    return receiver_rule(mta, rcpt, fold(text))


@pytest.mark.parametrize(("module", "where", "text", "reason"), ROWS, ids=[f"{r[0]}-{r[3]}" for r in ROWS])
def test_documented_reply_gives_its_reason(module: str, where: tuple[str | None, str], text: str, reason: str) -> None:
    found = _hit(where[0], where[1], text)
    assert found is not None, "no rule matched"
    receiver, rule = found
    assert receiver.name == module
    assert rule.reason == reason, rule.pattern


# (remote MTA, recipient, diagnostic code, expected receiver name or None, expected reason or None)
NOT_THEIRS = [
    # Nobody's table: left to the generic classifier.
    ("dns; mx.example.net", "reader@example.net",
     "smtp; 550 5.1.1 <reader@example.net>: Recipient address rejected: User unknown", None, None),
    # Yahoo Japan is not Yahoo Inc.
    ("dns; mx.example.net", "reader@yahoo.co.jp", "smtp; 550 5.1.1 <reader@yahoo.co.jp>: user unknown", None, None),
    # A host that merely ends in a provider's name is not the provider.
    ("dns; mx.notoutlook.com", "reader@example.net",
     "smtp; 550 5.5.0 Requested action not taken: mailbox unavailable", None, None),
    ("dns; mx.fakegoogle.com", "reader@example.net", "smtp; 421 4.7.0 Try again later, closing connection.",
     None, None),
    # The MX decides before the recipient's domain: AT&T and Cox mail now arrives at Yahoo.
    ("dns; mx-att.mail.am0.yahoodns.net", "reader@att.net",
     "smtp; 421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to user complaints",
     "yahoo", "badreputation"),
    ("dns; mx.cox.mail.am0.yahoodns.net", "reader@cox.net", "smtp; 550 <reader@cox.net> recipient rejected",
     "yahoo", None),
    # A Gmail-hosted recipient refused by its administrator's own rule: Google is identified, no table row.
    ("dns; aspmx.l.google.com", "reader@example.org",
     "smtp; 550 5.7.1 This message violates example.org email policy. - gcdp a1b2c3 - gsmtp", "google", None),
    # Outlook.com's rate limit is not a Gmail reply, even for a gmail.com recipient forwarded through Microsoft.
    ("dns; example-com.mail.protection.outlook.com", "reader@gmail.com",
     "smtp; 421 RP-001 The mail server IP connecting to Outlook.com server has exceeded the rate limit allowed.",
     "microsoft", "speeding"),
]  # fmt: skip


@pytest.mark.parametrize(("mta", "rcpt", "text", "name", "reason"), NOT_THEIRS)
def test_other_providers_and_strangers(mta: str, rcpt: str, text: str, name: str | None, reason: str | None) -> None:
    receiver = identify(mta, rcpt, fold(text))
    assert (receiver.name if receiver else None) == name
    found = _hit(mta, rcpt, text)
    assert (found[1].reason if found else None) == reason


def _own_rules(name: str) -> list[Rule]:
    """A module's rules, without the Yahoo rules it reuses (tested under yahoo)."""
    rules = MODULES[name].RECEIVER.rules
    if name == "yahoo":
        return list(rules)
    return [r for r in rules if not any(r is y for y in YAHOO_RULES)]


@pytest.mark.parametrize("name", NAMES)
def test_every_rule_has_a_row(name: str) -> None:
    fired = set()
    for module, where, text, _ in ROWS:
        found = _hit(where[0], where[1], text)
        if found is not None and found[0].name == module:
            fired.add(id(found[1]))
    missing = [r.pattern for r in _own_rules(name) if id(r) not in fired]
    assert not missing, missing


@pytest.mark.parametrize("name", NAMES)
def test_rules_are_cited_and_well_formed(name: str) -> None:
    receiver = MODULES[name].RECEIVER
    assert receiver.name == name
    assert receiver.source.startswith("http")
    assert receiver.hosts or receiver.domains
    assert receiver.rules
    for rule in receiver.rules:
        assert rule.source.strip(), rule.pattern
        assert rule.reason in VOCABULARY, rule.reason
        assert isinstance(rule.rx, re.Pattern)
        # Folded text is lower case: an upper-case letter (outside \S, \d, \b...) could never match.
        assert not re.search(r"[A-Z]", re.sub(r"\\[A-Za-z]", "", rule.pattern)), rule.pattern
        assert not rule.pattern.startswith((".*", "(.*")), rule.pattern
        # A rule must not match the empty reply or a bare code.
        assert not rule.rx.search(""), rule.pattern


def _scan_friendly(pattern: str) -> bool:
    """Whether ``re`` can look for the pattern by its literal prefix.

    A pattern that starts with \\b, a group, a class or an optional part, or
    that has a top-level "|", is tried at every position of the text: about
    a hundred times slower on a long diagnostic.
    """
    if pattern[0] == "\\":
        if pattern[1].isalnum():
            return False
    elif pattern[0] in "([.^$*+?{|":
        return False
    elif len(pattern) > 1 and pattern[1] in "*?{":
        return False
    depth, i = 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i = pattern.index("]", i + 2)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return False
        i += 1
    return True


@pytest.mark.parametrize("name", NAMES)
def test_rules_start_with_a_literal(name: str) -> None:
    slow = [r.pattern for r in MODULES[name].RECEIVER.rules if not _scan_friendly(r.pattern)]
    assert not slow, slow


def test_scan_friendly_tells_slow_from_fast() -> None:
    assert _scan_friendly(r"unable to relay")
    assert _scan_friendly(r"\[tss?\d+\]")
    assert _scan_friendly(r"5\.7\.6(?:0[6-9]|[1-4]\d)\b")
    assert not _scan_friendly(r"\bunable to relay")
    assert not _scan_friendly(r"send hello first|5\.3\.3 unrecognized command")
    assert not _scan_friendly(r"(?:e-?)?mail message is malformed")
    assert not _scan_friendly(r"e?mail")


@pytest.mark.parametrize("name", NAMES)
def test_markers_are_only_their_own(name: str) -> None:
    markers = MODULES[name].RECEIVER.markers
    for module, _, text, _ in ROWS:
        if module == name or (name in ON_YAHOO and module in ON_YAHOO):
            continue
        folded = fold(text)
        assert not [m for m in markers if m in folded], (module, text)
