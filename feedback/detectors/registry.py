"""The detectors, in order: most authoritative first; the first that answers decides."""

from __future__ import annotations

from .arf import ARFDetector, JMRPDetector
from .autoreply import AutoReplyDetector
from .base import Detector
from .challenge import ChallengeResponseDetector
from .dsn import DSNDetector, InlineDSNDetector, NestedDSNDetector
from .exchange_legacy import ExchangeLegacyDetector
from .fml import FMLDetector
from .googlegroups import GoogleGroupsDetector
from .interscan import InterScanDetector
from .james import JamesDetector
from .legacy import LegacyLayoutDetector
from .mailmarshal import MailMarshalDetector
from .mdn import MDNDetector
from .mta_codes import MTACodesDetector
from .postfix_notice import PostfixNoticeDetector
from .sns import SNSDetector
from .text import TextBounceDetector
from .unsubscribe import UnsubscribeDetector

DETECTORS: tuple[Detector, ...] = (
    SNSDetector(),  # SES's own JSON: exact types from the source
    ARFDetector(),  # RFC 5965 machine-readable complaint
    JMRPDetector(),  # Microsoft JMRP: the reported message without an ARF part
    MDNDetector(),  # read receipts are reports too, but never feedback
    ChallengeResponseDetector(),  # "confirm you are human": an automatic reply, some dressed as DSNs
    MTACodesDetector(),  # a DSN with the sending provider's own codes (MessageLabs, amavisd-new, AOL; Sisimai Lhost)
    DSNDetector(),  # RFC 3464 machine-readable bounce
    InlineDSNDetector(),  # DSN fields in a text part
    NestedDSNDetector(),  # a DSN attached to a filter's or a person's notice
    GoogleGroupsDetector(),  # localized notices that name no error code
    PostfixNoticeDetector(),  # Postfix smtpd's transcript to the postmaster
    ExchangeLegacyDetector(),  # Exchange 5.5-2003 text NDRs (X.400 recipient lines too)
    InterScanDetector(),  # Trend Micro InterScan gateways' own notices
    MailMarshalDetector(),  # MailMarshal SMTP / Trustwave SEG notices (Sisimai Lhost::MailMarshal)
    JamesDetector(),  # Apache James / Verizon vtext.com notices (Sisimai Lhost::ApacheJames, Lhost::Verizon)
    FMLDetector(),  # fml mailing-list refusals (Sisimai Lhost::FML)
    LegacyLayoutDetector(),  # old site layouts (flufl.bounce, MDSBP); reads `text` itself: keep it just before
    TextBounceDetector(),  # human-readable bounce (qmail, Exim, ...)
    UnsubscribeDetector(),  # RFC 2369 mailto unsubscribe: the user's opt-out
    AutoReplyDetector(),  # RFC 3834 and vacation marks; only once no bounce matched
)
