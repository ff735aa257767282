"""Bons plans (create, edit, unpublish; the public search follows) and API keys (secret shown once)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlmodel import select

from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.formats import PARIS, paris_today
from cjeune_app.core.partners import errors
from cjeune_app.core.partners.api_keys import (
    MAX_ACTIVE_KEYS,
    api_keys_of,
    authenticate_api_key,
    create_api_key,
    revoke_api_key,
)
from cjeune_app.core.partners.models import ApiKey, Offer
from cjeune_app.core.partners.offers import OfferForm, create_offer, offers_of, unpublish_offer, update_offer
from cjeune_app.core.search import SearchQuery, reindex_partner, search
from cjeune_app.core.use_cases import offers as offer_cases
from tests.core.partners.builders import partner_actor
from tests.support.partner_world import build_partner_world


@pytest.fixture
def world(session):
    world = build_partner_world(session)
    with session_scope() as s:
        reindex_partner(s, world.sport)
    return world


def form(**changes) -> OfferForm:
    today = paris_today()
    values = dict(title="Stage de judo des vacances", category="sport", starts_on=today,
                  expires_on=today + dt.timedelta(days=30), description="Une semaine de judo pour les 11-15 ans.",
                  discount_text="-20 %", commune_insee="")
    values.update(changes)
    return OfferForm(**values)


def offer_titles_found(words: str, now=None) -> list[str]:
    """Offers of the partners that match every word (not the "Résultats approchants")."""
    with session_scope(read_only=True) as s:
        page = search(s, SearchQuery(q=words), now=now)
    if page.approximate:
        return []
    return [offer.title for hit in page.results for offer in hit.offers]


def test_a_new_offer_is_found_at_once_and_disappears_after_its_last_day(world):
    offer = offer_cases.create_offer(partner_actor(world.sport), form(expires_on=paris_today() + dt.timedelta(days=2)))
    assert (offer.state, offer.commune_insee, offer.category_label) == ("en cours", "13001", "Sport")
    assert offer_titles_found("stage judo") == ["Stage de judo des vacances"]
    with session_scope(read_only=True) as s:
        stored = s.get(Offer, offer.id)
    # shown until the end of its last day in Paris, not one second more
    assert stored.expires_at.astimezone(PARIS) == dt.datetime.combine(offer.expires_on, dt.time(23, 59, 59), tzinfo=PARIS)
    assert offer_titles_found("stage judo", now=stored.expires_at - dt.timedelta(seconds=1)) == ["Stage de judo des vacances"]
    assert offer_titles_found("stage judo", now=stored.expires_at + dt.timedelta(seconds=1)) == []


def test_editing_reindexes_and_unpublishing_hides(world):
    judo = partner_actor(world.sport)
    offer = offer_cases.create_offer(judo, form())
    edited = offer_cases.update_offer(judo, offer.id, {"title": "Licence de karaté à prix réduit"})
    assert edited.title == "Licence de karaté à prix réduit" and edited.discount_text == "-20 %"
    assert offer_titles_found("karate") == ["Licence de karaté à prix réduit"]
    assert offer_titles_found("stage judo") == []
    hidden = offer_cases.unpublish_offer(judo, offer.id)
    again = offer_cases.unpublish_offer(judo, offer.id)
    assert (hidden.published, hidden.state, again.state) == (False, "dépublié", "dépublié")
    assert offer_titles_found("karate") == []
    with session_scope(read_only=True) as s:
        assert [o.state for o in offers_of(s, world.sport)] == ["dépublié"]  # still in the partner's list
    assert offer_cases.update_offer(judo, offer.id, {"published": True}).state == "en cours"
    assert offer_titles_found("karate") == ["Licence de karaté à prix réduit"]


@pytest.mark.parametrize("changes, field, message", [
    ({"title": "  "}, "title", "Indiquez le titre"),
    ({"title": "x" * 121}, "title", "120 caractères"),
    ({"title": "Judo\x00"}, "title", "caractères invisibles"),
    ({"category": "soutien_scolaire"}, "category", "catégorie de votre structure (Sport)"),
    ({"commune_insee": "75056"}, "commune_insee", "Bouches-du-Rhône"),
    ({"discount_text": "", "price_cents": None}, "discount_text", "ou le prix"),
    ({"price_cents": -1}, "price_cents", "entre 0,00 €"),
    ({"expires_on": paris_today() - dt.timedelta(days=1), "starts_on": paris_today() - dt.timedelta(days=5)},
     "expires_on", "déjà passée"),
    ({"expires_on": paris_today() - dt.timedelta(days=1)}, "expires_on", "même jour que la date de début ou après"),
    ({"expires_on": paris_today() + dt.timedelta(days=800)}, "expires_on", "deux ans"),
    ({"starts_on": "2026-10-01"}, "starts_on", "jj/mm/aaaa"),
    ({"starts_on": dt.date(1990, 1, 1)}, "starts_on", "l'an 2000"),
])
def test_offer_mistakes_are_told_next_to_their_field(world, changes, field, message):
    with pytest.raises(errors.FormInvalid) as refusal, session_scope() as s:
        create_offer(s, world.sport, form(**changes))
    assert field in refusal.value.fields and message in refusal.value.fields[field]
    with session_scope(read_only=True) as s:
        assert s.exec(select(Offer)).all() == []


def test_a_price_alone_is_enough_and_a_partner_edits_only_its_own_offers(world):
    with session_scope() as s:
        offer = create_offer(s, world.sport, form(discount_text="", price_cents=500))
    assert offer.price_cents == 500
    for operation in (lambda s: update_offer(s, world.tutoring, offer.id, {"title": "Pris"}),
                      lambda s: unpublish_offer(s, world.tutoring, offer.id)):
        with pytest.raises(errors.OfferNotFound), session_scope() as s:
            operation(s)
    with pytest.raises(errors.PartnerNotValidated), session_scope() as s:
        create_offer(s, world.pending, form())


def test_an_expired_offer_can_be_corrected_but_not_republished_without_new_dates(world, session):
    with session_scope() as s:
        offer = create_offer(s, world.sport, form())
    with session_scope() as s:  # as if its last day had passed
        stored = s.get(Offer, offer.id)
        stored.starts_at, stored.expires_at = utcnow() - dt.timedelta(days=20), utcnow() - dt.timedelta(days=2)
    with session_scope() as s:
        assert update_offer(s, world.sport, offer.id, {"title": "Ancien stage"}).state == "expiré"
        with pytest.raises(errors.FormInvalid):
            update_offer(s, world.sport, offer.id, {"expires_on": paris_today() - dt.timedelta(days=1)})


def test_an_api_key_is_shown_once_and_only_its_hash_is_kept(world):
    with session_scope() as s:
        view, secret = create_api_key(s, world.sport, "Caisse du club")
    assert secret.startswith("cjp_") and len(secret) > 50
    with session_scope(read_only=True) as s:
        row = s.get(ApiKey, view.id)
        listed = api_keys_of(s, world.sport)
        caller = authenticate_api_key(s, secret)
        assert authenticate_api_key(s, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
        assert authenticate_api_key(s, "cjp_" + "a" * 12 + "." + "b" * 43) is None
        assert authenticate_api_key(s, "") is None
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {row.prefix, row.secret_hash, row.label} and secret.startswith(row.prefix)
    assert [(k.label, k.active) for k in listed] == [("Caisse du club", True)]
    assert not hasattr(listed[0], "secret")
    assert (caller.partner_id, caller.key_id) == (world.sport, view.id)


def test_a_revoked_key_stops_at_once_and_revoking_twice_is_harmless(world):
    with session_scope() as s:
        view, secret = create_api_key(s, world.sport)
    with pytest.raises(errors.ApiKeyNotFound), session_scope() as s:
        revoke_api_key(s, world.tutoring, view.id)  # not theirs
    with session_scope() as s:
        assert revoke_api_key(s, world.sport, view.id).revoked_at is not None
        assert revoke_api_key(s, world.sport, view.id).revoked_at is not None
    with session_scope(read_only=True) as s:
        assert authenticate_api_key(s, secret) is None
        assert [k.active for k in api_keys_of(s, world.sport)] == [False]


def test_active_keys_are_limited(world):
    with session_scope() as s:
        for _ in range(MAX_ACTIVE_KEYS):
            create_api_key(s, world.sport)
    with pytest.raises(errors.TooManyApiKeys) as refusal, session_scope() as s:
        create_api_key(s, world.sport)
    assert "révoquez-en une" in refusal.value.message
    with pytest.raises(errors.FormInvalid), session_scope() as s:
        create_api_key(s, world.tutoring, "x" * 101)
