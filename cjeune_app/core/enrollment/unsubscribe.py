"""One-click unsubscribe from the optional e-mails (RFC 8058), with no sign-in: the link is the proof.

Every optional e-mail (the season's end coming, later news and bons plans: what the e-mail opt-in
covers) carries a signed link naming the child's record and the address it was sent to. Opening
it shows a French page that asks to confirm (a GET never changes anything: mail filters open
links); the page's button, or a mail client's POST of `List-Unsubscribe=One-Click` to the
`List-Unsubscribe` address, withdraws the e-mail opt-in of the family behind that address, each
withdrawal appended to the consent ledger with its time. Service messages (photo refused, card
credited, security) carry no such link.

The signature is an HMAC of the record and the address with `CJEUNE_LINK_SIGNING_KEY`: a link
cannot be made up for someone else, and it keeps working (unsubscribing twice changes nothing).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cjeune_app import routes
from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enrollment.contact import latest_enrollments, set_consent
from cjeune_app.core.enrollment.errors import UnsubscribeLinkInvalid
from cjeune_app.core.enrollment.models import ConsentKind
from cjeune_app.core.notifications import Unsubscribe, public_url
from cjeune_app.core.settings import settings

VERSION = "1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(pupil_id: int, address: str) -> str:
    message = f"unsubscribe:{VERSION}:{pupil_id}:{address}".encode()
    return _b64(hmac.new(settings().link_signing_key.encode(), message, hashlib.sha256).digest()[:18])


def unsubscribe_token(pupil_id: int, address: str) -> str:
    address = normalize_email(address)
    return f"{VERSION}.{pupil_id}.{_b64(address.encode())}.{_signature(pupil_id, address)}"


def unsubscribe_links(pupil_id: int, address: str) -> Unsubscribe:
    token = unsubscribe_token(pupil_id, address)
    return Unsubscribe(page_url=public_url(f"{routes.UNSUBSCRIBE}/?jeton={token}"),
                       one_click_url=public_url(f"{routes.UNSUBSCRIBE_ONE_CLICK}?jeton={token}"))


@dataclass(frozen=True)
class Recipient:
    pupil_id: int
    address: str


def read_token(token: str | None) -> Recipient:
    """UnsubscribeLinkInvalid unless the token was signed here."""
    parts = (token or "").strip().split(".")
    if len(parts) != 4 or parts[0] != VERSION or not parts[1].isdigit():
        raise UnsubscribeLinkInvalid()
    try:
        address = _unb64(parts[2]).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise UnsubscribeLinkInvalid() from error
    pupil_id = int(parts[1])
    if not hmac.compare_digest(parts[3], _signature(pupil_id, address)):
        raise UnsubscribeLinkInvalid()
    return Recipient(pupil_id, address)


def family_of(session: Session, recipient: Recipient) -> list[int]:
    """The children whose optional e-mails go to this address: those of the accounts carrying it
    (a Parent's linked children, a pupil's own record) and the child the e-mail was about."""
    accounts = session.exec(select(Account).where(Account.email == recipient.address)).all()
    pupil_ids = {recipient.pupil_id}
    for account in accounts:
        if account.pupil_id is not None:
            pupil_ids.add(account.pupil_id)
        pupil_ids.update(session.exec(select(ParentLink.pupil_id)
                                      .where(col(ParentLink.parent_account_id) == account.id)).all())
    return sorted(pupil_ids)


@dataclass(frozen=True)
class Subscription:
    address: str
    subscribed: bool  # the e-mail opt-in is given on at least one of the family's enrollments


def subscription(session: Session, token: str | None) -> Subscription:
    recipient = read_token(token)
    enrollments = latest_enrollments(session, family_of(session, recipient))
    return Subscription(recipient.address, any(enrollment.optin_email for enrollment in enrollments))


def unsubscribe(session: Session, token: str | None, *, now: dt.datetime | None = None) -> Subscription:
    """Withdraws the e-mail opt-in (appended to the consent ledger); again: nothing more."""
    recipient = read_token(token)
    pupil_ids = family_of(session, recipient)
    if any(enrollment.optin_email for enrollment in latest_enrollments(session, pupil_ids)):
        set_consent(session, pupil_ids, ConsentKind.OPTIN_EMAIL, False, now=now)
    return Subscription(recipient.address, False)
