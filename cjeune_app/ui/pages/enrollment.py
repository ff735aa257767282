"""/inscription: "INSCRIPTION À LA CARTE CJEUNE DE PROVENCE", the "Bienvenue" screen, then the four
steps, then "C'EST PARFAIT !". The state is in `enrollment_state`, the pieces in `enrollment_parts`."""

from __future__ import annotations

import reflex as rx

from cjeune_app.core.enrollment.wording import FORM_NOTICE, FORM_TITLE
from cjeune_app.ui.components.forms import alert_box
from cjeune_app.ui.components.layout import page_layout
from cjeune_app.ui.pages.enrollment_parts import (
    already_done,
    choose_child,
    done,
    progress_header,
    stepper_form,
    welcome,
)
from cjeune_app.ui.pages.enrollment_state import ALREADY, DONE, WELCOME, EnrollmentState
from cjeune_app.ui.theme import BRAND_BLUE

__all__ = ["EnrollmentState", "enrollment_page"]


def enrollment_page() -> rx.Component:
    return page_layout(
        rx.heading(FORM_TITLE, as_="h1", size="6", color=BRAND_BLUE),
        rx.text(FORM_NOTICE, size="2", margin_bottom="1rem"),
        rx.cond(
            EnrollmentState.refused != "",
            alert_box(EnrollmentState.refused),
            rx.cond(
                ~EnrollmentState.ready,
                rx.text("Chargement…", role="status"),
                rx.cond(
                    EnrollmentState.children_choice.length() > 0,
                    choose_child(),
                    rx.vstack(
                        progress_header(),
                        rx.match(
                            EnrollmentState.screen,
                            (WELCOME, welcome()),
                            (DONE, done()),
                            (ALREADY, already_done()),
                            stepper_form(),
                        ),
                        spacing="5", width="100%",
                    ),
                ),
            ),
        ),
        width="36rem",
    )
