"""/bons-plans: current offers, soonest expiry first. Expired offers never appear."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app.core.enums import CATEGORY_LABELS
from cjeune_app.core.use_cases import search as public
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.components.partner_cards import OfferItem, offer_card, offer_item

PAGE_SIZE = 30


def _load(category: str, limit: int) -> tuple[list[OfferItem], int]:
    page = public.current_offers(category=category or None, limit=limit)
    return [offer_item(o) for o in page.offers], page.total


class OffersState(rx.State):
    category: str = ""
    offers: list[OfferItem] = []
    total: int = 0
    shown: int = PAGE_SIZE

    async def _refresh(self):
        self.offers, self.total = await asyncio.to_thread(_load, self.category, self.shown)

    @rx.event
    async def load(self):
        self.shown = PAGE_SIZE
        await self._refresh()

    @rx.event
    async def set_category(self, value: str):
        self.category, self.shown = value, PAGE_SIZE
        await self._refresh()

    @rx.event
    async def show_more(self):
        self.shown += PAGE_SIZE
        await self._refresh()


def offers_page() -> rx.Component:
    return page_layout(
        page_title("Bons plans", "Les réductions en cours chez les partenaires, celles qui finissent bientôt d'abord."),
        rx.vstack(
            rx.el.label("Catégorie", html_for="bons-plans-categorie", font_weight="bold"),
            rx.el.select(
                rx.el.option("Toutes", value=""),
                *[rx.el.option(label, value=c.value) for c, label in CATEGORY_LABELS.items()],
                id="bons-plans-categorie", value=OffersState.category,
                on_change=OffersState.set_category, class_name="native-select",
            ),
            spacing="1",
            margin_bottom="1rem",
        ),
        rx.text(OffersState.total, " bons plans en cours", size="2", weight="bold", role="status",
                margin_bottom="0.5rem"),
        rx.vstack(rx.foreach(OffersState.offers, offer_card), spacing="3", width="100%"),
        rx.cond(OffersState.offers.length() < OffersState.total,
                rx.button("Voir plus de bons plans", on_click=OffersState.show_more, variant="outline",
                          size="3", width="100%", margin_top="1rem")),
    )
