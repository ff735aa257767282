"""Photo records: submit, current state, supersede, agent review, private storage."""

import io

import pytest
from PIL import Image

from cjeune_app.core.photos.api import (
    photo_bytes,
    photo_directory,
    photo_state,
    reject_photo,
    review_queue,
    submit_photo,
    validate_photo,
)
from cjeune_app.core.photos.errors import PhotoError, PhotoReplaced, RejectionReasonMissing
from tests.core.factories import make_pupil
from tests.core.photos.builders import jpeg, png


def test_a_pupil_without_photo_is_missing_then_pending_after_submission(session):
    pupil, _, _ = make_pupil(session)
    assert photo_state(session, pupil.id).state == "missing"
    assert not photo_state(session, pupil.id).usable

    photo = submit_photo(session, pupil.id, jpeg(), None)
    state = photo_state(session, pupil.id)
    assert (state.state, state.photo_id, state.usable) == ("pending", photo.id, True)
    stored = photo_bytes(session, photo.id)[1]
    assert Image.open(io.BytesIO(stored)).size == (413, 531)
    assert (photo_directory() / f"{photo.storage_key}.jpg").exists()


def test_a_refused_file_creates_no_record_and_no_file(session):
    pupil, _, _ = make_pupil(session)
    with pytest.raises(PhotoError) as refusal:
        submit_photo(session, pupil.id, png(), None)
    assert "JPEG" in refusal.value.message
    assert photo_state(session, pupil.id).state == "missing"
    assert not photo_directory().exists() or not any(photo_directory().iterdir())


def test_a_new_photo_replaces_the_previous_one_and_leaves_the_queue(session):
    pupil, _, _ = make_pupil(session)
    first = submit_photo(session, pupil.id, jpeg(colour=(10, 10, 10)), None)
    second = submit_photo(session, pupil.id, jpeg(colour=(250, 250, 250)), None)
    assert photo_state(session, pupil.id).photo_id == second.id
    assert [p.id for p in review_queue(session)] == [second.id]
    with pytest.raises(PhotoReplaced):
        validate_photo(session, first.id, agent_account_id=None)


def test_agent_rejection_reason_reaches_the_family_and_a_new_photo_can_be_sent(session):
    pupil, _, _ = make_pupil(session)
    photo = submit_photo(session, pupil.id, jpeg(), None)
    with pytest.raises(RejectionReasonMissing):
        reject_photo(session, photo.id, None, "  ")
    reject_photo(session, photo.id, None, "La photo est floue.")
    state = photo_state(session, pupil.id)
    assert (state.state, state.rejection_reason, state.usable) == ("rejected", "La photo est floue.", False)
    assert review_queue(session) == []

    submit_photo(session, pupil.id, jpeg(), None)
    assert photo_state(session, pupil.id).state == "pending"


def test_validation_makes_the_photo_final(session):
    pupil, _, _ = make_pupil(session)
    photo = submit_photo(session, pupil.id, jpeg(), None)
    validate_photo(session, photo.id, None)
    assert photo_state(session, pupil.id).state == "validated"
    assert review_queue(session) == []
