"""What a partner receives when the desk publishes, corrects or retracts, and how
they know it came from the desk.

Each delivery is a JSON POST signed like this (the scheme Stripe and GitHub use):

    X-Factcheck-Timestamp: 1764412800
    X-Factcheck-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">
    X-Factcheck-Delivery: <uuid, the same on every retry of one delivery>

The receiver recomputes the HMAC with the subscriber's secret, compares in constant
time and refuses a timestamp older than a few minutes, so a captured delivery
cannot be replayed later. `verify()` below is that check, for partners and tests.
"""

import hashlib
import hmac
import json
import re
import time
from typing import Any

from django.conf import settings

from factcheck.models import Correction, Event, FactCheck, WebhookEvent

SIGNATURE_HEADER = "X-Factcheck-Signature"
TIMESTAMP_HEADER = "X-Factcheck-Timestamp"
DELIVERY_HEADER = "X-Factcheck-Delivery"
EVENT_HEADER = "X-Factcheck-Event"
# How old a delivery's timestamp may be when the receiver checks it.
TOLERANCE_SECONDS = 5 * 60
# Seconds since 1970 in ASCII digits; twelve is thousands of years of them.
TIMESTAMP = re.compile(r"[0-9]{1,12}")


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(
        payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(
    *, secret: str, body: bytes, kind: str, key: str, timestamp: int | None = None
) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json; charset=utf-8",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        DELIVERY_HEADER: key,
        EVENT_HEADER: kind,
    }


def verify(
    secret: str,
    *,
    body: bytes,
    timestamp: str,
    signature_header: str,
    now: float | None = None,
) -> bool:
    """The receiver's check: right secret, untouched body, recent timestamp.

    Anything else in the headers, however garbled, is a plain False.
    """
    # The digits the sender writes: str.isdigit() also accepts "²" (which int()
    # refuses) and Arabic-Indic digits (which it reads, though nobody signed them).
    if not TIMESTAMP.fullmatch(timestamp):
        return False
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, int(timestamp), body)
    # compare_digest raises on text that is not ASCII; no signature of ours is.
    return signature_header.isascii() and hmac.compare_digest(
        expected, signature_header
    )


def payload(
    kind: str,
    *,
    factcheck: FactCheck,
    event: Event,
    correction: Correction | None = None,
) -> dict[str, Any]:
    """What happened, as it stood when it happened (retries resend this)."""
    claim = factcheck.claim
    rating = factcheck.rating
    data: dict[str, Any] = {
        "event": kind,
        "occurred_at": event.created_at.isoformat(),
        "factcheck": {
            "id": factcheck.pk,
            "url": settings.SITE_URL + factcheck.get_absolute_url(),
            "language": factcheck.language,
            "headline": factcheck.headline,
            "summary": factcheck.summary,
            "rating": {
                "value": rating.value,
                "label_en": rating.label_en,
                "label_ar": rating.label_ar,
            }
            if rating
            else None,
            "claim": claim.text,
            "claimant": claim.claimant.name if claim.claimant else None,
            "published_at": _iso(factcheck.published_at),
            "retracted_at": _iso(factcheck.retracted_at),
        },
    }
    if correction is not None:
        data["correction"] = {
            "kind": correction.kind,
            "note": correction.note,
        }
    if kind == WebhookEvent.RETRACTED:
        data["retraction_note"] = event.note
    return data


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
