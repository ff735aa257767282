"""Sessions (expiry, sign-out, revocation) and the password policy at first sign-in."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import select

from cjeune_app.core.accounts import password_change, passwords
from cjeune_app.core.accounts.models import Account, AuthSession
from cjeune_app.core.accounts.password_change import WRONG_CURRENT_PASSWORD, change_password, hash_ahead
from cjeune_app.core.accounts.passwords import PASSWORD_RULES, hash_password, policy_failures
from cjeune_app.core.accounts.sessions import (
    SESSION_IDLE,
    SESSION_MAX,
    SESSION_REMEMBER,
    account_for_token,
    close_session,
    open_session,
)
from cjeune_app.core.accounts.sign_in import authenticate
from cjeune_app.core.enums import Role
from tests.core.accounts.builders import make_pupil, make_school

T0 = dt.datetime(2026, 11, 20, 13, 17, tzinfo=dt.UTC)
IP = "203.0.113.7"


@pytest.fixture
def parent(session):
    account = Account(role=Role.PARENT, login="maman@exemple.fr", email="maman@exemple.fr",
                      password_hash=hash_password("Maison2026"))
    session.add(account)
    session.commit()
    return account


def test_tokens_are_random_and_only_their_hash_is_stored(session, parent):
    first = open_session(session, parent, remember=False, now=T0)
    second = open_session(session, parent, remember=False, now=T0)
    session.commit()
    assert first != second and len(first) >= 43
    stored = [s.token_hash for s in session.exec(select(AuthSession)).all()]
    assert first not in stored and second not in stored
    assert account_for_token(session, first, now=T0).id == parent.id
    assert account_for_token(session, "un-jeton-invente", now=T0) is None


def test_short_session_ends_after_2_hours_without_activity(session, parent):
    token = open_session(session, parent, remember=False, now=T0)
    assert account_for_token(session, token, now=T0 + SESSION_IDLE - dt.timedelta(seconds=1)) is not None
    session.commit()
    # that visit pushed the end back: 2 hours from it
    still = T0 + SESSION_IDLE + dt.timedelta(minutes=30)
    assert account_for_token(session, token, now=still) is not None
    assert account_for_token(session, token, now=still + SESSION_IDLE + dt.timedelta(seconds=1)) is None


def test_an_unattended_short_session_expires(session, parent):
    token = open_session(session, parent, remember=False, now=T0)
    session.commit()
    assert account_for_token(session, token, now=T0 + SESSION_IDLE + dt.timedelta(seconds=1)) is None


def test_short_session_has_an_absolute_end_even_when_active(session, parent):
    token = open_session(session, parent, remember=False, now=T0)
    moment = T0
    while moment < T0 + SESSION_MAX - dt.timedelta(hours=1):
        moment += dt.timedelta(hours=1)
        assert account_for_token(session, token, now=moment) is not None
        session.commit()
    assert account_for_token(session, token, now=T0 + SESSION_MAX + dt.timedelta(seconds=1)) is None


def test_rester_connecte_keeps_the_session_30_days(session, parent):
    token = open_session(session, parent, remember=True, now=T0)
    session.commit()
    assert account_for_token(session, token, now=T0 + dt.timedelta(days=29)) is not None
    assert account_for_token(session, token, now=T0 + SESSION_REMEMBER + dt.timedelta(seconds=1)) is None


def test_sign_out_revokes_the_token(session, parent):
    token = open_session(session, parent, remember=True, now=T0)
    other_device = open_session(session, parent, remember=True, now=T0)
    close_session(session, token, now=T0)
    session.commit()
    assert account_for_token(session, token, now=T0) is None
    assert account_for_token(session, other_device, now=T0) is not None


def test_password_change_revokes_every_session(session, parent):
    phone = open_session(session, parent, remember=True, now=T0)
    laptop = open_session(session, parent, remember=False, now=T0)
    result = change_password(session, parent, "Maison2026", "Jardin2027", now=T0)
    session.commit()
    assert result.ok
    assert account_for_token(session, phone, now=T0) is None
    assert account_for_token(session, laptop, now=T0) is None
    assert authenticate(session, parent.login, "Jardin2027", IP, now=T0).ok


@pytest.mark.parametrize(
    ("password", "broken"),
    [
        ("Ab1defg", ["Le mot de passe doit comporter au moins 8 caractères."]),
        ("abcdefg1", ["Le mot de passe doit comporter au moins 1 lettre majuscule."]),
        ("ABCDEFG1", ["Le mot de passe doit comporter au moins 1 lettre minuscule."]),
        ("Abcdefgh", ["Le mot de passe doit comporter au moins 1 chiffre."]),
        ("abc", ["Le mot de passe doit comporter au moins 8 caractères.",
                 "Le mot de passe doit comporter au moins 1 lettre majuscule.",
                 "Le mot de passe doit comporter au moins 1 chiffre."]),
        ("Soleil2026", []),
    ],
)
def test_policy_says_exactly_which_rule_fails(password, broken):
    assert policy_failures(password) == broken
    assert [r.label for r in PASSWORD_RULES] == [
        "Au moins 8 caractères", "Au moins 1 majuscule", "Au moins 1 minuscule", "Au moins 1 chiffre"]


@pytest.fixture
def julie(session):
    _, account = make_pupil(session, make_school(session), password="Tempo2345x")
    session.commit()
    return account


def test_first_sign_in_refuses_weak_and_temporary_passwords_then_opens_a_session(session, julie):
    assert authenticate(session, julie.login, "Tempo2345x", IP, now=T0).must_change_password

    weak = change_password(session, julie, "Tempo2345x", "soleil", now=T0)
    assert not weak.ok and weak.errors == [
        "Le mot de passe doit comporter au moins 8 caractères.",
        "Le mot de passe doit comporter au moins 1 lettre majuscule.",
        "Le mot de passe doit comporter au moins 1 chiffre.",
    ]
    same = change_password(session, julie, "Tempo2345x", "Tempo2345x", now=T0)
    assert same.errors == ["Le nouveau mot de passe doit être différent du mot de passe temporaire."]
    wrong = change_password(session, julie, "Tempo0000x", "Soleil2026", now=T0)
    assert wrong.errors == ["Le mot de passe actuel est incorrect : vérifiez-le."]

    assert change_password(session, julie, "Tempo2345x", "Soleil2026", now=T0).ok
    session.commit()
    outcome = authenticate(session, julie.login, "Soleil2026", IP, now=T0)
    assert outcome.ok and not outcome.must_change_password
    token = open_session(session, outcome.account, remember=False, now=T0)
    assert account_for_token(session, token, now=T0).id == julie.id
    assert authenticate(session, julie.login, "Tempo2345x", IP, now=T0).status == "invalid"


def test_wrong_current_password_counts_towards_the_lock(session, julie):
    for _n in range(4):
        assert not change_password(session, julie, "Faux1234x", "Soleil2026", now=T0).ok
    fifth = change_password(session, julie, "Faux1234x", "Soleil2026", now=T0)
    assert fifth.errors[0].startswith("Compte verrouillé après 5 mots de passe erronés : réessayez à")
    assert not change_password(session, julie, "Tempo2345x", "Soleil2026", now=T0 + dt.timedelta(minutes=5)).ok
    assert change_password(session, julie, "Tempo2345x", "Soleil2026", now=T0 + dt.timedelta(minutes=16)).ok


def test_a_password_changed_after_the_early_hashing_is_verified_again(session, julie):
    """The argon2 work done before the transaction counts only if the hash it checked is still there:
    a school giving a new temporary password meanwhile makes the old one wrong."""
    ahead = hash_ahead(julie.password_hash, "Tempo2345x", "Soleil2026")
    assert ahead.current_ok and ahead.new_hash
    julie.password_hash = hash_password("Autre2345x")
    session.add(julie)
    session.commit()
    refused = change_password(session, julie, "Tempo2345x", "Soleil2026", now=T0, ahead=ahead)
    assert refused.errors == [WRONG_CURRENT_PASSWORD]
    session.rollback()
    ahead = hash_ahead(julie.password_hash, "Autre2345x", "Soleil2026")
    assert change_password(session, julie, "Autre2345x", "Soleil2026", now=T0, ahead=ahead).ok
    assert julie.password_hash == ahead.new_hash


def test_the_new_password_is_hashed_while_the_current_one_is_verified(julie, monkeypatch):
    """Two argon2 computations on two cores: the family waits for one."""
    hashing_started = threading.Event()
    real_hash, real_verify = passwords.hash_password, password_change.verify_password

    def hash_password(password):
        hashing_started.set()
        return real_hash(password)

    def verify_password(password_hash, password):
        assert hashing_started.wait(5), "the new password is hashed only after the verification"
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "hash_password", hash_password)
    monkeypatch.setattr(password_change, "verify_password", verify_password)
    ahead = hash_ahead(julie.password_hash, "Tempo2345x", "Soleil2026")
    assert ahead.current_ok and real_verify(ahead.new_hash, "Soleil2026")
    wrong = hash_ahead(julie.password_hash, "Faux12345x", "Soleil2026")
    assert not wrong.current_ok and wrong.new_hash is None


def test_ended_sessions_and_old_attempts_are_purged_after_their_delay(session, parent):
    from cjeune_app.core.accounts.sessions import purge_expired

    ended = open_session(session, parent, remember=False, now=T0)
    current = open_session(session, parent, remember=True, now=T0 + dt.timedelta(days=20))
    authenticate(session, parent.login, "Mauvais1x", IP, now=T0)
    session.commit()
    counts = purge_expired(session, now=T0 + dt.timedelta(days=31))
    session.commit()
    assert counts == {"sessions": 1, "links": 0, "login_attempts": 1}
    assert account_for_token(session, ended, now=T0 + dt.timedelta(days=31)) is None
    assert account_for_token(session, current, now=T0 + dt.timedelta(days=31)) is not None
