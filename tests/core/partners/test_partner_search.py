"""A structure is found by "Trouver un partenaire" once an agent validates it, not before."""

from cjeune_app.core.search import SearchQuery, search
from cjeune_app.core.use_cases.partners import validate_partner
from tests.core.partners.builders import SIGN_UP_NOW as NOW
from tests.core.partners.builders import sign_up_and_confirm


def found(session, q):
    return [hit.name for hit in search(session, SearchQuery(q=q)).results]


def test_found_once_validated(session, outbox, agent):
    partner = sign_up_and_confirm(session, outbox)
    assert found(session, "judo arles") == []  # waiting for an agent
    session.commit()  # the use case writes in its own transaction
    validate_partner(agent, partner.id, now=NOW)
    session.commit()
    assert found(session, "judo arles") == ["Judo Club d'Arles"]
    assert found(session, "judo") == ["Judo Club d'Arles"]
