"""/espace-partenaire/cles-api: create an API key (its secret shown once), revoke one."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.dates import format_hour
from cjeune_app.core.db import session_scope
from cjeune_app.core.errors import DomainError
from cjeune_app.core.formats import format_date
from cjeune_app.core.partners.api_keys import api_keys_of, create_api_key, revoke_api_key
from cjeune_app.ui.components.forms import alert_box, form_field
from cjeune_app.ui.pages.partner_space import PARTNER_SIGN_IN, PartnerSpaceState, partner_page


def _keys(partner_id: int) -> list[dict[str, str]]:
    with session_scope(read_only=True) as session:
        keys = api_keys_of(session, partner_id)
    return [
        {
            "id": str(k.id), "label": k.label, "prefix": f"{k.prefix}…",
            "created": format_date(k.created_at),
            "used": f"utilisée le {format_date(k.last_used_at)} à {format_hour(k.last_used_at)}" if k.last_used_at
            else "jamais utilisée",
            "state": "Active" if k.active else f"Révoquée le {format_date(k.revoked_at)}",
            "active": "oui" if k.active else "",
        }
        for k in keys
    ]


def _create(partner_id: int, label: str) -> str:
    with session_scope() as session:
        return create_api_key(session, partner_id, label)[1]


def _revoke(partner_id: int, key_id: int) -> str:
    with session_scope() as session:
        key = revoke_api_key(session, partner_id, key_id)
    return f"La clé « {key.label} » est révoquée : elle ne fonctionne plus."


class ApiKeysState(PartnerSpaceState):
    keys: list[dict[str, str]] = []
    secret: str = ""  # shown once, right after its creation, then forgotten
    notice: str = ""
    error: str = ""

    @rx.event
    async def load(self):
        partner_id = await self._enter()
        if partner_id is None:
            return rx.redirect(PARTNER_SIGN_IN)
        self.secret = self.notice = self.error = ""
        self.keys = await asyncio.to_thread(_keys, partner_id)

    @rx.event
    async def create(self, form: dict):
        partner_id = await self._partner_id()
        if partner_id is None:
            return rx.redirect(PARTNER_SIGN_IN)
        try:
            self.secret = await asyncio.to_thread(_create, partner_id, form.get("label", ""))
            self.notice, self.error = "", ""
        except DomainError as refusal:
            self.secret, self.error = "", refusal.message
        self.keys = await asyncio.to_thread(_keys, partner_id)

    @rx.event
    def hide_secret(self):
        self.secret = ""

    @rx.event
    async def revoke(self, key_id: str):
        partner_id = await self._partner_id()
        if partner_id is None:
            return rx.redirect(PARTNER_SIGN_IN)
        try:
            self.notice, self.error = await asyncio.to_thread(_revoke, partner_id, int(key_id)), ""
        except DomainError as refusal:
            self.error = refusal.message
        self.secret = ""
        self.keys = await asyncio.to_thread(_keys, partner_id)


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


def _key(key: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(key["label"], as_="h2", size="4"),
            rx.text(rx.code(key["prefix"]), " — créée le ", key["created"], ", ", key["used"], size="2"),
            rx.text(key["state"], size="2", weight="bold"),
            rx.cond(key["active"] == "oui",
                    rx.button("Révoquer", variant="outline", color_scheme="red", size="2",
                              on_click=ApiKeysState.revoke(key["id"]),
                              aria_label="Révoquer la clé " + key["label"].to(str))),
            spacing="2", width="100%",
        ),
        width="100%", class_name="cle-api",
    )


def partner_api_keys_page() -> rx.Component:
    return partner_page(
        "Clés d'API",
        rx.text("Une clé permet à votre caisse ou à votre logiciel d'encaisser la carte par l'API "
                "(documentation : /api/v1/docs). Seule une empreinte de la clé est conservée.", size="2"),
        rx.cond(ApiKeysState.notice != "", rx.text(ApiKeysState.notice, role="status", id="avis", weight="bold")),
        rx.cond(ApiKeysState.error != "", alert_box(ApiKeysState.error)),
        rx.cond(ApiKeysState.secret != "", _secret()),
        rx.form(
            rx.vstack(
                form_field("Nom de la clé (par exemple « Caisse de l'accueil »)", "label", "text", "off",
                           required=False),
                rx.button("Créer une clé", type="submit", size="3", width="100%"),
                spacing="3", width="100%",
            ),
            on_submit=ApiKeysState.create, reset_on_submit=True, width="100%",
        ),
        rx.vstack(rx.foreach(ApiKeysState.keys, _key), spacing="3", width="100%"),
    )
