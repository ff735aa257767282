"""/admin/photos: the agents' queue of photos d'identité waiting for a check, oldest first.

"Valider", or "Refuser" with a reason chosen among core's REJECTION_REASONS or typed; the family
sees the reason on /photo. Every action checks the agent's session again on the server.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import NotSignedIn, Refusal
from cjeune_app.core.photos.api import REJECTION_REASONS
from cjeune_app.core.use_cases import photos
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage

OTHER_REASON = "autre"


@dataclasses.dataclass
class PhotoRow:
    id: str = ""
    name: str = ""
    school: str = ""
    birth_date: str = ""
    sent_on: str = ""
    url: str = ""


class PhotoQueueState(PrivatePage, rx.State):
    allowed_roles = (Role.AGENT,)
    sign_in_route = routes.BACK_OFFICE_SIGN_IN
    refused_route = routes.BACK_OFFICE_REFUSED

    rows: list[PhotoRow] = []
    notice: str = ""
    problem: str = ""

    async def _opened(self, actor: Actor) -> Any:
        try:
            queue = await asyncio.to_thread(photos.review_queue, actor)
        except Refusal:
            return rx.redirect(self.sign_in_route)
        self.rows = [PhotoRow(str(r.photo_id), r.name, r.school, r.birth_date, r.sent_on, r.url) for r in queue]
        return None

    async def _decide(self, function: Any, *args: Any) -> Any:
        actor = await self._actor()
        try:
            self.notice, self.problem = await asyncio.to_thread(function, actor, *args), ""
        except NotSignedIn:
            return rx.redirect(self.sign_in_route)
        except Refusal as refused:
            self.notice, self.problem = "", refused.message
        return PhotoQueueState.open_page

    @rx.event
    async def validate(self, photo_id: str) -> Any:
        return await self._decide(photos.validate_photo, int(photo_id))

    @rx.event
    async def reject(self, form: dict[str, Any]) -> Any:
        chosen = form.get("reason", "")
        reason = form.get("other_reason", "") if chosen == OTHER_REASON else chosen
        return await self._decide(photos.reject_photo, int(form["photo_id"]), reason)


def _row(row: rx.Var) -> rx.Component:
    suffix = row.id
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.image(src=row.url, alt="Photo d'identité de " + row.name, width="118px",
                         height="152px", border="1px solid var(--gray-7)", border_radius="4px"),
                rx.vstack(
                    rx.heading(row.name, as_="h2", size="4"),
                    rx.text("Né(e) le ", row.birth_date, size="2"),
                    rx.text(row.school, size="2"),
                    rx.text("Envoyée le ", row.sent_on, size="2"),
                    spacing="1",
                ),
                spacing="3", align="start", wrap="wrap",
            ),
            rx.button("Valider", on_click=PhotoQueueState.validate(row.id), size="3", width="100%",
                      aria_label="Valider la photo de " + row.name),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="photo_id", value=row.id),
                    rx.el.label("Motif du refus", html_for="motif-" + suffix, font_weight="bold"),
                    rx.el.select(
                        rx.el.option("Choisissez un motif…", value=""),
                        *[rx.el.option(reason, value=reason) for reason in REJECTION_REASONS],
                        rx.el.option("Autre motif (à écrire ci-dessous)", value=OTHER_REASON),
                        name="reason", id="motif-" + suffix, class_name="champ-liste",
                    ),
                    rx.el.label("Autre motif", html_for="autre-motif-" + suffix, font_weight="bold"),
                    rx.text_area(name="other_reason", id="autre-motif-" + suffix, width="100%",
                                 placeholder="Par exemple : « Les yeux sont fermés. »"),
                    rx.button("Refuser", type="submit", variant="outline", color_scheme="red", size="3",
                              width="100%", aria_label="Refuser la photo de " + row.name),
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
