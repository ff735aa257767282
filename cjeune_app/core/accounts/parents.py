"""Parents: the legal guardian's account made by a completed enrollment, and their children."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Session, col, select

from cjeune_app.core.accounts import emails
from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.models import Account, ParentLink, TokenPurpose
from cjeune_app.core.accounts.sign_in import account_by_login
from cjeune_app.core.accounts.tokens import issue_token
from cjeune_app.core.accounts.validation import email_error
from cjeune_app.core.db import utcnow
from cjeune_app.core.email_address import normalize_email
from cjeune_app.core.enums import Role
from cjeune_app.core.errors import Conflict, Forbidden, NotSignedIn
from cjeune_app.core.establishments.models import Pupil


class EmailOfAnotherKindOfAccount(Conflict):
    code = "email_of_another_account"
    message = (
        "Cette adresse e-mail est déjà utilisée par un autre type de compte CJeune de Provence : "
        "indiquez une autre adresse e-mail pour le responsable légal."
    )


class ParentMail(StrEnum):
    """What the completed enrollment sent to the guardian's address."""

    ACTIVATION = "activation"  # a new Parent account (or one never activated): the activation link
    CHILD_LINKED = "enfant_ajoute"  # a known parent: "un enfant a été ajouté à votre compte"
    NONE = "aucun"  # the child was already linked to this account


def create_or_get_parent_for_enrollment(
    session: Session,
    email: str,
    first_name: str,
    last_name: str,
    pupil_id: int,
    *,
    known_account: Account | None = None,
    now: dt.datetime | None = None,
) -> Account:
    """The legal guardian's account for a completed enrollment (see `link_parent_for_enrollment`)."""
    return link_parent_for_enrollment(session, email, first_name, last_name, pupil_id,
                                      known_account=known_account, now=now)[0]


def link_parent_for_enrollment(
    session: Session,
    email: str,
    first_name: str,
    last_name: str,
    pupil_id: int,
    *,
    known_account: Account | None = None,
    now: dt.datetime | None = None,
) -> tuple[Account, ParentMail]:
    """The legal guardian's account for a completed enrollment, linked to the pupil, and what was
    e-mailed.

    New address: a Parent account without password and an activation e-mail. Known parent (by
    the login, the contact e-mail of a Parent account, or `known_account`: the account of the
    school's guardian record): the child is linked (an e-mail says so; one not yet activated gets
    a new activation link).
    """
    now = now or utcnow()
    email = normalize_email(email)
    problem = email_error(email)
    if problem:
        raise FormErrors({"email": problem})
    pupil = session.get(Pupil, pupil_id)
    if pupil is None:
        raise Forbidden()
    account = known_account or account_by_login(session, email, for_update=True)
    if account is None:
        account = session.exec(
            select(Account).where(Account.role == Role.PARENT, Account.email == email).with_for_update()
        ).first()
    created = account is None
    if account is None:
        account = Account(role=Role.PARENT, login=email, email=email,
                          first_name=first_name.strip(), last_name=last_name.strip(), created_at=now)
        session.add(account)
        session.flush()
    elif account.role != Role.PARENT:
        raise EmailOfAnotherKindOfAccount()
    newly_linked = _link(session, account, pupil, new_account=created)
    if account.password_hash is None:
        token = issue_token(session, account, TokenPurpose.ACTIVATION, now=now, new_account=created)
        emails.send_parent_activation(session, email, token, pupil.first_name)
        return account, ParentMail.ACTIVATION
    if newly_linked:
        emails.send_child_linked(session, email, pupil.first_name)
        return account, ParentMail.CHILD_LINKED
    return account, ParentMail.NONE


def _link(session: Session, parent: Account, pupil: Pupil, *, new_account: bool = False) -> bool:
    """Links the child to the parent (False: it was already); an account just created has no link."""
    assert parent.id is not None and pupil.id is not None
    if not new_account and session.exec(
        select(ParentLink.id).where(ParentLink.parent_account_id == parent.id, ParentLink.pupil_id == pupil.id)
    ).first():
        return False
    session.add(ParentLink(parent_account_id=parent.id, pupil_id=pupil.id))
    session.flush()
    return True


def children_of(session: Session, parent_account: Account | None) -> list[Pupil]:
    """The pupils linked to a parent account, and only those."""
    if parent_account is None or not parent_account.is_active:
        raise NotSignedIn()
    if parent_account.role != Role.PARENT:
        raise Forbidden()
    return list(session.exec(
        select(Pupil)
        .join(ParentLink, col(ParentLink.pupil_id) == col(Pupil.id))
        .where(ParentLink.parent_account_id == parent_account.id)
        .order_by(col(Pupil.first_name), col(Pupil.id))
    ).all())


def first_child_name(session: Session, parent: Account) -> str:
    children = children_of(session, parent)
    return children[0].first_name if children else "votre enfant"
