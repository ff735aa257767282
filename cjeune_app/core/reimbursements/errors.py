"""Refusals of the reimbursements (bank details, monthly batches)."""

from __future__ import annotations

from cjeune_app.core.errors import Conflict, InvalidInput, NotFound


class BankDetailsInvalid(InvalidInput):
    """The bank details form has mistakes: `fields` maps each field to the sentence shown next to it."""

    code = "bank_details_invalid"

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        super().__init__("Les coordonnées bancaires contiennent des erreurs : " + " ".join(self.fields.values()))


class MonthNotFinished(Conflict):
    code = "month_not_finished"

    def __init__(self, of_label: str) -> None:
        super().__init__(f"Le mois {of_label} n'est pas terminé : son lot de remboursement se prépare à partir "
                         "du 1er du mois suivant.")


class LaterBatchExists(Conflict):
    code = "later_batch_exists"

    def __init__(self, of_label: str, of_later: str) -> None:
        super().__init__(f"Le lot {of_later} est déjà préparé : il a repris les paiements {of_label} restant dus. "
                         "Un mois ne se prépare plus après un mois suivant.")


class BatchNotFound(NotFound):
    code = "batch_unknown"
    message = "Lot de remboursement introuvable."


class BatchWrongState(Conflict):
    code = "batch_wrong_state"

    def __init__(self, message: str) -> None:
        super().__init__(message)


class EmptyBatch(Conflict):
    code = "batch_empty"
    message = "Ce lot ne contient aucun virement : il n'y a pas de fichier à générer."
