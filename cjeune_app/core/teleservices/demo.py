"""Demo data of the téléservices: the bourse campaign of the school year under way, opened by the
first demo collège and left closed by the second, so that both states are visible after `make run`."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from cjeune_app.core.dates import format_date, paris_today
from cjeune_app.core.establishments.models import Establishment
from cjeune_app.core.seasons.api import bounds_for_code, season_code_for
from cjeune_app.core.teleservices.catalogue import Teleservice, default_window
from cjeune_app.core.teleservices.models import CampaignWindow, ServiceOpening
from cjeune_app.core.teleservices.windows import campaign_window, school_opening

DEMO_OPENER = "Secrétariat (démonstration)"
DEMO_DAYS_LEFT = 30


def seed_teleservices(session: Session, open_in: Establishment, closed_in: Establishment,
                      today: dt.date | None = None) -> str:
    """The line the demo prints. Outside the usual 1 September → 21 October, the demo window is
    stretched to 30 days from today (within the school year) so that the open form can be tried."""
    today = today or paris_today()
    season_code = season_code_for(today)
    service = Teleservice.BOURSE_COLLEGE
    window = campaign_window(session, service, season_code)
    if window is None:
        dates = default_window(service, season_code)
        assert dates is not None
        opens_on, closes_on = dates
        if not opens_on <= today <= closes_on:
            closes_on = min(today + dt.timedelta(days=DEMO_DAYS_LEFT), bounds_for_code(season_code)[1])
        window = CampaignWindow(service=service, season_code=season_code, opens_on=opens_on, closes_on=closes_on)
        session.add(window)
    if school_opening(session, open_in.id or 0, service, season_code) is None:
        session.add(ServiceOpening(establishment_id=open_in.id or 0, service=service, season_code=season_code,
                                   is_open=True, changed_by_name=DEMO_OPENER))
    session.flush()
    return (f"Bourse de collège {season_code} : ouverte du {format_date(window.opens_on)} au "
            f"{format_date(window.closes_on)} au {open_in.name}, fermée au {closed_in.name}")
