"""/partenaires: "Que recherchez-vous ?" — partners and current bons plans, list or map."""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.enums import CATEGORY_LABELS, ENVELOPE_LABELS
from cjeune_app.core.search import SearchError, SearchQuery
from cjeune_app.core.territory import all_communes
from cjeune_app.core.use_cases import search as searching
from cjeune_app.ui import browser
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.components.partner_cards import PartnerItem, partner_card, partner_item
from cjeune_app.ui.components.partner_map import partner_map
from cjeune_app.ui.local_reads import short_read
from cjeune_app.ui.state import assign_changed

PAGE_SIZE = 20
COMMUNE_OPTIONS = sorted(((c.insee_code, c.name) for c in all_communes()), key=lambda item: item[1])
CATEGORY_OPTIONS = [(c.value, label) for c, label in CATEGORY_LABELS.items()]
ENVELOPE_OPTIONS = [(e.value, label) for e, label in ENVELOPE_LABELS.items()]


def _run_search(query: SearchQuery) -> tuple[list[PartnerItem], int, str, str]:
    """The page's items, the total, a notice on corrected words, and the words not found
    when the results are only approaching ("" otherwise)."""
    page = searching.search(query)
    notice = ""
    if page.corrected_terms:
        fixes = ", ".join(f"« {c.typed} » → {' / '.join(c.replaced_by)}" for c in page.corrected_terms)
        notice = f"Recherche élargie aux mots proches : {fixes}."
    missing = ""
    if page.approximate:
        words = ", ".join(f"« {word} »" for word in page.missing_words)
        plural = "s" if len(page.missing_words) > 1 else ""
        missing = f"Aucun partenaire n'a tous vos mots. Non trouvé{plural} : {words}."
    return [partner_item(hit) for hit in page.results], page.total, notice, missing


