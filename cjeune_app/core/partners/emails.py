"""E-mails sent to partner structures."""

from __future__ import annotations

from sqlmodel import Session

from cjeune_app import routes
from cjeune_app.core.notifications import public_url, queue_notice
from cjeune_app.core.partners.models import Partner


def send_partner_validated(session: Session, partner: Partner) -> None:
    queue_notice(
        session, partner.contact_email, "Votre structure est validée — CJeune de Provence",
        [f"Bonne nouvelle : le Département a validé l'inscription de « {partner.name} » au "
         "dispositif CJeune de Provence.",
         "Vous pouvez maintenant vous connecter à votre espace partenaire (choisissez "
         "« Partenaire » dans « Qui suis-je ? ») pour encaisser la carte et publier vos bons plans."],
        public_url(routes.SIGN_IN), "Me connecter",
    )


def send_partner_rejected(session: Session, partner: Partner) -> None:
    queue_notice(
        session, partner.contact_email, "Votre demande d'inscription — CJeune de Provence",
        [f"Le Département n'a pas pu valider l'inscription de « {partner.name} » au dispositif "
         "CJeune de Provence, pour le motif suivant :",
         partner.rejection_reason or "",
         "Pour en savoir plus ou compléter votre dossier, contactez l'assistance."],
    )


def send_partner_suspended(session: Session, partner: Partner, reason: str) -> None:
    queue_notice(
        session, partner.contact_email, "Votre structure est suspendue — CJeune de Provence",
        [f"Le Département a suspendu la participation de « {partner.name} » au dispositif CJeune de "
         "Provence, pour le motif suivant :", reason,
         "Pendant la suspension, votre structure ne peut plus encaisser la carte et n'apparaît plus dans "
         "la recherche des partenaires. Pour en parler, contactez l'assistance."],
    )


def send_partner_reactivated(session: Session, partner: Partner, reason: str) -> None:
    queue_notice(
        session, partner.contact_email, "Votre structure est réactivée — CJeune de Provence",
        [f"Le Département a réactivé « {partner.name} » : vous pouvez de nouveau encaisser la carte et "
         "votre structure apparaît de nouveau dans la recherche.", reason],
        public_url(routes.SIGN_IN), "Me connecter",
    )
