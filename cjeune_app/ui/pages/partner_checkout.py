"""/espace-partenaire/encaisser: scan the card's QR code or type its number, type the amount,
see the youth's first name and the envelope before confirming, confirm, show the receipt.

The idempotency key is drawn when the amount is checked: pressing "Confirmer" twice (or a
reconnection that replays the event) takes the payment once.
"""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from cjeune_app.core.cards.numbers import normalize_card_number
from cjeune_app.core.dates import format_hour
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import ENVELOPE_LABELS
from cjeune_app.core.errors import DomainError
from cjeune_app.core.formats import format_cents, format_date, parse_euros
from cjeune_app.core.partners import errors
from cjeune_app.core.partners.payments import (
    Receipt,
    allowed_envelopes,
    card_check,
    check_amount,
    partner_categories,
    take_payment,
)
from cjeune_app.ui.components.card_scanner import card_scanner
from cjeune_app.ui.components.forms import alert_box, form_field, submit_button
from cjeune_app.ui.pages.partner_space import PARTNER_SIGN_IN, PartnerSpaceState, partner_page

CARD_FIELD_ID = "champ-card_number"


def receipt_view(receipt: Receipt) -> dict[str, str]:
    return {
        "number": receipt.number,
        "date": f"{format_date(receipt.created_at)} à {format_hour(receipt.created_at)}",
        "amount": format_cents(receipt.amount_cents),
        "envelope": receipt.envelope_label,
        "partner": receipt.partner_name,
        "first_name": receipt.first_name,
    }


def _envelopes(partner_id: int) -> list[dict[str, str]]:
    with session_scope(read_only=True) as session:
        return [{"value": e, "label": ENVELOPE_LABELS[e]} for e in allowed_envelopes(partner_categories(session, partner_id))]


def _check(partner_id: int, number: str, amount_cents: int, envelope: str | None) -> dict:
    """What the confirmation shows, or the refusal to show instead."""
    with session_scope(read_only=True) as session:
        check = card_check(session, partner_id, number)
    if check.refusal is not None:
        raise check.refusal
    available = {e.envelope: e.available_cents for e in check.envelopes}
    if envelope is None:
        if len(available) > 1:
            raise errors.EnvelopeRequired()
        envelope = next(iter(available))
    if envelope not in available:
        raise errors.UnknownEnvelope()
    if available[envelope] < amount_cents:
        raise errors.InsufficientBalance(envelope, available[envelope])
    return {"first_name": check.first_name, "envelope": envelope, "envelope_label": ENVELOPE_LABELS[envelope],
            "card": f"•••• {check.card_last_digits}"}


def _take(partner_id: int, number: str, amount_cents: int, envelope: str, key: str) -> dict[str, str]:
    with session_scope() as session:
        return receipt_view(take_payment(session, partner_id, number, amount_cents, envelope, key))


class CheckoutState(PartnerSpaceState):
    step: str = "saisie"  # saisie, confirmation, recu
    error: str = ""
    scanning: bool = False
    envelope_choices: list[dict[str, str]] = []
    confirmation: dict[str, str] = {}
    receipt: dict[str, str] = {}
    _number: str = ""
    _amount_cents: int = 0
    _envelope: str = ""
    _key: str = ""

    @rx.event
    async def load(self):
        partner_id = await self._enter()
        if partner_id is None:
            return rx.redirect(PARTNER_SIGN_IN)
        self.envelope_choices = await asyncio.to_thread(_envelopes, partner_id)
        self._restart()

    def _restart(self):
        self.step, self.error, self.scanning = "saisie", "", False
        self.confirmation, self.receipt = {}, {}
        self._number, self._amount_cents, self._envelope, self._key = "", 0, "", ""

    @rx.event
    def toggle_scanner(self):
        self.scanning = not self.scanning

    @rx.event
    def scanned(self, number: str):
        self.scanning = False
        return rx.set_value(CARD_FIELD_ID, normalize_card_number(number))

    @rx.event
    def scan_failed(self, message: str):
        self.scanning, self.error = False, message

    @rx.event
    async def check(self, form: dict):
        partner_id = await self._partner_id()
        if partner_id is None:
            return rx.redirect(PARTNER_SIGN_IN)
        try:
            amount = check_amount(parse_euros(form.get("amount", "")))
        except (ValueError, errors.InvalidAmount):
            self.error = "Montant invalide : saisissez un montant en euros, supérieur à 0, par exemple 12,50."
            return
        envelope = form.get("envelope") or None
        try:
            shown = await asyncio.to_thread(_check, partner_id, form.get("card_number", ""), amount, envelope)
        except DomainError as refusal:
            self.error = refusal.message
            return
        self.error = ""
        self._number, self._amount_cents, self._envelope = form.get("card_number", ""), amount, shown["envelope"]
        self._key = f"ecran-{uuid.uuid4().hex}"
        self.confirmation = {**shown, "amount": format_cents(amount)}
        self.step = "confirmation"

    @rx.event
    def modify(self):
        self.step, self.error, self._key = "saisie", "", ""

    @rx.event
    async def confirm(self):
        partner_id = await self._partner_id()
        if partner_id is None:
            return rx.redirect(PARTNER_SIGN_IN)
        if not self._key:
            return
        try:
            self.receipt = await asyncio.to_thread(_take, partner_id, self._number, self._amount_cents,
                                                   self._envelope, self._key)
        except DomainError as refusal:
            self.error, self.step, self._key = refusal.message, "saisie", ""
            return
        self.error, self.step = "", "recu"

    @rx.event
    def new_payment(self):
        self._restart()
        return rx.set_value(CARD_FIELD_ID, "")