# The search lives in the URL (French names), so that reload, share, back and forward work.
URL_FIELDS = {"q": "q", "category": "categorie", "commune": "commune", "envelope": "enveloppe",
              "near_insee": "pres-de"}


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
    # What the screen shows about the search, set with the results (plain vars: computed vars
    # would make Reflex create this state for every session, whatever its page).
    summary: str = "Recherche des partenaires…"
    has_more: bool = False
    chips: list[dict[str, str]] = []  # the active filters, each removable ("Arles ×")
    commune_name: str = ""
    map_query: str = ""  # the search as the map's API reads it (every result, not one page)
    searched: bool = False  # the first answer came: before it, no "Aucun partenaire" (it flashed, then jumped)

    # Not saved with the session (about 5 KB for a page of results, read and written back by every
    # event): the results are the query's, shown by the browser, and recomputed when needed. An
    # event that leaves them alone sends nothing for them; a reconnection runs `load` again.
    _UNSAVED: ClassVar[tuple[str, ...]] = ("results",)

    def __getstate__(self):
        fields = dict(super().__getstate__())
        for name in self._UNSAVED:
            fields.pop(name, None)
        return fields

    def _query(self, page: int = 1) -> SearchQuery:
        return SearchQuery(
            q=self.q, category=self.category or None, commune_insee=self.commune or None,
            envelope=self.envelope or None, offers_only=self.offers_only,
            lat=self.latitude, lon=self.longitude, near_insee=self.near_insee or None,
            sort=self.sort, page=page, page_size=PAGE_SIZE,
        )

    async def _refresh(self):
        # Each var assigned is sent with the update (and saved): only those that change are.
        try:
            results, total, notice, missing = await short_read(_run_search, self._query())
            error, searched = "", True
        except SearchError as refusal:
            results, total, notice, missing, error, searched = [], 0, "", "", refusal.message, self.searched
        self.results = results  # never saved (see _UNSAVED): always sent, the browser's copy is the one
        for name, value in (("pages_shown", 1), ("total", total), ("notice", notice), ("missing_words", missing),
                            ("error", error), ("searched", searched)):
            self._set_if_changed(name, value)
        self._describe()

    def _url(self) -> str:
        fields = {name: getattr(self, attr) for attr, name in URL_FIELDS.items()}
        # the position itself is never written (it is the user's own): only that there is one
        fields["tri"] = "distance" if self.sort == "distance" and self.latitude is None else ""
        fields["bons-plans"] = "1" if self.offers_only else ""
        fields["vue"] = "carte" if self.view == "map" else ""
        fields["autour-de-moi"] = "1" if self.latitude is not None else ""
        query = urlencode({name: value for name, value in fields.items() if value})
        return routes.PARTNERS_SEARCH + (f"?{query}" if query else "")

    def _typed(self):
        """Typing rewrites the current address (back then undoes a filter, not each letter);
        only while still on this page, as the answer may come after a click on a result."""
        return browser.replace_address(routes.PARTNERS_SEARCH, self._url())

    def _navigate(self):
        """A filter, the sort or the view changed: a new address, which `load` then searches
        (so back and forward replay the very same path)."""
        return rx.redirect(self._url())

    def _describe(self):
        """What the screen shows beside the results; nothing sent for a value already shown."""
        if self.error:
            summary = ""
        elif self.total == 0:
            summary = "Aucun partenaire ne correspond. Essayez un autre mot ou retirez un filtre."
        else:
            summary = f"{self.total} partenaire{'s' if self.total > 1 else ''}"
        self._set_if_changed("summary", summary)
        self._set_if_changed("has_more", len(self.results) < self.total)
        self._set_if_changed("chips", self._chips())
        self._set_if_changed("commune_name", _label(COMMUNE_OPTIONS, self.commune) if self.commune else "")
        self._set_if_changed("map_query", self._map_query())

    def _set_if_changed(self, name: str, value):
        assign_changed(self, **{name: value})

    def _chips(self) -> list[dict[str, str]]:
        chips = []
        if self.category:
            chips.append({"key": "category", "label": _label(CATEGORY_OPTIONS, self.category)})
        if self.commune:
            chips.append({"key": "commune", "label": _label(COMMUNE_OPTIONS, self.commune)})
        if self.envelope:
            chips.append({"key": "envelope", "label": _label(ENVELOPE_OPTIONS, self.envelope)})
        if self.offers_only:
            chips.append({"key": "offers_only", "label": "Bons plans"})
        if self.near_insee:
            chips.append({"key": "near", "label": "Près de " + _label(COMMUNE_OPTIONS, self.near_insee)})
        elif self.latitude is not None:
            chips.append({"key": "near", "label": "Autour de moi"})
        return chips

    def _map_query(self) -> str:
        params = {"q": self.q, "category": self.category, "commune": self.commune, "envelope": self.envelope,
                  "near": self.near_insee, "offers_only": "true" if self.offers_only else "",
                  "lat": "" if self.latitude is None else str(self.latitude),
                  "lon": "" if self.longitude is None else str(self.longitude)}
        return urlencode({name: value for name, value in params.items() if value})

    @rx.event
    async def load(self):
        """Opening the page (a link, a reload, back or forward): the search is the URL's; a
        link without parameters (the menu) starts with no filter."""
        params = self.router.url.query_parameters
        for attr, name in URL_FIELDS.items():
            self._set_if_changed(attr, params.get(name, ""))
        self._set_if_changed("view", "map" if params.get("vue") == "carte" else "list")
        wants_distance = params.get("tri") == "distance" and bool(self.near_insee or self.commune)
        sort = "distance" if wants_distance else "relevance"
        self._set_if_changed("offers_only", params.get("bons-plans") == "1")
        if params.get("autour-de-moi") != "1":  # the position itself stays in this tab only
            self._set_if_changed("latitude", None)
            self._set_if_changed("longitude", None)
        elif self.latitude is not None:
            sort = "distance"
        self._set_if_changed("sort", sort)
        await self._refresh()

    @rx.event
    async def set_q(self, value: str):
        if value == self.q:
            return None
        self.q = value
        await self._refresh()
        return self._typed()

    @rx.event
    async def set_filter(self, name: str, value: str):
        if name == "category":
            self.category = value
        elif name == "commune":
            self.commune = value
        elif name == "envelope":
            self.envelope = value
        else:
            return None
        return self._navigate()

    @rx.event
    async def remove_filter(self, key: str):
        if key == "offers_only":
            self.offers_only = False
        elif key == "near":
            self.near_insee, self.latitude, self.longitude, self.sort = "", None, None, "relevance"
        elif key in ("category", "commune", "envelope"):
            setattr(self, key, "")
        return self._navigate()

    @rx.event
    async def clear_filters(self):
        self.category = self.commune = self.envelope = self.near_insee = ""
        self.offers_only, self.latitude, self.longitude, self.sort = False, None, None, "relevance"
        return self._navigate()

    @rx.event
    async def around_commune(self):
        """No result in the chosen commune: the nearest partners around it instead."""
        self.near_insee, self.commune, self.latitude, self.longitude = self.commune, "", None, None
        self.sort = "distance"
        return self._navigate()

    @rx.event
    async def set_offers_only(self, value: bool):
        self.offers_only = bool(value)
        return self._navigate()

    @rx.event
    async def set_sort(self, value: str):
        self.sort = value
        if value == "distance" and self.latitude is None and not self.near_insee and not self.commune:
            self.error = "Pour trier par distance, utilisez « Autour de moi » ou choisissez votre commune."
            self.sort = "relevance"
            return None
        return self._navigate()

    @rx.event
    async def set_near(self, insee: str):
        self.near_insee, self.latitude, self.longitude = insee, None, None
        self.sort = "distance" if insee else "relevance"
        return self._navigate()

    @rx.event
    def near_me(self):
        self.locating = True
        return browser.position(SearchState.use_position)

    @rx.event
    async def use_position(self, position: list | None):
        self.locating = False
        if not position:
            self.error = ("Votre position n'est pas disponible : autorisez-la dans le navigateur, "
                          "ou choisissez votre commune dans « Près de ».")
            return None
        self.latitude, self.longitude = float(position[0]), float(position[1])
        self.near_insee, self.sort = "", "distance"
        return self._navigate()

    @rx.event
    async def show_more(self):
        """The next page, added below the ones shown."""
        # The pages shown are not kept (see _UNSAVED): they are asked again with the next one.
        results: list[PartnerItem] = []
        try:
            for page in range(1, self.pages_shown + 2):
                more, self.total, _, _ = await short_read(_run_search, self._query(page=page))
                results += more
        except SearchError as refusal:
            self.error = refusal.message
            return
        self.results = results
        self.pages_shown += 1
        self._describe()

    @rx.event
    def set_view(self, value: str | list[str]):
        self.view = value if isinstance(value, str) else value[0]
        return self._navigate()


