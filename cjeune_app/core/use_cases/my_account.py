""""Mon compte" for parents and youths: the e-mail (confirmed by a link to the new address), the
mobile, each consent given or withdrawn (appended to the ledger), "mes données" and the request to
delete the account. Agents read the deletion requests."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass

from sqlmodel import Session

from cjeune_app.core.accounts import my_account
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.my_account import DeletionAsked
from cjeune_app.core.actor import Actor
from cjeune_app.core.dashboard.youth import pupils_of, youth_dashboard
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.enrollment import contact
from cjeune_app.core.enrollment.models import ConsentKind
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Forbidden, NotSignedIn
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.permissions import require_role, require_signed_in

FAMILY_ROLES = (Role.PARENT, Role.PUPIL, Role.YOUTH)


@dataclass(frozen=True)
class MyAccount:
    role: str
    email: str
    pending_email: str  # a new address waiting for its link ("" when none)
    enrolled: bool  # mobile and opt-ins exist once an enrollment is completed
    mobile: str
    optin_email: bool
    optin_sms: bool
    deletion_requested_at: dt.datetime | None


def _family(session: Session, actor: Actor | None) -> tuple[Actor, Account, list[int]]:
    actor = require_signed_in(actor)
    if actor.role not in FAMILY_ROLES:
        raise Forbidden()
    account = session.get(Account, actor.account_id)
    if account is None:
        raise NotSignedIn()
    return actor, account, [child.pupil_id for child in pupils_of(session, actor)]


def _overview(session: Session, account: Account, pupil_ids: list[int]) -> MyAccount:
    assert account.id is not None
    family = contact.family_contact(session, pupil_ids)
    return MyAccount(str(account.role), account.email or "", my_account.pending_email(session, account.id) or "",
                     family.enrolled, family.mobile, family.optin_email, family.optin_sms,
                     my_account.deletion_requested_at(session, account.id))


def open_my_account(actor: Actor | None) -> MyAccount:
    with session_scope(read_only=True) as session:
        _, account, pupil_ids = _family(session, actor)
        return _overview(session, account, pupil_ids)


def ask_email_change(actor: Actor | None, new_email: str) -> MyAccount:
    """FormErrors({"new_email": ...}) for an invalid, unchanged or taken address."""
    with session_scope() as session:
        _, account, pupil_ids = _family(session, actor)
        my_account.request_email_change(session, account, new_email)
        return _overview(session, account, pupil_ids)


def confirm_email_change(token: str | None) -> str:
    """The e-mailed link (no sign-in needed: the link is the proof); returns the new address."""
    with session_scope() as session:
        return my_account.confirm_email_change(session, token).email or ""


def change_mobile(actor: Actor | None, mobile: str) -> MyAccount:
    with session_scope() as session:
        _, account, pupil_ids = _family(session, actor)
        contact.change_mobile(session, pupil_ids, mobile)
        return _overview(session, account, pupil_ids)


def set_consent(actor: Actor | None, kind: ConsentKind, value: bool) -> MyAccount:
    with session_scope() as session:
        _, account, pupil_ids = _family(session, actor)
        contact.set_consent(session, pupil_ids, kind, value)
        return _overview(session, account, pupil_ids)


def request_deletion(actor: Actor | None) -> MyAccount:
    with session_scope() as session:
        _, account, pupil_ids = _family(session, actor)
        my_account.request_deletion(session, account)
        return _overview(session, account, pupil_ids)


def deletion_requests(actor: Actor | None) -> list[DeletionAsked]:
    require_role(actor, Role.AGENT)
    with session_scope(read_only=True) as session:
        return my_account.open_deletion_requests(session)


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def my_data(actor: Actor | None) -> dict[str, object]:
    """Everything kept about the family that this person may see: the account, each youth
    (identity, school class, balances, card, movements of the season), contact and the consent ledger."""
    with session_scope(read_only=True) as session:
        actor, account, pupil_ids = _family(session, actor)
        youths = []
        for pupil_id in pupil_ids:
            pupil = session.get(Pupil, pupil_id)
            if pupil is None:
                continue
            board = youth_dashboard(session, pupil)
            youths.append({
                "prenom": pupil.first_name, "nom": pupil.last_name, "date_de_naissance": pupil.birth_date,
                "classe": pupil.class_name,
                "saison": board.season_code,
                "soldes": {e.label: e.balance_cents / 100 for e in board.envelopes},
                "carte": {"etat": str(board.card.state), "numero": board.card.masked_number},
                "mouvements": [{"date": line.created_at, "libelle": line.label, "montant": line.amount_cents / 100}
                               for line in board.history],
            })
        overview = _overview(session, account, pupil_ids)
        exported: dict[str, object] = {
            "exporte_le": utcnow(),
            "compte": {"role": str(account.role), "identifiant": account.login, "email": account.email,
                       "prenom": account.first_name, "nom": account.last_name, "cree_le": account.created_at},
            "coordonnees": {"mobile": overview.mobile, "optin_email": overview.optin_email,
                            "optin_sms": overview.optin_sms},
            "jeunes": youths,
            "consentements": [asdict(line) for line in contact.consent_ledger(session, pupil_ids)],
            "demande_de_suppression": overview.deletion_requested_at,
        }
        return {key: _plain(value) for key, value in exported.items()}


def my_data_json(actor: Actor | None) -> bytes:
    return json.dumps(my_data(actor), ensure_ascii=False, indent=2).encode("utf-8")
