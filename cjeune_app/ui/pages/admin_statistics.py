"""/admin/statistiques: how the card is used in a season, charted (Reflex's recharts) and tabled;
every table downloads as CSV. The figures come from one use case (SQL aggregations in core)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any, ClassVar

import reflex as rx

from cjeune_app import routes
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import CATEGORY_LABELS, ENVELOPE_LABELS, Role
from cjeune_app.core.errors import Refusal
from cjeune_app.core.statistics.queries import DayCount, MonthAmount
from cjeune_app.core.statistics.tables import Statistics, StatisticsTable, money_lines, table_rows
from cjeune_app.core.use_cases import statistics
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout, page_title
from cjeune_app.ui.state import PrivatePage

COLORS = ["#1d3a8a", "#d9480f", "#2b8a3e", "#862e9c"]
TITLES = {
    StatisticsTable.ENROLLMENTS: "Inscriptions par jour",
    StatisticsTable.ASSOCIATIONS: "Cartes associées par jour",
    StatisticsTable.SCHOOLS: "Part des élèves inscrits par collège",
    StatisticsTable.COMMUNES: "Part des élèves inscrits par commune",
    StatisticsTable.ENVELOPES: "Dépenses par enveloppe et par mois",
    StatisticsTable.CATEGORIES: "Dépenses par catégorie et par mois",
    StatisticsTable.MONEY: "Montants crédités, dépensés, expirés et corrigés",
    StatisticsTable.PARTNERS: "Partenaires les plus utilisés",
}
ENVELOPE_NAMES = list(ENVELOPE_LABELS.values())
CATEGORY_NAMES = list(CATEGORY_LABELS.values())


def _euros(cents: int) -> float:
    return round(cents / 100, 2)


def _days(enrollments: list[DayCount], associations: list[DayCount]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for key, days in (("inscriptions", enrollments), ("associations", associations)):
        for d in days:
            row = merged.setdefault(d.day.isoformat(), {"jour": d.day.strftime("%d/%m"), "inscriptions": 0,
                                                        "associations": 0})
            row[key] = d.count
    return [merged[day] for day in sorted(merged)]


def _months(amounts: list[MonthAmount], names: list[str]) -> list[dict[str, Any]]:
    months: dict[str, dict[str, Any]] = defaultdict(dict)
    for a in amounts:
        months[a.month][a.label] = _euros(a.cents)
    return [{"mois": f"{month[5:]}/{month[:4]}", **{name: row.get(name, 0) for name in names}}
            for month, row in sorted(months.items())]


def _charts(stats: Statistics) -> dict[str, Any]:
    money = stats.money
    return {
        "days": _days(stats.enrollments, stats.associations),
        "schools": [{"nom": s.label, "part": s.percent} for s in stats.schools],
        "communes": [{"nom": s.label, "part": s.percent} for s in stats.communes],
        "envelopes": _months(stats.envelopes, ENVELOPE_NAMES),
        "categories": _months(stats.categories, CATEGORY_NAMES),
        "money": [{"nom": label[0].upper() + label[1:], "euros": _euros(cents)} for label, cents in money_lines(money)],
        "partners": [{"nom": p.name, "paiements": p.payments} for p in stats.partners],
    }


def _load(actor: Actor, season: str | None) -> dict[str, Any]:
    page = statistics.statistics_page(actor, season or None)
    if page.statistics is None:
        return {"seasons": page.seasons, "season": "", "tables": {}, "charts": {}}
    stats = page.statistics
    tables = {t.value: [[str(v) for v in row] for row in table_rows(stats, t)] for t in StatisticsTable}
    return {"seasons": page.seasons, "season": stats.season_code, "tables": tables, "charts": _charts(stats)}


class StatisticsState(PrivatePage, rx.State):
    allowed_roles: ClassVar[tuple[Role, ...]] = (Role.AGENT,)
    sign_in_route: ClassVar[str] = routes.BACK_OFFICE_SIGN_IN
    refused_route: ClassVar[str] = routes.BACK_OFFICE_REFUSED

    seasons: list[str] = []
    season: str = ""
    tables: dict[str, list[list[str]]] = {}
    charts: dict[str, list[dict[str, Any]]] = {}
    error: str = ""

    async def _opened(self, actor: Actor) -> Any:
        await self._show(actor, None)

    async def _show(self, actor: Actor, season: str | None) -> None:
        try:
            for name, value in (await asyncio.to_thread(_load, actor, season)).items():
                setattr(self, name, value)
            self.error = ""
        except Refusal as refusal:
            self.error = refusal.message

    @rx.event
    async def choose(self, season: str):
        actor = await self._actor()
        if actor is None:
            return rx.redirect(routes.BACK_OFFICE_SIGN_IN)
        await self._show(actor, season)
        return None



def _csv_link(table: StatisticsTable) -> rx.Var:
    """The table's CSV for the season shown, built in the page (a computed var would make Reflex create
    and save this state for every session, whatever its page)."""
    before, after = routes.statistics_csv("\0", table.value).split("\0")
    return before + StatisticsState.season.to(str) + after


def _table(table: StatisticsTable) -> rx.Component:
    rows = StatisticsState.tables[table.value]
    return rx.box(
        rx.el.table(
            rx.el.caption(TITLES[table], class_name="sr-only"),
            rx.el.thead(rx.el.tr(rx.foreach(rows[0], lambda h: rx.el.th(h, scope="col", text_align="left",
                                                                        padding="0.25rem 0.5rem")))),
            rx.el.tbody(rx.foreach(rows[1:], lambda r: rx.el.tr(
                rx.foreach(r, lambda cell: rx.el.td(cell, padding="0.25rem 0.5rem"))))),
            font_size="0.85rem", border_collapse="collapse", width="100%",
        ),
        overflow_x="auto", width="100%", max_height="16rem", overflow_y="auto",
        tab_index=0, role="region", aria_label=f"Tableau : {TITLES[table]}",
    )


def _section(table: StatisticsTable, chart: rx.Component | None) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(TITLES[table], as_="h2", size="4"),
                rx.button("Exporter en CSV", variant="outline", size="1",
                          on_click=rx.download(url=_csv_link(table)),
                          aria_label=f"Exporter en CSV : {TITLES[table]}"),
                justify="between", align="center", wrap="wrap", gap="0.5rem", width="100%",
            ),
            rx.box(chart, role="img", aria_label=f"Graphique : {TITLES[table]}", width="100%",
                   class_name="graphique") if chart is not None else rx.fragment(),
            _table(table),
            spacing="3", width="100%",
        ),
        width="100%", class_name=f"statistique statistique-{table.value}",
    )


def _bars(data: str, x_key: str, bars: list[tuple[str, str]], stacked: bool = False, height: int = 240,
          layout: str = "horizontal") -> rx.Component:
    vertical = layout == "vertical"
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        *[rx.recharts.bar(data_key=key, name=name, fill=COLORS[i % len(COLORS)], stack_id="a" if stacked else None,
                          is_animation_active=False)
          for i, (key, name) in enumerate(bars)],
        (rx.recharts.y_axis(data_key=x_key, type_="category", width=120) if vertical
         else rx.recharts.x_axis(data_key=x_key)),
        rx.recharts.x_axis(type_="number") if vertical else rx.recharts.y_axis(),
        rx.recharts.tooltip(),
        rx.recharts.legend(),
        data=StatisticsState.charts[data], layout=layout, width="100%", height=height,
    )


def _lines() -> rx.Component:
    return rx.recharts.line_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        rx.recharts.line(data_key="inscriptions", name="Inscriptions", stroke=COLORS[0], is_animation_active=False),
        rx.recharts.line(data_key="associations", name="Cartes associées", stroke=COLORS[1],
                         is_animation_active=False),
        rx.recharts.x_axis(data_key="jour"), rx.recharts.y_axis(allow_decimals=False),
        rx.recharts.tooltip(), rx.recharts.legend(),
        data=StatisticsState.charts["days"], width="100%", height=240,
    )


def admin_statistics_page() -> rx.Component:
    return page_layout(
        page_title("Statistiques", "L'usage de la carte CJeune de Provence sur une saison."),
        rx.cond(StatisticsState.error != "", alert_box(StatisticsState.error)),
        rx.cond(
            StatisticsState.season != "",
            rx.vstack(
                rx.vstack(
                    rx.el.label("Saison", html_for="champ-saison", font_weight="bold"),
                    rx.el.select(rx.foreach(StatisticsState.seasons, lambda s: rx.el.option(s, value=s)),
                                 id="champ-saison", value=StatisticsState.season,
                                 on_change=StatisticsState.choose, padding="0.4rem", font_size="1rem"),
                    spacing="1",
                ),
                _section(StatisticsTable.ENROLLMENTS, _lines()),
                _section(StatisticsTable.ASSOCIATIONS, None),
                _section(StatisticsTable.SCHOOLS, _bars("schools", "nom", [("part", "% inscrits")], layout="vertical")),
                _section(StatisticsTable.COMMUNES, _bars("communes", "nom", [("part", "% inscrits")],
                                                         layout="vertical")),
                _section(StatisticsTable.ENVELOPES, _bars("envelopes", "mois", [(n, n) for n in ENVELOPE_NAMES],
                                                          stacked=True)),
                _section(StatisticsTable.CATEGORIES, _bars("categories", "mois", [(n, n) for n in CATEGORY_NAMES],
                                                           stacked=True)),
                _section(StatisticsTable.MONEY, _bars("money", "nom", [("euros", "Euros")])),
                _section(StatisticsTable.PARTNERS, _bars("partners", "nom", [("paiements", "Paiements")],
                                                         layout="vertical", height=320)),
                spacing="4", width="100%",
            ),
            rx.cond(StatisticsState.error == "", rx.text("Aucune saison n'existe encore.", size="2")),
        ),
        width="60rem",
    )
