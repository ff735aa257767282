from cjeune_app.core.territory import (
    commune_by_insee,
    communes_for_postal_code,
    is_resident_commune,
    postal_code_matches_commune,
    search_communes,
)


def test_every_commune_of_the_13_and_marseille_arrondissements_are_known():
    assert commune_by_insee("13001").name == "Aix-en-Provence"
    assert commune_by_insee("13055").name == "Marseille"
    assert commune_by_insee("13216").kind == "arrondissement-municipal"


def test_residence_is_decided_on_the_insee_code_not_the_postal_code():
    assert is_resident_commune("13030")  # Cuges-les-Pins
    assert not is_resident_commune("83104")  # Riboux, in the Var, shares 13780
    assert not is_resident_commune("13780")  # a postal code is not an INSEE code
    assert [c.name for c in communes_for_postal_code("13780")] == ["Cuges-les-Pins"]


def test_postal_code_must_belong_to_the_commune():
    assert postal_code_matches_commune("13090", "13001")  # Aix has five postal codes
    assert not postal_code_matches_commune("13200", "13001")  # 13200 is Arles


def test_typing_aix_offers_aix_en_provence_first():
    assert search_communes("aix")[0].name == "Aix-en-Provence"
    assert search_communes("SAINTES maries")[0].name == "Saintes-Maries-de-la-Mer"
    assert search_communes("13200")[0].name == "Arles"
    assert search_communes("") == []
