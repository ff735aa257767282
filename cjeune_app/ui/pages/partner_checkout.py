"""/espace-partenaire/encaisser: scan the card's QR code or type its number, type the amount,
see the youth's first name and the envelope before confirming, confirm, show the receipt.

The idempotency key is drawn when the amount is checked: pressing "Confirmer" twice (or a
reconnection that replays the event) takes the payment once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import reflex as rx

from cjeune_app.core.actor import Actor
from cjeune_app.core.cards.numbers import normalize_card_number
from cjeune_app.core.dates import format_hour
from cjeune_app.core.errors import Refusal
from cjeune_app.core.formats import format_cents, format_date, parse_euros
from cjeune_app.core.partners.payments import Receipt, check_amount
from cjeune_app.core.use_cases import payments as payment_cases
from cjeune_app.ui.components.card_scanner import card_scanner
from cjeune_app.ui.components.forms import alert_box, form_field, submit_button
from cjeune_app.ui.pages.partner_space import PartnerPage, partner_page

CARD_FIELD_ID = "champ-card_number"
AMOUNT_INVALID = "Montant invalide : saisissez un montant en euros, supérieur à 0, par exemple 12,50."


@dataclasses.dataclass
class EnvelopeOption:
    value: str = ""
    label: str = ""


@dataclasses.dataclass
class ConfirmationView:
    first_name: str = ""
    card: str = ""
    envelope_label: str = ""
    amount: str = ""


@dataclasses.dataclass
class ReceiptView:
    number: str = ""
    date: str = ""
    amount: str = ""
    envelope: str = ""
    partner: str = ""
    first_name: str = ""


def receipt_view(receipt: Receipt) -> ReceiptView:
    return ReceiptView(receipt.number, f"{format_date(receipt.created_at)} à {format_hour(receipt.created_at)}",
                       format_cents(receipt.amount_cents), receipt.envelope_label, receipt.partner_name,
                       receipt.first_name)


def _envelopes(actor: Actor) -> list[EnvelopeOption]:
    return [EnvelopeOption(c.envelope, c.label) for c in payment_cases.paying_envelopes(actor)]


class CheckoutState(PartnerPage, rx.State):
    step: str = "saisie"  # saisie, confirmation, recu
    error: str = ""
    scanning: bool = False
    envelope_choices: list[EnvelopeOption] = []
    confirmation: ConfirmationView = ConfirmationView()
    receipt: ReceiptView = ReceiptView()
    # The entry form's React key: a new value mounts a new, empty form (card, amount, envelope).
    form_round: int = 0
    _number: str = ""
    _amount_cents: int = 0
    _envelope: str = ""
    _key: str = ""

    async def _opened(self, actor: Actor) -> None:
        await self._frame(actor)
        self.envelope_choices = await asyncio.to_thread(_envelopes, actor)
        self._restart()

    def _restart(self):
        self.step, self.error, self.scanning = "saisie", "", False
        self.confirmation, self.receipt = ConfirmationView(), ReceiptView()
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
        actor = await self._actor()
        if actor is None:
            return rx.redirect(self.sign_in_route)
        try:
            amount = check_amount(parse_euros(form.get("amount", "")))
        except (ValueError, Refusal):
            self.error = AMOUNT_INVALID
            return
        number = form.get("card_number", "")
        try:
            preview = await asyncio.to_thread(payment_cases.preview_payment, actor, number, amount,
                                              form.get("envelope") or None)
        except Refusal as refusal:
            self.error = refusal.message
            return
        self.error = ""
        self._number, self._amount_cents, self._envelope = number, amount, preview.envelope
        self._key = f"ecran-{uuid.uuid4().hex}"
        self.confirmation = ConfirmationView(preview.first_name, f"•••• {preview.card_last_digits}",
                                             preview.envelope_label, format_cents(amount))
        self.step = "confirmation"

    @rx.event
    def modify(self):
        self.step, self.error, self._key = "saisie", "", ""

    @rx.event
    async def confirm(self):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(self.sign_in_route)
        if not self._key:
            return
        try:
            receipt = await asyncio.to_thread(payment_cases.take_payment, actor, self._number, self._amount_cents,
                                              self._envelope, self._key)
        except Refusal as refusal:
            self.error, self.step, self._key = refusal.message, "saisie", ""
            return
        self.receipt = receipt_view(receipt)
        self.error, self.step = "", "recu"

    @rx.event
    def new_payment(self):
        """The next child's payment starts from an empty form: nothing of the previous one is kept."""
        self._restart()
        self.form_round += 1


def _envelope_choice() -> rx.Component:
    return rx.cond(
        CheckoutState.envelope_choices.length() > 1,
        rx.el.fieldset(
            rx.el.legend("Enveloppe à débiter", font_weight="bold"),
            rx.foreach(
                CheckoutState.envelope_choices,
                lambda choice: rx.el.label(
                    rx.el.input(type="radio", name="envelope", value=choice.value, required=True),
                    " ", choice.label, display="block", padding_y="0.35rem",
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
        key=CheckoutState.form_round,
    )


def _line(label: str, value: rx.Var, element_id: str) -> rx.Component:
    return rx.hstack(rx.text(label, size="3"), rx.text(value, size="3", weight="bold", id=element_id),
                     justify="between", width="100%", wrap="wrap")


def _confirmation() -> rx.Component:
    shown = CheckoutState.confirmation
    return rx.card(
        rx.vstack(
            rx.heading("Vérifiez avant de valider", as_="h2", size="5"),
            _line("Bénéficiaire", shown.first_name, "confirmation-prenom"),
            _line("Carte", shown.card, "confirmation-carte"),
            _line("Enveloppe débitée", shown.envelope_label, "confirmation-enveloppe"),
            _line("Montant", shown.amount, "confirmation-montant"),
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
            _line("Reçu n°", receipt.number, "recu-numero"),
            _line("Date", receipt.date, "recu-date"),
            _line("Montant", receipt.amount, "recu-montant"),
            _line("Enveloppe", receipt.envelope, "recu-enveloppe"),
            _line("Partenaire", receipt.partner, "recu-partenaire"),
            _line("Bénéficiaire", receipt.first_name, "recu-prenom"),
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
