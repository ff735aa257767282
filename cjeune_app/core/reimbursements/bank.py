"""A partner's bank details: IBAN and BIC checked by schwifty (checksum, length, country format,
bank registry), the holder's name as the bank will show it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sqlmodel import Session, select

from cjeune_app.core.db import utcnow
from cjeune_app.core.reimbursements.errors import BankDetailsInvalid
from cjeune_app.core.reimbursements.models import PartnerBankAccount

HOLDER_MAX = 70  # SEPA's limit for a creditor's name


@dataclass(frozen=True)
class BankDetails:
    holder_name: str
    iban: str  # compact, upper case
    bic: str
    updated_at: dt.datetime | None = None

    @property
    def iban_display(self) -> str:
        """Groups of four, as on a RIB."""
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))

    @property
    def iban_masked(self) -> str:
        """Enough to recognise one's account, not enough to copy it."""
        return f"{self.iban[:4]} •••• •••• {self.iban[-4:]}"


def checked_bank_details(holder_name: str, iban: str, bic: str) -> BankDetails:
    """The details in their canonical form, or BankDetailsInvalid naming each wrong field."""
    errors: dict[str, str] = {}
    holder = " ".join((holder_name or "").split())
    if not holder:
        errors["holder_name"] = "Indiquez le nom du titulaire du compte, tel qu'il figure sur le RIB."
    elif len(holder) > HOLDER_MAX:
        errors["holder_name"] = f"Le nom du titulaire tient en {HOLDER_MAX} caractères au plus."
    checked_iban: IBAN | None = None
    try:
        checked_iban = IBAN(iban or "")
    except SchwiftyException:
        errors["iban"] = ("IBAN invalide : vérifiez-le sur votre RIB (27 caractères pour un compte français, "
                          "commençant par FR76).")
    checked_bic: BIC | None = None
    try:
        checked_bic = BIC((bic or "").replace(" ", ""))
    except SchwiftyException:
        errors["bic"] = "BIC invalide : 8 ou 11 caractères, par exemple BNPAFRPP (il figure sur votre RIB)."
    if checked_iban is not None and checked_bic is not None and checked_iban.country_code != checked_bic.country_code:
        errors["bic"] = "Ce BIC n'est pas celui d'une banque du pays de l'IBAN : vérifiez-le sur votre RIB."
    if errors or checked_iban is None or checked_bic is None:
        raise BankDetailsInvalid(errors)
    return BankDetails(holder, checked_iban.compact, checked_bic.compact)


def bank_details_of(session: Session, partner_id: int) -> BankDetails | None:
    row = session.exec(select(PartnerBankAccount).where(PartnerBankAccount.partner_id == partner_id)).first()
    if row is None:
        return None
    return BankDetails(row.holder_name, row.iban, row.bic, row.updated_at)


def save_bank_details(
    session: Session, partner_id: int, details: BankDetails, account_id: int | None, *, now: dt.datetime | None = None,
) -> BankDetails:
    """Creates or replaces the structure's bank details; the previous ones are returned by the caller's
    audit, not kept here."""
    now = now or utcnow()
    row = session.exec(
        select(PartnerBankAccount).where(PartnerBankAccount.partner_id == partner_id).with_for_update()
    ).first()
    if row is None:
        row = PartnerBankAccount(partner_id=partner_id, holder_name=details.holder_name, iban=details.iban,
                                 bic=details.bic, updated_at=now, updated_by_account_id=account_id)
    else:
        row.holder_name, row.iban, row.bic = details.holder_name, details.iban, details.bic
        row.updated_at, row.updated_by_account_id = now, account_id
    session.add(row)
    session.flush()
    return BankDetails(row.holder_name, row.iban, row.bic, row.updated_at)
