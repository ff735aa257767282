"""Time of a code request for a number a school knows vs an unknown one (should not differ: no
SMS is sent inside the request). Printed only. Usage: python bench/bench_phone_codes.py [rounds]"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("CJEUNE_DATA_DIR", tempfile.mkdtemp(prefix="bench-codes-"))

from sqlmodel import Session  # noqa: E402

import cjeune_app.core.models  # noqa: E402,F401
from cjeune_app.core.db import get_engine  # noqa: E402
from cjeune_app.core.establishments.models import Establishment, Pupil  # noqa: E402
from cjeune_app.core.guardians.records import GuardianInput, check_guardian, set_guardians  # noqa: E402
from cjeune_app.core.migrations import upgrade_schema  # noqa: E402
from cjeune_app.core.notifications.api import wait_for_queued_mail  # noqa: E402
from cjeune_app.core.use_cases import guardians  # noqa: E402

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 60


def main() -> None:
    upgrade_schema()
    with Session(get_engine()) as session:
        school = Establishment(uai="0131801M", name="Collège", commune_insee="13001")
        session.add(school)
        session.flush()
        for n in range(ROUNDS):
            pupil = Pupil(establishment_id=school.id, last_name="Durand", first_name=f"E{n}",
                          birth_date=dt.date(2013, 1, 1), class_name="5e")
            session.add(pupil)
            session.flush()
            data, _ = check_guardian(GuardianInput("Durand", "M", "mère", f"06 10 00 {n // 100:02d} {n % 100:02d}"))
            set_guardians(session, pupil, [data])
        session.commit()
    timings: dict[str, list[float]] = {"connu": [], "inconnu": []}
    for n in range(ROUNDS):
        pair = [("connu", f"06 10 00 {n // 100:02d} {n % 100:02d}"),
                ("inconnu", f"06 20 00 {n // 100:02d} {n % 100:02d}")]
        for kind, mobile in pair if n % 2 else reversed(pair):  # neither always first
            start = time.perf_counter()
            guardians.request_code(mobile, f"192.0.2.{n % 200}")
            timings[kind].append((time.perf_counter() - start) * 1000)
            wait_for_queued_mail()  # the SMS leaves after the answer: not in the next request's time
    for kind, values in timings.items():
        print(f"request_code numéro {kind:8}: médiane {statistics.median(values):.2f} ms, "
              f"p90 {sorted(values)[int(len(values) * 0.9)]:.2f} ms ({ROUNDS} demandes, SQLite)")


if __name__ == "__main__":
    main()
