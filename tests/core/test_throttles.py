"""Throttles (core/throttles.py) count for every worker at once: two storages opened separately, as two
server processes would, on the same Redis share one budget; the storage is chosen by the settings."""

from __future__ import annotations

from cjeune_app.core import throttles
from cjeune_app.core.settings import reload_settings
from cjeune_app.core.throttles import Throttle, open_storage, per_minute, per_seconds
from tests.support.redis_server import REDIS_URL, redis_prefix  # noqa: F401 - fixture


def two_processes(prefix: str, caps) -> tuple[Throttle, Throttle]:
    return (Throttle("sms", caps, open_storage(REDIS_URL, prefix)),
            Throttle("sms", caps, open_storage(REDIS_URL, prefix)))


def test_two_processes_on_one_redis_share_the_budget(redis_prefix):  # noqa: F811
    first, second = two_processes(redis_prefix, [per_minute(5)])
    allowed = [(first if i % 2 else second).hit("0612345678") == 0 for i in range(10)]
    assert allowed.count(True) == 5 and allowed[:5] == [True] * 5
    assert 1 <= first.hit("0612345678") <= 60
    assert second.hit("0698765432") == 0  # another key goes on


def test_the_budget_survives_a_restart(redis_prefix):  # noqa: F811
    before, _ = two_processes(redis_prefix, [per_seconds(3, 10)])
    assert [before.hit("k") for _ in range(3)] == [0, 0, 0]
    after_restart, _ = two_processes(redis_prefix, [per_seconds(3, 10)])
    assert after_restart.hit("k") > 0


def test_every_cap_must_allow(redis_prefix):  # noqa: F811
    throttle, _ = two_processes(redis_prefix, [per_seconds(2, 10), per_minute(100)])
    assert [throttle.hit("k") == 0 for _ in range(3)] == [True, True, False]


def test_memory_counts_for_one_process_only():
    first = Throttle("sms", [per_minute(2)], open_storage("memory://", "x"))
    second = Throttle("sms", [per_minute(2)], open_storage("memory://", "x"))
    assert [first.hit("k"), first.hit("k"), second.hit("k")] == [0, 0, 0]  # why several workers need Redis


def test_the_settings_choose_the_storage(monkeypatch):
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    monkeypatch.delenv("CJEUNE_LIMITS_STORAGE_URL", raising=False)
    reload_settings()
    assert throttles.storage_url() == "memory://"
    monkeypatch.setenv("REFLEX_REDIS_URL", "redis://127.0.0.1:6379/3")
    reload_settings()
    assert throttles.storage_url() == "redis://127.0.0.1:6379/3"
    monkeypatch.setenv("CJEUNE_LIMITS_STORAGE_URL", "redis://127.0.0.1:6379/4")
    reload_settings()
    assert throttles.storage_url() == "redis://127.0.0.1:6379/4"
