from cjeune_app.core.faq import FAQ, search_faq


def test_empty_query_lists_every_question():
    assert search_faq("  ") == list(FAQ)


def test_every_word_must_match_accents_and_case_ignored():
    slugs = [e.slug for e in search_faq("MOT de passe OUBLIE")]
    assert "mot-de-passe-oublie" in slugs and "photo" not in slugs


def test_faq_covers_the_facts_families_ask_about():
    for topic in ("identifiants", "majuscule", "renouvellement", "JPEG", "perdue", "04 86 68 47 44"):
        assert search_faq(topic), topic
