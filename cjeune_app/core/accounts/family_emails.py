"""The e-mails a family receives about its child's card: the photo validated or refused (with the
reason and the link to send another), the card credited for the season. These are service
messages: sent whatever the opt-ins, which only concern news and bons plans.

They go to the addresses of the accounts that follow the youth: the linked Parent accounts and
the youth's own account when it has an e-mail address.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app import routes
from cjeune_app.core.accounts.models import Account, ParentLink
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import format_cents
from cjeune_app.core.notifications import public_url, queue_notice


def family_addresses(session: Session, pupil_id: int) -> list[str]:
    """The linked parents' addresses, then the youth's own (one statement; each part on its index)."""
    parents = (select(col(Account.email), sa.literal(0).label("rank"), col(Account.id))
               .join(ParentLink, col(ParentLink.parent_account_id) == col(Account.id))
               .where(col(ParentLink.pupil_id) == pupil_id, col(Account.is_active).is_(True)))
    own = (select(col(Account.email), sa.literal(1).label("rank"), col(Account.id))
           .where(col(Account.pupil_id) == pupil_id, col(Account.is_active).is_(True)))
    found = session.execute(sa.union_all(parents, own).order_by("rank", "id")).scalars().all()
    return list(dict.fromkeys(address for address in found if address))


def _photo_page_link(pupil_id: int) -> str:
    return public_url(routes.PHOTO + f"?enfant={pupil_id}")


def send_photo_refused(session: Session, pupil_id: int, reason: str) -> None:
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        return
    for address in family_addresses(session, pupil_id):
        queue_notice(
            session, address, f"La photo d'identité de {pupil.first_name} a été refusée",
            [f"La photo d'identité envoyée pour la carte CJeune de Provence de {pupil.first_name} n'a pas pu "
             "être acceptée.",
             f"Motif du refus : {reason}",
             "Envoyez une nouvelle photo depuis le site : la carte ne peut pas être créditée sans photo valide."],
            _photo_page_link(pupil_id), "Changer la photo",
        )


def send_photo_validated(session: Session, pupil_id: int) -> None:
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        return
    for address in family_addresses(session, pupil_id):
        queue_notice(
            session, address, f"La photo d'identité de {pupil.first_name} est validée",
            [f"La photo d'identité de {pupil.first_name} a été vérifiée et validée par le Département.",
             "Elle apparaît désormais sur « Ma carte », dans le tableau de bord."],
            public_url(routes.DASHBOARD + "/"), "Ouvrir le tableau de bord",
        )


def send_card_credited(session: Session, pupil_id: int, first_name: str, credited_cents: int,
                       season_code: str) -> None:
    for address in family_addresses(session, pupil_id):
        queue_notice(
            session, address, f"La carte de {first_name} est créditée de {format_cents(credited_cents)}",
            [f"La carte CJeune de Provence de {first_name} est associée et créditée de "
             f"{format_cents(credited_cents)} pour la saison {season_code}.",
             "Elle s'utilise dès maintenant chez les structures partenaires ; les soldes et l'historique sont "
             "dans le tableau de bord."],
            public_url(routes.DASHBOARD + "/"), "Voir les soldes",
        )
