"""A structure is found by "Trouver un partenaire" once an agent validates it, not before."""

from cjeune_app.core.search import SearchQuery, search
from tests.core.partners.test_partner_sign_up import NOW, agent, sign_up_and_confirm  # noqa: F401


def found(session, q):
    return [hit.name for hit in search(session, SearchQuery(q=q)).results]


def test_found_once_validated(session, outbox, agent):  # noqa: F811
    from cjeune_app.core.partners.api import validate_partner

    partner = sign_up_and_confirm(session, outbox)
    assert found(session, "judo arles") == []  # waiting for an agent
    validate_partner(session, agent, partner.id, now=NOW)
    session.commit()
    assert found(session, "judo arles") == ["Judo Club d'Arles"]
    assert found(session, "judo") == ["Judo Club d'Arles"]
