"""FAQ: every question on one page, filtered by keyword as the visitor types."""

from __future__ import annotations

import dataclasses

import reflex as rx

from cjeune_app.core.faq import search_faq
from cjeune_app.core.use_cases.seasons import DEFAULT_AMOUNTS, SeasonAmounts
from cjeune_app.ui.amounts import AmountsState
from cjeune_app.ui.components.layout import page_layout, page_title


@dataclasses.dataclass
class FaqRow:
    slug: str = ""
    topic: str = ""
    question: str = ""
    answer: str = ""


def _rows(query: str, amounts: SeasonAmounts) -> list[FaqRow]:
    return [FaqRow(e.slug, e.topic, e.question, e.answer) for e in search_faq(query, amounts)]


def _summary(query: str, count: int) -> str:
    if not query.strip():
        return f"{count} questions"
    if count == 0:
        return "Aucune question ne correspond à votre recherche. Essayez un autre mot, ou contactez l'assistance."
    plural = count > 1
    return f"{count} question{'s' if plural else ''} correspond{'ent' if plural else ''} à « {query.strip()} »"


_ALL_ROWS = _rows("", DEFAULT_AMOUNTS)


class FaqState(AmountsState):
    """The search; the amounts the answers quote are its parent's (loaded on opening). The questions
    shown are plain vars set with the query (computed vars would make Reflex create this state, and
    its 7 KB of answers, for every session whatever its page)."""

    query: str = ""
    entries: list[FaqRow] = _ALL_ROWS
    summary: str = _summary("", len(_ALL_ROWS))

    @rx.event
    async def open(self) -> None:
        await self._load_amounts()
        self._show_questions()

    def _show_questions(self) -> None:
        amounts = SeasonAmounts(self.sport_culture, self.soutien_scolaire, self.total)
        self.entries = _rows(self.query, amounts)
        self.summary = _summary(self.query, len(self.entries))

    @rx.event
    def set_query(self, value: str) -> None:
        if value != self.query:
            self.query = value
            self._show_questions()


def _entry(entry: rx.Var) -> rx.Component:
    return rx.el.article(
        rx.text(entry.topic, size="1", weight="bold", color_scheme="indigo", text_transform="uppercase"),
        rx.heading(entry.question, as_="h2", size="4", margin_y="0.25rem"),
        rx.text(entry.answer, size="3", white_space="pre-line"),
        id=entry.slug,
        padding_y="1rem",
        border_bottom="1px solid var(--gray-5)",
        class_name="faq-entry",
    )


def faq_page() -> rx.Component:
    return page_layout(
        page_title("Questions fréquentes", "Identifiants, mot de passe, inscription, photo, carte perdue…"),
        rx.el.label("Rechercher dans la FAQ", html_for="faq-search", font_weight="bold"),
        rx.input(
            id="faq-search",
            type="search",
            placeholder="Ex. : mot de passe, photo, renouvellement",
            value=FaqState.query,
            on_change=FaqState.set_query.debounce(150),
            size="3",
            margin_top="0.25rem",
            width="100%",
        ),
        rx.text(FaqState.summary, size="2", role="status", aria_live="polite", margin_top="0.5rem",
                id="faq-summary"),
        rx.box(rx.foreach(FaqState.entries, _entry)),
    )
