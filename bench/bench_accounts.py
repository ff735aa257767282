"""Figures for the accounts domain: pupil import with letters, and sign-in throughput.

    .venv/bin/python bench/bench_accounts.py [--pupils 600] [--postgres]

Uses a throw-away SQLite file (and a throw-away PostgreSQL database with --postgres).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from cjeune_app.core.accounts.models import Account  # noqa: E402
from cjeune_app.core.accounts.pupil_import import import_pupils_csv  # noqa: E402
from cjeune_app.core.accounts.sign_in import authenticate  # noqa: E402
from cjeune_app.core.checksums import uai_key  # noqa: E402
from cjeune_app.core.db import engine_for  # noqa: E402
from cjeune_app.core.establishments.models import Establishment  # noqa: E402
from cjeune_app.core.migrations import upgrade_schema  # noqa: E402

FIRST = ["Julie", "Léa", "Hugo", "Yanis", "Aminata", "Paul", "Zoé", "Inès", "Lucas", "Nour"]
LAST = ["Fernandez", "Martin", "Durand", "Ben Amar", "N'Diaye", "Rossi-Giraud", "Garcia", "Bernard"]


def pupils_csv(count: int) -> bytes:
    lines = ["nom;prénom;date de naissance;classe"]
    for n in range(count):
        lines.append(f"{LAST[n % len(LAST)]};{FIRST[n // len(LAST) % len(FIRST)]}{n};"
                     f"{1 + n % 28:02d}/{1 + n % 12:02d}/{2011 + n % 4};{6 - n % 4}e {'ABCD'[n % 4]}")
    return ("\n".join(lines) + "\n").encode()


def bench_import(url: str, count: int) -> list[str]:
    engine = engine_for(url)
    with Session(engine) as session:
        digits = "0131801"
        school = Establishment(uai=digits + uai_key(digits), name="Collège du banc d'essai", commune_insee="13001")
        session.add(school)
        session.commit()
        started = time.perf_counter()
        result = import_pupils_csv(session, school, pupils_csv(count))
        session.commit()
        elapsed = time.perf_counter() - started
    assert result.ok, result.errors[:3]
    print(f"  import of {count} pupils with letters: {elapsed:.1f} s "
          f"({elapsed / count * 1000:.0f} ms per pupil, PDF {len(result.letters_pdf) / 1024:.0f} KiB)")
    with Session(engine) as session:
        return list(session.exec(select(Account.login).limit(64)).all())


def bench_sign_in(url: str, logins: list[str], threads: int, per_thread: int) -> None:
    engine = engine_for(url)
    latencies: list[float] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        for n in range(per_thread):
            login = logins[(index * per_thread + n) % len(logins)]
            started = time.perf_counter()
            with Session(engine) as session:
                authenticate(session, login, "Mauvais1x", f"198.51.100.{index}")  # full argon2 work
                session.rollback()  # keep accounts unlocked between rounds
            with lock:
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(f"  sign-in, {threads} concurrent client(s): {len(latencies) / elapsed:.1f} attempts/s, "
          f"median {latencies[len(latencies) // 2] * 1000:.0f} ms, worst {latencies[-1] * 1000:.0f} ms")


def run(label: str, url: str, pupils: int) -> None:
    print(f"{label} ({os.cpu_count()} CPU)")
    upgrade_schema(url)
    logins = bench_import(url, pupils)
    for threads in (1, 4):
        bench_sign_in(url, logins, threads, per_thread=8)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=600)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["CJEUNE_DATA_DIR"] = folder
        run("SQLite", f"sqlite:///{folder}/bench.db", args.pupils)
    if args.postgres:
        admin_url = os.environ.get("CJEUNE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        name = f"cjeune_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            run("PostgreSQL", admin_url.rsplit("/", 1)[0] + f"/{name}", args.pupils)
        finally:
            engine_for(admin_url.rsplit("/", 1)[0] + f"/{name}").dispose()
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
