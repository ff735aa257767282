"""/espace-partenaire/cles-api: create an API key (its secret shown once), revoke one."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.dates import format_hour
from cjeune_app.core.errors import Refusal
from cjeune_app.core.formats import format_date
from cjeune_app.core.partners.api_keys import ApiKeyView
from cjeune_app.core.use_cases import api_keys
from cjeune_app.ui.components.forms import alert_box, form_field
from cjeune_app.ui.pages.partner_space import PartnerPage, partner_page


@dataclasses.dataclass
class KeyRow:
    id: str
    label: str
    prefix: str
    created: str
    used: str
    state: str
    active: bool


def _row(k: ApiKeyView) -> KeyRow:
    return KeyRow(
        id=str(k.id), label=k.label, prefix=f"{k.prefix}…", created=format_date(k.created_at),
        used=f"utilisée le {format_date(k.last_used_at)} à {format_hour(k.last_used_at)}" if k.last_used_at
        else "jamais utilisée",
        state="Active" if k.active else f"Révoquée le {format_date(k.revoked_at)}",
        active=k.active,
    )


def _keys(actor: Actor) -> list[KeyRow]:
    return [_row(k) for k in api_keys.list_api_keys(actor)]


class ApiKeysState(PartnerPage, rx.State):
    keys: list[KeyRow] = []
    secret: str = ""  # shown once, right after its creation, then forgotten
    notice: str = ""
    error: str = ""

    async def _opened(self, actor: Actor) -> Any:
        await self._frame(actor)
        self.secret = self.notice = self.error = ""
        self.keys = await asyncio.to_thread(_keys, actor)

    @rx.event
    async def create(self, form: dict[str, Any]):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.PARTNER_SIGN_IN)
        try:
            created = await asyncio.to_thread(api_keys.create_api_key, actor, str(form.get("label", "")))
            self.secret, self.notice, self.error = created.secret, "", ""
        except Refusal as refusal:
            self.secret, self.error = "", refusal.message
        self.keys = await asyncio.to_thread(_keys, actor)

    @rx.event
    def hide_secret(self):
        self.secret = ""

    @rx.event
    async def revoke(self, key_id: str):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.PARTNER_SIGN_IN)
        try:
            key = await asyncio.to_thread(api_keys.revoke_api_key, actor, int(key_id))
            self.notice, self.error = f"La clé « {key.label} » est révoquée : elle ne fonctionne plus.", ""
        except Refusal as refusal:
            self.error = refusal.message
        self.secret = ""
        self.keys = await asyncio.to_thread(_keys, actor)


def _secret() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Votre nouvelle clé d'API", as_="h2", size="5"),
            rx.text("Copiez-la maintenant et gardez-la en lieu sûr : elle ne sera plus jamais affichée. "
                    "Perdue, elle se remplace : créez-en une autre et révoquez celle-ci.", size="2", weight="bold"),
            rx.code(ApiKeysState.secret, id="cle-secrete", word_break="break-all", size="3"),
            rx.text("À envoyer dans chaque requête : Authorization: Bearer <clé>.", size="2"),
            rx.button("J'ai copié la clé", size="3", width="100%", on_click=ApiKeysState.hide_secret),
            spacing="3", width="100%",
        ),
        width="100%", role="status",
    )


def _key(key: rx.Var[KeyRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(key.label, as_="h2", size="4"),
            rx.text(rx.code(key.prefix), " — créée le ", key.created, ", ", key.used, size="2"),
            rx.text(key.state, size="2", weight="bold"),
            rx.cond(key.active,
                    rx.button("Révoquer", variant="outline", color_scheme="red", size="2",
                              on_click=ApiKeysState.revoke(key.id),
                              aria_label="Révoquer la clé " + key.label.to(str))),
            spacing="2", width="100%",
        ),
        width="100%", class_name="cle-api",
    )


def partner_api_keys_page() -> rx.Component:
    return partner_page(
        "Clés d'API",
        rx.text("Une clé permet à votre caisse ou à votre logiciel d'encaisser la carte par l'API "
                "(documentation : " + routes.API_PREFIX + "/docs). Seule une empreinte de la clé est conservée.",
                size="2"),
        rx.cond(ApiKeysState.notice != "", rx.text(ApiKeysState.notice, role="status", id="avis", weight="bold")),
        rx.cond(ApiKeysState.error != "", alert_box(ApiKeysState.error)),
        rx.cond(ApiKeysState.secret != "", _secret()),
        rx.form(
            rx.vstack(
                form_field("Nom de la clé (par exemple « Caisse de l'accueil »)", "label", "text", "off",
                           required=False),
                rx.button("Créer une clé", type="submit", size="3", width="100%"),
                spacing="3", width="100%",
            ),
            on_submit=ApiKeysState.create, reset_on_submit=True, width="100%",
        ),
        rx.vstack(rx.foreach(ApiKeysState.keys, _key), spacing="3", width="100%"),
    )
