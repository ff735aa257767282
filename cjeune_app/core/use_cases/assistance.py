"""The agents' assistance (/admin/assistance): find a beneficiary, open the file, and act on it.
Every action asks for a reason and is written to the audit trail in its own transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from cjeune_app.core.actor import Actor
from cjeune_app.core.assistance import actions, corrections
from cjeune_app.core.assistance import errors as assistance_errors
from cjeune_app.core.assistance.file import CorrectionLine, PupilFile, correction_line, pupil_file, season_for_file
from cjeune_app.core.assistance.search import PupilHit, find_pupils
from cjeune_app.core.audit import AuditAction, AuditTarget, record
from cjeune_app.core.cards import loss
from cjeune_app.core.cards.numbers import mask_card_number
from cjeune_app.core.db import session_scope
from cjeune_app.core.enums import ENVELOPE_LABELS, Envelope, Role
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.formats import format_cents
from cjeune_app.core.permissions import require_role

MAX_QUERY = 200


def _agent(actor: Actor | None) -> Actor:
    return require_role(actor, Role.AGENT)


def _pupil_label(session: Session, pupil_id: int) -> str:
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        raise assistance_errors.BeneficiaryNotFound()
    return f"{pupil.first_name} {pupil.last_name.upper()}"


def search_beneficiaries(actor: Actor | None, text: str) -> list[PupilHit]:
    _agent(actor)
    with session_scope(read_only=True) as session:
        return find_pupils(session, (text or "")[:MAX_QUERY])


def beneficiary_file(actor: Actor | None, pupil_id: int) -> PupilFile:
    _agent(actor)
    with session_scope(read_only=True) as session:
        return pupil_file(session, pupil_id)


def block_card(actor: Actor | None, pupil_id: int, card_id: int, loss_reason: str, note: str) -> str:
    """A card declared lost ("perte") or stolen ("vol") by phone: the family's rule (core.cards.loss),
    with the caller's words as the reason in the journal. Returns the sentence for the agent."""
    agent = _agent(actor)
    why = corrections.clean_reason(note)
    with session_scope() as session:
        label = _pupil_label(session, pupil_id)
        card = loss.declare_lost(session, agent.account_id, pupil_id, card_id, loss_reason)
        masked = mask_card_number(card.number)
        record(session, agent, AuditAction.CARD_BLOCKED, target_kind=AuditTarget.CARD, target_id=card.id,
               target_label=f"Carte {masked} de {label}", pupil_id=pupil_id, reason=why,
               details=f"Déclarée par téléphone : {loss.LOSS_REASONS[loss_reason].lower()}")
        return f"La carte {masked} est bloquée : plus aucun paiement ne passe."


def unlock_account(actor: Actor | None, pupil_id: int, account_id: int, note: str) -> str:
    agent = _agent(actor)
    why = corrections.clean_reason(note)
    with session_scope() as session:
        label = _pupil_label(session, pupil_id)
        account = actions.unlock_account(session, pupil_id, account_id)
        record(session, agent, AuditAction.ACCOUNT_UNLOCKED, target_kind=AuditTarget.ACCOUNT, target_id=account.id,
               target_label=f"{account.login} (dossier de {label})", pupil_id=pupil_id, reason=why)
        return f"Le compte {account.login} est débloqué."


def resend_link(actor: Actor | None, pupil_id: int, account_id: int, note: str) -> str:
    agent = _agent(actor)
    why = corrections.clean_reason(note)
    with session_scope() as session:
        label = _pupil_label(session, pupil_id)
        sent = actions.resend_link(session, pupil_id, account_id)
        account = actions.account_of_file(session, pupil_id, account_id)
        record(session, agent, AuditAction.LINK_RESENT, target_kind=AuditTarget.ACCOUNT, target_id=account_id,
               target_label=f"{account.login} (dossier de {label})", pupil_id=pupil_id, reason=why, details=sent)
        return f"Un {sent} a été envoyé à {account.email}."


