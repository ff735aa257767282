"""The audit trail's table and its vocabularies."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cjeune_app.core.db import utcnow


class AuditAction(StrEnum):
    """What was done. Stored as a plain string: adding an action needs no migration."""

    PARTNER_VALIDATED = "partner_validated"
    PARTNER_REJECTED = "partner_rejected"
    PARTNER_SUSPENDED = "partner_suspended"
    PARTNER_REACTIVATED = "partner_reactivated"
    PHOTO_VALIDATED = "photo_validated"
    PHOTO_REJECTED = "photo_rejected"
    CARD_BATCH_ISSUED = "card_batch_issued"
    CARD_BLOCKED = "card_blocked"
    ACCOUNT_UNLOCKED = "account_unlocked"
    LINK_RESENT = "link_resent"
    CONTACT_CORRECTED = "contact_corrected"
    ADDRESS_CHANGED = "address_changed"  # by the family itself, from "Mon compte"
    CORRECTION_PROPOSED = "correction_proposed"
    CORRECTION_APPROVED = "correction_approved"
    CORRECTION_REFUSED = "correction_refused"
    PUPIL_PASSWORD_RESET = "pupil_password_reset"
    PUPILS_IMPORTED = "pupils_imported"
    GUARDIANS_CHANGED = "guardians_changed"
    SEASON_CLOSED = "season_closed"
    SERVICE_OPENED = "service_opened"
    SERVICE_CLOSED = "service_closed"
    CAMPAIGN_WINDOW_SET = "campaign_window_set"
    BOURSE_GRANTED = "bourse_granted"
    BOURSE_REFUSED = "bourse_refused"
    BOURSE_DOCUMENT_ASKED = "bourse_document_asked"
    BANK_DETAILS_CHANGED = "bank_details_changed"
    REIMBURSEMENT_BATCH_PREPARED = "reimbursement_batch_prepared"
    REIMBURSEMENT_BATCH_GENERATED = "reimbursement_batch_generated"
    REIMBURSEMENT_BATCH_SENT = "reimbursement_batch_sent"


AUDIT_ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.PARTNER_VALIDATED: "Partenaire validé",
    AuditAction.PARTNER_REJECTED: "Partenaire refusé",
    AuditAction.PARTNER_SUSPENDED: "Partenaire suspendu",
    AuditAction.PARTNER_REACTIVATED: "Partenaire réactivé",
    AuditAction.PHOTO_VALIDATED: "Photo validée",
    AuditAction.PHOTO_REJECTED: "Photo refusée",
    AuditAction.CARD_BATCH_ISSUED: "Lot de cartes créé",
    AuditAction.CARD_BLOCKED: "Carte bloquée",
    AuditAction.ACCOUNT_UNLOCKED: "Compte débloqué",
    AuditAction.LINK_RESENT: "Lien renvoyé",
    AuditAction.CONTACT_CORRECTED: "Coordonnées corrigées",
    AuditAction.ADDRESS_CHANGED: "Adresse modifiée par la famille",
    AuditAction.CORRECTION_PROPOSED: "Correction proposée",
    AuditAction.CORRECTION_APPROVED: "Correction approuvée",
    AuditAction.CORRECTION_REFUSED: "Correction refusée",
    AuditAction.PUPIL_PASSWORD_RESET: "Mot de passe d'élève réinitialisé",
    AuditAction.PUPILS_IMPORTED: "Élèves importés",
    AuditAction.GUARDIANS_CHANGED: "Responsables légaux modifiés",
    AuditAction.SEASON_CLOSED: "Saison clôturée",
    AuditAction.SERVICE_OPENED: "Service ouvert",
    AuditAction.SERVICE_CLOSED: "Service fermé",
    AuditAction.CAMPAIGN_WINDOW_SET: "Fenêtre de campagne fixée",
    AuditAction.BOURSE_GRANTED: "Bourse de collège accordée",
    AuditAction.BOURSE_REFUSED: "Bourse de collège refusée",
    AuditAction.BOURSE_DOCUMENT_ASKED: "Document demandé pour une bourse",
    AuditAction.BANK_DETAILS_CHANGED: "Coordonnées bancaires modifiées",
    AuditAction.REIMBURSEMENT_BATCH_PREPARED: "Lot de remboursements préparé",
    AuditAction.REIMBURSEMENT_BATCH_GENERATED: "Fichier de virements SEPA généré",
    AuditAction.REIMBURSEMENT_BATCH_SENT: "Lot de remboursements envoyé",
}


class AuditTarget(StrEnum):
    """What the action was about; `target_id` is that table's id."""

    PUPIL = "pupil"
    ACCOUNT = "account"
    PARTNER = "partner"
    PHOTO = "photo"
    CARD = "card"
    CARD_BATCH = "card_batch"
    ESTABLISHMENT = "establishment"
    CORRECTION = "correction"
    SEASON = "season"
    REIMBURSEMENT_BATCH = "reimbursement_batch"
    BOURSE_REQUEST = "bourse_request"
    TELESERVICE = "teleservice"


AUDIT_TARGET_LABELS: dict[AuditTarget, str] = {
    AuditTarget.PUPIL: "Élève",
    AuditTarget.ACCOUNT: "Compte",
    AuditTarget.PARTNER: "Partenaire",
    AuditTarget.PHOTO: "Photo",
    AuditTarget.CARD: "Carte",
    AuditTarget.CARD_BATCH: "Lot de cartes",
    AuditTarget.ESTABLISHMENT: "Établissement",
    AuditTarget.CORRECTION: "Correction",
    AuditTarget.SEASON: "Saison",
    AuditTarget.REIMBURSEMENT_BATCH: "Lot de remboursements",
    AuditTarget.BOURSE_REQUEST: "Demande de bourse",
    AuditTarget.TELESERVICE: "Service en ligne",
}


class AuditEntry(SQLModel, table=True):
    """Never updated nor deleted (database triggers, migration audit_assistance).

    Who is kept as a snapshot (role and name at the time) beside the account id, so that the
    line still reads right after the account changes. `pupil_id` ties an action to a
    beneficiary's file (assistance) whatever its target (a card, an account, a correction).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        sa.Index("ix_audit_entry_target", "target_kind", "target_id"),
        sa.Index("ix_audit_entry_actor_time", "actor_account_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=utcnow, index=True)
    actor_account_id: int | None = Field(default=None, foreign_key="account.id")  # None: operator's command
    actor_role: str = Field(sa_type=sa.String(16))  # enums.Role, or "operateur"
    actor_name: str = Field(default="", sa_type=sa.String(200))
    action: str = Field(sa_type=sa.String(40), index=True)  # AuditAction
    target_kind: str = Field(sa_type=sa.String(24))  # AuditTarget
    target_id: int | None = None
    target_label: str = Field(default="", sa_type=sa.String(200))
    pupil_id: int | None = Field(default=None, foreign_key="pupil.id", index=True)
    partner_id: int | None = Field(default=None, foreign_key="partner.id", index=True)
    reason: str = Field(default="", sa_type=sa.Text())
    details: str = Field(default="", sa_type=sa.Text())
