"""Bank details in the partner space: IBAN and BIC checked, the partner's password re-entered."""

from __future__ import annotations

import pytest

from cjeune_app.core.audit import AuditAction
from cjeune_app.core.errors import Forbidden
from cjeune_app.core.reimbursements.errors import BankDetailsInvalid
from cjeune_app.core.use_cases import reimbursements
from tests.core.partners.builders import add_partner
from tests.core.reimbursements.builders import PARTNER_PASSWORD, audited, partner_account


@pytest.fixture
def partner(session):
    club = add_partner(session, "Judo Club d'Aix")
    session.commit()
    return partner_account(session, club.id)


def test_a_partner_records_its_bank_details_in_canonical_form(partner):
    assert reimbursements.bank_details(partner) is None
    saved = reimbursements.change_bank_details(partner, "  Judo  Club d'Aix ", "fr76 3000 4000 0000 0000 0000 151",
                                               "bnpa frpp", PARTNER_PASSWORD)
    assert (saved.holder_name, saved.iban, saved.bic) == ("Judo Club d'Aix", "FR7630004000000000000000151", "BNPAFRPP")
    assert saved.iban_display == "FR76 3000 4000 0000 0000 0000 151"
    assert reimbursements.bank_details(partner) == saved
    changed = reimbursements.change_bank_details(partner, "Judo Club", "FR1420041010050500013M02606", "PSSTFRPPMAR",
                                                 PARTNER_PASSWORD)
    assert reimbursements.bank_details(partner) == changed and changed.iban.endswith("M02606")
    first, second = audited(AuditAction.BANK_DETAILS_CHANGED)
    assert (second.partner_id, second.actor_account_id) == (partner.partner_id, partner.account_id)
    assert second.details == ("avant : IBAN FR76 •••• •••• 0151, BIC BNPAFRPP, titulaire Judo Club d'Aix ; "
                              "après : IBAN FR14 •••• •••• 2606, BIC PSSTFRPPMAR, titulaire Judo Club")
    assert "FR7630004000000000000000151" not in first.details + second.details  # never a whole IBAN


@pytest.mark.parametrize(("holder", "iban", "bic", "fields"), [
    ("Club", "FR7630004000000000000000152", "BNPAFRPP", {"iban"}),  # wrong check digits
    ("Club", "FR76300040000000", "BNPAFRPP", {"iban"}),  # too short
    ("Club", "FR7630004000000000000000151", "BNPA", {"bic"}),
    ("Club", "FR7630004000000000000000151", "DEUTDEFF", {"bic"}),  # a German bank for a French account
    ("", "FR7630004000000000000000151", "BNPAFRPP", {"holder_name"}),
    ("x" * 71, "", "", {"holder_name", "iban", "bic"}),
])
def test_wrong_bank_details_are_refused_field_by_field(partner, holder, iban, bic, fields):
    with pytest.raises(BankDetailsInvalid) as refused:
        reimbursements.change_bank_details(partner, holder, iban, bic, PARTNER_PASSWORD)
    assert set(refused.value.fields) == fields
    assert reimbursements.bank_details(partner) is None


def test_a_change_needs_the_partners_password(partner):
    reimbursements.change_bank_details(partner, "Club", "FR7630004000000000000000151", "BNPAFRPP", PARTNER_PASSWORD)
    with pytest.raises(BankDetailsInvalid) as refused:
        reimbursements.change_bank_details(partner, "Voleur", "FR1420041010050500013M02606", "PSSTFRPPMAR", "devine")
    assert set(refused.value.fields) == {"password"}
    assert reimbursements.bank_details(partner).holder_name == "Club"
    assert len(audited(AuditAction.BANK_DETAILS_CHANGED)) == 1  # the refused change left no trace


def test_only_a_partner_has_bank_details(agent):
    with pytest.raises(Forbidden):
        reimbursements.bank_details(agent)
    with pytest.raises(Forbidden):
        reimbursements.change_bank_details(agent, "Club", "FR7630004000000000000000151", "BNPAFRPP", "x")
