"""/espace-partenaire/bons-plans: the structure's offers; create, edit, unpublish."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import CATEGORY_LABELS
from cjeune_app.core.errors import Refusal
from cjeune_app.core.formats import format_cents, format_date, paris_today, parse_euros
from cjeune_app.core.partners import errors
from cjeune_app.core.partners.offers import OfferForm, OfferView
from cjeune_app.core.territory import all_communes
from cjeune_app.core.use_cases import offers
from cjeune_app.ui.components.forms import alert_box, field_error, form_field
from cjeune_app.ui.pages.partner_space import PartnerPage, partner_page

EDITED_FIELDS = ("title", "description", "discount_text", "price_cents", "category", "commune_insee",
                 "starts_on", "expires_on")


@dataclasses.dataclass
class OfferRow:
    id: str
    title: str
    state: str
    category: str
    deal: str
    dates: str
    published: bool


@dataclasses.dataclass
class Choice:
    value: str
    label: str


def _communes() -> list[tuple[str, str]]:
    return sorted(((c.insee_code, c.name) for c in all_communes()), key=lambda item: item[1])


def _row(offer: OfferView) -> OfferRow:
    return OfferRow(
        id=str(offer.id), title=offer.title, state=str(offer.state), category=offer.category_label,
        deal=offer.discount_text or (format_cents(offer.price_cents) if offer.price_cents is not None else ""),
        dates=f"Du {format_date(offer.starts_on)} au {format_date(offer.expires_on)}",
        published=offer.published,
    )


def _form_values(offer: OfferView | None, commune: str) -> dict[str, str]:
    """The values of the form's inputs (what the browser sends back, by input name)."""
    if offer is None:
        today = paris_today()
        return {"title": "", "description": "", "discount_text": "", "price": "", "category": "",
                "commune_insee": commune, "starts_on": today.isoformat(),
                "expires_on": (today + dt.timedelta(days=30)).isoformat()}
    return {"title": offer.title, "description": offer.description, "discount_text": offer.discount_text,
            "price": "" if offer.price_cents is None else format_cents(offer.price_cents).removesuffix(" €"),
            "category": offer.category, "commune_insee": offer.commune_insee,
            "starts_on": offer.starts_on.isoformat(), "expires_on": offer.expires_on.isoformat()}


def _load(actor: Actor) -> tuple[list[OfferRow], list[Choice], str]:
    choices = offers.offer_choices(actor)
    categories = [Choice(c, CATEGORY_LABELS.get(c, c)) for c in choices.categories]
    return [_row(o) for o in offers.list_offers(actor)], categories, choices.commune_insee


def _parse(form: dict[str, Any]) -> tuple[OfferForm | None, dict[str, str]]:
    problems: dict[str, str] = {}
    price, days = None, {}
    if (form.get("price") or "").strip():
        try:
            price = parse_euros(form["price"])
        except ValueError:
            problems["price_cents"] = "Le prix s'écrit en euros, par exemple 12,50 (ou laissez-le vide)."
    for name in ("starts_on", "expires_on"):
        try:
            days[name] = dt.date.fromisoformat(form.get(name, ""))
        except ValueError:
            problems[name] = "Indiquez une date (jj/mm/aaaa)."
    if problems:
        return None, problems
    return OfferForm(title=form.get("title", ""), description=form.get("description", ""),
                     discount_text=form.get("discount_text", ""), price_cents=price,
                     category=form.get("category", ""), commune_insee=form.get("commune_insee", ""),
                     starts_on=days["starts_on"], expires_on=days["expires_on"]), {}


def _save(actor: Actor, offer_id: int | None, form: OfferForm) -> str:
    if offer_id is None:
        saved = offers.create_offer(actor, form)
        return f"Le bon plan « {saved.title} » est publié."
    saved = offers.update_offer(actor, offer_id, {name: getattr(form, name) for name in EDITED_FIELDS})
    return f"Le bon plan « {saved.title} » est modifié."


def _unpublish(actor: Actor, offer_id: int) -> str:
    offer = offers.unpublish_offer(actor, offer_id)
    return f"Le bon plan « {offer.title} » est dépublié : il n'apparaît plus dans la recherche."


class PartnerOffersState(PartnerPage, rx.State):
    offers: list[OfferRow] = []
    categories: list[Choice] = []
    values: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    editing: str = ""  # the offer's id, "nouveau", or "" when no form is open
    notice: str = ""
    error: str = ""
    _commune: str = ""

    async def _reload(self, actor: Actor) -> None:
        self.offers, self.categories, self._commune = await asyncio.to_thread(_load, actor)

    async def _opened(self, actor: Actor) -> Any:
        await self._frame(actor)
        self.editing, self.notice, self.error, self.field_errors = "", "", "", {}
        await self._reload(actor)

    @rx.event
    def new(self):
        self.values, self.field_errors, self.notice, self.error = _form_values(None, self._commune), {}, "", ""
        self.editing = "nouveau"

    @rx.event
    async def edit(self, offer_id: str):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.PARTNER_SIGN_IN)
        try:
            offer = await asyncio.to_thread(offers.get_offer, actor, int(offer_id))
        except errors.OfferNotFound as refusal:
            self.error = refusal.message
            return
        self.values, self.field_errors, self.notice, self.error = _form_values(offer, self._commune), {}, "", ""
        self.editing = offer_id

    @rx.event
    def close(self):
        self.editing, self.field_errors = "", {}

    @rx.event
    async def save(self, form: dict[str, Any]):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.PARTNER_SIGN_IN)
        self.values = {name: str(form.get(name, "")) for name in _form_values(None, "")}
        parsed, problems = _parse(form)
        if parsed is None:
            self.field_errors = problems
            return
        offer_id = None if self.editing == "nouveau" else int(self.editing)
        try:
            self.notice = await asyncio.to_thread(_save, actor, offer_id, parsed)
        except errors.FormInvalid as invalid:
            self.field_errors = {("price" if k == "price_cents" else k): v for k, v in invalid.fields.items()}
            return
        except Refusal as refusal:
            self.error = refusal.message
            return
        self.editing, self.field_errors, self.error = "", {}, ""
        await self._reload(actor)

    @rx.event
    async def unpublish(self, offer_id: str):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.PARTNER_SIGN_IN)
        try:
            self.notice, self.error = await asyncio.to_thread(_unpublish, actor, int(offer_id)), ""
        except Refusal as refusal:
            self.error = refusal.message
        await self._reload(actor)


