"""With Reflex's state in Redis (REFLEX_REDIS_URL, several servers), no session token is written
there either: the pages' state never holds one (api.session_cookie.HandshakeFilter). Its own app
server and a real redis-server on a free port."""

from __future__ import annotations

import pytest
import redis

from cjeune_app import routes
from tests.appserver import AppServer
from tests.browser.checks import wait_for_app
from tests.browser.families import AGENT_LOGIN, agent_account, app_db, make_youth, sign_in
from tests.browser.test_forged_requests import session_cookie
from tests.support.redis_server import private_redis


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with private_redis(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def redis_app(tmp_path_factory, redis_url, app_server):
    data_dir = tmp_path_factory.mktemp("app-redis")
    server = AppServer.started_with_demo(data_dir, {"REFLEX_REDIS_URL": redis_url, "NO_PROXY": "127.0.0.1,localhost"})
    yield server
    server.stop()
    # Both servers build the one frontend of this work tree, with their own port in it: the shared
    # server builds it again, or the tests after this one would talk to this stopped server.
    app_server.restart()


def everything_in(client: redis.Redis) -> bytes:
    stored = []
    for key in client.scan_iter():
        kind = client.type(key)
        if kind == b"string":
            stored.append(client.get(key) or b"")
        elif kind == b"hash":
            stored.extend(b"".join(pair) for pair in client.hgetall(key).items())
        elif kind in (b"list", b"set", b"zset"):
            stored.append(repr(client.dump(key)).encode())
        stored.append(key)
    return b"\n".join(stored)


def test_no_session_token_is_stored_in_redis(redis_app, redis_url, phone, chromium):
    pupil = make_youth(redis_app, "Petit", "Nora", photo=None)
    sign_in(phone, redis_app, "collegien", pupil.login)
    phone.goto(redis_app.base_url + routes.DASHBOARD)
    wait_for_app(phone)
    tokens = [session_cookie(phone)["value"]]
    with app_db(redis_app) as session:
        agent_account(session)
    agent = chromium.new_context().new_page()
    sign_in(agent, redis_app, "gestion", AGENT_LOGIN)
    agent.goto(redis_app.base_url + routes.ADMIN_PHOTOS)
    wait_for_app(agent)
    tokens.append(session_cookie(agent)["value"])
    agent.context.close()
    stored = everything_in(redis.Redis.from_url(redis_url))
    assert b"SessionState" in stored or len(stored) > 1000, "Reflex wrote no state in Redis"
    for token in tokens:
        assert token.encode() not in stored