def _envelope_choice() -> rx.Component:
    return rx.cond(
        CheckoutState.envelope_choices.length() > 1,
        rx.el.fieldset(
            rx.el.legend("Enveloppe à débiter", font_weight="bold"),
            rx.foreach(
                CheckoutState.envelope_choices,
                lambda choice: rx.el.label(
                    rx.el.input(type="radio", name="envelope", value=choice["value"], required=True),
                    " ", choice["label"], display="block", padding_y="0.35rem",
                ),
            ),
            border="none", padding="0", margin="0", width="100%",
        ),
    )


def _entry_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            form_field("Numéro de la carte (16 chiffres sous le QR code)", "card_number", "text", "off",
                       input_mode="numeric", placeholder="6013 0000 0000 0000"),
            rx.button(rx.cond(CheckoutState.scanning, "Fermer la caméra", "Scanner le QR code de la carte"),
                      type="button", variant="outline", size="3", width="100%",
                      on_click=CheckoutState.toggle_scanner),
            rx.cond(CheckoutState.scanning,
                    card_scanner(on_detected=CheckoutState.scanned, on_failed=CheckoutState.scan_failed)),
            form_field("Montant (en euros)", "amount", "text", "off", input_mode="decimal", placeholder="12,50"),
            _envelope_choice(),
            submit_button("Vérifier"),
            spacing="4", width="100%",
        ),
        on_submit=CheckoutState.check,
        reset_on_submit=False,
        width="100%",
    )


def _line(label: str, value: rx.Var, element_id: str) -> rx.Component:
    return rx.hstack(rx.text(label, size="3"), rx.text(value, size="3", weight="bold", id=element_id),
                     justify="between", width="100%", wrap="wrap")


def _confirmation() -> rx.Component:
    shown = CheckoutState.confirmation
    return rx.card(
        rx.vstack(
            rx.heading("Vérifiez avant de valider", as_="h2", size="5"),
            _line("Bénéficiaire", shown["first_name"], "confirmation-prenom"),
            _line("Carte", shown["card"], "confirmation-carte"),
            _line("Enveloppe débitée", shown["envelope_label"], "confirmation-enveloppe"),
            _line("Montant", shown["amount"], "confirmation-montant"),
            rx.button("Confirmer l'encaissement", size="3", width="100%", on_click=CheckoutState.confirm),
            rx.button("Modifier", size="3", width="100%", variant="outline", on_click=CheckoutState.modify),
            spacing="3", width="100%",
        ),
        width="100%",
    )


def _receipt() -> rx.Component:
    receipt = CheckoutState.receipt
    return rx.card(
        rx.vstack(
            rx.heading("Paiement accepté", as_="h2", size="5", color="var(--green-11)", id="paiement-accepte"),
            _line("Reçu n°", receipt["number"], "recu-numero"),
            _line("Date", receipt["date"], "recu-date"),
            _line("Montant", receipt["amount"], "recu-montant"),
            _line("Enveloppe", receipt["envelope"], "recu-enveloppe"),
            _line("Partenaire", receipt["partner"], "recu-partenaire"),
            _line("Bénéficiaire", receipt["first_name"], "recu-prenom"),
            rx.button("Nouvel encaissement", size="3", width="100%", on_click=CheckoutState.new_payment),
            spacing="3", width="100%",
        ),
        width="100%", role="status",
    )


def partner_checkout_page() -> rx.Component:
    return partner_page(
        "Encaisser",
        rx.cond(CheckoutState.error != "", alert_box(CheckoutState.error)),
        # Kept in the page while confirming, so that "Modifier" finds what was typed.
        rx.box(_entry_form(), display=rx.cond(CheckoutState.step == "saisie", "block", "none"), width="100%"),
        rx.cond(CheckoutState.step == "confirmation", _confirmation()),
        rx.cond(CheckoutState.step == "recu", _receipt()),
        subtitle="La carte est débitée seulement après votre confirmation.",
    )