browser.answers_to(SearchState.use_position)


def _label(options: list[tuple[str, str]], code: str) -> str:
    return next((text for value, text in options if value == code), code)


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
        rx.el.summary(
            "Filtres et tri",
            rx.cond(SearchState.chips.length() > 0,
                    rx.badge(SearchState.chips.length(), " actif", rx.cond(SearchState.chips.length() > 1, "s", ""),
                             margin_left="0.5rem", variant="solid", high_contrast=True)),
            class_name="filters-summary",
        ),
        rx.grid(
            _select("Catégorie", "filtre-categorie", SearchState.category,
                    lambda v: SearchState.set_filter("category", v),
                    CATEGORY_OPTIONS, "Toutes"),
            _select("Commune", "filtre-commune", SearchState.commune,
                    lambda v: SearchState.set_filter("commune", v), COMMUNE_OPTIONS, "Toutes"),
            _select("Enveloppe acceptée", "filtre-enveloppe", SearchState.envelope,
                    lambda v: SearchState.set_filter("envelope", v),
                    ENVELOPE_OPTIONS, "Toutes"),
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


def filter_chip(chip: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.button(
        chip["label"], rx.icon("x", size=14, aria_hidden="true"),
        on_click=SearchState.remove_filter(chip["key"]),
        aria_label="Retirer le filtre " + chip["label"].to(str),
        variant="soft", size="2", radius="full", class_name="filter-chip",
    )


def active_filters() -> rx.Component:
    return rx.cond(
        SearchState.chips.length() > 0,
        rx.flex(
            rx.foreach(SearchState.chips, filter_chip),
            rx.button("Tout effacer", on_click=SearchState.clear_filters, variant="ghost", size="1"),
            wrap="wrap", gap="0.5rem", align="center", margin_top="0.5rem", id="filtres-actifs",
            role="group", aria_label="Filtres actifs",
        ),
    )


def no_result_help() -> rx.Component:
    """Never a dead end: clear the filters, or look around the commune chosen."""
    return rx.cond(
        (SearchState.total == 0) & (SearchState.error == "") & SearchState.searched,
        rx.flex(
            rx.cond(SearchState.commune != "",
                    rx.button("Chercher autour de ", SearchState.commune_name, on_click=SearchState.around_commune,
                              size="2")),
            rx.cond(SearchState.chips.length() > 0,
                    rx.button("Effacer les filtres", on_click=SearchState.clear_filters, variant="outline",
                              size="2")),
            wrap="wrap", gap="0.5rem", margin_bottom="1rem",
        ),
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
        active_filters(),
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
                partner_map(query=SearchState.map_query),
                rx.text("La carte montre tous les résultats de la recherche ; touchez un groupe pour "
                        "l'agrandir.", size="1"),
                width="100%",
            ),
            rx.fragment(no_result_help(), results_list()),
        ),
    )
