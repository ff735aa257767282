"""Ledger throughput: debits per second, each debit its own transaction through the real
`cards.paying.debit` (card then wallet row locked, idempotency key, database triggers and constraints).

- SQLite: one process, a fresh database file, twice: with the app's `synchronous=FULL` (a commit
  survives a power cut: the durable figure) and with `synchronous=NORMAL` (the former setting,
  which may lose the last commits of WAL mode), to show what durability costs.
- PostgreSQL: 8 concurrent clients, each with its own connection, on a database this script
  creates and drops. Clients are threads of one process by default, as in an app server;
  `--processes` runs them as separate processes (on a small, busy machine they mostly fight
  over the CPUs: see the CPU per debit it prints).
The invariants (`verify_invariants`, and money debited == money that left the wallets) are
checked at the end of each run. Targets: >= 1 000 debits/s on SQLite, >= 500/s on PostgreSQL.

    .venv/bin/python bench/bench_ledger.py [--debits 20000] [--clients 8] [--youths 2000] [--partners 20]
                                           [--processes] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cjeune_app.core.db import engine_for  # noqa: E402
from cjeune_app.core.migrations import upgrade_schema  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "CJEUNE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def prepare(url: str, youths: int, partners: int) -> tuple[list[int], list[int]]:
    """Youths with an active card and their season credited. Returns the wallet and partner ids."""
    from sqlmodel import Session, select

    from cjeune_app.core.cards.models import Card
    from cjeune_app.core.cards.printing import issue_cards
    from cjeune_app.core.db import utcnow
    from cjeune_app.core.establishments.models import Establishment, Pupil
    from cjeune_app.core.formats import paris_today
    from cjeune_app.core.partners.models import Partner
    from cjeune_app.core.seasons.api import get_or_create_season, season_code_for
    from cjeune_app.core.wallet import api as wallet
    from cjeune_app.core.wallet.models import Wallet

    upgrade_schema(url)
    engine = engine_for(url)
    with Session(engine, expire_on_commit=False) as session:
        season = get_or_create_season(session, season_code_for(paris_today()))
        school = Establishment(uai="0131801S", name="Collège du banc d'essai", commune_insee="13001")
        shops = [Partner(name=f"Partenaire {i}", kind="association", siret=f"{12345678900000 + i}",
                         commune_insee="13001", status="validated") for i in range(partners)]
        session.add_all([school, *shops])
        session.flush()
        now = utcnow()
        session.execute(sa.insert(Pupil.__table__), [
            dict(establishment_id=school.id, last_name=f"Élève{i}", first_name="Banc",
                 birth_date=paris_today().replace(year=2013), class_name="5e A", created_at=now)
            for i in range(youths)
        ])
        pupil_ids = session.exec(select(Pupil.id).order_by(Pupil.id)).all()
        numbers = issue_cards(session, school.uai, youths).numbers
        # Setup only: cards activated directly (association itself is measured by the tests).
        for pupil_id, number in zip(pupil_ids, numbers, strict=True):
            session.execute(sa.update(Card).where(Card.number == number)
                            .values(status="active", pupil_id=pupil_id, activated_at=now))
        for pupil_id in pupil_ids:
            wallet.credit_season(session, pupil_id, season)
        session.commit()
        wallet_ids = session.exec(select(Wallet.id).order_by(Wallet.id)).all()
        return list(wallet_ids), [shop.id for shop in shops]


def debit_many(url: str, wallet_ids: list[int], partner_ids: list[int], count: int, seed: int) -> tuple[int, int]:
    """`count` debits of 1 to 2 € on random wallets at random partners, one transaction each.
    Returns (passed, refused)."""
    os.environ["REFLEX_DB_URL"] = url
    from cjeune_app.core.settings import reload_settings

    reload_settings()  # the runs use one database each
    from cjeune_app.core.cards import paying
    from cjeune_app.core.db import session_scope
    from cjeune_app.core.errors import Refusal

    rng = random.Random(seed)
    passed = refused = 0
    for index in range(count):
        try:
            with session_scope() as session:
                paying.debit(session, rng.choice(wallet_ids), rng.randint(100, 200),
                             f"bench:{seed}:{index}", rng.choice(partner_ids), "Banc d'essai")
            passed += 1
        except Refusal:
            refused += 1
    return passed, refused


def _cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by a local process (the PostgreSQL backend serving a client)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _client(url, wallet_ids, partner_ids, count, seed, barrier, results):
    with engine_for(url).connect() as conn:  # connected before the start signal; the pool keeps it
        backend = conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    server_cpu, client_cpu = _cpu_seconds(backend), time.thread_time()
    barrier.wait()
    started = time.perf_counter()
    passed, refused = debit_many(url, wallet_ids, partner_ids, count, seed)
    ended = time.perf_counter()
    server_after = _cpu_seconds(backend)
    server = None if server_cpu is None or server_after is None else server_after - server_cpu
    results.put((started, ended, passed, refused, time.thread_time() - client_cpu, server))


def check(url: str, expected_debits: int) -> str:
    from sqlmodel import Session, func, select

    from cjeune_app.core.cards import invariants
    from cjeune_app.core.wallet.models import LedgerEntry, Wallet

    with Session(engine_for(url)) as session:
        problems = invariants.verify_invariants(session)
        debits = session.exec(select(func.count()).where(LedgerEntry.kind == "debit")).one()
        debited = -session.exec(select(func.sum(LedgerEntry.amount_cents)).where(LedgerEntry.kind == "debit")).one()
        credited = session.exec(select(func.sum(LedgerEntry.amount_cents)).where(LedgerEntry.kind == "credit")).one()
        left = session.exec(select(func.sum(Wallet.balance_cents))).one()
    if debits != expected_debits:
        problems.append(f"{debits} debit entries, {expected_debits} debits passed")
    if credited - debited != left:
        problems.append(f"credited {credited} - debited {debited} != balances {left}")
    return "invariants OK" if not problems else "INVARIANTS BROKEN: " + "; ".join(problems[:5])


# The app sets synchronous=FULL on every new connection (core.db); the bench may ask for another
# level on every checkout from the pool, which comes after (PRAGMA synchronous is per connection).
_SYNCHRONOUS: list[str] = []


@sa.event.listens_for(sa.pool.Pool, "checkout")
def _bench_synchronous(dbapi_connection, _record, _proxy) -> None:
    if _SYNCHRONOUS and isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute(f"PRAGMA synchronous={_SYNCHRONOUS[0]}")


def _synchronous_in_use(url: str) -> int:
    with engine_for(url).connect() as connection:
        return connection.exec_driver_sql("PRAGMA synchronous").scalar_one()


def bench_sqlite(debits: int, youths: int, partners: int, synchronous: str = "FULL") -> float:
    _SYNCHRONOUS[:] = [synchronous]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        wallet_ids, partner_ids = prepare(url, youths, partners)
        started, cpu = time.perf_counter(), time.thread_time()
        passed, refused = debit_many(url, wallet_ids, partner_ids, debits, seed=1)
        elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
        verdict = check(url, passed)
        level = {1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(_synchronous_in_use(url), "?")
        engine_for(url).dispose()
    rate = passed / elapsed
    print(f"SQLite, 1 process, synchronous={level:6}: {passed} debits ({refused} refused) in {elapsed:.2f} s "
          f"= {rate:,.0f} debits/s (target >= 1 000) — {verdict}")
    print(f"  CPU per debit (SQLite runs inside the process): {cpu / passed * 1000:.2f} ms; "
          f"one idle CPU would allow about {passed / cpu:,.0f} debits/s")
    return rate


def bench_postgres(debits: int, youths: int, partners: int, clients: int, threads: bool = True) -> float | None:
    try:
        admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        admin.connect().close()
    except Exception as error:  # no server: say so, do not fail the SQLite figure
        print(f"PostgreSQL: skipped ({error.__class__.__name__}: server not reachable at {POSTGRES_ADMIN_URL})")
        return None
    name = f"cjeune_bench_{uuid.uuid4().hex[:10]}"
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        wallet_ids, partner_ids = prepare(url, youths, partners)
        engine_for(url).dispose()
        if threads:  # one Python process, one connection per thread
            barrier, results = threading.Barrier(clients), queue.Queue()
            workers = [threading.Thread(target=_client, args=(url, wallet_ids, partner_ids, debits // clients,
                                                              seed, barrier, results))
                       for seed in range(clients)]
        else:
            context = multiprocessing.get_context("spawn")
            barrier, results = context.Barrier(clients), context.Queue()
            workers = [context.Process(target=_client, args=(url, wallet_ids, partner_ids, debits // clients,
                                                             seed, barrier, results))
                       for seed in range(clients)]
        for worker in workers:
            worker.start()
        reports = [results.get(timeout=900) for _ in workers]
        for worker in workers:
            worker.join()
        elapsed = max(r[1] for r in reports) - min(r[0] for r in reports)
        passed, refused = sum(r[2] for r in reports), sum(r[3] for r in reports)
        verdict = check(url, passed)
        engine_for(url).dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    rate = passed / elapsed
    kind = "threads" if threads else "processes"
    print(f"PostgreSQL, {clients} clients ({kind}) : {passed} debits ({refused} refused) in {elapsed:.2f} s "
          f"= {rate:,.0f} debits/s (target >= 500) — {verdict}")
    client_cpu = sum(r[4] for r in reports) / passed
    if all(r[5] is not None for r in reports):
        server_cpu = sum(r[5] for r in reports) / passed
        print(f"  CPU per debit: {client_cpu * 1000:.2f} ms in the clients + {server_cpu * 1000:.2f} ms in "
              f"PostgreSQL backends; {os.cpu_count()} idle CPUs would allow about "
              f"{os.cpu_count() / (client_cpu + server_cpu):,.0f} debits/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--debits", type=int, default=20_000)
    parser.add_argument("--youths", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--partners", type=int, default=20)
    parser.add_argument("--processes", action="store_true",
                        help="PostgreSQL clients as separate processes (default: threads of one process, "
                             "like an app server; each client has its own connection either way)")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    print(f"{args.youths} youths credited (2 wallets each), debits of 1 to 2 € on random wallets at "
          f"{args.partners} partners, one transaction per debit; {os.cpu_count()} CPU(s), "
          f"load average {os.getloadavg()[0]:.1f}.")
    durable = bench_sqlite(args.debits, args.youths, args.partners, "FULL")
    fast = bench_sqlite(args.debits, args.youths, args.partners, "NORMAL")
    print(f"  durability (FULL) costs {100 * (1 - durable / fast):.0f} % of NORMAL's throughput")
    if not args.skip_postgres:
        bench_postgres(args.debits, args.youths, args.partners, args.clients, threads=not args.processes)


if __name__ == "__main__":
    main()
