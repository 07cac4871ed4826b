"""Amazon SES's own notifications: every type, both SNS protocols, one event however told, SES's schema out."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from feedback.cli import main
from feedback.detectors.sns import notification
from feedback.export import iso_ms
from feedback.models import KINDS, SES_KINDS, RawMessage
from feedback.parse import parse
from feedback.pipeline import ClassifierConfig, classify
from feedback.store import MIGRATIONS, SCHEMA_VERSION, Store

from .conftest import MESSAGES

CONFIG = ClassifierConfig(identities=("example.org", "example.com"), correlation_headers=("X-App-Msg-Id",))
SNS = sorted(p.name for p in MESSAGES.glob("sns-*.eml"))
THREE_WAYS = ("ses-bounce-three-ways.eml", "sns-bounce-three-ways-classic.eml", "sns-bounce-three-ways-event.eml")
SCHEMA = json.loads((Path(__file__).parent / "schemas" / "ses.json").read_text())
# SES's own kind of each fixture that tells one (both protocols are derived from each below).
TYPES = {
    "sns-bounce-multi.eml": "bounce",
    "sns-complaint-event.eml": "complaint",
    "sns-delivery-event.eml": "delivery",
    "sns-send-event.eml": "send",
    "sns-reject-event.eml": "reject",
    "sns-delay-event.eml": "delay",
    "sns-open-event.eml": "open",
    "sns-click-event.eml": "click",
    "sns-rendering-failure-event.eml": "rendering_failure",
    "sns-subscription-unsubscribe-all.eml": "subscription",
    "sns-subscription-topic-optout.eml": "subscription",
}


def raw(name: str, data: bytes | None = None) -> RawMessage:
    return RawMessage(data=data if data is not None else (MESSAGES / name).read_bytes(), source=name)


def items(*names: str) -> list[tuple[RawMessage, list]]:
    return [(raw(n), classify(raw(n), CONFIG)) for n in names]


def validator(entry: str) -> jsonschema.protocols.Validator:
    schema = {"$ref": f"#/$defs/{entry}", "$defs": SCHEMA["$defs"]}
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def ses_object(name: str) -> dict:
    obj = notification(parse((MESSAGES / name).read_bytes()).body_text)
    assert obj is not None, name
    return obj


def other_protocol(name: str) -> bytes:
    """The same notification as SNS's other email protocol would have mailed it."""
    data = (MESSAGES / name).read_bytes()
    head, _, body = data.partition(b"\n\n")
    obj = ses_object(name)
    text = json.dumps(obj, separators=(",", ":"))
    if b'"Type":"Notification"' in body:  # email-json -> email: the message alone
        new = text + "\n\n--\nIf you wish to stop receiving notifications from this topic, please click here.\n"
    else:  # email -> email-json: the SNS envelope
        new = json.dumps(
            {
                "Type": "Notification",
                "MessageId": "3f0c3c1e-0000-4000-8000-000000000001",
                "TopicArn": "arn:aws:sns:us-west-2:123456789012:ses-events",
                "Subject": "AWS Notification Message",
                "Message": text,
                "Timestamp": "2026-11-24T10:00:02.000Z",
                "SignatureVersion": "1",
                "Signature": "RXhhbXBsZQ==",
                "SigningCertURL": "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-0.pem",
                "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe",
            }
        )
    return head + b"\n\n" + new.encode() + b"\n"


# ---------------------------------------------------------------- reading


def test_every_type_ses_documents_has_a_fixture_and_a_kind_of_its_own():
    assert set(TYPES.values()) == {"bounce", "complaint", "delivery", *SES_KINDS}
    assert set(SES_KINDS) <= set(KINDS)
    names = {str(ses_object(n).get("eventType") or ses_object(n).get("notificationType")) for n in SNS}
    assert names >= {"Send", "Reject", "Bounce", "Complaint", "Delivery", "DeliveryDelay", "Open", "Click"}
    assert names >= {"Rendering Failure", "Subscription"}


@pytest.mark.parametrize("name", SNS)
def test_no_ses_notification_is_other(name):
    events = classify(raw(name), CONFIG)
    assert events and all(e.kind != "other" and e.detector == "ses-sns" and not e.error for e in events), name
    if name in TYPES:
        assert {e.kind for e in events} == {TYPES[name]}


