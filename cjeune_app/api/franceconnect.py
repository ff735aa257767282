"""FranceConnect's two HTTP routes (Parent door), thin: each calls one use case.

    GET /franceconnect/connexion   → 303 to the provider's authorization endpoint
    GET /franceconnect/retour      → the provider's answer: 303 to the dashboard (signed in), to the
                                     first-visit page, or back to the Parent door with the reason
    POST /franceconnect/premiere-visite → the first visit's end (posted by its page with the proof of
                                     the guardians' verification): the identity is linked, the
                                     session cookie set, 303 to the dashboard

The login under way is bound to this browser by an HttpOnly cookie sent only to the return route;
a first visit's ticket travels the same way to the first-visit page. Any refusal lands on the
Parent door with its French message and the button to start again: never an error page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from cjeune_app import routes
from cjeune_app.api.csrf import FOREIGN_PAGE, from_own_origin
from cjeune_app.api.session_cookie import set_session_cookie
from cjeune_app.core.accounts.web import secure_cookies
from cjeune_app.core.errors import Refusal
from cjeune_app.core.franceconnect.web import ARRIVAL_COOKIE, LOGIN_COOKIE
from cjeune_app.core.use_cases import franceconnect

router = APIRouter(include_in_schema=False)

LOGIN_COOKIE_SECONDS = int(franceconnect.LOGIN_LIFETIME.total_seconds())
ARRIVAL_COOKIE_SECONDS = int(franceconnect.ARRIVAL_LIFETIME.total_seconds())


def _go(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


@router.get(routes.FRANCECONNECT_START)
def start() -> RedirectResponse:
    try:
        started = franceconnect.start_login()
    except Refusal as refusal:
        return _go(routes.franceconnect_refused(refusal.code))
    response = _go(started.url)
    # Lax: the cookie must come back on the provider's redirect (a top-level GET from its site).
    response.set_cookie(LOGIN_COOKIE, started.browser_key, max_age=LOGIN_COOKIE_SECONDS,
                        path=routes.FRANCECONNECT_CALLBACK, httponly=True, samesite="lax", secure=secure_cookies())
    return response


@router.get(routes.FRANCECONNECT_CALLBACK)
def callback(request: Request, state: str = "", code: str = "", error: str = "") -> RedirectResponse:
    try:
        finished = franceconnect.finish_login(state, code, error, request.cookies.get(LOGIN_COOKIE))
    except Refusal as refusal:
        response = _go(routes.franceconnect_refused(refusal.code))
    else:
        if finished.session_token:
            response = _go(routes.DASHBOARD)
            set_session_cookie(response, finished.session_token, remember=False)
        else:
            response = _go(routes.FRANCECONNECT_FIRST_VISIT)
            response.set_cookie(ARRIVAL_COOKIE, finished.arrival_ticket or "", max_age=ARRIVAL_COOKIE_SECONDS,
                                path="/", httponly=True, samesite="lax", secure=secure_cookies())
    response.delete_cookie(LOGIN_COOKIE, path=routes.FRANCECONNECT_CALLBACK, httponly=True, samesite="lax",
                           secure=secure_cookies())
    return response


@router.post(routes.FRANCECONNECT_FIRST_VISIT_END)
def end_first_visit(request: Request, proof: Annotated[str, Form(alias=routes.FRANCECONNECT_PROOF_FIELD)] = ""):
    # Only the site's own first-visit page may post it (nobody is signed in into another's account).
    if not from_own_origin(request.headers):
        raise FOREIGN_PAGE
    try:
        token = franceconnect.link_first_visit(request.cookies.get(ARRIVAL_COOKIE), proof)
    except Refusal as refusal:
        response = _go(routes.franceconnect_refused(refusal.code))
    else:
        response = _go(routes.DASHBOARD)
        set_session_cookie(response, token, remember=False)
    response.delete_cookie(ARRIVAL_COOKIE, path="/", httponly=True, samesite="lax", secure=secure_cookies())
    return response
