"""/partenaires: "Que recherchez-vous ?" — partners and current bons plans, list or map."""

from __future__ import annotations

import asyncio

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.enums import CATEGORY_LABELS, ENVELOPE_LABELS
from cjeune_app.core.search import SearchError, SearchQuery
from cjeune_app.core.territory import all_communes
from cjeune_app.core.use_cases import search as searching
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.components.partner_cards import PartnerItem, partner_card, partner_item
from cjeune_app.ui.components.partner_map import partner_map

PAGE_SIZE = 20
COMMUNE_OPTIONS = sorted(((c.insee_code, c.name) for c in all_communes()), key=lambda item: item[1])
_NEAR_ME_SCRIPT = """new Promise((resolve) => {
  if (!navigator.geolocation) { resolve(null); return; }
  navigator.geolocation.getCurrentPosition(
    (p) => resolve([p.coords.latitude, p.coords.longitude]),
    () => resolve(null), {timeout: 8000, maximumAge: 600000});
})"""


def _run_search(query: SearchQuery) -> tuple[list[PartnerItem], int, str, str]:
    """The page's items, the total, a notice on corrected words, and the words not found
    when the results are only approaching ("" otherwise)."""
    page = searching.search(query)
    notice = ""
    if page.corrected_terms:
        fixes = ", ".join(f"« {c.typed} » → {' / '.join(c.replaced_by)}" for c in page.corrected_terms)
        notice = f"Recherche élargie aux mots proches : {fixes}."
    missing = ""
    if page.approximate:
        words = ", ".join(f"« {word} »" for word in page.missing_words)
        plural = "s" if len(page.missing_words) > 1 else ""
        missing = f"Aucun partenaire n'a tous vos mots. Non trouvé{plural} : {words}."
    return [partner_item(hit) for hit in page.results], page.total, notice, missing


class SearchState(rx.State):
    q: str = ""
    category: str = ""
    commune: str = ""
    envelope: str = ""
    offers_only: bool = False
    sort: str = "relevance"
    near_insee: str = ""
    latitude: float | None = None
    longitude: float | None = None
    view: str = "list"
    results: list[PartnerItem] = []
    total: int = 0
    pages_shown: int = 1
    notice: str = ""
    missing_words: str = ""  # "Résultats approchants": the words no result has
    error: str = ""
    locating: bool = False
    searched: bool = False  # the first answer came: before it, no "Aucun partenaire" (it flashed, then jumped)

    def _query(self) -> SearchQuery:
        return SearchQuery(
            q=self.q, category=self.category or None, commune_insee=self.commune or None,
            envelope=self.envelope or None, offers_only=self.offers_only,
            lat=self.latitude, lon=self.longitude, near_insee=self.near_insee or None,
            sort=self.sort, page=1, page_size=PAGE_SIZE * self.pages_shown,
        )

    async def _refresh(self):
        try:
            self.results, self.total, self.notice, self.missing_words = await asyncio.to_thread(
                _run_search, self._query()
            )
            self.error, self.searched = "", True
        except SearchError as refusal:
            self.results, self.total, self.notice, self.missing_words = [], 0, "", ""
            self.error = refusal.message

    @rx.var
    def summary(self) -> str:
        if self.error:
            return ""
        if not self.searched:
            return "Recherche des partenaires…"
        if self.total == 0:
            return "Aucun partenaire ne correspond. Essayez un autre mot ou retirez un filtre."
        return f"{self.total} partenaire{'s' if self.total > 1 else ''}"

    @rx.var
    def has_more(self) -> bool:
        return len(self.results) < self.total

    @rx.var
    def markers(self) -> list[dict[str, str | float | None]]:
        """The map's markers (the shape the map component reads)."""
        return [
            {"id": r.id, "name": r.name, "subtitle": f"{r.categories} · {r.commune}",
             "href": r.href, "latitude": r.latitude, "longitude": r.longitude}
            for r in self.results if r.latitude is not None
        ]

    @rx.event
    async def load(self):
        self.pages_shown = 1
        await self._refresh()

    @rx.event
    async def set_q(self, value: str):
        self.q, self.pages_shown = value, 1
        await self._refresh()

    @rx.event
    async def set_filter(self, name: str, value: str):
        if name == "category":
            self.category = value
        elif name == "commune":
            self.commune = value
        elif name == "envelope":
            self.envelope = value
        else:
            return
        self.pages_shown = 1
        await self._refresh()

    @rx.event
    async def set_offers_only(self, value: bool):
        self.offers_only, self.pages_shown = bool(value), 1
        await self._refresh()

    @rx.event
    async def set_sort(self, value: str):
        self.sort = value
        if value == "distance" and self.latitude is None and not self.near_insee and not self.commune:
            self.error = "Pour trier par distance, utilisez « Autour de moi » ou choisissez votre commune."
            self.sort = "relevance"
            return
        await self._refresh()

    @rx.event
    async def set_near(self, insee: str):
        self.near_insee, self.latitude, self.longitude = insee, None, None
        self.sort = "distance" if insee else "relevance"
        await self._refresh()

    @rx.event
    def near_me(self):
        self.locating = True
        return rx.call_script(_NEAR_ME_SCRIPT, callback=SearchState.use_position)

    @rx.event
    async def use_position(self, position: list | None):
        self.locating = False
        if not position:
            self.error = ("Votre position n'est pas disponible : autorisez-la dans le navigateur, "
                          "ou choisissez votre commune dans « Près de ».")
            return
        self.latitude, self.longitude = float(position[0]), float(position[1])
        self.near_insee, self.sort = "", "distance"
        await self._refresh()

    @rx.event
    async def show_more(self):
        self.pages_shown += 1
        await self._refresh()

    @rx.event
    def set_view(self, value: str | list[str]):
        self.view = value if isinstance(value, str) else value[0]