@pytest.mark.parametrize("name", sorted(TYPES))
def test_both_protocols_give_the_same_events(name):
    """Each type read from the bare message (SNS "email") and from the envelope ("email-json")."""
    a = classify(raw(name), CONFIG)
    b = classify(raw(name, other_protocol(name)), CONFIG)
    ignore = {"source", "message_sha256"}
    assert [{k: v for k, v in e.to_dict().items() if k not in ignore} for e in a] == [
        {k: v for k, v in e.to_dict().items() if k not in ignore} for e in b
    ]
    assert json.loads(a[0].notification or "") == json.loads(b[0].notification or "") == ses_object(name)


def test_folded_envelope_is_read_whole():
    obj = ses_object("sns-click-event.eml")
    assert obj["click"]["link"] == "https://www.example.org/winter-sale?utm_source=newsletter"
    assert obj["mail"]["commonHeaders"]["date"] == "Tue, 24 Nov 2026 09:59:58 +0000"


def test_multi_recipient_notifications_give_one_event_per_recipient():
    assert [e.recipient for e in classify(raw("sns-bounce-multi.eml"), CONFIG)] == [
        "nope1@example.net",
        "nope2@example.net",
    ]
    delays = classify(raw("sns-delay-event.eml"), CONFIG)
    assert [(e.recipient, e.status, e.will_retry_until) for e in delays] == [
        ("slow1@example.net", "4.4.7", "2026-11-25T09:59:58.512Z"),
        ("slow2@example.net", "4.4.7", "2026-11-25T09:59:58.512Z"),
    ]
    sends = classify(raw("sns-send-event.eml"), CONFIG)
    assert [e.recipient for e in sends] == ["ann@example.net", "bob@example.net"]


def variant(name: str, edit) -> bytes:
    """A fixture's notification changed by ``edit`` (a function of the object), mailed bare."""
    obj = ses_object(name)
    edit(obj)
    head = (MESSAGES / name).read_bytes().partition(b"\n\n")[0]
    return head + b"\n\n" + json.dumps(obj).encode() + b"\n"


def test_open_of_a_mail_with_several_destinations_names_nobody(tmp_path: Path):
    data = variant("sns-open-event.eml", lambda o: o["mail"].update(destination=["one@example.net", "two@example.net"]))
    (e,) = classify(raw("open2.eml", data), CONFIG)
    assert (e.kind, e.recipient) == ("open", None)
    assert e.user_agent and e.user_agent.startswith("Mozilla/5.0")
    s = Store(str(tmp_path / "f.db"))
    assert s.add_batch([(raw("open2.eml", data), [e])]).events == 1
    (row,) = s.events(kind="open")
    assert row["recipient"] is None and row["arrival_date"] == "2026-11-24T11:02:40.107Z"


def test_subscription_opt_out_and_opt_in():
    (e,) = classify(raw("sns-subscription-unsubscribe-all.eml"), CONFIG)
    assert (e.feedback_type, e.reason) == ("opt-out", "feedback")
    (e,) = classify(raw("sns-subscription-topic-optout.eml"), CONFIG)
    assert e.feedback_type == "opt-out"

    def back_in(o: dict) -> None:
        sub = o["subscription"]
        sub["oldTopicPreferences"], sub["newTopicPreferences"] = sub["newTopicPreferences"], sub["oldTopicPreferences"]
        sub["timestamp"] = "2026-11-25T08:00:00.000Z"

    (e,) = classify(raw("in.eml", variant("sns-subscription-topic-optout.eml", back_in)), CONFIG)
    assert (e.feedback_type, e.reason) == ("opt-in", None)


# ---------------------------------------------------------------- one event however told


@pytest.mark.parametrize("order", list(itertools.permutations(THREE_WAYS)))
def test_a_bounce_told_three_ways_is_one_event_with_the_richest_fields(tmp_path: Path, order):
    s = Store(str(tmp_path / "f.db"))
    results = [s.add_batch(items(n)) for n in order]
    assert [r.events for r in results] == [1, 0, 0] and sum(r.messages for r in results) == 3
    (ev,) = s.events(recipient="gone3@example.net")
    links = sqlite3.connect(s.path).execute("SELECT count(*) FROM event_messages WHERE event_id = ?", [ev["id"]])
    assert links.fetchone() == (3,)
    # SES's own JSON decides the type; each report adds what only it knew.
    assert (ev["kind"], ev["bounce_type"], ev["bounce_subtype"], ev["status"]) == (
        "bounce",
        "Permanent",
        "General",
        "5.1.1",
    )
    assert ev["ses_message_id"] == "01018b5b9db0c13d-b24256c8-29aa-364a-a90c-6d2eba318b92-000000"
    assert ev["source_ip"] == "192.0.2.10"  # only the notifications say it
    assert ev["reporting_mta"] == "a27-33.smtp-out.us-west-2.amazonses.com"
    assert ev["last_attempt_date"] == "Tue, 24 Nov 2026 10:00:01 +0000"  # only the DSN says it
    assert ev["identity"] == "example.com" and ev["region"] == "us-west-2" and ev["trusted"] == 1
    assert ev["original_subject"] == "Your order"
    assert s.is_suppressed("gone3@example.net")
    # Reruns add nothing.
    assert s.add_batch(items(*THREE_WAYS)).events == 0
    assert s.counts()["events"] == 1


