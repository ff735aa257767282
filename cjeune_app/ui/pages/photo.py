"""/photo: the family sees the current photo d'identité (through the authenticated route), its
state and, when an agent refused it, the reason; and sends a new one with the photo editor.
A parent of several children picks one (`?enfant=<id>`)."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.errors import NotSignedIn, Refusal
from cjeune_app.core.use_cases import photos
from cjeune_app.core.use_cases.photos import PhotoSummary
from cjeune_app.ui import browser
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.components.photo_editor import photo_editor
from cjeune_app.ui.state import PrivatePage, SessionState

NEW_PHOTO_SENT = "La nouvelle photo est enregistrée : un agent du Département va la vérifier."


@dataclasses.dataclass
class ChildLink:
    pupil_id: str = ""
    name: str = ""


class PhotoPageState(PrivatePage, rx.State):
    ready: bool = False
    refused: str = ""
    children_choice: list[ChildLink] = []
    child_name: str = ""
    photo_missing: bool = True
    photo_pending: bool = False
    photo_rejected: bool = False
    photo_label: str = ""
    photo_reason: str = ""
    photo_url: str = ""
    upload_url: str = ""
    notice: str = ""
    _pupil_id: int = 0

    def _show(self, photo: PhotoSummary) -> None:
        self.photo_missing, self.photo_pending, self.photo_rejected = (
            photo.is_missing, photo.is_pending, photo.is_rejected)
        self.photo_label, self.photo_reason, self.photo_url = photo.label, photo.reason, photo.url

    def _refuse(self, refusal: Refusal) -> Any:
        if isinstance(refusal, NotSignedIn):
            return rx.redirect(self.sign_in_route)
        self.refused = refusal.message
        return None

    async def _opened(self, actor: Actor) -> Any:
        self.ready, self.refused, self.children_choice, self.notice = False, "", [], ""
        try:
            page = await asyncio.to_thread(photos.open_photo_page, actor,
                                           self.router.url.query_parameters.get("enfant"))
        except Refusal as refusal:
            self.ready = True
            return self._refuse(refusal)
        if page.children:
            self.children_choice = [ChildLink(str(c.pupil_id), c.name) for c in page.children]
        elif page.photo is not None:
            self._pupil_id, self.child_name, self.upload_url = page.pupil_id, page.child_name, page.upload_url
            self._show(page.photo)
        self.ready = True
        return None

    @rx.event
    async def uploaded(self, _answer: dict[str, Any]) -> Any:
        photo = await self._as_session(photos.photo_of, self._pupil_id)  # the session checked in the read
        if isinstance(photo, Refusal):
            return self._refuse(photo)
        self._show(photo)
        self.notice = NEW_PHOTO_SENT
        return browser.focus("avis-photo")

    @rx.event
    def failed(self, _message: str) -> None:
        self.notice = ""


def current_photo() -> rx.Component:
    refused = PhotoPageState.photo_rejected
    return rx.vstack(
        rx.heading("Photo actuelle", as_="h2", size="5"),
        rx.cond(
            PhotoPageState.photo_url != "",
            rx.image(src=PhotoPageState.photo_url, alt="Photo d'identité actuelle de " + PhotoPageState.child_name,
                     width="140px", height="180px", object_fit="cover", border_radius="4px",
                     border="1px solid var(--gray-7)", id="photo-actuelle"),
        ),
        rx.text(PhotoPageState.photo_label, weight="bold", id="etat-photo",
                color=rx.cond(refused, "var(--red-11)", "var(--gray-12)")),
        rx.cond(
            refused,
            alert_box(rx.text("Motif du refus : ", rx.el.strong(PhotoPageState.photo_reason), id="motif-photo"),
                      rx.text("Envoyez une nouvelle photo ci-dessous.")),
        ),
        rx.cond(PhotoPageState.photo_missing,
                rx.text("La carte ne peut pas être créditée tant que la photo manque.", size="2")),
        rx.cond(PhotoPageState.photo_pending,
                rx.text("Un agent du Département va vérifier la photo. Vous pouvez encore la remplacer.",
                        size="2")),
        spacing="2", width="100%",
    )


def photo_page() -> rx.Component:
    return page_layout(
        rx.link("← Tableau de bord", href=routes.DASHBOARD, size="2"),
        page_title("Photo d'identité"),
        rx.cond(
            PhotoPageState.refused != "",
            alert_box(PhotoPageState.refused),
            rx.cond(
                ~PhotoPageState.ready,
                rx.text("Chargement…", role="status"),
                rx.cond(
                    PhotoPageState.children_choice.length() > 0,
                    rx.vstack(
                        rx.heading("Pour quel enfant ?", as_="h2", size="5"),
                        rx.el.ul(rx.foreach(PhotoPageState.children_choice, lambda c: rx.el.li(
                            rx.link(c.name, href=f"{routes.PHOTO}?enfant=" + c.pupil_id, size="4")))),
                    ),
                    rx.vstack(
                        rx.text("Photo de ", rx.el.strong(PhotoPageState.child_name)),
                        current_photo(),
                        rx.cond(PhotoPageState.notice != "",
                                rx.text(PhotoPageState.notice, role="status", id="avis-photo", tab_index=-1,
                                        weight="bold", color="var(--green-11)")),
                        rx.heading("Envoyer une nouvelle photo", as_="h2", size="5", padding_top="0.5rem"),
                        rx.card(photo_editor(upload_url=PhotoPageState.upload_url, csrf_token=SessionState.csrf_token,
                                             on_uploaded=PhotoPageState.uploaded,
                                             on_failed=PhotoPageState.failed), width="100%"),
                        spacing="4", width="100%",
                    ),
                ),
            ),
        ),
        width="36rem",
    )
