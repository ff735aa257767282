"""Real concurrent transactions: counters and one-time links must hold under parallel requests."""

from __future__ import annotations

import threading
from collections import Counter

from sqlmodel import Session, func, select

from cjeune_app.core.accounts.errors import InvalidToken
from cjeune_app.core.accounts.links import activate
from cjeune_app.core.accounts.models import Account, AttemptOutcome, LoginAttempt
from cjeune_app.core.accounts.parents import create_or_get_parent_for_enrollment
from cjeune_app.core.accounts.passwords import verify_password
from cjeune_app.core.accounts.sign_in import authenticate
from cjeune_app.core.db import engine_for
from tests.core.accounts.builders import make_pupil, make_school
from tests.support.mail import links_in, token_from
from tests.support.write_lock import write_without_waiting


def run_together(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # kept to be asserted on
            results[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_wrong_passwords_lock_after_exactly_five(db_url):
    engine = engine_for(db_url)
    with Session(engine) as session:
        _, account = make_pupil(session, make_school(session))
        session.commit()
        login = account.login

    def attempt(index: int) -> str:
        with Session(engine) as session:
            outcome = authenticate(session, login, "Mauvais1x", "198.51.100.7")  # one address
            session.commit()
            return outcome.status

    statuses = Counter(run_together(8, attempt))
    assert statuses == {"invalid": 4, "locked": 4}
    with Session(engine) as session:
        failures = session.exec(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.outcome == AttemptOutcome.FAILURE)).one()
        assert failures == 5  # the three others were refused as locked, without a password check


def test_an_activation_link_works_once_even_when_clicked_twice_at_once(db_url, outbox):
    engine = engine_for(db_url)
    with Session(engine) as session:
        pupil, _ = make_pupil(session, make_school(session))
        create_or_get_parent_for_enrollment(session, "maman@exemple.fr", "Sofia", "Fernandez", pupil.id)
        session.commit()
    token = token_from(links_in(outbox.last("maman@exemple.fr"))[0])

    def click(index: int) -> str:
        with Session(engine) as session:
            activate(session, token, f"Calanques1{index}")
            session.commit()
            return "activated"

    results = run_together(2, click)
    outcomes = sorted(r if isinstance(r, str) else type(r).__name__ for r in results)
    assert outcomes == ["InvalidToken", "activated"], results
    assert any(isinstance(r, InvalidToken) for r in results)


def test_a_first_sign_in_hashes_the_new_password_without_holding_the_database(db_url, monkeypatch):
    """The argon2 work of "new password" happens before its writing transaction: on SQLite that
    transaction holds the database's only write lock, on PostgreSQL the account's row."""
    from cjeune_app.core.accounts import password_change, passwords
    from cjeune_app.core.use_cases import accounts as use_cases

    engine = engine_for(db_url)
    with Session(engine) as session:
        _, account = make_pupil(session, make_school(session), password="Tempo2345x")
        session.commit()
        account_id, login = account.id, account.login
    step = use_cases.check_password(login, "Tempo2345x", "198.51.100.7")
    assert step.must_change_password and step.pending is not None

    writes_meanwhile, one_probe_at_a_time = [], threading.Lock()
    for module, name in ((passwords, "hash_password"), (password_change, "verify_password")):
        real = getattr(module, name)

        def hashing(*args, real=real):
            with one_probe_at_a_time:  # the two computations run at once: their probes must not collide
                writes_meanwhile.append(write_without_waiting(db_url, account_id))
            return real(*args)
        monkeypatch.setattr(module, name, hashing)

    changed = use_cases.replace_temporary_password(step.pending, "Tempo2345x", "Calanques13!", "198.51.100.7")
    assert changed.ok
    assert writes_meanwhile == ["written", "written"]  # the current password verified, the new one hashed
    with Session(engine) as session:
        stored = session.get(Account, account_id)
        assert not stored.must_change_password and verify_password(stored.password_hash, "Calanques13!")
