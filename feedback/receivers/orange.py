"""Orange (orange.fr, wanadoo.fr) and La Poste (laposte.net): the OFR_ / LPN codes.

Both end every refusal with a code such as ``OFR006_102``, ``OFR_999``,
``LPN007_426`` or ``LPN416``: the last three digits are the documented reason,
and the same bilingual sentence ("Service refuse. Veuillez essayer plus tard")
comes with many of them, so the code decides, not the words.

Pages: Orange's postmaster page https://postmaster.orange.fr ("Codes d'erreur"),
the code table of Sisimai Rhost/FrancePTT.pm (which cites
https://www.postmastery.com/orange-postmaster-smtp-error-codes-ofr/ and also
covers La Poste's LPN codes; La Poste publishes no code page we could find).
Codes documented only as "try again later" carry no cause: ``undefined``.
"""

from __future__ import annotations

from .base import Receiver, Rule

ORANGE_PAGE = "https://postmaster.orange.fr (Codes d'erreur)"
SISIMAI = "Sisimai Rhost/FrancePTT.pm, citing https://www.postmastery.com/orange-postmaster-smtp-error-codes-ofr/"
SOURCE = f"{ORANGE_PAGE}; {SISIMAI}"

# (code, reason, what the provider's text says). The code follows "ofr", "lpn"
# or "ouk", with an optional three-character block number and "_" or "-".
CODES: tuple[tuple[str, str, str], ...] = (
    ("101", "blocked", "IP blocked, listed at Spamhaus"),
    ("102", "blocked", "Adresse IP source bloquee pour incident de spam / client host blocked for spamming"),
    ("103", "blocked", "Service refuse / service refused to this client"),
    ("104", "toomanyconn", "Trop de connexions / too many connections, slow down"),
    ("105", "undefined", "Veuillez essayer plus tard"),
    ("107", "undefined", "Service refused, please try later"),
    ("108", "undefined", "Service refused, please try later"),
    ("109", "undefined", "Veuillez essayer plus tard"),
    ("201", "undefined", "Veuillez essayer plus tard"),
    ("305", "securityerror", "Code d'authentification invalide"),
    # providers.py had "blocked"; the text is an SPF failure ("SPF: ... is not
    # allowed to send mail"), as Sisimai 5 reads it too.
    ("401", "authfailure", "SPF: <ip> is not allowed to send mail"),
    ("402", "securityerror", "Authentification requise / authentication required"),
    ("403", "rejected", "Emetteur invalide / invalid sender"),
    ("405", "rejected", "Emetteur invalide / invalid sender"),
    ("415", "rejected", "Emetteur invalide / invalid sender"),
    ("416", "userunknown", "Adresse d'au moins un destinataire invalide / invalid recipient"),
    ("417", "mailboxfull", "Boite du destinataire pleine / recipient overquota"),
    ("418", "userunknown", "Adresse d'au moins un destinataire invalide"),
    ("420", "suspend", "Boite du destinataire archivee / archived recipient"),
    ("421", "rejected", "Mail from not owned by user"),
    ("423", "undefined", "Service refused, please try later"),
    ("424", "undefined", "Veuillez essayer plus tard"),
    ("426", "suspend", "Le compte du destinataire est bloque / the recipient account is blocked"),
    ("505", "systemerror", "Service refuse (in reply to end of DATA)"),
    ("506", "spamdetected", "Mail rejete / mail rejected (as spam)"),
    ("510", "blocked", "Service refuse (end of DATA), sender blocked"),
    ("513", "undefined", "Mail rejete / mail rejected (OUK_513)"),
    ("514", "mesgtoobig", "Taille limite du message atteinte"),
    # providers.py had "policyviolation"; the text is a DMARC failure
    # ("Message refused, DMARC verification Failed"), as Sisimai 5 reads it.
    ("517", "authfailure", "Message refuse, verification DMARC en echec"),
    ("630", "policyviolation", "Client host rejected"),
    ("999", "blocked", "Service refuse / service refused"),
)


def _code_rule(code: str, reason: str) -> Rule:
    return Rule(rf"\b(?:ofr|lpn|ouk)(?:[a-z0-9]{{3}})?[_-]?{code}\b", reason, SOURCE)


RULES: tuple[Rule, ...] = (
    *(_code_rule(code, reason) for code, reason, _ in CODES),
    # Without a code: "Emetteur invalide, Veuillez verifier la configuration
    # SPF/DNS de votre nom de domaine. Invalid Sender. SPF check failed".
    Rule(
        r"spf/dns de votre nom de domaine",
        "authfailure",
        "Sisimai Rhost/FrancePTT.pm (go-sisimai rhost/for-franceptt.go)",
    ),
)

RECEIVER = Receiver(
    name="orange",
    hosts=("orange.fr", "wanadoo.fr", "laposte.net"),
    domains=("orange.fr", "wanadoo.fr", "voila.fr", "laposte.net"),
    rules=RULES,
    # Orange's inbound MTAs name themselves "mwinf5c04" and the like in replies.
    markers=("mwinf",),
    source=ORANGE_PAGE,
    # Their codes name them wherever the mail was relayed from.
    marker_pattern=r"\b(?:ofr|lpn|ouk)(?:[a-z0-9]{3})?[_-]?\d{3}\b",
)
