""""Mon compte" for parents and youths: the postal address (the residence rule applies; each change
goes to the audit trail and is shown back), the e-mail (confirmed by a link to the new address), the
mobile, each consent given or withdrawn (appended to the ledger), "mes données" and the request to
delete the account. Agents read the deletion requests."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, replace

from sqlmodel import Session

from cjeune_app.core.accounts import my_account
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.my_account import DeletionAsked
from cjeune_app.core.accounts.validation import NOT_RESIDENT
from cjeune_app.core.actor import Actor
from cjeune_app.core.audit import AuditAction, AuditFilter, AuditTarget, list_entries, record
from cjeune_app.core.dashboard import family_data
from cjeune_app.core.dashboard.youth import pupils_of, youth_dashboard
from cjeune_app.core.db import session_scope, utcnow
from cjeune_app.core.enrollment import contact
from cjeune_app.core.enrollment import unsubscribe as unsubscribing
from cjeune_app.core.enrollment.communes import chosen_commune
from cjeune_app.core.enrollment.models import ConsentKind
from cjeune_app.core.enrollment.unsubscribe import Subscription
from cjeune_app.core.enums import ROLE_LABELS, Role
from cjeune_app.core.errors import Forbidden, NotSignedIn
from cjeune_app.core.establishments.models import Pupil
from cjeune_app.core.permissions import require_role, require_signed_in
from cjeune_app.core.territory import commune_by_insee

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
    address_line: str = ""
    address_complement: str = ""
    postal_code: str = ""
    commune_insee: str = ""
    commune_name: str = ""
    address: str = ""  # as the post writes it ("" before any enrollment)
    address_history: tuple[AddressChangeShown, ...] = ()  # newest first


@dataclass(frozen=True)
class AddressChangeShown:
    when: str  # "26/11/2026 14:32", Paris
    before: str
    after: str


ADDRESS_HISTORY_SHOWN = 10
BEFORE_AFTER = " ⟶ "
NO_ADDRESS = "(aucune adresse)"  # in the audit's details: "<before> ⟶ <after>"


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
    pending = my_account.pending_email(session, account.id) or ""
    deletion = my_account.deletion_requested_at(session, account.id)
    if account.role == Role.YOUTH and not family.enrolled:  # a Jeune: their commune only
        commune = commune_by_insee(account.commune_insee or "")
        name = commune.name if commune else ""
        return MyAccount(str(account.role), account.email or "", pending, False, "", False, False, deletion,
                         commune_insee=account.commune_insee or "", commune_name=name, address=name,
                         address_history=_history_of(session, AuditFilter(
                             action=AuditAction.ADDRESS_CHANGED, target_kind=AuditTarget.ACCOUNT,
                             target_id=account.id)))
    return MyAccount(str(account.role), account.email or "", pending,
                     family.enrolled, family.mobile, family.optin_email, family.optin_sms, deletion,
                     family.address_line, family.address_complement, family.postal_code, family.commune_insee,
                     family.commune_name, family.address, _address_history(session, pupil_ids))


def _address_history(session: Session, pupil_ids: list[int]) -> tuple[AddressChangeShown, ...]:
    """The family's changes of address, read back from the audit trail (one line per change, even
    when it went on several children's files)."""
    return _history_of(session, *(AuditFilter(action=AuditAction.ADDRESS_CHANGED, pupil_id=pupil_id)
                                  for pupil_id in pupil_ids))


def _history_of(session: Session, *wanted: AuditFilter) -> tuple[AddressChangeShown, ...]:
    seen: dict[tuple[str, str], tuple[dt.datetime, int, AddressChangeShown]] = {}
    for audit_filter in wanted:
        for row in list_entries(session, audit_filter, limit=ADDRESS_HISTORY_SHOWN):
            before, _, after = row.details.partition(BEFORE_AFTER)
            seen.setdefault((row.when, row.details), (row.moment, row.id, AddressChangeShown(row.when, before, after)))
    newest_first = sorted(seen.values(), key=lambda found: (found[0], found[1]), reverse=True)
    return tuple(line for _, _, line in newest_first[:ADDRESS_HISTORY_SHOWN])


def _actor_name(account: Account) -> str:
    return f"{account.first_name} {account.last_name}".strip() or account.login


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


def change_address(actor: Actor | None, values: dict[str, object]) -> MyAccount:
    """The family's new postal address (address_line, address_complement, postal_code,
    commune_insee or commune_name): the stepper's rules, the residence in the 13 on the commune's
    INSEE code. FormErrors beside each field, nothing stored. Each change is appended to the audit
    trail of every child concerned (agents see it in the file) and shown back in "Mon compte"."""
    with session_scope() as session:
        actor, account, pupil_ids = _family(session, actor)
        changed = contact.change_address(session, pupil_ids, values)
        if changed is not None:
            for pupil_id in pupil_ids:
                pupil = session.get(Pupil, pupil_id)
                record(session, replace(actor, display_name=_actor_name(account)), AuditAction.ADDRESS_CHANGED,
                       target_kind=AuditTarget.PUPIL, target_id=pupil_id, pupil_id=pupil_id,
                       target_label=f"{pupil.first_name} {pupil.last_name}" if pupil else "",
                       details=f"{changed.before or NO_ADDRESS}{BEFORE_AFTER}{changed.after}")
        return _overview(session, account, pupil_ids)