def test_a_complaint_told_as_arf_and_as_json_is_one_event(tmp_path: Path):
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items("ses-complaint-arf.eml"))
    (arf,) = s.events(kind="complaint")
    obj = {
        "eventType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": arf["recipient"]}],
            "timestamp": "2026-11-24T13:00:00.000Z",
            "feedbackId": "0101aaaa00000000-11112222-3333-4444-5555-666677778888-000000",
            "complaintSubType": None,
        },
        "mail": {
            "timestamp": "2026-11-24T12:00:00.000Z",
            "source": "news@example.org",
            "messageId": arf["ses_message_id"],
            "destination": [arf["recipient"]],
            "sourceIp": "192.0.2.10",
        },
    }
    head = (MESSAGES / "sns-complaint-event.eml").read_bytes().partition(b"\n\n")[0]
    data = head + b"\n\n" + json.dumps(obj).encode()
    assert s.add_batch([(raw("c.eml", data), classify(raw("c.eml", data), CONFIG))]).events == 0
    (ev,) = s.events(kind="complaint")
    # The ARF report's own fields stay; the notification is linked to the same event.
    assert ev["feedback_type"] == arf["feedback_type"] and ev["source_ip"] == arf["source_ip"]
    links = sqlite3.connect(s.path).execute("SELECT count(*) FROM event_messages WHERE event_id = ?", [ev["id"]])
    assert links.fetchone() == (2,)


def test_distinct_opens_and_delays_stay_distinct(tmp_path: Path):
    s = Store(str(tmp_path / "f.db"))
    later = variant("sns-open-event.eml", lambda o: o["open"].update(timestamp="2026-11-25T07:00:00.000Z"))
    s.add_batch(items("sns-open-event.eml", "sns-delay-event.eml"))
    r = s.add_batch([(raw("o2.eml", later), classify(raw("o2.eml", later), CONFIG))])
    assert r.events == 1
    assert len(list(s.events(kind="open"))) == 2 and len(list(s.events(kind="delay"))) == 2


# ---------------------------------------------------------------- suppression policy


def test_only_what_concerns_the_address_suppresses(tmp_path: Path):
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items(*SNS))
    for address in ("leaver@example.net", "picky@example.net", "nope1@example.net", "nope2@example.net"):
        assert s.is_suppressed(address), address
    assert s.is_suppressed("leaver@example.net")["reason"] == "feedback"
    for address in (
        "slow1@example.net",  # delayed: SES is still trying
        "slow2@example.net",
        "ann@example.net",  # sent
        "reader@example.net",  # opened
        "clicker@example.net",
        "glad@example.net",  # delivered
        "carl@example.net",  # SES refused our content
        "dana@example.net",  # our template failed
        "fine@example.net",  # in the bounced mail's destination, not bounced
    ):
        assert s.is_suppressed(address) is None, address


def test_subscribing_again_lifts_an_unsubscribe_but_not_a_bounce(tmp_path: Path):
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items("sns-subscription-topic-optout.eml", "sns-bounce-multi.eml"))
    assert s.is_suppressed("picky@example.net")

    def back_in(o: dict) -> None:
        sub = o["subscription"]
        sub["oldTopicPreferences"], sub["newTopicPreferences"] = sub["newTopicPreferences"], sub["oldTopicPreferences"]
        sub["timestamp"] = "2026-11-25T08:00:00.000Z"

    data = variant("sns-subscription-topic-optout.eml", back_in)
    later = RawMessage(data=data, source="in.eml", received_at="2026-11-25T08:00:05Z")
    s.add_batch([(later, classify(later, CONFIG))])
    assert s.is_suppressed("picky@example.net") is None
    # An opt-in for a bounced address changes nothing.
    data = variant(
        "sns-subscription-topic-optout.eml", lambda o: (back_in(o), o["mail"].update(destination=["nope1@example.net"]))
    )
    later = RawMessage(data=data, source="in2.eml", received_at="2026-11-25T08:00:06Z")
    s.add_batch([(later, classify(later, CONFIG))])
    assert s.is_suppressed("nope1@example.net")


