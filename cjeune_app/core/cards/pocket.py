""""Ma carte" on the phone: the active card as it looks (first name, photo once validated, the
masked number) and, on demand, its QR code and full number for a partner to scan. The QR holds
the number only, exactly as the printed card's (core.cards.printing), so a partner's scanner reads
either."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app.core.cards.association import active_card
from cjeune_app.core.cards.numbers import format_card_number, mask_card_number
from cjeune_app.core.cards.printing import card_qr_svg
from cjeune_app.core.photos.api import current_photo, photo_bytes
from cjeune_app.core.photos.errors import PhotoNotFound
from cjeune_app.core.photos.models import PhotoStatus


@dataclass(frozen=True)
class PocketCard:
    first_name: str
    masked_number: str
    number: str  # grouped by four, as printed
    qr_svg: str
    photo_data_uri: str | None  # the validated photo only, inline so that it shows offline too


def _validated_photo(session: Session, pupil_id: int) -> str | None:
    photo = current_photo(session, pupil_id)
    if photo is None or photo.status != PhotoStatus.VALIDATED or photo.id is None:
        return None
    try:
        _, jpeg = photo_bytes(session, photo.id)
    except PhotoNotFound:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def pocket_card(session: Session, pupil_id: int, first_name: str) -> PocketCard | None:
    """The youth's active card to show, or None (no card, or only a blocked one: not to be scanned)."""
    card = active_card(session, pupil_id)
    if card is None:
        return None
    return PocketCard(first_name, mask_card_number(card.number), format_card_number(card.number),
                      card_qr_svg(card.number), _validated_photo(session, pupil_id))