def _select(label: str, field_id: str, value: rx.Var, on_change, options: list[tuple[str, str]],
            empty: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="bold", font_size="0.9rem"),
        rx.el.select(
            rx.el.option(empty, value=""),
            *[rx.el.option(text, value=code) for code, text in options],
            id=field_id,
            value=value,
            on_change=on_change,
            class_name="native-select",
        ),
        spacing="1",
        width="100%",
    )


def filters() -> rx.Component:
    return rx.el.details(
        rx.el.summary("Filtres et tri", class_name="filters-summary"),
        rx.grid(
            _select("Catégorie", "filtre-categorie", SearchState.category,
                    lambda v: SearchState.set_filter("category", v),
                    [(c.value, label) for c, label in CATEGORY_LABELS.items()], "Toutes"),
            _select("Commune", "filtre-commune", SearchState.commune,
                    lambda v: SearchState.set_filter("commune", v), COMMUNE_OPTIONS, "Toutes"),
            _select("Enveloppe acceptée", "filtre-enveloppe", SearchState.envelope,
                    lambda v: SearchState.set_filter("envelope", v),
                    [(e.value, label) for e, label in ENVELOPE_LABELS.items()], "Toutes"),
            _select("Trier par", "filtre-tri", SearchState.sort, SearchState.set_sort,
                    [("distance", "Distance")], "Pertinence"),
            _select("Près de", "filtre-pres-de", SearchState.near_insee, SearchState.set_near,
                    COMMUNE_OPTIONS, "Choisir une commune"),
            rx.el.label(
                rx.el.input(type="checkbox", checked=SearchState.offers_only,
                            on_change=SearchState.set_offers_only, id="filtre-bons-plans"),
                " Bons plans seulement",
                html_for="filtre-bons-plans",
                class_name="checkbox-label",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="0.75rem",
            margin_top="0.75rem",
        ),
        class_name="filters",
    )


def results_list() -> rx.Component:
    return rx.vstack(
        rx.foreach(SearchState.results, partner_card),
        rx.cond(
            SearchState.has_more,
            rx.button("Voir plus de résultats", on_click=SearchState.show_more, variant="outline",
                      size="3", width="100%"),
        ),
        spacing="3",
        width="100%",
        # Until the first answer, room for the results: the footer does not jump (layout shift).
        min_height=rx.cond(SearchState.searched, "0", "100vh"),
    )


def view_switch() -> rx.Component:
    return rx.segmented_control.root(
        rx.segmented_control.item("Liste", value="list"),
        rx.segmented_control.item("Carte", value="map"),
        value=SearchState.view,
        on_change=SearchState.set_view,
        aria_label="Affichage des résultats",
    )


def partners_search_page() -> rx.Component:
    return page_layout(
        page_title("Trouver un partenaire", "Clubs, associations, cinémas, soutien scolaire… et leurs bons plans."),
        rx.link("Voir tous les bons plans en cours", href=routes.OFFERS, underline="always", size="2",
                margin_bottom="1rem", display="inline-block"),
        rx.el.form(
            rx.el.label("Que recherchez-vous ?", html_for="recherche", font_weight="bold", font_size="1.1rem"),
            rx.hstack(
                rx.input(id="recherche", type="search", value=SearchState.q,
                         placeholder="Ex. : judo Marseille, théâtre Aix, cours de maths",
                         on_change=SearchState.set_q.debounce(250), size="3", width="100%",
                         auto_complete="off"),
                width="100%",
            ),
            role="search",
            on_submit=rx.prevent_default,
        ),
        rx.button(rx.cond(SearchState.locating, "Localisation…", "Autour de moi"),
                  on_click=SearchState.near_me, variant="soft", size="2", margin_top="0.5rem",
                  loading=SearchState.locating),
        filters(),
        rx.cond(SearchState.error != "", rx.callout(SearchState.error, color_scheme="red", role="alert",
                                                   margin_y="0.5rem")),
        rx.cond(SearchState.notice != "", rx.text(SearchState.notice, size="2", margin_top="0.5rem")),
        rx.cond(
            SearchState.missing_words != "",
            rx.callout.root(
                rx.callout.text(rx.text.strong("Résultats approchants"), " — ", SearchState.missing_words),
                id="search-approaching", color_scheme="amber", size="1", margin_top="0.5rem",
            ),
        ),
        rx.hstack(
            rx.text(SearchState.summary, id="search-summary", role="status", aria_live="polite",
                    weight="bold", size="2"),
            view_switch(),
            justify="between",
            align="center",
            width="100%",
            margin_y="0.75rem",
        ),
        rx.cond(
            SearchState.view == "map",
            rx.vstack(
                partner_map(markers=SearchState.markers),
                rx.text("La carte montre les résultats affichés dans la liste.", size="1"),
                width="100%",
            ),
            results_list(),
        ),
    )
