"""Photo operations: submit (process + store), current state, agent review, reading the bytes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from cjeune_app.core.db import utcnow
from cjeune_app.core.photos import storage
from cjeune_app.core.photos.models import Photo
from cjeune_app.core.photos.processing import CropBox, process_photo
from cjeune_app.core.settings import data_dir

REJECTION_REASONS = (
    "La photo est floue.",
    "Le visage n'est pas visible en entier ou n'est pas de face.",
    "Ce n'est pas une photo d'identité.",
    "La photo est retouchée ou a un filtre.",
    "La photo est trop sombre ou trop claire.",
)

STATE_LABELS = {
    "missing": "Photo à ajouter",
    "pending": "Photo en cours de vérification",
    "validated": "Photo validée",
    "rejected": "Photo refusée",
}


class PhotoNotFound(LookupError):
    pass


class PhotoReviewError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PhotoState:
    state: str  # missing, pending, validated, rejected
    photo_id: int | None = None
    rejection_reason: str | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def usable(self) -> bool:
        """A first request may be credited once a photo is there and not refused."""
        return self.state in ("pending", "validated")


def photo_directory() -> Path:
    return data_dir() / "photos"


def submit_photo(session: Session, pupil_id: int, upload: bytes, crop: CropBox | None,
                 *, now: dt.datetime | None = None) -> Photo:
    """Process the upload (PhotoError when refused), store the result, make it the current photo.

    The original upload is never written anywhere.
    """
    processed = process_photo(upload, crop)
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
        .where(Photo.pupil_id == pupil_id, Photo.superseded_at.is_(None))
        .order_by(Photo.created_at.desc(), Photo.id.desc())
    ).first()


def photo_state(session: Session, pupil_id: int) -> PhotoState:
    photo = current_photo(session, pupil_id)
    if photo is None:
        return PhotoState("missing")
    return PhotoState(photo.status, photo.id, photo.rejection_reason)


def review_queue(session: Session, limit: int = 50) -> list[Photo]:
    """Photos waiting for an agent, oldest first."""
    return list(session.exec(
        select(Photo)
        .where(Photo.status == "pending", Photo.superseded_at.is_(None))
        .order_by(Photo.created_at, Photo.id)
        .limit(limit)
    ).all())


def validate_photo(session: Session, photo_id: int, agent_account_id: int,
                   *, now: dt.datetime | None = None) -> Photo:
    return _review(session, photo_id, agent_account_id, "validated", None, now)


def reject_photo(session: Session, photo_id: int, agent_account_id: int, reason: str,
                 *, now: dt.datetime | None = None) -> Photo:
    reason = (reason or "").strip()
    if not reason:
        raise PhotoReviewError("Indiquez la raison du refus : elle sera montrée à la famille.")
    return _review(session, photo_id, agent_account_id, "rejected", reason[:300], now)


def photo_bytes(session: Session, photo_id: int) -> tuple[Photo, bytes]:
    photo = session.get(Photo, photo_id)
    if photo is None:
        raise PhotoNotFound(photo_id)
    try:
        return photo, storage.load(photo_directory(), photo.storage_key)
    except FileNotFoundError as missing:
        raise PhotoNotFound(photo_id) from missing


def _review(session, photo_id, agent_account_id, status, reason, now) -> Photo:
    photo = session.get(Photo, photo_id, with_for_update=True)
    if photo is None or photo.superseded_at is not None:
        raise PhotoReviewError("Cette photo a été remplacée par la famille entre-temps.")
    photo.status, photo.rejection_reason = status, reason
    photo.reviewed_by_account_id, photo.reviewed_at = agent_account_id, now or utcnow()
    session.add(photo)
    session.flush()
    return photo


def _live_photos(session: Session, pupil_id: int) -> list[Photo]:
    return list(session.exec(
        select(Photo).where(Photo.pupil_id == pupil_id, Photo.superseded_at.is_(None))
    ).all())