# ---------------------------------------------------------------- export


def run(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def exported(db: Path, shape: str) -> list[dict]:
    res = run(db, "export", "--format", shape)
    assert res.exit_code == 0, res.output
    return [json.loads(line) for line in res.output.splitlines()]


@pytest.fixture
def full_db(tmp_path: Path) -> Path:
    db = tmp_path / "f.db"
    assert run(db, "reprocess", str(MESSAGES)).exit_code == 0
    return db


def _stored_notifications(db: Path) -> dict[str, dict]:
    rows = sqlite3.connect(db).execute("SELECT notification FROM messages WHERE notification IS NOT NULL")
    out = {}
    for (text,) in rows:
        obj = json.loads(text)
        key = obj["mail"]["messageId"] + (obj.get("eventType") or obj.get("notificationType"))
        out[key + ("E" if "eventType" in obj else "N")] = obj
    return out


@pytest.mark.parametrize(("shape", "entry"), [("ses-json", "notification"), ("ses-events", "event")])
def test_every_exported_object_passes_ses_schema(full_db: Path, shape: str, entry: str):
    v = validator(entry)
    objs = exported(full_db, shape)
    assert len(objs) > 20
    for o in objs:
        errors = sorted(v.iter_errors(o), key=lambda e: list(e.path))
        assert not errors, (o.get("mail", {}).get("messageId"), [f"{list(e.path)}: {e.message}" for e in errors])
    kinds = {k for o in objs for k in o if k in ("bounce", "complaint", "delivery", "send", "reject", "open")}
    assert kinds >= ({"bounce", "complaint", "delivery"} if shape == "ses-json" else {"send", "reject", "open"})


def test_the_schema_refuses_what_ses_would_not_write():
    v = validator("notification")
    good = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": "a@example.net"}],
            "timestamp": "2026-11-24T10:00:00.123Z",
            "feedbackId": "x",
        },
        "mail": {
            "timestamp": "2026-11-24T10:00:00.000Z",
            "messageId": "m",
            "source": "s@example.org",
            "destination": [],
        },
        "feedback": {
            "identity": None,
            "region": None,
            "events": [{"id": 1, "recipient": None, "kind": "bounce", "reason": None}],
        },
    }
    assert v.is_valid(good)
    for part, key, value in [
        ("mail", "timestamp", "Tue, 24 Nov 2026 10:00:00 +0000"),  # SES writes ISO 8601
        ("bounce", "bounceSubType", "MailboxFull"),  # a Transient subtype under Permanent
        ("bounce", "bouncedRecipients", []),
        ("mail", "sendingAccountId", "12345"),
    ]:
        bad = json.loads(json.dumps(good))
        bad[part][key] = value
        assert not v.is_valid(bad), (part, key)
    bad = json.loads(json.dumps(good))
    del bad["bounce"]["feedbackId"]
    assert not v.is_valid(bad)
    assert not v.is_valid({**good, "notificationType": "Open"})
    assert not v.is_valid({**good, "eventType": "Bounce"})
    assert not validator("event").is_valid(good)


def test_notifications_that_arrived_are_passed_through_whole(full_db: Path):
    stored = _stored_notifications(full_db)
    assert len(stored) >= len(SNS)
    for shape, native, other in (
        ("ses-json", "notificationType", "eventType"),
        ("ses-events", "eventType", "notificationType"),
    ):
        seen = 0
        for o in exported(full_db, shape):
            body = {k: v for k, v in o.items() if k != "feedback"}
            name = body[native]
            for suffix, key in (("N", "notificationType"), ("E", "eventType")):
                original = stored.get(body["mail"]["messageId"] + name + suffix)
                if original is None:
                    continue
                want = {(native if k == key else k): v for k, v in original.items()}
                if body == want:
                    seen += 1
                    break
        # Every SES notification of a type the shape has comes out unchanged (no field dropped).
        expected = sum(
            1
            for obj in stored.values()
            if shape == "ses-events" or (obj.get(native) or obj.get(other)) in ("Bounce", "Complaint", "Delivery")
        )
        # The told-three-ways bounce has two notifications but one event: one object.
        assert seen == expected - 1, shape


