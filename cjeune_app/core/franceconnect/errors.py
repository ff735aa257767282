"""Refusals of FranceConnect sign-in. Each says what happened in words a guardian understands and
that they can start again (the button is on the page the message is shown on)."""

from __future__ import annotations

from cjeune_app.core.errors import Forbidden, InvalidInput, NotFound, Refusal

START_AGAIN = "Cliquez à nouveau sur « S'identifier avec FranceConnect »."


class FranceConnectUnavailable(NotFound):
    code = "franceconnect_unavailable"
    message = "La connexion avec FranceConnect n'est pas proposée pour le moment : connectez-vous avec votre " \
              "adresse e-mail et votre mot de passe."


class ProviderUnreachable(Refusal):
    code = "franceconnect_unreachable"
    message = f"FranceConnect ne répond pas pour le moment. Réessayez dans quelques minutes. {START_AGAIN}"


class LoginExpired(InvalidInput):
    """Unknown, reused or expired `state`, or a browser other than the one that started."""

    code = "franceconnect_login_expired"
    message = f"Cette connexion FranceConnect a expiré ou a déjà été utilisée. {START_AGAIN}"


class ProviderRefused(Forbidden):
    """The provider answered with an error (cancelled, denied, or a fault of its own)."""

    code = "franceconnect_refused"
    message = f"FranceConnect n'a pas confirmé votre identité (connexion annulée ou refusée). {START_AGAIN}"


class AnswerNotTrusted(InvalidInput):
    """The ID token failed a check: signature, issuer, audience, expiry or nonce."""

    code = "franceconnect_answer_not_trusted"
    message = f"La réponse de FranceConnect n'a pas pu être vérifiée : vous n'êtes pas connecté(e). {START_AGAIN}"


class ArrivalExpired(InvalidInput):
    """The first-visit verification came too late, or twice."""

    code = "franceconnect_arrival_expired"
    message = f"Votre identification FranceConnect a expiré avant la fin de la vérification. {START_AGAIN}"


class IdentityOfAnotherAccount(InvalidInput):
    code = "franceconnect_identity_taken"
    message = "Cette identité FranceConnect est déjà liée à un autre compte Parent. Connectez-vous avec ce compte."


REFUSALS: tuple[type[Refusal], ...] = (
    FranceConnectUnavailable, ProviderUnreachable, LoginExpired, ProviderRefused, AnswerNotTrusted,
    ArrivalExpired, IdentityOfAnotherAccount,
)


NOT_COMPLETED = f"La connexion avec FranceConnect n'a pas abouti. {START_AGAIN}"


def message_for(code: str) -> str:
    """The French sentence of a refusal's code (a page shows it after a redirect): "" for no code,
    a general sentence for a refusal of another domain (e.g. an account that may not sign in)."""
    if not code:
        return ""
    return next((refusal.message for refusal in REFUSALS if refusal.code == code), NOT_COMPLETED)
