"""/espace-partenaire/coordonnees-bancaires: where the Département sends the reimbursements.
A change asks for the partner's password again; the IBAN is shown masked once saved."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from cjeune_app.core.actor import Actor
from cjeune_app.core.dates import format_date
from cjeune_app.core.errors import Refusal
from cjeune_app.core.reimbursements.bank import BankDetails
from cjeune_app.core.reimbursements.errors import BankDetailsInvalid
from cjeune_app.core.use_cases import reimbursements
from cjeune_app.ui.components.forms import alert_box, form_field, submit_button
from cjeune_app.ui.pages.partner_space import PartnerPage, partner_page


def _current(details: BankDetails | None) -> dict[str, str]:
    if details is None:
        return {}
    return {"holder": details.holder_name, "iban": details.iban_masked, "bic": details.bic,
            "since": format_date(details.updated_at) if details.updated_at else ""}


class BankDetailsState(PartnerPage, rx.State):
    current: dict[str, str] = {}
    errors: dict[str, str] = {}
    notice: str = ""
    error: str = ""

    async def _opened(self, actor: Actor) -> Any:
        await self._frame(actor)
        self.errors, self.notice, self.error = {}, "", ""
        self.current = _current(await asyncio.to_thread(reimbursements.bank_details, actor))

    @rx.event
    async def save(self, form: dict[str, Any]):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(self.sign_in_route)
        try:
            saved = await asyncio.to_thread(
                reimbursements.change_bank_details, actor, str(form.get("holder_name", "")),
                str(form.get("iban", "")), str(form.get("bic", "")), str(form.get("password", "")))
        except BankDetailsInvalid as refusal:
            self.errors, self.notice, self.error = refusal.fields, "", ""
            return None
        except Refusal as refusal:
            self.errors, self.notice, self.error = {}, "", refusal.message
            return None
        self.current, self.errors, self.error = _current(saved), {}, ""
        self.notice = "Coordonnées bancaires enregistrées : les prochains remboursements seront versés sur ce compte."
        return None


def _field(label: str, name: str, kind: str, autocomplete: str, **props: Any) -> rx.Component:
    return form_field(label, name, kind, autocomplete, BankDetailsState.errors,
                      aria_invalid=rx.cond(BankDetailsState.errors.contains(name), "true", "false"),
                      aria_describedby=rx.cond(BankDetailsState.errors.contains(name), f"erreur-{name}", ""),
                      **props)


def partner_bank_details_page() -> rx.Component:
    return partner_page(
        "Coordonnées bancaires",
        rx.cond(
            BankDetailsState.current.contains("iban"),
            rx.card(
                rx.vstack(
                    rx.heading("Compte enregistré", as_="h2", size="4"),
                    rx.text("Titulaire : ", BankDetailsState.current["holder"], size="2"),
                    rx.text("IBAN : ", BankDetailsState.current["iban"], size="2", id="iban-enregistre"),
                    rx.text("BIC : ", BankDetailsState.current["bic"], size="2"),
                    rx.text("Modifié le ", BankDetailsState.current["since"], size="2", color_scheme="gray"),
                    spacing="1",
                ),
                width="100%",
            ),
            rx.text("Aucun compte enregistré : le Département ne peut pas vous rembourser tant que vous n'avez "
                    "pas indiqué vos coordonnées bancaires.", size="2", weight="bold"),
        ),
        rx.cond(BankDetailsState.notice != "", rx.text(BankDetailsState.notice, role="status", id="avis",
                                                       weight="bold")),
        rx.cond(BankDetailsState.error != "", alert_box(BankDetailsState.error)),
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(BankDetailsState.current.contains("iban"), "Changer de compte",
                                   "Indiquer le compte"), as_="h2", size="4"),
                _field("Nom du titulaire du compte", "holder_name", "text", "organization"),
                _field("IBAN", "iban", "text", "off", placeholder="FR76 …"),
                _field("BIC", "bic", "text", "off", placeholder="BNPAFRPP"),
                _field("Votre mot de passe (pour confirmer)", "password", "password", "current-password"),
                submit_button("Enregistrer les coordonnées bancaires"),
                spacing="3", width="100%",
            ),
            on_submit=BankDetailsState.save, reset_on_submit=False, width="100%",
        ),
        subtitle="Le compte sur lequel le Département vous rembourse chaque mois les paiements par la carte.",
    )
