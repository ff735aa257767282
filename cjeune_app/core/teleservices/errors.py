"""Refusals of the téléservices: a stable code for programs, a French sentence for people."""

from __future__ import annotations

from cjeune_app.core.errors import Conflict, Forbidden, InvalidInput, NotFound


class ServiceClosed(Conflict):
    """The service is closed (out of its window, or by the school): the message says why and when."""

    code = "service_closed"
    message = "Ce service en ligne est fermé."


class ServiceNotClosable(Conflict):
    code = "service_not_closable"
    message = "La fiche de renseignements est ouverte toute l'année : elle ne peut pas être fermée."


class UnknownService(NotFound):
    code = "unknown_service"
    message = "Ce service en ligne n'existe pas."


class NoCampaign(NotFound):
    code = "no_campaign"
    message = "Aucune campagne n'est prévue pour ce service cette année scolaire."


class NotSchoolStaff(Forbidden):
    code = "not_school_staff"
    message = "Cette page est réservée aux personnels des établissements scolaires."


class NotAnAgent(Forbidden):
    code = "not_an_agent"
    message = "Cette page est réservée aux agents du Département."


class RequestNotFound(NotFound):
    """No such request, or one of another school or family: the same answer."""

    code = "bourse_request_not_found"
    message = "Demande de bourse introuvable."


class RequestAlreadySent(Conflict):
    code = "bourse_request_already_sent"
    message = "La demande de bourse de cet enfant pour cette année scolaire a déjà été envoyée."


class RequestNotToDecide(Conflict):
    code = "bourse_request_not_to_decide"
    message = "Cette demande n'attend pas de décision (brouillon, ou déjà décidée)."


class AttestationMissing(InvalidInput):
    code = "attestation_missing"
    message = "Cochez l'attestation sur l'honneur pour envoyer la demande."


class StepsIncomplete(InvalidInput):
    code = "bourse_steps_incomplete"
    message = "Complétez les étapes précédentes avant d'envoyer la demande."


class InvalidEchelon(InvalidInput):
    code = "invalid_echelon"
    message = "Choisissez l'échelon accordé : 1, 2 ou 3."


class ReasonMissing(InvalidInput):
    code = "reason_missing"
    message = "Indiquez la raison : elle sera montrée à la famille."


class InvalidWindow(InvalidInput):
    code = "invalid_window"
    message = "Indiquez des dates au format jj/mm/aaaa, la date de fin après la date de début."


class AvisRefused(InvalidInput):
    code = "avis_refused"
    message = "L'avis d'imposition doit être un fichier PDF ou JPEG de 10 Mo au maximum."


class NotAParent(Forbidden):
    code = "not_a_parent"
    message = ("Les services en ligne sont réservés aux responsables légaux, avec leur compte Parent : "
               "connectez-vous avec ce compte.")
