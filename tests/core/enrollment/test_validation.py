"""Every rule of the stepper's fields, good and bad values, and what the parent is told."""

import pytest

from cjeune_app.core.enrollment import validation as v
from cjeune_app.core.enrollment.wording import ATTESTATION_LABEL, OUTSIDE_DEPARTMENT

SEED_OUTSIDE = (
    "La carte CJeune de Provence s'adresse uniquement aux collégiens domiciliés et scolarisés "
    "dans le département des Bouches-du-Rhône."
)

GOOD_STEP2 = {
    "address_line": "12 rue de la République",
    "address_complement": "Bâtiment B, 3e étage",
    "postal_code": "13100",
    "commune_insee": "13001",  # Aix-en-Provence
    "email": "Sophie.Fernandez@Exemple.fr",
    "email_confirmation": "sophie.fernandez@exemple.fr",
    "mobile": "06 12 34 56 78",
    "optin_email": False,
    "optin_sms": False,
}


def step2(**changes):
    return {**GOOD_STEP2, **changes}


# --- labels -------------------------------------------------------------------------------------

def test_required_fields_are_marked_with_a_star_and_optional_ones_are_not():
    assert v.field_label("guardian_last_name") == "Nom du représentant légal (parent, tuteur ...) *"
    assert v.field_label("email_confirmation") == "Confirmation de l'adresse email *"
    assert v.field_label("address_complement") == "Complément d'adresse"
    assert v.field_label("mobile") == "Numéro de téléphone mobile"
    assert not v.is_required("optin_email") and not v.is_required("optin_sms")


# --- step 1: names ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "Fernandez", "Ben Amar", "N'Diaye", "N’Diaye", "Rossi-Giraud", "Éléonore", "Jean-François",
    "d'Artagnan", "Çelik", "Müller", "Łukasz", "Ødegaard", "Zoë", "Marie - Hélène", "A",
])
def test_names_accept_letters_accents_hyphens_apostrophes_and_spaces(name):
    assert v.name_error(name, "guardian_last_name") is None
    assert v.validate_step1({"guardian_last_name": name, "guardian_first_name": name}) == {}


def test_names_are_tidied_before_being_stored():
    assert v.clean_name("  N’ Diaye  ") == "N'Diaye"
    assert v.clean_name("Marie  -  Hélène") == "Marie-Hélène"
    assert v.clean_name("Jean   Pierre") == "Jean Pierre"
    assert v.clean_name("Zoe\u0308") == "Zoë"  # a decomposed accent (some phone keyboards)


def test_an_empty_name_asks_for_it():
    assert v.name_error("  ", "guardian_last_name") == "Indiquez le nom du représentant légal."
    assert v.name_error(None, "guardian_first_name") == "Indiquez le prénom du représentant légal."


@pytest.mark.parametrize("name", ["Dupont2", "Jean 3", "4"])
def test_names_refuse_digits_and_say_what_is_allowed(name):
    message = v.name_error(name, "guardian_last_name")
    assert message.startswith("Retirez les chiffres")
    assert "lettres, des tirets, des apostrophes et des espaces" in message


@pytest.mark.parametrize("name,char", [("Dupont!", "!"), ("jean@dupont", "@"), ("Dupont.", "."), ("Du_pont", "_")])
def test_names_refuse_other_signs_and_name_the_sign_to_remove(name, char):
    assert v.name_error(name, "guardian_first_name").startswith(f"Retirez le caractère « {char} »")


@pytest.mark.parametrize("name", ["-Jean", "Jean-", "'Jean"])
def test_names_start_and_end_with_a_letter(name):
    assert v.name_error(name, "guardian_first_name") == (
        "Commencez et terminez le prénom du représentant légal par une lettre.")


def test_names_refuse_doubled_separators():
    assert "deux tirets" in v.name_error("Jean--Pierre", "guardian_first_name")


def test_names_have_a_sensible_length():
    assert v.name_error("A" * v.NAME_MAX, "guardian_last_name") is None
    assert v.name_error("A" * (v.NAME_MAX + 1), "guardian_last_name") == (
        f"Abrégez le nom du représentant légal : {v.NAME_MAX} caractères au plus.")


def test_step1_reports_each_missing_name_in_screen_order():
    errors = v.validate_step1({"guardian_first_name": "", "guardian_last_name": ""})
    assert list(errors) == ["guardian_last_name", "guardian_first_name"]


# --- step 2: address ----------------------------------------------------------------------------

def test_address_line_is_required_and_needs_a_street_name():
    assert v.address_line_error("") .startswith("Indiquez l'adresse postale")
    assert v.address_line_error("12") == (
        "Ajoutez le nom de la voie à l'adresse postale, par exemple « 12 rue de la République ».")
    assert v.address_line_error("Lieu-dit Les Baux") is None
    assert "Complément d'adresse" in v.address_line_error("a" * (v.ADDRESS_MAX + 1))


