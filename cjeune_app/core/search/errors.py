"""Refusals of the search, in French, each saying how to fix the request (all InvalidInput: 422).

`field` names the parameter to fix (as the API calls it).
"""

from __future__ import annotations

from cjeune_app.core.errors import InvalidInput

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 50
MAX_RADIUS_KM = 200.0


class SearchError(InvalidInput):
    """A search request that cannot be answered as given."""

    code = "recherche_invalide"
    field = ""

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field or type(self).field


class UnknownCategory(SearchError):
    code = "categorie_inconnue"
    field = "category"
    message = "Catégorie inconnue : choisissez sport, culture, loisirs ou soutien_scolaire."


class UnknownEnvelopeFilter(SearchError):
    code = "enveloppe_inconnue"
    field = "envelope"
    message = ("Enveloppe inconnue : choisissez sport_culture (Sport & Culture) "
               "ou soutien_scolaire (Soutien scolaire).")


class UnknownCommune(SearchError):
    code = "commune_inconnue"
    field = "commune"
    message = ("Commune inconnue : indiquez le code INSEE d'une commune des Bouches-du-Rhône "
               "(par exemple 13001 pour Aix-en-Provence, 13055 pour Marseille).")


class QueryTooLong(SearchError):
    code = "recherche_trop_longue"
    field = "q"
    message = f"La recherche est trop longue : {MAX_QUERY_LENGTH} caractères au plus."


class IncompletePosition(SearchError):
    code = "position_incomplete"
    field = "lat"
    message = "Indiquez la latitude et la longitude ensemble."


class InvalidPosition(SearchError):
    code = "position_invalide"
    field = "lat"
    message = "Position invalide : la latitude va de -90 à 90 et la longitude de -180 à 180."


class PositionRequired(SearchError):
    """Sorting by distance or a radius needs a point to measure from."""

    code = "position_requise"
    _NEEDS = {
        "sort": "trier par distance",
        "radius_km": "chercher dans un rayon",
    }

    def __init__(self, field: str) -> None:
        super().__init__(f"Pour {self._NEEDS[field]}, autorisez la géolocalisation ou choisissez une commune.",
                         field=field)


class InvalidRadius(SearchError):
    code = "rayon_invalide"
    field = "radius_km"
    message = f"Le rayon doit être supérieur à 0 et d'au plus {MAX_RADIUS_KM:.0f} km."


class UnknownSort(SearchError):
    code = "tri_inconnu"
    field = "sort"
    message = "Tri inconnu : choisissez relevance (pertinence) ou distance."


class InvalidPage(SearchError):
    code = "page_invalide"
    field = "page"
    message = "Le numéro de page commence à 1."


class InvalidPageSize(SearchError):
    code = "taille_page_invalide"
    field = "page_size"
    message = f"Le nombre de résultats par page va de 1 à {MAX_PAGE_SIZE}."


class InvalidParameter(SearchError):
    """A parameter of the HTTP request that is not of the expected type (a word for a number)."""

    code = "parametre_invalide"

    def __init__(self, field: str, expected: str) -> None:
        super().__init__(f"Le paramètre « {field} » doit être {expected}.", field=field)
