"""FranceConnect sign-in against a real OpenID Connect provider on 127.0.0.1: real discovery, real
signed ID tokens. Each refusal (state, browser, nonce, signature, expiry, provider error) on SQLite
and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from cjeune_app.core.db import utcnow
from cjeune_app.core.franceconnect import identities
from cjeune_app.core.franceconnect.errors import (
    AnswerNotTrusted,
    FranceConnectUnavailable,
    LoginExpired,
    ProviderRefused,
    ProviderUnreachable,
)
from cjeune_app.core.franceconnect.models import FranceConnectArrival, FranceConnectLogin
from cjeune_app.core.use_cases import franceconnect, sessions
from tests.support.oidc_provider import CLIENT_ID, OidcProvider, RogueKeys


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def _first_visit(provider, sub="fc-sofia"):
    provider.add_person(sub, "Sofia", "Fernandez")
    started = franceconnect.start_login()
    answer = provider.authorize(started.url, sub)
    return franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key)


def test_without_settings_the_button_is_hidden_and_the_route_refuses(db_url, monkeypatch):
    monkeypatch.delenv("CJEUNE_FRANCECONNECT_ISSUER", raising=False)
    assert not franceconnect.is_offered()
    with pytest.raises(FranceConnectUnavailable):
        franceconnect.start_login()


def test_the_redirect_carries_state_nonce_and_a_pkce_challenge_kept_server_side(configured, session):
    started = franceconnect.start_login()
    query = _query(started.url)
    assert started.url.startswith(configured.url + "/oauth2/authorize?")
    assert query["response_type"] == "code" and query["client_id"] == "cjeune-tests"
    assert query["redirect_uri"] == "http://127.0.0.1:3999/franceconnect/retour"
    assert query["code_challenge_method"] == "S256"
    login = session.exec(select(FranceConnectLogin)).one()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(login.code_verifier.encode()).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == challenge
    assert query["nonce"] == login.nonce
    # The state and the browser's key are stored only as hashes.
    assert query["state"] not in {login.state_hash, login.browser_hash}
    assert login.state_hash == hashlib.sha256(query["state"].encode()).hexdigest()
    assert login.expires_at - login.created_at == dt.timedelta(minutes=10)


def test_first_visit_then_linked_identity_signs_in_directly_and_sign_out_ends_the_provider_session(
        configured, session, parent):
    first = _first_visit(configured)
    assert first.session_token is None and first.arrival_ticket
    arrival = session.exec(select(FranceConnectArrival)).one()
    assert (arrival.sub, arrival.given_name, arrival.family_name) == ("fc-sofia", "Sofia", "Fernandez")
    assert arrival.ticket_hash != first.arrival_ticket

    identities.link(session, "fc-sofia", parent)  # what the first visit's verification ends with
    session.commit()

    again = _first_visit(configured)
    assert again.arrival_ticket is None and again.session_token
    actor = sessions.actor_for_session(again.session_token)
    assert actor is not None and actor.account_id == parent.id

    leave_at = sessions.sign_out(again.session_token)
    assert leave_at is not None and leave_at.startswith(configured.url + "/oauth2/end_session?")
    query = _query(leave_at)
    assert query["post_logout_redirect_uri"] == "http://127.0.0.1:3999/session/fin"  # clears the cookie
    assert query["id_token_hint"].count(".") == 2  # the session's signed ID token
    assert sessions.actor_for_session(again.session_token) is None


def test_a_password_session_signs_out_without_going_to_the_provider(configured, session, parent):
    from cjeune_app.core.accounts.sessions import open_session

    token = open_session(session, parent, remember=False)
    session.commit()
    assert sessions.sign_out(token) is None


def test_an_unknown_state_is_refused(configured):
    configured.add_person("fc-a", "A", "B")
    started = franceconnect.start_login()
    answer = configured.authorize(started.url, "fc-a")
    with pytest.raises(LoginExpired):
        franceconnect.finish_login("un-state-forge", answer["code"], "", started.browser_key)


def test_a_state_is_used_once(configured):
    configured.add_person("fc-a", "A", "B")
    started = franceconnect.start_login()
    answer = configured.authorize(started.url, "fc-a")
    assert franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key).arrival_ticket
    with pytest.raises(LoginExpired):
        franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key)


def test_an_answer_brought_by_another_browser_is_refused(configured):
    configured.add_person("fc-a", "A", "B")
    started = franceconnect.start_login()
    answer = configured.authorize(started.url, "fc-a")
    with pytest.raises(LoginExpired):
        franceconnect.finish_login(answer["state"], answer["code"], "", "cle-d-un-autre-navigateur")
    with pytest.raises(LoginExpired):  # and the login is used up all the same
        franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key)


def test_a_login_older_than_ten_minutes_is_refused(configured):
    configured.add_person("fc-a", "A", "B")
    started = franceconnect.start_login()
    answer = configured.authorize(started.url, "fc-a")
    with pytest.raises(LoginExpired):
        franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key,
                                   now=utcnow() + dt.timedelta(minutes=10, seconds=1))


def test_an_error_of_the_provider_is_refused_and_the_guardian_can_start_again(configured):
    started = franceconnect.start_login()
    answer = configured.deny(started.url)
    assert answer["error"] == "access_denied"  # this provider leaves the state out of its error answers
    with pytest.raises(ProviderRefused):
        franceconnect.finish_login(answer.get("state", ""), "", answer["error"], started.browser_key)
    with pytest.raises(ProviderRefused):  # an error answer naming a live state: refused, and the login used up
        again = franceconnect.start_login()
        franceconnect.finish_login(_query(again.url)["state"], "", "access_denied", again.browser_key)
    assert _first_visit(configured, "fc-again").arrival_ticket


def test_a_code_the_provider_does_not_know_is_refused(configured):
    started = franceconnect.start_login()
    state = _query(started.url)["state"]
    with pytest.raises(ProviderRefused):
        franceconnect.finish_login(state, "code-invente", "", started.browser_key)


def test_an_id_token_with_another_nonce_is_refused(configured):
    """A code obtained for another nonce (a replayed or injected answer) fails the nonce check."""
    configured.add_person("fc-a", "A", "B")
    started = franceconnect.start_login()
    nonce = _query(started.url)["nonce"]
    answer = configured.authorize(started.url.replace(f"nonce={nonce}", "nonce=un-autre-nonce"), "fc-a")
    with pytest.raises(AnswerNotTrusted):
        franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key)


def _sign_in_through(rogue: RogueKeys, configured, monkeypatch):
    """A whole sign-in whose ID token comes from a stand-in token endpoint (see RogueKeys)."""
    rogue.start()
    try:
        monkeypatch.setenv("CJEUNE_FRANCECONNECT_ISSUER", rogue.url)
        configured.add_person("fc-a", "A", "B")
        started = franceconnect.start_login()
        answer = configured.authorize(started.url, "fc-a")
        return franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key)
    finally:
        rogue.stop()


@pytest.mark.parametrize("forged", [
    {},  # signed by keys the provider does not publish
    {"issuer": "https://fc.exemple.fr"},  # another issuer than the one announced
    {"audience": "un-autre-site"},  # published keys, right issuer and nonce, another client
], ids=["signature", "issuer", "audience"])
def test_an_id_token_not_made_for_this_site_by_this_provider_is_refused(configured, monkeypatch, forged):
    with pytest.raises(AnswerNotTrusted):
        _sign_in_through(RogueKeys(configured, **forged), configured, monkeypatch)


def test_the_same_rogue_token_endpoint_with_the_right_audience_is_accepted(configured, monkeypatch):
    """The audience check above fails on `aud` alone: the same re-signed token naming this site passes."""
    _sign_in_through(RogueKeys(configured, audience=CLIENT_ID), configured, monkeypatch)


def test_an_expired_id_token_is_refused(db_url, monkeypatch):
    stale = OidcProvider(token_max_age=dt.timedelta(minutes=-10)).start()
    try:
        for name, value in stale.settings_env().items():
            monkeypatch.setenv(name, value)
        stale.add_person("fc-a", "A", "B")
        started = franceconnect.start_login()
        answer = stale.authorize(started.url, "fc-a")
        with pytest.raises(AnswerNotTrusted):
            franceconnect.finish_login(answer["state"], answer["code"], "", started.browser_key)
    finally:
        stale.stop()


def test_a_provider_that_does_not_answer_is_refused_in_words(db_url, monkeypatch):
    monkeypatch.setenv("CJEUNE_FRANCECONNECT_ISSUER", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("CJEUNE_FRANCECONNECT_CLIENT_ID", "x")
    monkeypatch.setenv("CJEUNE_FRANCECONNECT_CLIENT_SECRET", "y")
    with pytest.raises(ProviderUnreachable):
        franceconnect.start_login()


def test_the_refusal_codes_read_back_as_french_sentences():
    for refusal in (LoginExpired, ProviderRefused, AnswerNotTrusted, ProviderUnreachable):
        assert franceconnect.refusal_message(refusal.code) == refusal.message
        assert "FranceConnect" in refusal.message
    assert franceconnect.refusal_message("") == ""
    assert franceconnect.refusal_message("forbidden") == "La connexion avec FranceConnect n'a pas abouti. " \
        "Cliquez à nouveau sur « S'identifier avec FranceConnect »."


def test_ended_sessions_are_purged_with_their_id_tokens(configured, session, parent):
    from cjeune_app.core.accounts.sessions import purge_expired
    from cjeune_app.core.franceconnect.models import FranceConnectSession

    identities.link(session, "fc-sofia", parent)
    session.commit()
    token = _first_visit(configured).session_token
    assert session.exec(select(FranceConnectSession)).one()
    session.rollback()  # the test's read ends before the app writes
    sessions.sign_out(token)
    assert purge_expired(session, now=utcnow() + dt.timedelta(days=61))["sessions"] == 1
    session.commit()
    assert session.exec(select(FranceConnectSession)).all() == []


def test_a_deactivated_parent_account_is_not_signed_in(configured, session, parent):
    from cjeune_app.core.errors import Forbidden

    identities.link(session, "fc-sofia", parent)
    parent.is_active = False
    session.add(parent)
    session.commit()
    with pytest.raises(Forbidden):
        _first_visit(configured)
