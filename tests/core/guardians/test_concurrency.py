"""The brakes hold under concurrent requests (several workers at once), on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from cjeune_app.core.guardians.errors import TooManyCodesForNumber
from cjeune_app.core.guardians.verification import CODES_PER_NUMBER
from cjeune_app.core.use_cases import guardians
from tests.core.guardians.builders import E164, MOBILE, make_family


def test_concurrent_requests_for_one_number_send_at_most_the_limit(session, sms_provider):
    make_family(session)
    session.commit()

    def ask(n: int) -> str:
        try:
            guardians.request_code(MOBILE, f"203.0.113.{n}")
        except TooManyCodesForNumber:
            return "refused"
        return "sent"

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(ask, range(8)))
    assert answers.count("sent") == CODES_PER_NUMBER
    assert len(sms_provider.messages_to(E164)) == CODES_PER_NUMBER
