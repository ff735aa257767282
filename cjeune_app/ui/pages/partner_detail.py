"""/partenaires/<id>: a partner's page — description, address, categories, envelope, offers, contact."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.enums import PARTNER_KIND_LABELS, PartnerKind
from cjeune_app.core.partners.errors import PartnerNotFound
from cjeune_app.core.partners.validation import is_web_address
from cjeune_app.core.use_cases import search as public
from cjeune_app.ui.components.layout import page_layout
from cjeune_app.ui.components.partner_cards import (
    OfferItem,
    category_label,
    envelope_label,
    offer_item,
    offer_line,
)
from cjeune_app.ui.components.partner_map import partner_map
from cjeune_app.ui.theme import BRAND_BLUE, BRAND_ORANGE


@dataclasses.dataclass
class PartnerView:
    name: str = ""
    kind: str = ""
    description: str = ""
    address: str = ""
    categories: str = ""
    envelopes: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""


def _load(partner_id: int) -> tuple[PartnerView, list[OfferItem], list[dict[str, str | float | None]]] | None:
    try:
        partner = public.partner_page(partner_id)
    except PartnerNotFound:
        return None
    view = PartnerView(
        name=partner.name,
        kind=PARTNER_KIND_LABELS.get(PartnerKind(partner.kind), partner.kind),
        description=partner.description,
        address=f"{partner.address}, {partner.postal_code} {partner.commune_name}".strip(", "),
        categories=" · ".join(category_label(c) for c in partner.categories),
        envelopes=" et ".join(envelope_label(e) for e in partner.envelopes),
        email=partner.contact_email,
        phone=partner.phone,
        website=partner.website if is_web_address(partner.website) else "",  # a link: http(s) only
    )
    marker: list[dict[str, str | float | None]] = [
        {"id": str(partner.id), "name": partner.name, "subtitle": partner.commune_name,
         "href": routes.partner_page(partner.id), "latitude": partner.latitude, "longitude": partner.longitude}
    ] if partner.latitude is not None else []
    return view, [offer_item(o) for o in partner.offers], marker


class PartnerPageState(rx.State):
    found: bool = True
    loaded: bool = False
    partner: PartnerView = PartnerView()
    offers: list[OfferItem] = []
    marker: list[dict[str, str | float | None]] = []  # the shape the map component reads

    @rx.event
    async def load(self):
        partner_id = routes.row_id(self.router.page.params.get("partner_id", ""))
        data = await asyncio.to_thread(_load, partner_id) if partner_id is not None else None
        self.found, self.loaded = data is not None, True
        self.partner, self.offers, self.marker = data or (PartnerView(), [], [])


def _contact_line(label: str, value: rx.Var, href: rx.Var) -> rx.Component:
    return rx.cond(value != "", rx.text(label, " ", rx.link(value, href=href, underline="always"), size="3"))


def partner_page() -> rx.Component:
    partner = PartnerPageState.partner
    found = rx.vstack(
        rx.link("← Retour à la recherche", href=routes.PARTNERS_SEARCH, size="2"),
        rx.heading(partner.name, as_="h1", size="7", color=BRAND_BLUE),
        rx.text(partner.categories, weight="bold", color=BRAND_ORANGE),
        rx.text(partner.kind, size="2"),
        rx.text(partner.description, size="3"),
        rx.card(
            rx.vstack(
                rx.text("Accepte la carte : ", rx.text(partner.envelopes, as_="span", weight="bold")),
                rx.text("Adresse : ", partner.address),
                _contact_line("Téléphone :", partner.phone, "tel:" + partner.phone.to(str)),
                _contact_line("E-mail :", partner.email, "mailto:" + partner.email.to(str)),
                _contact_line("Site :", partner.website, partner.website.to(str)),
                spacing="1",
            ),
            width="100%",
        ),
        rx.heading("Bons plans en cours", as_="h2", size="5", margin_top="1rem"),
        rx.cond(
            PartnerPageState.offers.length() > 0,
            rx.vstack(rx.foreach(PartnerPageState.offers, offer_line), spacing="2"),
            rx.text("Pas de bon plan en ce moment.", size="2"),
        ),
        rx.cond(PartnerPageState.marker.length() > 0, partner_map(markers=PartnerPageState.marker, height="260px")),
        spacing="3",
        align="start",
        width="100%",
    )
    missing = rx.vstack(
        rx.heading("Partenaire introuvable", as_="h1", size="7", color=BRAND_BLUE),
        rx.text("Ce partenaire n'existe pas ou n'est plus affiché."),
        rx.link("Rechercher un partenaire", href=routes.PARTNERS_SEARCH, underline="always"),
    )
    return page_layout(
        rx.cond(PartnerPageState.loaded,
                rx.cond(PartnerPageState.found, found, missing),
                rx.text("Chargement…", role="status")),
    )