def test_objects_we_build_speak_ses(full_db: Path):
    objs = [o for o in exported(full_db, "ses-json") if "sourceArn" not in o["mail"]]
    assert objs
    ms = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    for o in objs:
        detail = o[o["notificationType"].lower()]
        assert ms.match(o["mail"]["timestamp"]) and ms.match(detail["timestamp"]), o
        assert "sourceIdentity" not in o["mail"] and "region" not in o["mail"]
    dsn = next(
        o for o in objs if o["mail"]["messageId"] == "00000131e4d29f11-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d-000000"
    )
    assert dsn["mail"]["commonHeaders"] == {
        "from": ["alerts@example.com"],
        "date": "Thu, 25 Aug 2011 08:15:40 +0000",  # as the header was written
        "to": ["full@example.net"],
        "messageId": "<00000131e4d29f11-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d-000000@email.amazonses.com>",
        "subject": "Your alert",
    }
    assert dsn["mail"]["timestamp"] == "2011-08-25T08:15:40.000Z"
    assert dsn["bounce"]["timestamp"] == "2011-08-25T08:15:41.000Z"
    assert dsn["bounce"]["remoteMtaIp"] == "192.0.2.80"
    assert dsn["bounce"]["reportingMTA"] == "dsn; a192-79.smtp-out.amazonses.com"
    ids = [o[o["notificationType"].lower()].get("feedbackId") for o in objs if o["notificationType"] != "Delivery"]
    assert len(ids) == len(set(ids)), "feedbackId is unique per notification"
    assert all(i and not i.endswith(":AmazonSES") for i in ids), "never the original's Feedback-ID header"


def test_feedback_ids_are_stable_across_reruns(tmp_path: Path):
    def ids(db: Path) -> list[str]:
        run(db, "reprocess", str(MESSAGES))
        objs = [o for o in exported(db, "ses-json") if "sourceArn" not in o["mail"]]
        return [o[o["notificationType"].lower()].get("feedbackId") for o in objs if "feedbackId" in str(o)]

    first = ids(tmp_path / "a.db")
    assert len(first) > 10 and first == ids(tmp_path / "b.db")


def test_the_extra_key_holds_our_additions(full_db: Path):
    multi = next(
        o
        for o in exported(full_db, "ses-json")
        if [r["emailAddress"] for r in o.get("bounce", {}).get("bouncedRecipients", [])]
        == ["nope1@example.net", "nope2@example.net"]
    )
    fb = multi["feedback"]
    assert fb["identity"] is None and fb["region"] == "us-west-2"  # no identities configured here
    assert [(e["recipient"], e["reason"]) for e in fb["events"]] == [
        ("nope1@example.net", "userunknown"),
        ("nope2@example.net", "userunknown"),
    ]


def test_iso_ms():
    assert iso_ms("Tue, 14 Mar 2023 10:21:05 +0100") == "2023-03-14T09:21:05.000Z"
    assert iso_ms("2023-03-14T10:21:05Z") == "2023-03-14T10:21:05.000Z"
    assert iso_ms("2009-12-03T04:24:21.000-05:00") == "2009-12-03T09:24:21.000Z"
    assert iso_ms("2018-10-08T14:05:45 +0000") == "2018-10-08T14:05:45.000Z"
    assert iso_ms("not a date") is None


# ---------------------------------------------------------------- stats, migration, reprocessing


def test_stats_rates_use_sends_that_arrived_by_mail(tmp_path: Path):
    db = tmp_path / "f.db"
    s = Store(str(db))
    s.add_batch(items("sns-send-event.eml", "sns-bounce-multi.eml", "sns-delivery-event.eml"))
    days = {r["day"]: r for r in s.stats() if r["identity"] == "example.org"}
    (row,) = days.values()
    assert (row["sends"], row["sends_from"], row["bounce_rate"]) == (2, "send events", 1.0)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO sends (identity, day, count) VALUES ('example.org', ?, 100)", [row["day"]])
    (row,) = [r for r in s.stats() if r["identity"] == "example.org"]
    assert (row["sends"], row["sends_from"], row["bounce_rate"]) == (100, "sends table", 0.02)


