"""Back office on a whole département's data: the statistics page's queries (target: <= 1 s in all)
and a month's reimbursement batch for 2 000 partners (target: prepared in <= 10 s), on SQLite and
PostgreSQL. Printed only (no assertion).

Generated data: 100 000 pupils in 130 collèges, 90 000 enrolled, 80 000 cards associated and credited
(160 000 credit entries), 2 000 partners with bank details, ~800 000 payments over September to
November (each a debit entry) and 5 % of them cancelled (refund entries): about 1 000 000 ledger
entries. Rows are inserted in bulk with the ledger's triggers off (they guard the application's
writes, not a generator's); wallet balances are left at 0 (no measured query reads them).

    .venv/bin/python bench/bench_back_office.py [--payments 800000] [--skip-postgres] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
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
SEASON = "2025-2026"
PUPILS, SCHOOLS, ENROLLED, ASSOCIATED, PARTNERS = 100_000, 130, 90_000, 80_000, 2_000
CHUNK = 20_000


def _chunks(rows: list[dict], size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert(conn: sa.Connection, table: str, rows: list[dict]) -> None:
    target = sa.table(table, *[sa.column(name) for name in rows[0]])
    for chunk in _chunks(rows):
        conn.execute(sa.insert(target), chunk)


def generate(url: str, payments: int, seed: int = 14) -> None:
    from cjeune_app.core.seasons.api import get_or_create_season

    rng = random.Random(seed)
    upgrade_schema(url)
    engine = engine_for(url)
    postgres = engine.dialect.name == "postgresql"
    from sqlmodel import Session

    with Session(engine) as session:
        season = get_or_create_season(session, SEASON)
        session.commit()
        season_id = season.id
    start = dt.datetime(2025, 9, 1, 6, tzinfo=dt.UTC)
    with engine.begin() as conn:
        if postgres:
            conn.execute(sa.text("SET session_replication_role = replica"))  # triggers off for the generator
        else:
            for trigger in conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type='trigger'")).scalars():
                conn.execute(sa.text(f'DROP TRIGGER "{trigger}"'))
        communes = ["13001", "13055", "13004", "13005", "13103", "13201", "13202", "13203", "13213", "13056"]
        _insert(conn, "establishment", [dict(id=i + 1, uai=f"{1300000 + i:07d}A", name=f"Collège {i + 1}",
                                             kind="college_public", commune_insee=communes[i % len(communes)],
                                             created_at=start) for i in range(SCHOOLS)])
        _insert(conn, "pupil", [dict(id=i + 1, establishment_id=i % SCHOOLS + 1, last_name=f"Nom{i}",
                                     first_name="Banc", birth_date=dt.date(2013, 1, 1), class_name="5e A",
                                     created_at=start) for i in range(PUPILS)])
        _insert(conn, "account", [dict(id=i + 1, role="collegien", login=f"eleve{i}@eduprovence.fr", pupil_id=i + 1,
                                       must_change_password=False, is_active=True, failed_logins=0,
                                       first_name="", last_name="", created_at=start) for i in range(ASSOCIATED)])
        day = dt.timedelta(days=1)
        _insert(conn, "enrollment", [dict(pupil_id=i + 1, season_id=season_id, status="completed", current_step=4,
                                          completed_at=start + day * rng.randint(0, 80) + dt.timedelta(
                                              minutes=rng.randint(0, 900)), created_at=start, is_renewal=False)
                                     for i in range(ENROLLED)])
        _insert(conn, "card", [dict(id=i + 1, number=f"60{i:014d}", status="active", pupil_id=i + 1,
                                    establishment_id=i % SCHOOLS + 1, activated_at=start, created_at=start)
                               for i in range(ASSOCIATED)])
        _insert(conn, "card_association_attempt", [dict(account_id=i + 1, pupil_id=i + 1, card_id=i + 1,
                                                        season_id=season_id, outcome="activated",
                                                        credited_cents=15_000,
                                                        created_at=start + day * rng.randint(0, 85))
                                                   for i in range(ASSOCIATED)])
        _insert(conn, "partner", [dict(id=p + 1, name=f"Partenaire {p + 1}", kind="association",
                                       siret=f"{40000000000000 + p}", commune_insee=communes[p % 10],
                                       status="validated",
                                       description="", address="", postal_code="", contact_email="", phone="",
                                       website="", created_at=start, updated_at=start) for p in range(PARTNERS)])
        categories = ["sport", "culture", "loisirs", "soutien_scolaire"]
        _insert(conn, "partner_category", [dict(partner_id=p + 1, category=categories[p % 4]) for p in range(PARTNERS)])
        _insert(conn, "partner_bank_account", [dict(partner_id=p + 1, holder_name=f"Partenaire {p + 1}",
                                                    iban="FR7630004000000000000000151", bic="BNPAFRPP",
                                                    updated_at=start) for p in range(PARTNERS)])
        wallets = [dict(id=2 * i + 1 + k, pupil_id=i + 1, season_id=season_id,
                        envelope=("sport_culture", "soutien_scolaire")[k], balance_cents=0, created_at=start)
                   for i in range(ASSOCIATED) for k in (0, 1)]
        _insert(conn, "wallet", wallets)
        entries = [dict(wallet_id=w["id"], kind="credit", amount_cents=10_000 if w["envelope"] == "sport_culture"
                        else 5_000, idempotency_key=f"credit:{w['id']}", partner_id=None, payment_id=None,
                        card_id=None, label="", created_at=start)
                   for w in wallets]
        pays, refunds = [], []
        for n in range(payments):
            pupil = rng.randrange(ASSOCIATED)
            partner = rng.randrange(PARTNERS)
            envelope = "soutien_scolaire" if partner % 4 == 3 else "sport_culture"
            wallet_id = 2 * pupil + 1 + (envelope == "soutien_scolaire")
            when = start + dt.timedelta(seconds=rng.randrange(91 * 86_400))
            cancelled = rng.random() < 0.05
            cents = rng.randint(100, 350)
            pays.append(dict(id=n + 1, partner_id=partner + 1, card_id=pupil + 1, wallet_id=wallet_id,
                             envelope=envelope, amount_cents=cents, status="cancelled" if cancelled else "accepted",
                             idempotency_key=f"p{n}", request_fingerprint="", created_at=when,
                             cancelled_at=when + dt.timedelta(days=rng.randint(0, 25)) if cancelled else None))
            entries.append(dict(wallet_id=wallet_id, kind="debit", amount_cents=-cents, idempotency_key=f"d{n}",
                                partner_id=partner + 1, payment_id=n + 1, card_id=pupil + 1, label="",
                                created_at=when))
            if cancelled:
                refunds.append(dict(wallet_id=wallet_id, kind="refund", amount_cents=cents, idempotency_key=f"r{n}",
                                    partner_id=partner + 1, payment_id=n + 1, card_id=pupil + 1, label="",
                                    created_at=pays[-1]["cancelled_at"]))
        _insert(conn, "payment", pays)
        _insert(conn, "ledger_entry", entries + refunds)
    # Statistics for the planners; on PostgreSQL a VACUUM also sets the visibility map (as autovacuum
    # does in production), without which the covering indexes cannot be read alone.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE" if postgres else "ANALYZE"))
    print(f"  données : {PUPILS} élèves, {PARTNERS} partenaires, {payments} paiements, "
          f"{len(entries) + len(refunds)} écritures du grand livre")


def run(url: str) -> None:
    from sqlmodel import Session, select

    from cjeune_app.core.partners.statements import Month
    from cjeune_app.core.reimbursements import batches, reconciliation
    from cjeune_app.core.seasons.models import Season
    from cjeune_app.core.statistics import queries
    from cjeune_app.core.statistics.tables import season_statistics

    engine = engine_for(url)
    from cjeune_app.core.statistics import ledger_totals

    with Session(engine) as session:
        began = time.perf_counter()
        folded = ledger_totals.fold(session)  # once after deployment; then each visit folds the few new ones
        session.commit()
        print(f"  repli initial du grand livre en totaux mensuels : {folded} écritures en "
              f"{time.perf_counter() - began:.2f} s (une fois ; ensuite chaque visite replie les nouvelles)")
    reader = engine.execution_options(read_only=True)  # as the page reads (SQLite: no write lock)
    with Session(reader) as session:
        season = session.exec(select(Season).where(Season.code == SEASON)).one()
        total = 0.0
        for name in ("enrollments_per_day", "associations_per_day", "enrolled_per_school", "spending",
                     "money_totals", "most_used_partners"):
            began, cpu = time.perf_counter(), time.process_time()
            getattr(queries, name)(session, season)
            took = time.perf_counter() - began
            total += took
            # On SQLite the query runs in this process: its CPU time does not depend on the machine's load.
            print(f"  statistiques {name:<24} {took * 1000:7.0f} ms (CPU de ce processus "
                  f"{(time.process_time() - cpu) * 1000:.0f} ms)")
        began = time.perf_counter()
        with Session(engine) as folding:  # what the page does first: fold what is new (nothing here)
            ledger_totals.fold(folding)
            folding.commit()
        season_statistics(session, season)  # what the page asks for, tables built
        page = time.perf_counter() - began
        print(f"  statistiques, somme des requêtes : {total:.2f} s ; la page entière (repli + season_statistics) : "
              f"{page:.2f} s (cible <= 1 s)")
    now = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    for month in (Month(2025, 9), Month(2025, 10)):
        with Session(engine) as session:
            began, cpu = time.perf_counter(), time.process_time()
            summary, _ = batches.prepare_batch(session, month, None, now=now)
            session.commit()
            took = time.perf_counter() - began
            cpu = time.process_time() - cpu
        print(f"  lot de {month.label} : {summary.lines_count} virements, {summary.total_cents} centimes, "
              f"préparé en {took:.2f} s (cible <= 10 s ; CPU de ce processus {cpu:.2f} s)")
        with Session(engine) as session:
            began = time.perf_counter()
            batches.generate_transfer(session, summary.id, now=now)
            session.commit()
            print(f"    fichier SEPA pain.001 de {summary.lines_count} virements généré et validé (XSD) en "
                  f"{time.perf_counter() - began:.2f} s")
    with Session(engine) as session:
        began = time.perf_counter()
        check = reconciliation.reconcile(session)
        print(f"  rapprochement {'équilibré' if check.balanced else 'EN ÉCART'} en {time.perf_counter() - began:.2f} s")
    # A tail not folded yet is read from the ledger itself: 20 000 entries more (copies of debits,
    # after the reconciliation, which they would unbalance).
    with engine.begin() as conn:
        top = conn.execute(sa.text("SELECT max(id) FROM ledger_entry")).scalar_one()
        rows = conn.execute(sa.text("SELECT wallet_id, kind, amount_cents, partner_id, payment_id, card_id, created_at "
                                    "FROM ledger_entry WHERE kind = 'debit' ORDER BY id LIMIT 20000")).all()
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SET session_replication_role = replica"))
        conn.execute(sa.text("INSERT INTO ledger_entry (wallet_id, kind, amount_cents, idempotency_key, partner_id, "
                             "payment_id, card_id, label, created_at) VALUES (:w, :k, :a, :key, :p, :pay, :c, '', :t)"),
                     [dict(w=r[0], k=r[1], a=r[2], key=f"tail{i}", p=r[3], pay=r[4], c=r[5], t=r[6])
                      for i, r in enumerate(rows)])
    with Session(reader) as session:
        season = session.exec(select(Season).where(Season.code == SEASON)).one()
        began = time.perf_counter()
        season_statistics(session, season)
        print(f"  la page avec {len(rows)} écritures pas encore repliées (lues dans le grand livre) : "
              f"{time.perf_counter() - began:.2f} s (au-dessus de l'écriture {top})")
    with Session(engine) as session:
        began = time.perf_counter()
        ledger_totals.fold(session)
        session.commit()
        print(f"  puis leur repli : {time.perf_counter() - began:.2f} s")


def bench_sqlite(payments: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        print("SQLite")
        began = time.perf_counter()
        generate(url, payments)
        print(f"  génération : {time.perf_counter() - began:.0f} s")
        run(url)
        engine_for(url).dispose()


def bench_postgres(payments: int) -> None:
    name = f"cjeune_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        print(f"PostgreSQL absent ({error.__class__.__name__}) : mesure ignorée")
        return
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        print("PostgreSQL")
        began = time.perf_counter()
        generate(url, payments)
        print(f"  génération : {time.perf_counter() - began:.0f} s")
        run(url)
    finally:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=800_000)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    print(f"charge moyenne de la machine : {os.getloadavg()[0]:.1f}")
    if not args.skip_sqlite:
        bench_sqlite(args.payments)
    if not args.skip_postgres:
        bench_postgres(args.payments)


if __name__ == "__main__":
    main()
