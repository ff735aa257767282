import pytest
from sqlmodel import func, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import verify_password
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import is_well_formed
from cjeune_app.core.checksums import is_luhn_valid
from cjeune_app.core.demo import ProductionRefused, seed_demo
from cjeune_app.core.partners.models import Offer, Partner
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.territory import is_resident_commune


def count(session, model):
    return session.exec(select(func.count()).select_from(model)).one()


def test_seed_creates_the_demo_world_once(session):
    first = seed_demo(session)
    session.commit()
    totals = {m: count(session, m) for m in (Account, Card, Partner, Offer, Season)}
    second = seed_demo(session)
    session.commit()
    assert {m: count(session, m) for m in totals} == totals
    assert second.partners_created == 0 and second.cards_created == 0

    season = session.exec(select(Season)).one()
    assert (season.code, season.sport_culture_cents, season.soutien_scolaire_cents) == ("2026-2027", 10_000, 5_000)
    julie = next(p for p in first.pupils if p["name"] == "Julie Fernandez")
    assert julie["login"] == "fernandezj@eduprovence.fr"
    account = session.exec(select(Account).where(Account.login == julie["login"])).one()
    assert account.must_change_password and verify_password(account.password_hash, julie["temporary_password"])
    assert any(p["login"] == "durandp@eduprovence.fr" for p in first.pupils)
    assert second.pupils == first.pupils  # the same temporary passwords are printed again


def test_seed_partners_are_plausible(session):
    seed_demo(session)
    partners = session.exec(select(Partner)).all()
    assert len(partners) >= 200
    assert all(is_luhn_valid(p.siret) and is_resident_commune(p.commune_insee) for p in partners)
    assert all(is_well_formed(c.number) for c in session.exec(select(Card)).all())
    offers = session.exec(select(Offer)).all()
    expired = [o for o in offers if o.expires_at < o.created_at]
    assert 0 < len(expired) < len(offers)


def test_seed_refuses_production(session, monkeypatch):
    monkeypatch.setenv("CJEUNE_ENV", "production")
    with pytest.raises(ProductionRefused):
        seed_demo(session)


def test_seed_prints_one_guardian_of_each_kind_ready_to_try(session):
    from cjeune_app.core.demo import DEMO_LETTER_PASSWORD
    from cjeune_app.core.guardians.distribution import GuardianAccountState, account_state
    from cjeune_app.core.guardians.models import Guardian

    report = seed_demo(session)
    session.commit()
    ways = {g["name"]: g["way"] for g in report.guardians}
    assert ways["Sophie Martin"].startswith("auto-inscription") and "var/outbox/sms/" in ways["Sophie Martin"]
    assert ways["Marc Rossi-Giraud"].startswith("FranceConnect")
    assert f"mot de passe provisoire {DEMO_LETTER_PASSWORD}" in ways["Nadia Ben Amar"]
    nadia = session.exec(select(Guardian).where(Guardian.first_name == "Nadia")).one()
    account = session.get(Account, nadia.account_id)
    assert f"identifiant {account.login}," in ways["Nadia Ben Amar"]
    assert account_state(account) is GuardianAccountState.LETTER_ISSUED
    assert account.must_change_password and verify_password(account.password_hash, DEMO_LETTER_PASSWORD)
    assert seed_demo(session).guardians == report.guardians  # the same letter is printed again