def test_stats_fall_back_on_deliveries_and_bounces(tmp_path: Path):
    s = Store(str(tmp_path / "f.db"))
    s.add_batch(items("sns-bounce-multi.eml", "sns-delivery-event.eml"))
    (row,) = [r for r in s.stats() if r["identity"] == "example.org"]
    assert (row["sends"], row["sends_from"]) == (3, "deliveries and bounces")


def test_schema_3_file_upgrades_and_its_events_still_match(tmp_path: Path):
    db = tmp_path / "v3.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        for script in MIGRATIONS[:3]:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute("PRAGMA user_version = 3")
        conn.execute(
            "INSERT INTO messages (sha256, kind, parse_status, stored_at, size) VALUES ('x', 'bounce', 'ok', '2026-11-24T10:00:02Z', 1)"
        )
        # As schema 3 keyed it: SES message id + recipient + kind + bounce type (here our DSN's).
        conn.execute(
            "INSERT INTO events (event_key, message_id, stored_at, kind, recipient, recipient_key, bounce_type,"
            " bounce_subtype, ses_message_id, trusted) VALUES (?, 1, '2026-11-24T10:00:02Z', 'bounce',"
            " 'gone3@example.net', 'gone3@example.net', 'Transient', 'General', ?, 1)",
            [
                "ses:01018b5b9db0c13d-b24256c8-29aa-364a-a90c-6d2eba318b92-000000:gone3@example.net:bounce:Transient",
                "01018b5b9db0c13d-b24256c8-29aa-364a-a90c-6d2eba318b92-000000",
            ],
        )
    s = Store(str(db))
    assert s.version == SCHEMA_VERSION >= 4
    cols = {r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(messages)")}
    assert "notification" in cols
    r = s.add_batch(items("sns-bounce-three-ways-classic.eml", "sns-bounce-three-ways-event.eml"))
    assert (r.messages, r.events) == (2, 0)
    (ev,) = s.events(recipient="gone3@example.net")
    assert (ev["bounce_type"], ev["source_ip"]) == ("Permanent", "192.0.2.10")  # SES's verdict, merged in
    assert s.is_suppressed("gone3@example.net")


def test_reprocess_stored_keeps_the_notifications(tmp_path: Path):
    db = tmp_path / "f.db"
    run(db, "reprocess", str(MESSAGES))

    def shapes() -> list[dict]:
        # SES's own objects (ours carry the storing time where a message has no date);
        # event ids are new after reclassifying, everything else is the same.
        objs = exported(db, "ses-events")
        return [{k: v for k, v in o.items() if k != "feedback"} for o in objs if "sourceArn" in o["mail"]]

    before = shapes()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE messages SET notification = NULL")
    assert len(shapes()) < len(before)
    assert run(db, "reprocess", "--stored").exit_code == 0
    assert shapes() == before


def test_cli_lists_new_kinds(full_db: Path):
    out = json.loads(run(full_db, "events", "--kind", "delay", "--format", "json").output)
    assert [e["recipient"] for e in out] == ["slow1@example.net", "slow2@example.net"]
    assert "notification" not in out[0]
    kinds = dict(sqlite3.connect(full_db).execute("SELECT sha256, kind FROM messages").fetchall()).values()
    assert {"send", "reject", "delay", "open", "click", "rendering_failure", "subscription"} <= set(kinds)


@pytest.mark.parametrize("order", [THREE_WAYS, THREE_WAYS[::-1]])
def test_reprocess_stored_replaces_a_stale_reading_of_a_shared_event(tmp_path: Path, order):
    s = Store(str(tmp_path / "f.db"))
    for name in order:
        s.add_batch(items(name))
    (ev,) = s.events(recipient="gone3@example.net")
    # A reading an older classifier stored (the event is shared by the three reports).
    with sqlite3.connect(s.path) as conn:
        conn.execute("UPDATE events SET reason = 'stale', bounce_type = 'Transient', status = '4.0.0'")
    s.replace_events([(mid, classify(raw)) for mid, raw in s.stored_messages()])
    (again,) = s.events(recipient="gone3@example.net")
    assert (again["reason"], again["status"]) == (ev["reason"], ev["status"]) != ("stale", "4.0.0")
    # SES's own JSON still decides the type, whichever report is read last.
    assert (again["bounce_type"], again["bounce_subtype"]) == ("Permanent", "General")
    assert s.is_suppressed("gone3@example.net")
