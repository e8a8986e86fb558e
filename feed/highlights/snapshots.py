"""
What a consent covers: the snapshot of a highlight a person is shown, and its fingerprint.

A `Consent` keeps exactly what its person was shown, with a fingerprint of it;
an approval counts only while the highlight still shows them that. The
services (asking, answering, publishing) and the consent page's reads
(`feed.highlights.consent_selectors`) compare fingerprints made here, so both
sides always agree on what "changed" means.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from feed.highlights.models import CONSENT_SCOPE, Highlight


def consent_snapshot(*, highlight: Highlight, public_name: str) -> dict[str, object]:
    """What the public would see of `highlight`, for the person named `public_name`."""
    return {
        "title": highlight.title,
        "text": highlight.text,
        "image": highlight.image.name or "",
        "image_alt": highlight.image_alt,
        "public_name": public_name,
        "scope": list(CONSENT_SCOPE),
    }


def consent_fingerprint(snapshot: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the snapshot's canonical JSON: sorted keys, no spaces, UTF-8."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def current_fingerprints(highlight: Highlight) -> dict[int, str]:
    """The current fingerprint for each person named, by user id."""
    return {
        person.user_id: consent_fingerprint(
            consent_snapshot(highlight=highlight, public_name=person.public_name)
        )
        for person in highlight.people.all()
    }
