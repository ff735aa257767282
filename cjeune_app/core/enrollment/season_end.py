"""The season's end coming with money left: "Il reste 60,00 € à utiliser avant le 31/08/2027",
e-mailed once 30 days and once 7 days before the end, by a daily command. Not a service message:
only to the families whose latest enrollment has the e-mail opt-in, with a one-click unsubscribe
link and headers (`unsubscribe`). Each sending is recorded under a unique key, so running the command twice a day,
or again after a crash, sends nothing twice."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cjeune_app import routes
from cjeune_app.core.accounts.family_emails import family_addresses
from cjeune_app.core.dates import format_date
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.contact import latest_enrollments
from cjeune_app.core.enrollment.models import SeasonEndReminder
from cjeune_app.core.enrollment.unsubscribe import unsubscribe_links
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import format_cents
from cjeune_app.core.notifications import public_url, queue_notice
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import api as wallet_api
from cjeune_app.core.wallet.models import Wallet

THRESHOLDS = (30, 7)  # days before the season's last day


def due_threshold(season: Season, today: dt.date) -> int | None:
    """The reminder due today: 30 from 30 days before, 7 from 7 days before; None otherwise."""
    days_left = (season.ends_on - today).days
    if days_left < 0:
        return None
    due = [threshold for threshold in THRESHOLDS if days_left <= threshold]
    return min(due) if due else None


def send_reminders(session: Session, season: Season, today: dt.date, *, now: dt.datetime | None = None) -> int:
    """Queues the reminders due today; returns how many youths' families were written to."""
    threshold = due_threshold(season, today)
    if threshold is None or season.id is None:
        return 0
    now = now or utcnow()
    sent = 0
    pupil_ids = session.exec(select(Wallet.pupil_id).where(Wallet.season_id == season.id).distinct()).all()
    for pupil_id in pupil_ids:
        left = sum(wallet_api.balances(session, pupil_id, season.id).values())
        enrollments = latest_enrollments(session, [pupil_id])
        if left <= 0 or not enrollments or not enrollments[0].optin_email:
            continue
        try:
            with session.begin_nested():  # the unique key: another run already sent this one
                session.add(SeasonEndReminder(pupil_id=pupil_id, season_id=season.id, days_before=threshold,
                                              sent_at=now))
                session.flush()
        except sa.exc.IntegrityError:
            continue
        pupil = session.get(Pupil, pupil_id)
        name = pupil.first_name if pupil else "votre enfant"
        for address in family_addresses(session, pupil_id):
            queue_notice(
                session, address, f"Il reste {format_cents(left)} à utiliser avant le {format_date(season.ends_on)}",
                [f"Il reste {format_cents(left)} à utiliser avant le {format_date(season.ends_on)} sur la carte "
                 f"CJeune de Provence de {name} : après cette date, les crédits de la saison {season.code} "
                 "sont perdus.",
                 "Les partenaires sont sur le site, rubrique « Trouver un partenaire »."],
                public_url(routes.PARTNERS_SEARCH + "/"), "Trouver un partenaire",
                unsubscribe=unsubscribe_links(pupil_id, address),
            )
        sent += 1
    return sent


def reminders_already_sent(session: Session, season_id: int) -> int:
    return len(session.exec(select(col(SeasonEndReminder.id)).where(SeasonEndReminder.season_id == season_id)).all())
