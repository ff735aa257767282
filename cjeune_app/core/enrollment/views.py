"""What the stepper's operations return: plain values, nothing bound to a database session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cjeune_app.core.enrollment.models import STEP_COUNT, EnrollmentStatus

TO_COMPLETE = "à compléter"
COMPLETE = "complète"


@dataclass(frozen=True)
class PupilIdentity:
    pupil_id: int
    last_name: str
    first_name: str
    birth_date: dt.date
    establishment_name: str
    class_name: str

    @property
    def birth_date_text(self) -> str:
        return self.birth_date.strftime("%d/%m/%Y")


@dataclass(frozen=True)
class EnrollmentView:
    pupil_id: int
    season_code: str
    status: EnrollmentStatus
    current_step: int
    is_renewal: bool
    values: dict[str, Any] = field(default_factory=dict)  # what each field shows, keyed by field name
    commune_name: str = ""
    attested_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    step_count: int = STEP_COUNT

    @property
    def is_completed(self) -> bool:
        return self.status == EnrollmentStatus.COMPLETED

    @property
    def status_label(self) -> str:
        return COMPLETE if self.is_completed else TO_COMPLETE

    @property
    def step_label(self) -> str:
        return f"Étape {self.current_step} sur {self.step_count}"

    @property
    def progress_percent(self) -> int:
        return round(100 * self.current_step / self.step_count)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly, for a Reflex state."""
        return {
            "pupil_id": self.pupil_id, "season_code": self.season_code, "status": self.status,
            "status_label": self.status_label, "current_step": self.current_step,
            "step_label": self.step_label, "progress_percent": self.progress_percent,
            "is_renewal": self.is_renewal, "values": dict(self.values),
            "commune_name": self.commune_name,
            "completed_at": self.completed_at.isoformat() if self.completed_at else None,
        }


@dataclass(frozen=True)
class StepResult:
    errors: dict[str, str]  # field → French sentence; empty when the step was saved
    view: EnrollmentView  # what is stored (on errors the screen keeps what was typed)
    step: int  # the step to show next: the following one, or the one holding the errors
    parent_mail: str = ""  # on completion: what was e-mailed to the guardian (accounts.parents.ParentMail)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def first_error_field(self) -> str | None:
        """The field to focus (errors come in the order of the fields on screen)."""
        return next(iter(self.errors), None)


@dataclass(frozen=True)
class EnrollmentSummary:
    """For the dashboard. The photo's own state is the photo module's to tell."""

    status: EnrollmentStatus
    label: str  # "à compléter" or "complète"
    current_step: int
    is_renewal: bool
    renewal_due: bool  # enrolled in an earlier season, not yet completed for this one
    completed_at: dt.datetime | None = None
