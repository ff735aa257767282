"""How a partner and a bon plan look in lists: the same card on the search page, the partner page
and /bons-plans. Items are rows of strings prepared by `partner_item` / `offer_item`."""

from __future__ import annotations

import dataclasses
import datetime as dt

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.dates import format_date
from cjeune_app.core.enums import CATEGORY_LABELS, ENVELOPE_LABELS, Category, Envelope
from cjeune_app.core.partners.public import PublicOffer
from cjeune_app.core.search import OfferHit, PartnerHit


@dataclasses.dataclass
class OfferItem:
    id: str = ""
    title: str = ""
    discount: str = ""
    expires: str = ""
    partner_name: str = ""
    partner_href: str = ""
    commune: str = ""
    distance: str = ""  # "à 1,2 km" around the user's position ("" otherwise)


@dataclasses.dataclass
class OfferLine:
    """A bon plan as a partner's card lists it (`offer_line`): no more is sent with each result."""

    title: str = ""
    discount: str = ""
    expires: str = ""


@dataclasses.dataclass
class PartnerItem:
    """A search result as its card shows it; every field is sent at each new search (the map reads
    its own points: no position here)."""

    id: str = ""
    href: str = ""
    name: str = ""
    categories: str = ""
    commune: str = ""
    distance: str = ""
    envelopes: str = ""
    offers: list[OfferLine] = dataclasses.field(default_factory=list)


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(Category(code), code) if code in Category._value2member_map_ else code


def envelope_label(code: str) -> str:
    return ENVELOPE_LABELS.get(Envelope(code), code) if code in Envelope._value2member_map_ else code


def expiry_text(moment: dt.datetime) -> str:
    return f"Expire le {format_date(moment)}"


def offer_item(offer: OfferHit | PublicOffer) -> OfferItem:
    """`offer`: a search OfferHit or a partners.public.PublicOffer (which names its partner)."""
    item = OfferItem(id=str(offer.id), title=offer.title, discount=offer.discount_text,
                     expires=expiry_text(offer.expires_at))
    if isinstance(offer, PublicOffer):
        item.partner_name, item.commune = offer.partner_name, offer.commune_name
        item.partner_href = routes.partner_page(offer.partner_id)
    return item


def distance_text(distance_km: float | None) -> str:
    return "" if distance_km is None else f"à {distance_km:.1f} km".replace(".", ",")


def partner_item(hit: PartnerHit) -> PartnerItem:
    distance = distance_text(hit.distance_km)
    return PartnerItem(
        id=str(hit.id),
        href=routes.partner_page(hit.id),
        name=hit.name,
        categories=" · ".join(category_label(c) for c in hit.categories),
        commune=hit.commune_name,
        distance=distance,
        envelopes=" et ".join(envelope_label(e) for e in hit.envelopes),
        offers=[OfferLine(o.title, o.discount_text, expiry_text(o.expires_at)) for o in hit.offers[:3]],
    )


def offer_line(offer: rx.Var[OfferLine]) -> rx.Component:
    return rx.el.div(
        rx.cond(offer.discount != "", rx.el.span(offer.discount, class_name="remise")),
        rx.el.div(rx.el.p(offer.title, class_name="offre-titre"), rx.el.p(offer.expires, class_name="offre-fin")),
        class_name="offre-ligne",
    )


def partner_card(item: rx.Var[PartnerItem]) -> rx.Component:
    # Plain elements styled by the stylesheet (styles.css, "Résultats"): a page of twenty cards is
    # rendered by the phone as the results arrive, and themed components with style props cost
    # several times more to render (Lighthouse's blocking time on /partenaires).
    return rx.el.article(
        rx.el.h2(rx.link(item.name, href=item.href), class_name="resultat-nom"),
        rx.el.p(item.categories, class_name="resultat-categories"),
        rx.el.p(item.commune, rx.cond(item.distance != "", rx.el.span(" · ", item.distance)),
                class_name="resultat-texte"),
        rx.el.p("Accepte la carte : ", rx.el.strong(item.envelopes), class_name="resultat-texte"),
        rx.foreach(item.offers, offer_line),
        class_name="partner-result",
    )


def offer_card(offer: rx.Var[OfferItem]) -> rx.Component:
    # Plain elements styled by the stylesheet, as `partner_card`.
    return rx.el.article(
        rx.el.div(
            rx.cond(offer.discount != "", rx.el.span(offer.discount, class_name="remise")),
            rx.el.h2(offer.title, class_name="offre-nom"),
            class_name="offre-entete",
        ),
        rx.el.p(rx.link(offer.partner_name, href=offer.partner_href), class_name="resultat-texte offre-partenaire"),
        rx.el.p(offer.commune, rx.cond(offer.distance != "", rx.el.span(" · ", offer.distance, class_name="distance")),
                class_name="resultat-texte"),
        rx.el.p(offer.expires, class_name="resultat-texte offre-fin-carte"),
        class_name="offer-result",
    )
