"""/admin/photos: the agents' queue of photos d'identité waiting for a check, oldest first.

"Valider", or "Refuser" with a reason chosen among core's REJECTION_REASONS or typed; the family
sees the reason on /photo. Every action checks the agent's session again on the server.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.accounts.permissions import require_role
from cjeune_app.core.dates import format_date
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.partners.sign_in import account_for_token
from cjeune_app.core.photos.api import (
    REJECTION_REASONS,
    PhotoReviewError,
    reject_photo,
    review_queue,
    validate_photo,
)
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import SessionState

OTHER_REASON = "autre"
QUEUE_SIZE = 30


def _queue(token: str) -> list[dict] | None:
    with session_scope() as session:
        agent = account_for_token(session, token)
        if agent is None or agent.role != Role.AGENT:
            return None
        rows = []
        for photo in review_queue(session, limit=QUEUE_SIZE):
            pupil = session.get(Pupil, photo.pupil_id)
            school = session.get(Establishment, pupil.establishment_id)
            rows.append({
                "id": str(photo.id),
                "name": f"{pupil.first_name} {pupil.last_name}",
                "school": f"{school.name if school else ''} — {pupil.class_name}",
                "birth_date": format_date(pupil.birth_date),
                "sent_on": format_date(photo.created_at),
                "url": f"/api/v1/photos/{photo.id}",
            })
        return rows


def _decide(token: str, photo_id: int, reason: str | None) -> tuple[bool, str]:
    try:
        with session_scope() as session:
            agent = require_role(account_for_token(session, token), Role.AGENT)
            if reason is None:
                validate_photo(session, photo_id, agent.id)
                return True, "Photo validée."
            reject_photo(session, photo_id, agent.id, reason)
            return True, "Photo refusée : la famille voit le motif et peut en envoyer une nouvelle."
    except PhotoReviewError as refused:
        return False, refused.message
    except Refusal as error:
        return False, error.message


class PhotoQueueState(rx.State):
    rows: list[dict[str, str]] = []
    notice: str = ""
    problem: str = ""

    async def _token(self) -> str:
        return (await self.get_state(SessionState))._token()

    @rx.event
    async def load(self):
        rows = await asyncio.to_thread(_queue, await self._token())
        if rows is None:
            return rx.redirect("/connexion/gestion")
        self.rows = rows
        return None

    @rx.event
    async def validate(self, photo_id: str):
        ok, message = await asyncio.to_thread(_decide, await self._token(), int(photo_id), None)
        self.notice, self.problem = (message, "") if ok else ("", message)
        return PhotoQueueState.load

    @rx.event
    async def reject(self, form: dict):
        chosen = form.get("reason", "")
        reason = form.get("other_reason", "") if chosen == OTHER_REASON else chosen
        ok, message = await asyncio.to_thread(_decide, await self._token(), int(form["photo_id"]), reason)
        self.notice, self.problem = (message, "") if ok else ("", message)
        return PhotoQueueState.load


def _row(row: rx.Var) -> rx.Component:
    suffix = row["id"].to(str)
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.image(src=row["url"], alt="Photo d'identité de " + row["name"].to(str), width="118px",
                         height="152px", border="1px solid var(--gray-7)", border_radius="4px"),
                rx.vstack(
                    rx.heading(row["name"], as_="h2", size="4"),
                    rx.text("Né(e) le ", row["birth_date"], size="2"),
                    rx.text(row["school"], size="2"),
                    rx.text("Envoyée le ", row["sent_on"], size="2"),
                    spacing="1",
                ),
                spacing="3", align="start", wrap="wrap",
            ),
            rx.button("Valider", on_click=PhotoQueueState.validate(row["id"]), size="3", width="100%",
                      aria_label="Valider la photo de " + row["name"].to(str)),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="photo_id", value=row["id"]),
                    rx.el.label("Motif du refus", html_for="motif-" + suffix, font_weight="bold"),
                    rx.el.select(
                        rx.el.option("Choisissez un motif…", value=""),
                        *[rx.el.option(reason, value=reason) for reason in REJECTION_REASONS],
                        rx.el.option("Autre motif (à écrire ci-dessous)", value=OTHER_REASON),
                        name="reason", id="motif-" + suffix, class_name="champ-liste",
                    ),
                    rx.el.label("Autre motif", html_for="autre-motif-" + suffix, font_weight="bold"),
                    rx.text_area(name="other_reason", id="autre-motif-" + suffix, width="100%",
                                 placeholder="Par exemple : « Les yeux sont fermés. »"),
                    rx.button("Refuser", type="submit", variant="outline", color_scheme="red", size="3",
                              width="100%", aria_label="Refuser la photo de " + row["name"].to(str)),
                    spacing="2", width="100%",
                ),
                on_submit=PhotoQueueState.reject,
                reset_on_submit=True,
                width="100%",
            ),
            spacing="3", width="100%",
        ),
        width="100%",
        class_name="photo-a-verifier",
    )


def photo_queue_page() -> rx.Component:
    return page_layout(
        page_title("Photos à vérifier", "Les plus anciennes d'abord. Refusez avec un motif que la famille "
                   "comprendra : elle le verra en se connectant."),
        rx.cond(PhotoQueueState.notice != "",
                rx.text(PhotoQueueState.notice, role="status", id="avis", weight="bold")),
        rx.cond(PhotoQueueState.problem != "", alert_box(PhotoQueueState.problem)),
        rx.cond(
            PhotoQueueState.rows.length() > 0,
            rx.vstack(rx.foreach(PhotoQueueState.rows, _row), spacing="3", width="100%"),
            rx.text("Aucune photo n'attend de vérification.", size="2"),
        ),
        width="40rem",
    )
