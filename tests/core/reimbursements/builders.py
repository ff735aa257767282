"""Partners with an account and bank details, and the pain.001 schema the SEPA files must follow."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import sepaxml
import xmlschema
from sqlmodel import Session

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.reimbursements.bank import checked_bank_details, save_bank_details
from cjeune_app.core.use_cases.sessions import actor_of

PARTNER_PASSWORD = "Tatami2026"
# The official ISO 20022 schema as sepaxml ships it (sepaxml/schemas/pain.001.001.03.xsd).
PAIN_001_XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
IBANS = ["FR7630004000000000000000151", "FR7630001000000000000000127", "FR1420041010050500013M02606"]
BICS = ["BNPAFRPP", "BDFEFRPP", "PSSTFRPPMAR"]


def partner_account(session: Session, partner_id: int) -> Actor:
    """A signed-in member of the structure, with a real password (committed)."""
    account = Account(role=Role.PARTNER, login=f"compta-{uuid.uuid4().hex[:8]}@club.fr",
                      password_hash=hash_password(PARTNER_PASSWORD), partner_id=partner_id)
    session.add(account)
    session.commit()
    actor = actor_of(session, account)
    session.commit()  # the use cases write in their own transactions: none stays open here
    return actor


def give_bank_details(session: Session, partner_id: int, index: int = 0, holder: str = "Club de test") -> None:
    save_bank_details(session, partner_id, checked_bank_details(holder, IBANS[index], BICS[index]), None)
    session.commit()


def valid_pain_001(xml: bytes) -> ET.Element:
    """The parsed file, after the XSD says it is a valid pain.001.001.03 (raises otherwise)."""
    xmlschema.XMLSchema(PAIN_001_XSD).validate(xml.decode())
    return ET.fromstring(xml)


def transfers(root: ET.Element) -> dict[str, tuple[str, int]]:
    """End-to-end id → (creditor IBAN, amount in cents) of every transfer of the file."""
    found = {}
    for tx in root.iterfind(".//p:CdtTrfTxInf", NS):
        e2e = tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS)
        iban = tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS)
        amount = tx.findtext("p:Amt/p:InstdAmt", namespaces=NS)
        found[e2e] = (iban, int(Decimal(amount) * 100))
    return found


def audited(action) -> list:
    """The trail's entries of one action, oldest first."""
    from sqlmodel import col, select

    from cjeune_app.core.audit.models import AuditEntry
    from cjeune_app.core.db import session_scope

    with session_scope(read_only=True) as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))).all())