def test_address_complement_is_optional_but_bounded():
    assert v.address_complement_error("") is None
    assert v.address_complement_error("Résidence Les Pins, bât. C") is None
    assert v.address_complement_error("x" * (v.ADDRESS_MAX + 1)).startswith("Abrégez le complément")


@pytest.mark.parametrize("code", ["13100", " 13100 ", "13 100"])
def test_postal_code_is_five_digits_spaces_tolerated(code):
    assert v.postal_code_error(code) is None
    assert v.clean_postal_code(code) == "13100"


@pytest.mark.parametrize("code", ["1310", "131000", "13A00", "2A004"])
def test_postal_code_with_a_wrong_shape_says_five_digits(code):
    assert v.postal_code_error(code) == (
        "Corrigez le code postal : il compte 5 chiffres, sans lettre ni espace, par exemple 13100.")


def test_postal_code_is_required():
    assert v.postal_code_error("") == "Indiquez le code postal : 5 chiffres, par exemple 13100."


def test_commune_must_be_chosen_and_be_one_of_the_13():
    assert v.commune_error("13001") is None  # Aix-en-Provence
    assert v.commune_error("13201") is None  # Marseille 1er arrondissement (what the API gives)
    assert v.commune_error("").startswith("Choisissez votre ville dans la liste")
    assert v.commune_error("83104") == SEED_OUTSIDE  # Riboux, Var
    assert v.commune_error("75056") == SEED_OUTSIDE
    assert OUTSIDE_DEPARTMENT == SEED_OUTSIDE


def test_the_13780_trap_riboux_is_refused_with_the_seed_sentence():
    errors = v.validate_step2(step2(postal_code="13780", commune_insee="83104"))
    assert errors == {"commune_insee": SEED_OUTSIDE}
    assert v.validate_step2(step2(postal_code="13780", commune_insee="13030")) == {}  # Cuges-les-Pins


def test_postal_code_and_commune_must_agree_and_the_message_says_how_to_fix():
    errors = v.validate_step2(step2(postal_code="13200", commune_insee="13001"))
    assert errors == {"postal_code": (
        "Le code postal 13200 ne correspond pas à Aix-en-Provence (ses codes postaux sont "
        "13080, 13090, 13100, 13290, 13540) : corrigez le code postal ou choisissez la ville "
        "dans la liste.")}
    single = v.postal_code_commune_error("13100", "13030")
    assert single.startswith("Le code postal 13100 ne correspond pas à Cuges-les-Pins (son code postal est 13780)")
    assert v.postal_code_commune_error("13090", "13001") is None  # any of Aix's five codes


def test_a_postal_code_outside_the_13_without_a_commune_gets_the_seed_sentence():
    errors = v.validate_step2(step2(postal_code="83000", commune_insee=""))
    assert errors["postal_code"] == SEED_OUTSIDE
    assert errors["commune_insee"].startswith("Choisissez votre ville")


# --- step 2: e-mail -----------------------------------------------------------------------------

@pytest.mark.parametrize("email", [
    "sophie@exemple.fr", "Sophie.Fernandez@Exemple.FR", "jean-pierre+cjeune@mail.example.com",
    "a.b_c@sous.domaine.fr", "parent@exämple.fr",
])
def test_well_formed_emails_are_accepted(email):
    assert v.email_error(email) is None


def test_emails_are_stored_trimmed_in_lower_case():
    assert v.normalize_email("  Sophie.Fernandez@Exemple.FR ") == "sophie.fernandez@exemple.fr"


@pytest.mark.parametrize("email,hint", [
    ("sophie.exemple.fr", "avec un seul « @ »"),
    ("sophie@@exemple.fr", "avec un seul « @ »"),
    ("sophie @exemple.fr", "Retirez les espaces"),
    ("sophie@exemple", "Ajoutez l'extension après le « @ »"),
    ("@exemple.fr", "il manque une partie avant ou après le « @ »"),
    ("sophie@", "il manque une partie avant ou après le « @ »"),
    ("sophié@exemple.fr", "Retirez les accents avant le « @ »"),
    ("sophie..f@exemple.fr", "vérifiez les points"),
    ("sophie@-exemple.fr", "vérifiez les points"),
    ("sophie@exemple.test", "vérifiez les points"),
])
def test_malformed_emails_say_how_to_write_one(email, hint):
    message = v.email_error(email)
    assert "Saisissez l'adresse e-mail sous la forme nom@exemple.fr" in message
    assert hint in message


def test_email_is_required():
    assert v.email_error("").startswith("Indiquez l'adresse e-mail du représentant légal.")


def test_a_pupil_eduprovence_address_is_refused_for_the_guardian():
    assert "adresse e-mail personnelle du représentant légal" in v.email_error("durandp@eduprovence.fr")


