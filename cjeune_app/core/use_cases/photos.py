"""Photos d'identité: the family sends and sees their child's photo; agents review the queue.

    open_photo_page   /photo: the child's current photo (a parent picks among several children)
    photo_of          the current photo's state, after an upload
    check_uploader    before an upload's body is read: may the actor send this pupil's photo?
    upload_photo      the photo editor's upload (processed, stored, made the current photo)
    photo_for_display the processed JPEG, for the pupil, their parent and agents
    review_queue, validate_photo, reject_photo   the agents' /admin/photos
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from cjeune_app import routes
from cjeune_app.core.accounts import family_emails
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.dates import format_date
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.permissions import can_see_pupil, require_role, require_signed_in
from cjeune_app.core.photos import api as photos
from cjeune_app.core.photos.errors import PhotoBadCrop, PhotoNotFound
from cjeune_app.core.photos.models import Photo, PhotoStatus
from cjeune_app.core.photos.processing import CropBox
from cjeune_app.core.use_cases.family_child import ChildChoice, family_actor, family_pupil, require_family_pupil
from cjeune_app.core.use_cases.sessions import SessionDigest, reading_as

# Who may send a pupil's photo, and who may look at it (agents review, they do not upload).
UPLOADERS = (Role.PUPIL, Role.PARENT)
VIEWERS = (Role.PUPIL, Role.PARENT, Role.AGENT)
CROP_FIELDS = ("crop_x", "crop_y", "crop_width", "crop_height")
QUEUE_SIZE = 30
VALIDATED = "Photo validée."
REJECTED = "Photo refusée : la famille voit le motif et peut en envoyer une nouvelle."


@dataclass(frozen=True)
class PhotoSummary:
    """What a family's page shows of the current photo."""

    state: PhotoStatus
    label: str
    reason: str  # the agent's reason when refused, else ""
    url: str  # where the page shows it from ("" when missing)
    photo_id: int | None = None

    @property
    def is_missing(self) -> bool:
        return self.state is PhotoStatus.MISSING

    @property
    def is_pending(self) -> bool:
        return self.state is PhotoStatus.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.state is PhotoStatus.REJECTED


@dataclass(frozen=True)
class PhotoPage:
    """/photo for one child, or the children to choose among."""

    pupil_id: int = 0
    child_name: str = ""
    photo: PhotoSummary | None = None
    upload_url: str = ""
    children: tuple[ChildChoice, ...] = ()


@dataclass(frozen=True)
class PhotoToReview:
    photo_id: int
    name: str
    school: str  # "Collège Mignet — 4e B"
    birth_date: str
    sent_on: str
    url: str


def photo_summary(session: Session, pupil_id: int) -> PhotoSummary:
    state = photos.photo_state(session, pupil_id)
    url = routes.api_photo(state.photo_id) if state.photo_id else ""
    return PhotoSummary(state.state, state.label, state.rejection_reason or "", url, state.photo_id)


def _require_uploader(session: Session, actor: Actor | None, pupil_id: int) -> Actor:
    """NotSignedIn without a session; the same PhotoNotFound for anyone else who may not send it."""
    actor = require_signed_in(actor)
    if actor.role not in UPLOADERS or not can_see_pupil(session, actor, pupil_id):
        raise PhotoNotFound()
    return actor


def _crop(fields: Mapping[str, str]) -> CropBox | None:
    """The user's frame; None (largest centred frame) when the form sent none at all."""
    if not any(fields.get(name, "").strip() for name in CROP_FIELDS):
        return None
    try:
        return CropBox(*(float(fields.get(name, "").replace(",", ".")) for name in CROP_FIELDS))
    except ValueError:
        raise PhotoBadCrop(f"crop fields {dict(fields)!r}") from None


# ---------------------------------------------------------------------------------------------
# The family


def open_photo_page(actor: Actor | None, child: str | None) -> PhotoPage:
    actor = family_actor(actor)
    with session_scope(read_only=True) as session:
        pupil_id = family_pupil(session, actor, child)
        if isinstance(pupil_id, tuple):
            return PhotoPage(children=pupil_id)
        pupil = session.get(Pupil, pupil_id)
        name = f"{pupil.first_name} {pupil.last_name}" if pupil else ""
        return PhotoPage(pupil_id, name, photo_summary(session, pupil_id), routes.api_pupil_photo(pupil_id))


