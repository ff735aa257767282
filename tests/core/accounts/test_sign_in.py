"""Signing in: argon2id, the lock after 5 failures, the per-address brake, no enumeration."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlmodel import select

from cjeune_app.core.accounts import throttle
from cjeune_app.core.accounts.errors import PasswordChangeRequired
from cjeune_app.core.accounts.models import Account, LoginAttempt
from cjeune_app.core.accounts.password_change import change_password
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.sessions import open_session
from cjeune_app.core.accounts.sign_in import INVALID_CREDENTIALS, authenticate
from cjeune_app.core.accounts.staff import reset_pupil_password
from cjeune_app.core.dates import PARIS
from cjeune_app.core.db import utcnow
from cjeune_app.core.enums import PUBLIC_ROLES, Role
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.settings import reload_settings
from tests.core.accounts.builders import make_pupil, make_school

# 14:17 in Paris (winter time, UTC+1)
T0 = dt.datetime(2026, 11, 20, 13, 17, 0, tzinfo=dt.UTC)
IP = "203.0.113.7"


@pytest.fixture
def julie(session):
    school = make_school(session)
    _, account = make_pupil(session, school, password="Tempo2345x")
    session.commit()
    return account


def test_temporary_password_signs_in_and_demands_a_new_one(session, julie):
    outcome = authenticate(session, "FernandezJ@eduprovence.fr ", "Tempo2345x", IP, now=T0)
    assert outcome.ok and outcome.must_change_password
    assert outcome.account.id == julie.id
    with pytest.raises(PasswordChangeRequired):
        open_session(session, outcome.account, remember=False, now=T0)


def test_bare_eduprovence_identifier_is_accepted(session, julie):
    assert authenticate(session, "fernandezj", "Tempo2345x", IP, now=T0).ok


def test_stored_hashes_are_argon2id_at_one_cost_for_temporary_and_chosen_passwords(session, julie):
    assert julie.password_hash.startswith("$argon2id$v=19$m=7168,t=5,p=1$")
    assert change_password(session, julie, "Tempo2345x", "Soleil2026", now=T0).ok
    session.commit()
    stored = session.exec(select(Account).where(Account.id == julie.id)).one()
    assert stored.password_hash.startswith("$argon2id$v=19$m=7168,t=5,p=1$")
    assert "Soleil2026" not in stored.password_hash


@pytest.mark.parametrize("former", [(3, 64 * 1024, 4), (1, 46 * 1024, 1), (2, 19 * 1024, 1)])
def test_a_password_hashed_with_a_former_setting_still_signs_in_and_is_rehashed(session, julie, former):
    from argon2 import PasswordHasher

    time_cost, memory_cost, parallelism = former
    julie.password_hash = PasswordHasher(time_cost, memory_cost, parallelism=parallelism).hash("Soleil2026")
    julie.must_change_password = False
    session.add(julie)
    session.commit()
    assert authenticate(session, julie.login, "Soleil2026", IP, now=T0).ok
    session.commit()
    stored = session.exec(select(Account).where(Account.id == julie.id)).one()
    assert stored.password_hash.startswith("$argon2id$v=19$m=7168,t=5,p=1$")
    assert authenticate(session, julie.login, "Soleil2026", IP, now=T0).ok


def test_a_hash_of_todays_setting_made_by_argon2_cffi_signs_in_and_is_kept(session, julie):
    """Hashes stored before libsodium computed them verify as they are: no rehash at the rentrée."""
    from argon2 import PasswordHasher

    stored_before = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1).hash("Soleil2026")
    julie.password_hash, julie.must_change_password = stored_before, False
    session.add(julie)
    session.commit()
    assert not authenticate(session, julie.login, "Soleil2027", IP, now=T0).ok
    assert authenticate(session, julie.login, "Soleil2026", IP, now=T0).ok
    session.commit()
    assert session.exec(select(Account.password_hash).where(Account.id == julie.id)).one() == stored_before


def test_five_wrong_passwords_lock_the_account_for_15_minutes(session, julie):
    for attempt in range(4):
        outcome = authenticate(session, julie.login, "Mauvais1x", IP, now=T0 + dt.timedelta(seconds=attempt))
        assert (outcome.status, outcome.message) == ("invalid", INVALID_CREDENTIALS)
    fifth = authenticate(session, julie.login, "Mauvais1x", IP, now=T0 + dt.timedelta(seconds=4))
    session.commit()
    assert fifth.status == "locked"
    # locked at 14:17:04 Paris time, until 14:32:04: "14 h 33" is the first minute that is safe
    assert fifth.message == "Compte verrouillé après 5 mots de passe erronés : réessayez à 14 h 33."
    assert fifth.retry_at.astimezone(PARIS).strftime("%H:%M:%S") == "14:32:04"

    # even the right password is refused while locked, with the same time
    during = authenticate(session, julie.login, "Tempo2345x", IP, now=T0 + dt.timedelta(minutes=14))
    assert during.status == "locked" and "réessayez à 14 h 33" in during.message

    after = authenticate(session, julie.login, "Tempo2345x", IP, now=T0 + dt.timedelta(minutes=15, seconds=5))
    assert after.ok


def test_a_success_resets_the_failure_count(session, julie):
    for attempt in range(4):
        authenticate(session, julie.login, "Mauvais1x", IP, now=T0 + dt.timedelta(seconds=attempt))
    assert authenticate(session, julie.login, "Tempo2345x", IP, now=T0 + dt.timedelta(seconds=5)).ok
    for attempt in range(4):
        outcome = authenticate(session, julie.login, "Mauvais1x", IP, now=T0 + dt.timedelta(seconds=10 + attempt))
        assert outcome.status == "invalid"


def test_failures_survive_the_transaction_of_each_attempt(new_session, db_url):
    """Each attempt is its own request: the count must be committed, not kept in memory."""
    with new_session() as setup:
        school = make_school(setup)
        _, account = make_pupil(setup, school)
        setup.commit()
        login = account.login
    statuses = []
    for attempt in range(5):
        with new_session() as request:
            moment = T0 + dt.timedelta(seconds=attempt)
            statuses.append(authenticate(request, login, "Mauvais1x", IP, now=moment).status)
            request.commit()
    assert statuses == ["invalid"] * 4 + ["locked"]


def test_unknown_identifier_and_wrong_password_look_the_same(session, julie):
    """Same message, same lock after 5 tries, same time shown: nothing tells that an account exists."""
    def five_tries(login: str) -> list[tuple[str, str]]:
        outcomes = [authenticate(session, login, "Mauvais1x", IP, now=T0 + dt.timedelta(seconds=n))
                    for n in range(6)]
        return [(o.status, o.message) for o in outcomes]

    known = five_tries(julie.login)
    unknown = five_tries("personne-inconnue@eduprovence.fr")
    assert known == unknown
    assert [status for status, _ in known] == ["invalid"] * 4 + ["locked", "locked"]
    later = T0 + dt.timedelta(minutes=16)
    assert authenticate(session, "personne-inconnue@eduprovence.fr", "Mauvais1x", IP, now=later).status == "invalid"


def test_a_lock_holds_for_the_guessing_address_only(session, julie):
    """Five wrong passwords from one address cannot lock the pupil out of their own sign-in."""
    for attempt in range(5):
        authenticate(session, julie.login, "Mauvais1x", "203.0.113.66", now=T0 + dt.timedelta(seconds=attempt))
    assert authenticate(session, julie.login, "Tempo2345x", "203.0.113.66", now=T0 + dt.timedelta(seconds=6)).status == "locked"
    assert authenticate(session, julie.login, "Tempo2345x", IP, now=T0 + dt.timedelta(seconds=7)).ok


def test_guessing_from_many_addresses_is_slowed_down_never_locked(session, julie):
    for n in range(throttle.ACCOUNT_FREE_FAILURES + 1):
        outcome = authenticate(session, julie.login, "Mauvais1x", f"198.51.100.{n}", now=T0 + dt.timedelta(seconds=n))
        assert outcome.status == "invalid"
    last = T0 + dt.timedelta(seconds=throttle.ACCOUNT_FREE_FAILURES)
    slowed = authenticate(session, julie.login, "Tempo2345x", IP, now=last + dt.timedelta(milliseconds=500))
    assert slowed.status == "throttled" and slowed.retry_at <= last + throttle.ACCOUNT_MAX_DELAY
    assert authenticate(session, julie.login, "Tempo2345x", IP, now=last + throttle.ACCOUNT_MAX_DELAY).ok


def test_school_staff_unlock_a_locked_pupil_by_giving_a_new_password(session, julie):
    for attempt in range(5):
        authenticate(session, julie.login, "Mauvais1x", IP, now=utcnow() - dt.timedelta(seconds=10 - attempt))
    assert authenticate(session, julie.login, "Tempo2345x", IP).status == "locked"
    pupil = session.get(Pupil, julie.pupil_id)
    reset = reset_pupil_password(session, pupil)
    session.commit()
    letter = PdfReader(io.BytesIO(reset.letter_pdf)).pages[0].extract_text()
    temporary = re.search(r"Mot de passe temporaire :\s*(\S+)", letter).group(1)
    unlocked = authenticate(session, julie.login, temporary, IP)
    assert unlocked.ok and unlocked.must_change_password


@pytest.mark.parametrize(("trusted", "peer", "forwarded", "client"), [
    ("", "10.0.0.5", "203.0.113.9", "10.0.0.5"),  # no proxy configured: the header is anyone's
    ("10.0.0.5", "198.51.100.4", "203.0.113.9", "198.51.100.4"),  # not from the proxy: ignored
    ("10.0.0.5", "10.0.0.5", "203.0.113.9", "203.0.113.9"),
    ("10.0.0.0/8", "10.0.0.5", "1.2.3.4, 203.0.113.9, 10.0.0.7", "203.0.113.9"),  # the client's own claim ignored
    ("10.0.0.5", "10.0.0.5", "pas-une-adresse", "10.0.0.5"),
    ("10.0.0.5", "10.0.0.5", "", "10.0.0.5"),
])
def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(
        monkeypatch, trusted, peer, forwarded, client):
    monkeypatch.setenv("CJEUNE_TRUSTED_PROXIES", trusted)
    reload_settings()
    assert throttle.client_address(peer, forwarded) == client


def test_every_sign_in_costs_one_argon2_verification_of_the_same_cost(session, julie, monkeypatch):
    """Known or unknown identifier, temporary or chosen password: response times tell nothing."""
    from cjeune_app.core.accounts import sign_in

    calls = []
    real_verify = sign_in.verify_password
    monkeypatch.setattr(sign_in, "verify_password", lambda h, p: calls.append(h) or real_verify(h, p))

    def costs_of_a_wrong_password(login: str) -> list[str]:
        calls.clear()
        authenticate(session, login, "Mauvais1x", IP, now=T0)
        session.commit()
        return [h.split("$")[3] for h in calls]

    temporary = costs_of_a_wrong_password(julie.login)
    unknown = costs_of_a_wrong_password("personne@eduprovence.fr")
    assert change_password(session, julie, "Tempo2345x", "Soleil2026", now=T0).ok
    session.commit()
    chosen = costs_of_a_wrong_password(julie.login)
    assert temporary == unknown == chosen == ["m=7168,t=5,p=1"]


def test_a_flood_from_one_address_is_slowed_then_refused(session, julie):
    moment = T0
    for n in range(throttle.IP_FREE_FAILURES - 1):  # a class mistyping, recorded as sign-in would
        session.add(LoginAttempt(source_ip=IP, login_key=str(n), outcome="failure", created_at=moment))
    session.commit()
    outcome = authenticate(session, "eleve30@eduprovence.fr", "Mauvais1x", IP, now=moment)
    assert outcome.status == "invalid"  # the 30th failure is still free
    moment += dt.timedelta(seconds=1)
    # the 30 free failures are used up: the next failure imposes a wait that doubles each time
    waits = []
    for n in range(5):
        outcome = authenticate(session, f"autre{n}@eduprovence.fr", "Mauvais1x", IP, now=moment)
        assert outcome.status == "invalid", n
        refused = authenticate(session, julie.login, "Tempo2345x", IP, now=moment)
        assert refused.status == "throttled"
        assert refused.message.startswith("Trop de tentatives de connexion depuis votre connexion internet")
        waits.append((refused.retry_at - moment).total_seconds())
        moment = refused.retry_at
    assert waits == [1, 2, 4, 8, 16]
    # another address is not affected, and the address may try again once the wait is over
    assert authenticate(session, julie.login, "Tempo2345x", "192.0.2.1", now=T0).ok
    assert authenticate(session, julie.login, "Tempo2345x", IP, now=moment).ok


def test_throttled_message_gives_the_time_when_the_wait_is_long(session):
    moment = T0
    for _n in range(throttle.IP_FREE_FAILURES + 10):
        session.add(LoginAttempt(source_ip=IP, login_key="x", outcome="failure", created_at=moment))
    session.commit()
    outcome = authenticate(session, "a@exemple.fr", "x", IP, now=moment + dt.timedelta(seconds=1))
    assert outcome.status == "throttled"
    assert outcome.retry_at == moment + dt.timedelta(seconds=512)  # 2**9 s after the 40th failure
    assert outcome.message.endswith("réessayez à 14 h 26.")


def test_sign_in_pages_only_admit_their_own_roles(session):
    agent = Account(role=Role.AGENT, login="agent@departement13.fr", email="agent@departement13.fr",
                    password_hash=hash_password("Agent2026x"))
    session.add(agent)
    session.commit()
    outcome = authenticate(session, agent.login, "Agent2026x", IP, roles=PUBLIC_ROLES, now=T0)
    assert outcome.status == "wrong_door" and outcome.account is None
    assert "compte de gestion" in outcome.message
    assert authenticate(session, agent.login, "Agent2026x", IP, roles=(Role.AGENT,), now=T0).ok


def test_wrong_door_is_only_said_after_the_right_password(session):
    agent = Account(role=Role.AGENT, login="agent@departement13.fr", password_hash=hash_password("Agent2026x"))
    session.add(agent)
    session.commit()
    outcome = authenticate(session, agent.login, "Mauvais1x", IP, roles=PUBLIC_ROLES, now=T0)
    assert (outcome.status, outcome.message) == ("invalid", INVALID_CREDENTIALS)


def test_parent_without_password_yet_cannot_sign_in(session):
    session.add(Account(role=Role.PARENT, login="maman@exemple.fr", email="maman@exemple.fr"))
    session.commit()
    outcome = authenticate(session, "maman@exemple.fr", "", IP, now=T0)
    assert (outcome.status, outcome.message) == ("invalid", INVALID_CREDENTIALS)
