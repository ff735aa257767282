"""Photo operations: submit (process + store), current state, agent review, reading the bytes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from cjeune_app.core.db import utcnow
from cjeune_app.core.photos import storage
from cjeune_app.core.photos.errors import PhotoNotFound, PhotoReplaced, RejectionReasonMissing
from cjeune_app.core.photos.models import MAX_REASON_LENGTH, Photo, PhotoStatus
from cjeune_app.core.photos.processing import CropBox, process_photo
from cjeune_app.core.settings import data_dir

__all__ = [
    "REJECTION_REASONS", "STATE_LABELS", "PhotoNotFound", "PhotoState", "PhotoStatus", "current_photo",
    "photo_bytes", "photo_directory", "photo_state", "process_photo", "reject_photo", "review_queue",
    "store_photo", "submit_photo", "validate_photo",
]

REJECTION_REASONS = (
    "La photo est floue.",
    "Le visage n'est pas visible en entier ou n'est pas de face.",
    "Ce n'est pas une photo d'identité.",
    "La photo est retouchée ou a un filtre.",
    "La photo est trop sombre ou trop claire.",
)

STATE_LABELS = {
    PhotoStatus.MISSING: "Photo à ajouter",
    PhotoStatus.PENDING: "Photo en cours de vérification",
    PhotoStatus.VALIDATED: "Photo validée",
    PhotoStatus.REJECTED: "Photo refusée",
}


@dataclass(frozen=True)
class PhotoState:
    state: PhotoStatus
    photo_id: int | None = None
    rejection_reason: str | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def usable(self) -> bool:
        """A first request may be credited once a photo is there and not refused."""
        return self.state in (PhotoStatus.PENDING, PhotoStatus.VALIDATED)


def photo_directory() -> Path:
    return data_dir() / "photos"


def submit_photo(session: Session, pupil_id: int, upload: bytes, crop: CropBox | None,
                 *, now: dt.datetime | None = None) -> Photo:
    """Process the upload (PhotoError when refused), store the result, make it the current photo.

    The original upload is never written anywhere.
    """
    return store_photo(session, pupil_id, process_photo(upload, crop), now=now)


def store_photo(session: Session, pupil_id: int, processed: bytes, *, now: dt.datetime | None = None) -> Photo:
    """A photo already processed (`process_photo`) stored and made the current one."""
    key = storage.new_key()
    storage.save_atomically(photo_directory(), key, processed)
    now = now or utcnow()
    for previous in _live_photos(session, pupil_id):
        previous.superseded_at = now
        session.add(previous)
    photo = Photo(pupil_id=pupil_id, storage_key=key, created_at=now)
    session.add(photo)
    session.flush()
    return photo


def current_photo(session: Session, pupil_id: int) -> Photo | None:
    return session.exec(
        select(Photo)
        .where(Photo.pupil_id == pupil_id, col(Photo.superseded_at).is_(None))
        .order_by(col(Photo.created_at).desc(), col(Photo.id).desc())
    ).first()


def photo_state(session: Session, pupil_id: int) -> PhotoState:
    photo = current_photo(session, pupil_id)
    if photo is None:
        return PhotoState(PhotoStatus.MISSING)
    return PhotoState(PhotoStatus(photo.status), photo.id, photo.rejection_reason)


def review_queue(session: Session, limit: int = 50) -> list[Photo]:
    """Photos waiting for an agent, oldest first."""
    return list(session.exec(
        select(Photo)
        .where(Photo.status == PhotoStatus.PENDING, col(Photo.superseded_at).is_(None))
        .order_by(col(Photo.created_at), col(Photo.id))
        .limit(limit)
    ).all())


def validate_photo(session: Session, photo_id: int, agent_account_id: int | None,
                   *, now: dt.datetime | None = None) -> Photo:
    return _review(session, photo_id, agent_account_id, PhotoStatus.VALIDATED, None, now)


def reject_photo(session: Session, photo_id: int, agent_account_id: int | None, reason: str,
                 *, now: dt.datetime | None = None) -> Photo:
    reason = (reason or "").strip()
    if not reason:
        raise RejectionReasonMissing()
    return _review(session, photo_id, agent_account_id, PhotoStatus.REJECTED, reason[:MAX_REASON_LENGTH], now)


def photo_bytes(session: Session, photo_id: int) -> tuple[Photo, bytes]:
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise PhotoNotFound(photo_id=photo_id)
    try:
        return photo, storage.load(photo_directory(), photo.storage_key)
    except FileNotFoundError as missing:
        raise PhotoNotFound(photo_id=photo_id) from missing


def _review(session: Session, photo_id: int, agent_account_id: int | None, status: PhotoStatus,
            reason: str | None, now: dt.datetime | None) -> Photo:
    photo = session.get(Photo, photo_id, with_for_update=True)
    if photo is None or photo.superseded_at is not None:
        raise PhotoReplaced()
    photo.status, photo.rejection_reason = status, reason
    photo.reviewed_by_account_id, photo.reviewed_at = agent_account_id, now or utcnow()
    session.add(photo)
    session.flush()
    return photo


def _live_photos(session: Session, pupil_id: int) -> list[Photo]:
    return list(session.exec(
        select(Photo).where(Photo.pupil_id == pupil_id, col(Photo.superseded_at).is_(None))
    ).all())