def photo_of(who: Actor | SessionDigest | None, pupil_id: int) -> PhotoSummary:
    """The photo's state after an upload; the actor may be given as the page's session digest."""
    with reading_as(who) as (session, actor):
        require_family_pupil(session, actor, pupil_id)
        return photo_summary(session, pupil_id)


def check_uploader(actor: Actor | None, pupil_id: int) -> None:
    with session_scope(read_only=True) as session:
        _require_uploader(session, actor, pupil_id)


def upload_photo(actor: Actor | None, pupil_id: int, upload: bytes, crop_fields: Mapping[str, str]) -> PhotoSummary:
    """Checked again in the writing transaction (the session may have ended meanwhile); a refused
    file (PhotoError) stores nothing. The picture is processed (Pillow's decoding, framing and
    resizing) before that transaction: on SQLite it holds the database's only write lock."""
    processed = photos.process_photo(upload, _crop(crop_fields))
    with session_scope() as session:
        _require_uploader(session, actor, pupil_id)
        photo = photos.store_photo(session, pupil_id, processed)
        assert photo.id is not None
        status = PhotoStatus(photo.status)
        return PhotoSummary(status, photos.STATE_LABELS[status], "", routes.api_photo(photo.id), photo.id)


def photo_for_display(actor: Actor | None, photo_id: int) -> bytes:
    """The JPEG; PhotoNotFound alike for a photo that does not exist and one the actor may not
    see (signed out included). The family only ever sees the current photo; agents any."""
    with session_scope(read_only=True) as session:
        photo = session.get(Photo, photo_id)
        if (actor is None or photo is None or actor.role not in VIEWERS
                or not can_see_pupil(session, actor, photo.pupil_id)):
            raise PhotoNotFound()
        if photo.superseded_at is not None and actor.role is not Role.AGENT:
            raise PhotoNotFound()
        return photos.photo_bytes(session, photo_id)[1]


# ---------------------------------------------------------------------------------------------
# Agents


def review_queue(actor: Actor | None) -> list[PhotoToReview]:
    """Photos waiting for an agent, oldest first."""
    require_role(actor, Role.AGENT)
    rows = []
    with session_scope(read_only=True) as session:
        for photo in photos.review_queue(session, limit=QUEUE_SIZE):
            pupil = session.get(Pupil, photo.pupil_id)
            if pupil is None or photo.id is None:
                continue
            school = session.get(Establishment, pupil.establishment_id)
            rows.append(PhotoToReview(
                photo_id=photo.id,
                name=f"{pupil.first_name} {pupil.last_name}",
                school=f"{school.name if school else ''} — {pupil.class_name}",
                birth_date=format_date(pupil.birth_date),
                sent_on=format_date(photo.created_at),
                url=routes.api_photo(photo.id),
            ))
    return rows


def validate_photo(actor: Actor | None, photo_id: int) -> str:
    """The sentence for the agent; PhotoReplaced when the family sent a new one meanwhile."""
    agent = require_role(actor, Role.AGENT)
    with session_scope() as session:
        photo = photos.validate_photo(session, photo_id, agent.account_id)
        _record_decision(session, agent, photo, AuditAction.PHOTO_VALIDATED, "")
        family_emails.send_photo_validated(session, photo.pupil_id)
    return VALIDATED


def reject_photo(actor: Actor | None, photo_id: int, reason: str) -> str:
    """Refused with the reason the family will read; RejectionReasonMissing without one."""
    agent = require_role(actor, Role.AGENT)
    with session_scope() as session:
        photo = photos.reject_photo(session, photo_id, agent.account_id, reason)
        _record_decision(session, agent, photo, AuditAction.PHOTO_REJECTED, reason)
        family_emails.send_photo_refused(session, photo.pupil_id, photo.rejection_reason or "")
    return REJECTED


def _record_decision(session: Session, agent: Actor, photo: Photo, action: AuditAction, reason: str) -> None:
    pupil = session.get(Pupil, photo.pupil_id)
    name = f"{pupil.first_name} {pupil.last_name}" if pupil else ""
    record(session, agent, action, target_kind=AuditTarget.PHOTO, target_id=photo.id,
           target_label=f"Photo de {name}", pupil_id=photo.pupil_id, reason=reason)