def correct_coordinates(actor: Actor | None, pupil_id: int, values: Mapping[str, Any], note: str) -> str:
    agent = _agent(actor)
    why = corrections.clean_reason(note)
    with session_scope() as session:
        label = _pupil_label(session, pupil_id)
        changed = actions.correct_coordinates(session, pupil_id, values)
        if not changed:
            return "Aucune coordonnée n'a changé."
        record(session, agent, AuditAction.CONTACT_CORRECTED, target_kind=AuditTarget.PUPIL, target_id=pupil_id,
               target_label=label, pupil_id=pupil_id, reason=why,
               details="; ".join(f"{field} : « {before} » → « {after} »" for field, (before, after) in changed.items()))
        return "Les coordonnées sont corrigées."


# --- manual ledger corrections (four eyes) ---------------------------------------------------------


def propose_correction(actor: Actor | None, pupil_id: int, envelope: str, amount_cents: int, reason: str) -> int:
    """Nothing moves until another agent approves. Returns the correction's number."""
    agent = _agent(actor)
    with session_scope() as session:
        label = _pupil_label(session, pupil_id)
        season = season_for_file(session)
        if season is None:
            raise assistance_errors.NoWalletToCorrect()
        correction = corrections.propose(session, agent.account_id, pupil_id, season, envelope, amount_cents, reason)
        record(session, agent, AuditAction.CORRECTION_PROPOSED, target_kind=AuditTarget.CORRECTION,
               target_id=correction.id, target_label=f"Correction n°{correction.id} — {label}", pupil_id=pupil_id,
               reason=correction.reason, details=_what(correction.envelope, correction.amount_cents, season.code))
        assert correction.id is not None
        return correction.id


def _what(envelope: str, amount_cents: int, season_code: str) -> str:
    sign = "+" if amount_cents > 0 else ""
    label = ENVELOPE_LABELS.get(Envelope(envelope), envelope)
    return f"{label} {sign}{format_cents(amount_cents)} (saison {season_code})"


@dataclass(frozen=True)
class PendingCorrection:
    line: CorrectionLine
    pupil_id: int
    pupil: str
    mine: bool  # proposed by the agent reading: they cannot approve it


def pending_corrections(actor: Actor | None) -> list[PendingCorrection]:
    agent = _agent(actor)
    with session_scope(read_only=True) as session:
        return [PendingCorrection(correction_line(session, c), c.pupil_id, _pupil_label(session, c.pupil_id),
                                  c.proposed_by_account_id == agent.account_id)
                for c in corrections.pending_corrections(session)]


def approve_correction(actor: Actor | None, correction_id: int) -> str:
    agent = _agent(actor)
    with session_scope() as session:
        correction, movement = corrections.approve(session, agent.account_id, correction_id)
        label = _pupil_label(session, correction.pupil_id)
        record(session, agent, AuditAction.CORRECTION_APPROVED, target_kind=AuditTarget.CORRECTION,
               target_id=correction.id, target_label=f"Correction n°{correction.id} — {label}",
               pupil_id=correction.pupil_id, reason=correction.reason,
               details=f"Écriture n°{movement.entry_id}, solde après : {format_cents(movement.balance_after_cents)}")
        balance = format_cents(movement.balance_after_cents)
        return f"Correction n°{correction.id} approuvée : le solde est maintenant de {balance}."


def refuse_correction(actor: Actor | None, correction_id: int, note: str) -> str:
    agent = _agent(actor)
    with session_scope() as session:
        correction = corrections.refuse(session, agent.account_id, correction_id, note)
        label = _pupil_label(session, correction.pupil_id)
        record(session, agent, AuditAction.CORRECTION_REFUSED, target_kind=AuditTarget.CORRECTION,
               target_id=correction.id, target_label=f"Correction n°{correction.id} — {label}",
               pupil_id=correction.pupil_id, reason=correction.decision_note)
        return f"Correction n°{correction.id} refusée : aucun mouvement."

