"""/photo: the family sees the current photo d'identité (through the authenticated route), its
state and, when an agent refused it, the reason; and sends a new one with the photo editor.
A parent of several children picks one (`?enfant=<id>`)."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app import routes
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.components.photo_editor import photo_editor
from cjeune_app.ui.pages import enrollment_flow as flow
from cjeune_app.ui.state import SessionState

ROUTE = "/photo"


class PhotoPageState(rx.State):
    ready: bool = False
    refused: str = ""
    children_choice: list[dict[str, str]] = []
    child_name: str = ""
    photo_state: str = "missing"
    photo_label: str = ""
    photo_reason: str = ""
    photo_url: str = ""
    upload_url: str = ""
    notice: str = ""
    _pupil_id: int = 0

    async def _token(self) -> str:
        return (await self.get_state(SessionState))._token()

    def _show(self, photo: dict) -> None:
        self.photo_state, self.photo_label = photo["state"], photo["label"]
        self.photo_reason, self.photo_url = photo["reason"], photo["url"]

    @rx.event
    async def load(self):
        self.ready, self.refused, self.children_choice, self.notice = False, "", [], ""
        token = await self._token()
        if not token:
            return None
        answer = await asyncio.to_thread(flow.open_photo, token, self.router.url.query_parameters.get("enfant"))
        if answer.get("sign_in"):
            return rx.redirect(routes.SIGN_IN)
        if "refused" in answer:
            self.refused = answer["refused"]
        elif "choose" in answer:
            self.children_choice = answer["choose"]
        else:
            self._pupil_id, self.child_name = answer["pupil_id"], answer["child_name"]
            self.upload_url = f"/api/v1/pupils/{self._pupil_id}/photo"
            self._show(answer["photo"])
        self.ready = True
        return None

    @rx.event
    async def uploaded(self, _answer: dict):
        photo = await asyncio.to_thread(flow.current_photo, await self._token(), self._pupil_id)
        if photo.get("sign_in"):
            return rx.redirect(routes.SIGN_IN)
        if "refused" in photo:
            self.refused = photo["refused"]
            return None
        self._show(photo)
        self.notice = "La nouvelle photo est enregistrée : un agent du Département va la vérifier."
        return rx.call_script("setTimeout(() => { const el = document.getElementById('avis-photo');"
                              " if (el) { el.focus(); el.scrollIntoView({block: 'center'}); } }, 80)")

    @rx.event
    def failed(self, _message: str):
        self.notice = ""


def current_photo() -> rx.Component:
    refused = PhotoPageState.photo_state == "rejected"
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
        rx.cond(PhotoPageState.photo_state == "missing",
                rx.text("La carte ne peut pas être créditée tant que la photo manque.", size="2")),
        rx.cond(PhotoPageState.photo_state == "pending",
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
                            rx.link(c["name"], href=f"{ROUTE}?enfant=" + c["id"].to(str), size="4")))),
                    ),
                    rx.vstack(
                        rx.text("Photo de ", rx.el.strong(PhotoPageState.child_name)),
                        current_photo(),
                        rx.cond(PhotoPageState.notice != "",
                                rx.text(PhotoPageState.notice, role="status", id="avis-photo", tab_index=-1,
                                        weight="bold", color="var(--green-11)")),
                        rx.heading("Envoyer une nouvelle photo", as_="h2", size="5", padding_top="0.5rem"),
                        rx.card(photo_editor(upload_url=PhotoPageState.upload_url,
                                             on_uploaded=PhotoPageState.uploaded,
                                             on_failed=PhotoPageState.failed), width="100%"),
                        spacing="4", width="100%",
                    ),
                ),
            ),
        ),
        width="36rem",
    )
