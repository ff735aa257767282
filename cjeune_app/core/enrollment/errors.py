"""Refusals of the enrollment domain: a stable code for programs, a French sentence for people.

Field mistakes are not exceptions: they come back as `StepResult.errors`, one per field.
"""

from __future__ import annotations


class EnrollmentError(Exception):
    code = "enrollment_error"
    http_status = 400
    message = "L'inscription n'a pas pu être enregistrée."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.message
        super().__init__(self.message)


class PupilNotFound(EnrollmentError):
    code = "pupil_not_found"
    http_status = 404
    message = ("Nous ne retrouvons pas la fiche de cet élève : "
               "contactez le secrétariat de son établissement.")


class SeasonNotFound(EnrollmentError):
    code = "season_not_found"
    http_status = 404
    message = ("Les inscriptions pour cette année scolaire ne sont pas encore ouvertes : "
               "revenez à partir de la rentrée.")
