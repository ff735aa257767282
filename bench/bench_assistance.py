"""The assistance's search on a whole département: 100 000 pupils with their Eduprovence accounts,
a parent account each, an enrollment (guardian's e-mail and mobile) and a card. Printed, never asserted.

    .venv/bin/python bench/bench_assistance.py [--pupils 100000] [--repeats 400]
    .venv/bin/python bench/bench_assistance.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench_assistance

Target (issue 14): p95 <= 50 ms for every kind of search, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

SYLLABLES = ["ber", "nar", "dus", "mar", "tin", "fer", "nan", "dez", "gar", "cia", "lam", "bert", "ros", "si",
             "gi", "raud", "ben", "a", "mar", "di", "aye", "pe", "tit", "mo", "reau", "le", "fe", "vre", "ro",
             "bin", "fa", "bre", "bon", "net", "ri", "chard", "vi", "dal", "bou", "chet"]
FIRST = ["Julie", "Léa", "Hugo", "Yanis", "Aminata", "Paul", "Zoé", "Inès", "Lucas", "Nour", "Emma", "Louis",
         "Jade", "Gabriel", "Lina", "Adam", "Chloé", "Raphaël", "Mia", "Arthur", "Sofia", "Malo", "Lou", "Sami"]


def last_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def luhn_digit(payload: str) -> str:
    from cjeune_app.core.checksums import luhn_check_digit

    return luhn_check_digit(payload)


def generate(url: str, count: int, rng: random.Random) -> list[dict]:
    """Bulk rows; returns a sample of pupils (what an agent will type)."""
    from sqlmodel import Session

    from cjeune_app.core.checksums import uai_key
    from cjeune_app.core.db import engine_for, utcnow
    from cjeune_app.core.seasons.api import get_or_create_season

    engine = engine_for(url)
    now = utcnow()
    with Session(engine) as session:
        season = get_or_create_season(session, "2026-2027")
        session.commit()
        season_id = season.id
    schools = 150
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO establishment (uai, name, kind, commune_insee, created_at) "
                             "VALUES (:uai, :name, 'college_public', '13001', :now)"),
                     [{"uai": f"01{n:05d}" + uai_key(f"01{n:05d}"), "name": f"Collège n°{n}", "now": now}
                      for n in range(schools)])
        first_school = conn.execute(sa.text("SELECT min(id) FROM establishment")).scalar_one()
    sample: list[dict] = []
    chunk = 10_000
    for start in range(0, count, chunk):
        pupils, rows = [], []
        for n in range(start, min(count, start + chunk)):
            last, first = last_name(rng), rng.choice(FIRST)
            body = "6013" + f"{n:011d}"
            rows.append({"last": last, "first": first, "n": n, "card": body + luhn_digit(body),
                         "email": f"famille.{n}@exemple.fr", "mobile": f"+336{n:08d}",
                         "login": f"{last.lower()}{first[0].lower()}{n}@eduprovence.fr"})
            pupils.append({"establishment_id": first_school + n % schools, "last_name": last, "first_name": first,
                           "birth_date": dt.date(2012, 1 + n % 12, 1 + n % 28), "class_name": "5e A",
                           "created_at": now})
        with engine.begin() as conn:
            first_id = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM pupil")).scalar_one() + 1
            conn.execute(sa.text("INSERT INTO pupil (establishment_id, last_name, first_name, birth_date, class_name, "
                                 "created_at) VALUES (:establishment_id, :last_name, :first_name, :birth_date, "
                                 ":class_name, :created_at)"), pupils)
            ids = [first_id + i for i in range(len(rows))]
            conn.execute(sa.text(
                "INSERT INTO account (role, login, first_name, last_name, must_change_password, is_active, "
                "failed_logins, pupil_id, created_at) VALUES ('collegien', :login, :first, :last, false, true, 0, "
                ":pupil_id, :now)"), [{**r, "pupil_id": i, "now": now} for r, i in zip(rows, ids, strict=True)])
            conn.execute(sa.text(
                "INSERT INTO account (role, login, email, first_name, last_name, must_change_password, is_active, "
                "failed_logins, created_at) VALUES ('parent', :email, :email, 'Parent', :last, false, true, 0, :now)"),
                [{**r, "now": now} for r in rows])
            conn.execute(sa.text(
                "INSERT INTO parent_link (parent_account_id, pupil_id, created_at) SELECT id, :pupil_id, :now "
                "FROM account WHERE login = :email"),
                [{"email": r["email"], "pupil_id": i, "now": now} for r, i in zip(rows, ids, strict=True)])
            conn.execute(sa.text(
                "INSERT INTO enrollment (pupil_id, season_id, status, current_step, guardian_last_name, "
                "guardian_first_name, address_line, address_complement, postal_code, commune_insee, email, mobile, "
                "optin_email, optin_sms, is_renewal, created_at, updated_at) VALUES (:pupil_id, :season_id, "
                "'completed', 4, :last, 'Parent', '1 rue du Stade', '', '13100', '13001', :email, :mobile, "
                "false, false, false, :now, :now)"),
                [{**r, "pupil_id": i, "season_id": season_id, "now": now} for r, i in zip(rows, ids, strict=True)])
            conn.execute(sa.text(
                "INSERT INTO card (number, establishment_id, status, pupil_id, activated_at, created_at) "
                "VALUES (:card, :school, 'active', :pupil_id, :now, :now)"),
                [{**r, "school": first_school + r["n"] % schools, "pupil_id": i, "now": now}
                 for r, i in zip(rows, ids, strict=True)])
        sample += rng.sample(rows, 40)
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))
    return sample


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--pupils", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=400)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench_assistance_")
    url = args.db or f"sqlite:///{workdir}/bench.db"
    created = _create_postgres_database(url) if url.startswith("postgresql") else False
    os.environ["REFLEX_DB_URL"] = url
    os.environ["CJEUNE_DATA_DIR"] = workdir
    from cjeune_app.core.db import engine_for

    try:
        run(url, args)
    finally:
        engine_for(url).dispose()
        if created:
            _drop_postgres_database(url)


def run(url: str, args) -> None:
    from cjeune_app.core.assistance.search import find_pupils
    from cjeune_app.core.db import engine_for, session_scope
    from cjeune_app.core.migrations import upgrade_schema

    upgrade_schema(url)
    engine = engine_for(url)
    print(f"Database: {engine.dialect.name} {engine.dialect.server_version_info or ''}, load average "
          f"{os.getloadavg()[0]:.2f}")
    rng = random.Random(14)
    started = time.perf_counter()
    sample = generate(url, args.pupils, rng)
    print(f"Generated {args.pupils} pupils (accounts, parents, enrollments, cards) in "
          f"{time.perf_counter() - started:.0f} s")
    kinds = {
        "last name prefix": lambda r: r["last"][:5].lower(),
        "first + last name": lambda r: f"{r['first']} {r['last']}",
        "last 4 digits + name": lambda r: f"{r['card'][-4:]} {r['last']}",
        "full card number": lambda r: " ".join(r["card"][i:i + 4] for i in range(0, 16, 4)),
        "Eduprovence identifier": lambda r: r["login"],
        "guardian e-mail": lambda r: r["email"],
        "guardian mobile": lambda r: "06 " + r["mobile"][4:6] + " " + r["mobile"][6:8] + " " + r["mobile"][8:10]
                                     + " " + r["mobile"][10:],
    }
    everything: list[float] = []
    everything_cpu: list[float] = []
    for kind, typed in kinds.items():
        times, cpu, found = [], [], 0
        for i in range(args.repeats // len(kinds) + 1):
            row = sample[i % len(sample)]
            with session_scope(read_only=True) as session:
                t0, c0 = time.perf_counter(), time.process_time()
                hits = find_pupils(session, typed(row))
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            found += any(h.name.endswith(row["first"]) for h in hits)
        everything += times
        everything_cpu += cpu
        # SQLite runs in this process: its CPU time is the search's own work, whatever the machine's load.
        print(f"  {kind:<24} p50 {percentile(times, 0.5):6.1f} ms  p95 {percentile(times, 0.95):6.1f} ms  "
              f"(CPU p95 {percentile(cpu, 0.95):5.1f} ms)  found {found}/{len(times)}")
    print(f"  {'all searches':<24} p50 {percentile(everything, 0.5):6.1f} ms  "
          f"p95 {percentile(everything, 0.95):6.1f} ms  (CPU p95 {percentile(everything_cpu, 0.95):5.1f} ms)  "
          f"(target p95 <= 50 ms; load average now {os.getloadavg()[0]:.2f})")


def _create_postgres_database(url: str) -> bool:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return not exists


def _drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