def _select(label: str, name: str, options: list, placeholder: str | None) -> rx.Component:
    choices = [rx.el.option(placeholder, value="")] if placeholder else []
    return rx.vstack(
        rx.el.label(label, html_for=f"champ-{name}", font_weight="bold"),
        rx.el.select(*choices, *options, id=f"champ-{name}", name=name, required=True, class_name="champ-liste",
                     default_value=PartnerOffersState.values[name]),
        field_error(PartnerOffersState.field_errors, name),
        spacing="1", width="100%",
    )


def _text(label: str, name: str, required: bool = True, **props) -> rx.Component:
    return form_field(label, name, props.pop("input_type", "text"), "off", PartnerOffersState.field_errors,
                      required=required, default_value=PartnerOffersState.values[name], **props)


def _form() -> rx.Component:
    errors_ = PartnerOffersState.field_errors
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(rx.cond(PartnerOffersState.editing == "nouveau", "Nouveau bon plan", "Modifier le bon plan"),
                           as_="h2", size="5"),
                _text("Titre", "title"),
                rx.vstack(
                    rx.el.label("Description (facultative)", html_for="champ-description", font_weight="bold"),
                    rx.text_area(id="champ-description", name="description", width="100%",
                                 default_value=PartnerOffersState.values["description"]),
                    field_error(errors_, "description"),
                    spacing="1", width="100%",
                ),
                _text("Réduction (par exemple « -20 % »)", "discount_text", required=False),
                _text("Ou prix (en euros, facultatif)", "price", required=False, input_mode="decimal"),
                _select("Catégorie", "category",
                        [rx.foreach(PartnerOffersState.categories, lambda c: rx.el.option(c.label, value=c.value))],
                        "Choisissez…"),
                _select("Commune", "commune_insee",
                        [rx.el.option(name, value=code) for code, name in _communes()], None),
                _text("Date de début", "starts_on", input_type="date"),
                _text("Date d'expiration (dernier jour)", "expires_on", input_type="date"),
                rx.cond(errors_.length() > 0,
                        rx.text("Le formulaire contient des erreurs : corrigez les champs signalés.", role="alert",
                                color="var(--red-11)", weight="bold")),
                rx.button(rx.cond(PartnerOffersState.editing == "nouveau", "Publier le bon plan", "Enregistrer"),
                          type="submit", size="3", width="100%"),
                rx.button("Fermer sans enregistrer", type="button", variant="outline", size="3", width="100%",
                          on_click=PartnerOffersState.close),
                spacing="4", width="100%",
            ),
            on_submit=PartnerOffersState.save, reset_on_submit=False, width="100%",
            key=PartnerOffersState.editing,  # a new form (and its default values) for each offer opened
        ),
        width="100%",
    )


def _offer_card(offer: rx.Var[OfferRow]) -> rx.Component:
    title = offer.title.to(str)
    return rx.card(
        rx.vstack(
            rx.heading(offer.title, as_="h2", size="4"),
            rx.text(offer.deal, " — ", offer.category, size="2"),
            rx.text(offer.dates, " — ", offer.state, size="2"),
            rx.flex(
                rx.button("Modifier", variant="outline", size="2", on_click=PartnerOffersState.edit(offer.id),
                          aria_label="Modifier " + title),
                rx.cond(offer.published,
                        rx.button("Dépublier", variant="outline", color_scheme="red", size="2",
                                  on_click=PartnerOffersState.unpublish(offer.id), aria_label="Dépublier " + title)),
                gap="0.75rem", wrap="wrap",
            ),
            spacing="2", width="100%",
        ),
        width="100%", class_name="bon-plan",
    )


def partner_offers_page() -> rx.Component:
    return partner_page(
        "Bons plans",
        rx.cond(PartnerOffersState.notice != "",
                rx.text(PartnerOffersState.notice, role="status", id="avis", weight="bold")),
        rx.cond(PartnerOffersState.error != "", alert_box(PartnerOffersState.error)),
        rx.cond(PartnerOffersState.editing != "", _form(),
                rx.button("Nouveau bon plan", size="3", width="100%", on_click=PartnerOffersState.new)),
        rx.cond(
            PartnerOffersState.offers.length() > 0,
            rx.vstack(rx.foreach(PartnerOffersState.offers, _offer_card), spacing="3", width="100%"),
            rx.text("Aucun bon plan pour l'instant.", size="2"),
        ),
        subtitle="Un bon plan disparaît de la recherche après son dernier jour, sans rien à faire.",
    )
