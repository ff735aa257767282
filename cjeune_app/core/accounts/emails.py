"""The e-mails the accounts domain sends. Plain text first; the HTML part says the same."""

from __future__ import annotations

from sqlmodel import Session

from cjeune_app import routes
from cjeune_app.core.notifications import public_url, queue_notice

# The pages the e-mailed links open (their paths are the routes module's).
ACTIVATION_PATH = routes.ACTIVATION
VERIFY_EMAIL_PATH = routes.EMAIL_VERIFICATION
RESET_PASSWORD_PATH = routes.NEW_PASSWORD
SIGN_IN_PATH = routes.SIGN_IN
FORGOTTEN_PASSWORD_PATH = routes.FORGOTTEN_PASSWORD


def token_link(path: str, token: str) -> str:
    return public_url(f"{path}?jeton={token}")


def send_parent_activation(session: Session, to: str, token: str, child_first_name: str) -> None:
    queue_notice(
        session, to, "Activez votre compte Parent CJeune de Provence",
        [f"Vous avez complété l'inscription de {child_first_name} à la carte CJeune de Provence.",
         "Pour suivre son compte, activez votre compte Parent en choisissant votre mot de passe. "
         "Ce lien est valable 7 jours.",
         "Vous vous connecterez ensuite en choisissant « Parent » dans « Qui suis-je ? », "
         "avec cette adresse e-mail."],
        token_link(ACTIVATION_PATH, token), "Choisir mon mot de passe",
    )


def send_child_linked(session: Session, to: str, child_first_name: str) -> None:
    queue_notice(
        session, to, "Un enfant a été ajouté à votre compte Parent",
        [f"{child_first_name} est maintenant rattaché(e) à votre compte Parent CJeune de Provence.",
         "Si vous n'êtes pas à l'origine de cette inscription, contactez l'assistance."],
        public_url(SIGN_IN_PATH), "Me connecter",
    )


def send_email_verification(session: Session, to: str, token: str) -> None:
    queue_notice(
        session, to, "Confirmez votre adresse e-mail — CJeune de Provence",
        ["Pour terminer la création de votre compte CJeune de Provence, confirmez votre adresse "
         "e-mail. Ce lien est valable 48 heures.",
         "Si vous n'avez pas demandé la création de ce compte, ignorez ce message."],
        token_link(VERIFY_EMAIL_PATH, token), "Confirmer mon adresse e-mail",
    )


def send_account_already_exists(session: Session, to: str) -> None:
    queue_notice(
        session, to, "Votre compte CJeune de Provence existe déjà",
        ["Quelqu'un, peut-être vous, a voulu créer un compte CJeune de Provence avec cette "
         "adresse e-mail. Un compte utilise déjà cette adresse : aucun nouveau compte n'a été créé.",
         "Si c'était vous, connectez-vous avec votre mot de passe ou demandez un nouveau mot de "
         "passe. Sinon, ignorez ce message."],
        public_url(FORGOTTEN_PASSWORD_PATH), "J'ai oublié mon mot de passe",
    )


def send_password_reset(session: Session, to: str, token: str) -> None:
    queue_notice(
        session, to, "Nouveau mot de passe — CJeune de Provence",
        ["Vous avez demandé à changer le mot de passe de votre compte CJeune de Provence. "
         "Ce lien est valable 1 heure et ne sert qu'une fois.",
         "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe reste le même."],
        token_link(RESET_PASSWORD_PATH, token), "Choisir un nouveau mot de passe",
    )


def send_password_changed(session: Session, to: str) -> None:
    queue_notice(
        session, to, "Votre mot de passe a été modifié — CJeune de Provence",
        ["Le mot de passe de votre compte CJeune de Provence vient d'être modifié et vos autres "
         "connexions ont été fermées.",
         "Si vous n'êtes pas à l'origine de ce changement, demandez tout de suite un nouveau mot "
         "de passe et contactez l'assistance."],
        public_url(FORGOTTEN_PASSWORD_PATH), "Demander un nouveau mot de passe",
    )


def send_email_change_confirmation(session: Session, to: str, token: str) -> None:
    queue_notice(
        session, to, "Confirmez votre nouvelle adresse e-mail — CJeune de Provence",
        ["Vous avez demandé que cette adresse devienne celle de votre compte CJeune de Provence.",
         "Elle ne remplacera l'ancienne qu'une fois ce lien ouvert. Il est valable 48 heures.",
         "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."],
        token_link(routes.EMAIL_CHANGE_CONFIRMATION, token), "Confirmer ma nouvelle adresse",
    )


def send_email_changed(session: Session, to: str, new_address: str) -> None:
    queue_notice(
        session, to, "L'adresse e-mail de votre compte a changé — CJeune de Provence",
        [f"L'adresse e-mail de votre compte CJeune de Provence est désormais {new_address}.",
         "Si vous n'êtes pas à l'origine de ce changement, contactez l'assistance sans attendre."],
    )
