"""A family's photo is processed (Pillow: decoding, framing, resizing, about 0.1 s) before the upload's
writing transaction: on SQLite that transaction holds the database's only write lock, and every
other family's "Suivant" would wait for the picture."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.checksums import uai_key
from cjeune_app.core.db import engine_for
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.photos import api as photos_api
from cjeune_app.core.photos.api import PhotoStatus, photo_state
from cjeune_app.core.use_cases import photos
from tests.core.accounts.builders import actor_for
from tests.core.photos.builders import jpeg
from tests.support.write_lock import write_without_waiting


def test_a_photo_is_processed_without_holding_the_database(db_url, monkeypatch):
    engine = engine_for(db_url)
    with Session(engine, expire_on_commit=False) as session:
        school = Establishment(uai="0131801" + uai_key("0131801"), name="Collège Mistral", commune_insee="13001")
        session.add(school)
        session.flush()
        pupil, account, _ = create_pupil_with_account(session, school, "Martin", "Zoé", dt.date(2013, 2, 1),
                                                      "5e A", "Provence13a")
        session.commit()
    writes_meanwhile = []
    real = photos_api.process_photo

    def processing(*args):
        writes_meanwhile.append(write_without_waiting(db_url, account.id))
        return real(*args)
    monkeypatch.setattr(photos_api, "process_photo", processing)

    summary = photos.upload_photo(actor_for(account), pupil.id, jpeg(), {})
    assert writes_meanwhile == ["written"]
    assert summary.state is PhotoStatus.PENDING
    with Session(engine) as session:
        assert photo_state(session, pupil.id).photo_id == summary.photo_id
