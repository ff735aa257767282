from cjeune_app.core.faq import FAQ, search_faq


def test_empty_query_lists_every_question():
    assert search_faq("  ") == list(FAQ)


def test_every_word_must_match_accents_and_case_ignored():
    slugs = [e.slug for e in search_faq("MOT de passe OUBLIE")]
    assert "mot-de-passe-oublie" in slugs and "photo" not in slugs


def test_faq_covers_the_facts_families_ask_about():
    for topic in ("identifiants", "majuscule", "renouvellement", "JPEG", "perdue", "04 86 68 47 44"):
        assert search_faq(topic), topic


def test_the_amounts_quoted_are_the_seasons():
    from cjeune_app.core.use_cases.seasons import amounts_of

    entries = search_faq("", amounts_of(12_000, 6_000))
    card = next(e for e in entries if e.slug == "carte")
    assert "donne 180 € à chaque collégien : 120 € « Sport & Culture » et 60 € « Soutien scolaire »" in card.answer
    assert "Comment créditer les 180 € sur la carte ?" in [e.question for e in entries]
