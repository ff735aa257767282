"""Auto-inscription: mobile → code by SMS → each child's birth date → identifier and password.
Every refusal and brake, on SQLite and PostgreSQL, the SMS read back from a local Brevo."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cjeune_app.core.accounts.errors import FormErrors
from cjeune_app.core.accounts.models import Account
from cjeune_app.core.enums import Role
from cjeune_app.core.guardians.errors import (
    CodeAlreadyUsed,
    CodeBlocked,
    CodeExpired,
    InvalidMobile,
    MalformedCode,
    MissingBirthDates,
    NoCodeInProgress,
    TooManyCodesForNumber,
    TooManyCodesFromAddress,
    VerificationExpired,
    WrongBirthDates,
    WrongCode,
)
from cjeune_app.core.guardians.verification import CODES_PER_ADDRESS
from cjeune_app.core.use_cases import accounts, guardians
from tests.core.guardians.builders import E164, MOBILE, make_family

IP = "198.51.100.4"
LEA, TOM = dt.date(2013, 3, 14), dt.date(2011, 9, 2)


@pytest.fixture
def family(session):
    school, pupils = make_family(session)
    session.commit()
    return pupils


def code_for(provider, e164=E164) -> str:
    return provider.messages_to(e164)[-1].code


def verified(provider, now=None) -> str:
    guardians.request_code(MOBILE, IP, now=now)
    return guardians.verify_code(MOBILE, code_for(provider), IP, now=now).proof


def test_the_whole_way_gives_an_identifier_and_the_chosen_password_signs_in(family, sms_provider, session):
    answer = guardians.request_code("+33 6 12 34 56 78", IP)
    assert answer.mobile == "06 12 34 56 78"
    [sms] = sms_provider.messages_to(E164)
    assert "code de vérification" in sms.content and sms.type == "transactional"
    checked = guardians.verify_code(MOBILE, sms.code, IP)
    assert checked.children == ["Léa", "Tom"]
    guardians.verify_birth_dates(checked.proof, [LEA, TOM])
    done = guardians.complete_self_registration(checked.proof, "Soleil2026", "Soleil2026")
    assert done.login == "m.durand" and done.children == ["Léa", "Tom"]
    assert "m.durand" in sms_provider.messages_to(E164)[-1].content
    step = accounts.check_password("m.durand", "Soleil2026", IP, (Role.PARENT,))
    assert step.ok and not step.must_change_password
    account = session.exec(select(Account).where(Account.login == "m.durand")).one()
    assert account.role == Role.PARENT and account.email is None  # the school's record, not confirmed


def test_an_unknown_number_gets_the_same_answer_and_no_sms(family, sms_provider):
    known = guardians.request_code(MOBILE, IP)
    unknown = guardians.request_code("06 99 88 77 66", IP)
    assert known.message.replace(known.mobile, "N") == unknown.message.replace(unknown.mobile, "N")
    assert known.message.startswith("Si le 06 ") and "06 99 88 77 66" in unknown.message  # the number typed
    assert sms_provider.messages_to("+33699887766") == []
    with pytest.raises(WrongCode):
        guardians.verify_code("06 99 88 77 66", "123456", IP)


def test_a_malformed_number_or_code_is_refused_without_counting(family, sms_provider):
    with pytest.raises(InvalidMobile, match="06 ou 07"):
        guardians.request_code("04 91 00 00 00", IP)
    with pytest.raises(InvalidMobile):
        guardians.request_code("bonjour", IP)
    with pytest.raises(NoCodeInProgress):
        guardians.verify_code(MOBILE, "123456", IP)
    guardians.request_code(MOBILE, IP)
    with pytest.raises(MalformedCode):
        guardians.verify_code(MOBILE, "12a456", IP)
    assert guardians.verify_code(MOBILE, code_for(sms_provider), IP).children == ["Léa", "Tom"]


def test_three_wrong_tries_void_the_code_and_a_new_code_works(family, sms_provider):
    guardians.request_code(MOBILE, IP)
    right = code_for(sms_provider)
    wrong = "000000" if right != "000000" else "111111"
    with pytest.raises(WrongCode, match="2 essai"):
        guardians.verify_code(MOBILE, wrong, IP)
    with pytest.raises(WrongCode, match="1 essai"):
        guardians.verify_code(MOBILE, wrong, IP)
    with pytest.raises(WrongCode, match="dernier essai"):
        guardians.verify_code(MOBILE, wrong, IP)
    with pytest.raises(CodeBlocked):
        guardians.verify_code(MOBILE, right, IP)
    guardians.request_code(MOBILE, IP)
    assert guardians.verify_code(MOBILE, code_for(sms_provider), IP).proof


def test_a_code_expires_after_ten_minutes_and_works_once(family, sms_provider):
    start = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
    guardians.request_code(MOBILE, IP, now=start)
    code = code_for(sms_provider)
    with pytest.raises(CodeExpired):
        guardians.verify_code(MOBILE, code, IP, now=start + dt.timedelta(minutes=10, seconds=1))
    guardians.request_code(MOBILE, IP, now=start + dt.timedelta(minutes=11))
    code = code_for(sms_provider)
    guardians.verify_code(MOBILE, code, IP, now=start + dt.timedelta(minutes=12))
    with pytest.raises(CodeAlreadyUsed):
        guardians.verify_code(MOBILE, code, IP, now=start + dt.timedelta(minutes=12))


def test_at_most_three_codes_per_number_per_hour(family, sms_provider):
    start = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
    for minute in range(3):
        guardians.request_code(MOBILE, f"203.0.113.{minute}", now=start + dt.timedelta(minutes=minute))
    with pytest.raises(TooManyCodesForNumber, match="3 codes") as refused:
        guardians.request_code(MOBILE, "203.0.113.9", now=start + dt.timedelta(minutes=5))
    assert refused.value.details["retry_after_seconds"] == 55 * 60
    assert len(sms_provider.messages_to(E164)) == 3
    guardians.request_code(MOBILE, IP, now=start + dt.timedelta(minutes=61))


def test_the_limit_per_number_holds_for_unknown_numbers_too(family, sms_provider):
    for _ in range(3):
        guardians.request_code("06 99 88 77 66", IP)
    with pytest.raises(TooManyCodesForNumber):
        guardians.request_code("06 99 88 77 66", IP)


def test_one_address_cannot_ask_codes_for_many_numbers(family, sms_provider):
    for n in range(CODES_PER_ADDRESS):
        guardians.request_code(f"06 12 00 00 {n:02d}", IP)
    with pytest.raises(TooManyCodesFromAddress):
        guardians.request_code(MOBILE, IP)
    guardians.request_code(MOBILE, "198.51.100.200")


def test_a_wrong_birth_date_says_the_step_not_the_child_and_keeps_the_code_validated(family, sms_provider):
    proof = verified(sms_provider)
    with pytest.raises(WrongBirthDates) as refused:
        guardians.verify_birth_dates(proof, [LEA, dt.date(2011, 9, 3)])
    assert "Tom" not in refused.value.message and "Léa" not in refused.value.message
    assert "date de naissance" in refused.value.message
    with pytest.raises(MissingBirthDates):
        guardians.verify_birth_dates(proof, [LEA, None])
    with pytest.raises(MissingBirthDates):
        guardians.verify_birth_dates(proof, [LEA])
    guardians.verify_birth_dates(proof, [LEA, TOM])  # no new code needed


def test_three_wrong_sets_of_dates_need_a_new_code(family, sms_provider):
    proof = verified(sms_provider)
    for _ in range(3):
        with pytest.raises(WrongBirthDates):
            guardians.verify_birth_dates(proof, [TOM, LEA])
    with pytest.raises(VerificationExpired):
        guardians.verify_birth_dates(proof, [LEA, TOM])
    proof = verified(sms_provider)
    guardians.verify_birth_dates(proof, [LEA, TOM])


def test_the_password_step_needs_the_dates_and_a_password_of_the_policy(family, sms_provider):
    proof = verified(sms_provider)
    with pytest.raises(VerificationExpired):
        guardians.complete_self_registration(proof, "Soleil2026", "Soleil2026")
    guardians.verify_birth_dates(proof, [LEA, TOM])
    with pytest.raises(FormErrors) as refused:
        guardians.complete_self_registration(proof, "court", "court")
    assert "8 caractères" in refused.value.fields["password"]
    with pytest.raises(FormErrors) as refused:
        guardians.complete_self_registration(proof, "Soleil2026", "Soleil2027")
    assert "identiques" in refused.value.fields["confirmation"]
    assert guardians.complete_self_registration(proof, "Soleil2026", "Soleil2026").login == "m.durand"
    with pytest.raises(VerificationExpired):
        guardians.complete_self_registration(proof, "Soleil2026", "Soleil2026")


def test_a_proof_expires_after_thirty_minutes(family, sms_provider):
    start = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
    proof = verified(sms_provider, now=start)
    with pytest.raises(VerificationExpired):
        guardians.verify_birth_dates(proof, [LEA, TOM], now=start + dt.timedelta(minutes=31))


def test_a_forged_proof_is_refused(family, sms_provider):
    proof = verified(sms_provider)
    with pytest.raises(VerificationExpired):
        guardians.verify_birth_dates("+33699887766." + proof.split(".", 1)[1], [LEA, TOM])
    with pytest.raises(VerificationExpired):
        guardians.verify_birth_dates("", [LEA, TOM])


def test_the_stepper_account_with_the_guardian_s_e_mail_is_reused(family, sms_provider, session):
    stepper = Account(role=Role.PARENT, login="marie.durand@exemple.fr", email="marie.durand@exemple.fr")
    session.add(stepper)
    session.commit()
    proof = verified(sms_provider)
    guardians.verify_birth_dates(proof, [LEA, TOM])
    assert guardians.complete_self_registration(proof, "Soleil2026", "Soleil2026").login == "marie.durand@exemple.fr"
    assert session.exec(select(Account).where(Account.role == Role.PARENT)).all() == [stepper]
