"""Why each event is what it is: the deciding rule and its source, and the message's anatomy.

Pure: bytes in, plain data out. The anatomy (MIME parts, defects) comes from
mail-parser, an independent reading of the same bytes: a defect it reports is
a second opinion on what our own parser had to repair.
"""

from __future__ import annotations

from typing import Any

from .models import DEFAULT_CONFIG, ClassifierConfig, RawMessage
from .pipeline import explain as explain_events

SHOWN = (
    "kind",
    "recipient",
    "original_recipient",
    "bounce_type",
    "bounce_subtype",
    "reason",
    "status",
    "action",
    "remote_mta",
    "diagnostic_code",
    "feedback_type",
    "identity",
    "detector",
    "error",
)


def anatomy(data: bytes) -> dict[str, Any]:
    """The message's MIME parts (type, size, filename) and defects, as mail-parser reads them."""
    try:
        import logging

        import mailparser  # a declared dependency; imported here, the classifier never needs it

        # It logs what it leaves undecoded; the defects below say it once.
        logging.getLogger("mailparser").setLevel(logging.CRITICAL)
        mail = mailparser.parse_from_bytes(data)
    except Exception as exc:  # noqa: BLE001 - a second opinion must not stop the first
        return {"parts": [], "defects": [f"mail-parser could not read the message: {type(exc).__name__}: {exc}"]}
    parts = []
    for depth_part in _walk(mail.message, 0):
        depth, part = depth_part
        entry: dict[str, Any] = {"depth": depth, "content_type": part.get_content_type()}
        if not part.is_multipart():
            payload = part.get_payload(decode=False)
            entry["size"] = len(payload) if isinstance(payload, str) else None
        name = part.get_filename()
        if name:
            entry["filename"] = name
        parts.append(entry)
    defects = sorted(str(c) for c in (mail.defects_categories or ()))
    return {"parts": parts, "defects": defects}


def _walk(part: Any, depth: int) -> list[tuple[int, Any]]:
    out = [(depth, part)]
    if part.is_multipart():
        for sub in part.get_payload() or ():
            if hasattr(sub, "get_content_type"):
                out.extend(_walk(sub, depth + 1))
    return out


def explain(raw: RawMessage, config: ClassifierConfig = DEFAULT_CONFIG) -> dict[str, Any]:
    """Every event of ``raw`` with the rule that decided it, its cited source, and the message's anatomy."""
    events, trace = explain_events(raw, config)
    items = []
    for e, why in zip(events, trace, strict=True):
        row = {k: getattr(e, k) for k in SHOWN if getattr(e, k) is not None}
        row.update({("cites" if k == "source" else k): v for k, v in why.items() if v})
        items.append(row)
    return {"source": raw.source, "events": items, **anatomy(raw.data)}


def render_text(report: dict[str, Any]) -> str:
    """A person's reading of ``explain()``."""
    lines = [f"message {report['source']}"]
    for i, ev in enumerate(report["events"], 1):
        lines.append(f"  event {i}: {ev.get('kind')} {ev.get('recipient') or '(no recipient)'}")
        for key in (*SHOWN[2:], "refused", "refused_because", "rule", "cites"):
            if key in ev and key != "kind":
                value = str(ev[key]).replace("\n", " ")
                lines.append(f"    {key:<17} {value[:300]}")
    lines.append("  parts:")
    for p in report["parts"]:
        extra = f" {p['size']} bytes" if p.get("size") is not None else ""
        extra += f" ({p['filename']})" if p.get("filename") else ""
        lines.append(f"    {'  ' * p['depth']}{p['content_type']}{extra}")
    lines.append("  defects: " + (", ".join(report["defects"]) or "none"))
    return "\n".join(lines) + "\n"