def test_confirmation_must_match_ignoring_case_and_spaces():
    assert v.email_confirmation_error("sophie@exemple.fr", " Sophie@Exemple.fr ") is None
    assert v.email_confirmation_error("sophie@exemple.fr", "sofie@exemple.fr") == (
        "Les deux adresses e-mail ne sont pas identiques : saisissez la même adresse dans les deux champs.")
    assert v.email_confirmation_error("sophie@exemple.fr", "") == (
        "Saisissez une seconde fois l'adresse e-mail pour la confirmer.")


def test_confirmation_is_not_blamed_for_the_email_own_mistake():
    errors = v.validate_step2(step2(email="sophie@exemple", email_confirmation="sophie@exemple"))
    assert list(errors) == ["email"]


# --- step 2: mobile -----------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    "06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
    "+33612345678", "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78", " 06 12 34 56 78 ",
    "6 12 34 56 78",  # the leading 0 forgotten: still one French mobile only
])
def test_french_mobiles_in_every_usual_shape_become_plus33(typed):
    assert v.mobile_error(typed) is None
    assert v.normalize_mobile(typed) == "+33612345678"


def test_07_numbers_are_mobiles_too():
    assert v.normalize_mobile("07 81 23 45 67") == "+33781234567"


def test_mobile_is_shown_grouped_after_plus33():
    assert v.format_mobile("+33612345678") == "+33 6 12 34 56 78"
    assert v.format_mobile(None) == ""


def test_mobile_is_optional():
    assert v.mobile_error("") is None and v.normalize_mobile("") is None
    assert v.validate_step2(step2(mobile="")) == {}


def test_a_landline_is_refused_as_not_a_mobile():
    assert v.mobile_error("04 91 12 34 56").startswith("Indiquez un numéro de mobile : il commence par 06 ou 07")
    assert v.mobile_error("+33 4 91 12 34 56").startswith("Indiquez un numéro de mobile")


def test_a_foreign_number_is_refused():
    assert v.mobile_error("+32 470 12 34 56").startswith("Indiquez un numéro de mobile français")
    assert v.mobile_error("0044 7700 900123").startswith("Indiquez un numéro de mobile français")


@pytest.mark.parametrize("typed", ["06 12 34 56", "06 12 34 56 78 9", "612"])
def test_a_mobile_with_the_wrong_length_says_ten_digits(typed):
    assert v.mobile_error(typed).startswith("Vérifiez le numéro de mobile : 10 chiffres commençant par 06 ou 07")


def test_letters_in_a_mobile_are_refused():
    assert v.mobile_error("06 12 AB 56 78").startswith("Saisissez le numéro de mobile avec des chiffres seulement")


def test_sms_opt_in_needs_a_mobile():
    errors = v.validate_step2(step2(mobile="", optin_sms=True))
    assert errors == {"mobile": "Indiquez votre numéro de mobile pour recevoir les informations par SMS, "
                                "ou décochez la case."}


# --- step 2 as a whole --------------------------------------------------------------------------

def test_a_good_step2_is_cleaned_for_storage():
    cleaned, errors = v.clean_step(2, step2(optin_email="on"))
    assert errors == {}
    assert cleaned == {
        "address_line": "12 rue de la République", "address_complement": "Bâtiment B, 3e étage",
        "postal_code": "13100", "commune_insee": "13001", "email": "sophie.fernandez@exemple.fr",
        "mobile": "+33612345678", "optin_email": True, "optin_sms": False,
    }


def test_opt_ins_are_unticked_unless_sent_ticked():
    cleaned, _ = v.clean_step(2, {k: val for k, val in GOOD_STEP2.items() if not k.startswith("optin")})
    assert cleaned["optin_email"] is False and cleaned["optin_sms"] is False
    for unticked in (None, "", "off", "false", 0, False):
        assert v.is_checked(unticked) is False
    for ticked in (True, "on", "true", "1", 1):
        assert v.is_checked(ticked) is True


def test_an_empty_step2_lists_every_required_field_in_screen_order():
    errors = v.validate_step2({})
    assert list(errors) == ["address_line", "postal_code", "commune_insee", "email", "email_confirmation"]


# --- steps 3 and 4 ------------------------------------------------------------------------------

def test_step3_never_blocks_the_photo_is_the_photo_module_business():
    assert v.validate_step3({}) == {}


def test_step4_attestation_box_is_required():
    assert v.validate_step4({"attested": True}) == {}
    assert v.validate_step4({"attested": "on"}) == {}
    assert v.validate_step4({}) == {"attested": (
        "Cochez la case « Je certifie être le représentant légal de l'enfant et l'exactitude des "
        "informations fournies » pour terminer l'inscription.")}
    assert ATTESTATION_LABEL in v.validate_step4({"attested": False})["attested"]


def test_an_unknown_step_is_a_programming_error():
    with pytest.raises(ValueError):
        v.validate_step(5, {})
