"""The public side of partners: only validated partners, only current published offers."""

import datetime as dt

from cjeune_app.core.db import utcnow
from cjeune_app.core.partners.public import current_offers, public_partner
from tests.core.partners.builders import add_offer, add_partner

NOW = utcnow()


def partner(session, name, status="validated", categories=("sport",), siret="73282932000074"):
    return add_partner(session, name, categories, status=status, postal_code="13100", siret=siret)


def offer(session, owner, title, starts_days, expires_days, published=True, category="sport"):
    add_offer(session, owner, title, category=category, commune_insee="13001", published=published,
              starts_at=NOW + dt.timedelta(days=starts_days), expires_at=NOW + dt.timedelta(days=expires_days))


def test_a_partner_page_shows_only_current_published_offers_soonest_first(session):
    club = partner(session, "Judo Club Aix", categories=("soutien_scolaire", "sport"))
    offer(session, club, "Stage d'été", -1, 30)
    offer(session, club, "Licence", -10, 5)
    offer(session, club, "Ancien stage", -40, -1)
    offer(session, club, "Pas encore", 3, 40)
    offer(session, club, "Brouillon", -1, 20, published=False)
    page = public_partner(session, club.id, now=NOW)
    assert [o.title for o in page.offers] == ["Licence", "Stage d'été"]
    assert page.categories == ("sport", "soutien_scolaire")
    assert page.envelopes == ("sport_culture", "soutien_scolaire")
    assert page.commune_name == "Aix-en-Provence"


def test_an_unvalidated_or_unknown_partner_has_no_public_page(session):
    pending = partner(session, "En attente", status="pending")
    assert public_partner(session, pending.id) is None
    assert public_partner(session, 999_999) is None


def test_bons_plans_list_current_offers_of_validated_partners_by_expiry(session):
    club = partner(session, "Club", siret="73282932000074")
    hidden = partner(session, "Refusé", status="rejected", siret="40483304800022")
    offer(session, club, "Bientôt fini", -5, 2)
    offer(session, club, "Plus tard", -5, 60, category="culture")
    offer(session, club, "Expiré", -5, -1)
    offer(session, hidden, "Invisible", -5, 10)
    offers, total = current_offers(session, now=NOW)
    assert [o.title for o in offers] == ["Bientôt fini", "Plus tard"] and total == 2
    assert [o.title for o in current_offers(session, category="culture", now=NOW)[0]] == ["Plus tard"]
