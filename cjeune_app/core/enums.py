"""Closed vocabularies shared by several domains. Stored as plain strings."""

from enum import StrEnum


class Role(StrEnum):
    PUPIL = "collegien"  # Collégien·ne, Eduprovence account
    PARENT = "parent"
    YOUTH = "jeune"  # no longer at collège, under 26, living in the 13
    PARTNER = "partenaire"
    AGENT = "agent"  # agent of the Département (back office)
    ESTABLISHMENT = "etablissement"  # school staff: ATI, secrétariat


class Envelope(StrEnum):
    SPORT_CULTURE = "sport_culture"
    SOUTIEN_SCOLAIRE = "soutien_scolaire"


class Category(StrEnum):
    SPORT = "sport"
    CULTURE = "culture"
    LOISIRS = "loisirs"
    SOUTIEN_SCOLAIRE = "soutien_scolaire"


class PartnerKind(StrEnum):
    ASSOCIATION = "association"
    COLLECTIVITE = "collectivite"
    COMMERCIALE = "commerciale"


ENVELOPE_LABELS = {
    Envelope.SPORT_CULTURE: "Sport & Culture",
    Envelope.SOUTIEN_SCOLAIRE: "Soutien scolaire",
}

CATEGORY_LABELS = {
    Category.SPORT: "Sport",
    Category.CULTURE: "Culture",
    Category.LOISIRS: "Loisirs",
    Category.SOUTIEN_SCOLAIRE: "Soutien scolaire",
}

PARTNER_KIND_LABELS = {
    PartnerKind.ASSOCIATION: "Association",
    PartnerKind.COLLECTIVITE: "Collectivité",
    PartnerKind.COMMERCIALE: "Commerciale",
}


def envelope_for_category(category: Category | str) -> Envelope:
    """Tutoring is paid from Soutien scolaire; sport, culture and leisure from Sport & Culture."""
    if Category(category) is Category.SOUTIEN_SCOLAIRE:
        return Envelope.SOUTIEN_SCOLAIRE
    return Envelope.SPORT_CULTURE

ROLE_LABELS = {
    Role.PUPIL: "Collégien·ne",
    Role.PARENT: "Parent",
    Role.YOUTH: "Jeune",
    Role.PARTNER: "Partenaire",
    Role.AGENT: "Agent du Département",
    Role.ESTABLISHMENT: "Établissement scolaire",
}

# Roles that sign in from "Qui suis-je ?"; the others use the back-office sign-in page.
PUBLIC_ROLES = (Role.PUPIL, Role.PARENT, Role.YOUTH, Role.PARTNER)
BACK_OFFICE_ROLES = (Role.AGENT, Role.ESTABLISHMENT)


# --- money: cards, ledger, payments --------------------------------------------------------------


class CardStatus(StrEnum):
    STOCK = "stock"  # printed, in a school's stock
    ACTIVE = "active"  # associated to a youth: pays
    BLOCKED = "blocked"  # declared lost or stolen


class LedgerKind(StrEnum):
    CREDIT = "credit"
    DEBIT = "debit"
    REFUND = "refund"
    EXPIRY = "expiry"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    # An agents' manual correction, approved by a second agent (core/assistance/corrections.py).
    CORRECTION_IN = "correction_in"
    CORRECTION_OUT = "correction_out"


class PaymentStatus(StrEnum):
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"


# Partners and search


class PartnerStatus(StrEnum):
    PENDING = "pending"  # e-mail to confirm, then waiting for an agent
    VALIDATED = "validated"
    REJECTED = "rejected"
    SUSPENDED = "suspended"  # by an agent, with a reason: no payment, not in the search, no sign-in


PARTNER_STATUS_LABELS = {
    PartnerStatus.PENDING: "En attente",
    PartnerStatus.VALIDATED: "Validé",
    PartnerStatus.REJECTED: "Refusé",
    PartnerStatus.SUSPENDED: "Suspendu",
}


class OfferState(StrEnum):
    """How a partner sees one of its bons plans (worked out at read time, not stored)."""

    CURRENT = "en cours"
    UPCOMING = "à venir"
    EXPIRED = "expiré"
    UNPUBLISHED = "dépublié"