def change_commune(actor: Actor | None, values: dict[str, object]) -> MyAccount:
    """A Jeune's commune (commune_insee picked from the list, or commune_name typed): one of the 13,
    as at sign-up; FormErrors({"commune_insee": ...}) otherwise, nothing stored. Each change goes to
    the audit trail and is shown back, as a family's change of address."""
    with session_scope() as session:
        actor, account, pupil_ids = _family(session, actor)
        if account.role != Role.YOUTH:
            raise Forbidden()
        town = chosen_commune(values, "")
        if not town.insee and str(values.get("commune_name") or "").strip() and not town.in_department:
            raise FormErrors({"commune_insee": NOT_RESIDENT})
        changed = my_account.change_youth_commune(session, account, town.insee)
        if changed is not None:
            before, after = (commune_by_insee(code) for code in changed)
            record(session, replace(actor, display_name=_actor_name(account)), AuditAction.ADDRESS_CHANGED,
                   target_kind=AuditTarget.ACCOUNT, target_id=account.id, target_label=_actor_name(account),
                   details=f"{before.name if before else NO_ADDRESS}{BEFORE_AFTER}{after.name if after else ''}")
        return _overview(session, account, pupil_ids)


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


def unsubscribe_status(token: str | None) -> Subscription:
    """The page of an optional e-mail's unsubscribe link (no sign-in: the signed link is the proof);
    UnsubscribeLinkInvalid for a cut or altered link. Reading it changes nothing."""
    with session_scope(read_only=True) as session:
        return unsubscribing.subscription(session, token)


def unsubscribe(token: str | None) -> Subscription:
    """The page's button, or a mail client's one-click POST (RFC 8058): the family behind the
    address no longer receives the optional e-mails; the withdrawal is appended to the consent
    ledger with its time. Again: nothing more."""
    with session_scope() as session:
        return unsubscribing.unsubscribe(session, token)


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


def _collect(session: Session, account: Account, pupil_ids: list[int], now: dt.datetime) -> dict[str, object]:
    """Everything kept about the family that this person may see, with dates as datetimes."""
    youths = []
    for pupil_id in pupil_ids:
        pupil = session.get(Pupil, pupil_id)
        if pupil is None:
            continue
        board = youth_dashboard(session, pupil)
        youths.append({
            "prenom": pupil.first_name, "nom": pupil.last_name, "date_de_naissance": pupil.birth_date,
            "etablissement": family_data.school_of(session, pupil), "classe": pupil.class_name,
            "saison": board.season_code,
            "soldes": {e.label: e.balance_cents / 100 for e in board.envelopes},
            "soldes_centimes": {e.label: e.balance_cents for e in board.envelopes},
            "carte": {"etat": str(board.card.state), "numero": board.card.masked_number},
            "cartes": family_data.cards_of(session, pupil_id),
            "mouvements": [{"date": line.created_at, "libelle": line.label, "montant": line.amount_cents / 100}
                           for line in board.history],
            "historique": family_data.ledger_lines(session, pupil_id),
            "inscriptions": family_data.enrollments_of(session, pupil_id),
            "responsables_legaux": family_data.guardians_of(session, pupil_id, account.id or 0, account.email or ""),
        })
    overview = _overview(session, account, pupil_ids)
    return {
        "exporte_le": now,
        "compte": {"role": str(account.role), "role_libelle": ROLE_LABELS.get(Role(account.role), str(account.role)),
                   "identifiant": account.login, "email": account.email,
                   "prenom": account.first_name, "nom": account.last_name, "cree_le": account.created_at},
        "coordonnees": {"adresse": overview.address, "mobile": overview.mobile, "optin_email": overview.optin_email,
                        "optin_sms": overview.optin_sms},
        "jeunes": youths,
        "consentements": [asdict(line) for line in contact.consent_ledger(session, pupil_ids)],
        "consentements_detail": family_data.consent_lines(session, pupil_ids),
        "changements_adresse": family_data.address_changes(session, pupil_ids),
        "messages_envoyes": family_data.messages_sent(session, [account.email or ""]),  # this person's own
        "demande_de_suppression": overview.deletion_requested_at,
    }


def my_data(actor: Actor | None) -> dict[str, object]:
    """Everything kept about the family that this person may see: the account, each youth
    (identity, school, enrollments, cards, balances, every movement), the guardians the school gave,
    contact, the consent ledger, the changes of address and the messages sent. JSON-ready."""
    with session_scope(read_only=True) as session:
        actor, account, pupil_ids = _family(session, actor)
        exported = _collect(session, account, pupil_ids, utcnow())
    return {key: _plain(value) for key, value in exported.items()}


def my_data_pdf(actor: Actor | None) -> bytes:
    """The same, as a readable PDF in French, with its title and date."""
    with session_scope(read_only=True) as session:
        actor, account, pupil_ids = _family(session, actor)
        now = utcnow()
        exported = _collect(session, account, pupil_ids, now)
    return family_data.family_data_pdf(exported, now)


def my_data_json(actor: Actor | None) -> bytes:
    return json.dumps(my_data(actor), ensure_ascii=False, indent=2).encode("utf-8")
