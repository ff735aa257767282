"""A small fixed corpus for the search tests: partners and offers with known names in known communes."""

from __future__ import annotations

import datetime as dt
import itertools

from cjeune_app.core.db import utcnow
from cjeune_app.core.partners.models import Offer, Partner
from cjeune_app.core.search import reindex_partner
from cjeune_app.core.territory import commune_by_insee
from tests.core.partners.builders import add_offer, add_partner

NOW = utcnow().replace(microsecond=0)
DAY = dt.timedelta(days=1)
_sirets = itertools.count(10_000_000_000_000)

# name, categories, commune INSEE, description
PARTNERS = [
    ("Théâtre du Bois de l'Aune", ["culture"], "13001", "Scène publique du pays d'Aix."),
    ("Théâtre Toursky", ["culture"], "13203", "Salle de spectacle de la Belle de Mai."),
    ("Judo Club de la Plaine", ["sport"], "13205", "Arts martiaux pour les 6-17 ans."),
    ("Judo Club Aubagnais", ["sport"], "13005", "Judo et jujitsu au pied du Garlaban."),
    ("Football Club Vitrollais", ["sport"], "13117", "École de foot labellisée."),
    ("Club de Natation d'Arles", ["sport"], "13004", "Bassin olympique, tous niveaux."),
    ("Cours Réussite Mazargues", ["soutien_scolaire"], "13209", "Aide aux devoirs et méthodologie."),
    ("Escape Game des Calanques", ["loisirs", "culture"], "13028", "Énigmes en équipe, dès 12 ans."),
    ("Bowling de Martigues", ["loisirs"], "13056", "Vingt pistes et un billard."),
    ("Atelier Vertical", ["sport"], "13001", "Salle d'escalade de bloc et de voie."),
    ("Maison des Jeunes de Gardanne", ["loisirs"], "13041", "Escalade, théâtre et jeux le mercredi."),
    ("Club Alpin de Vitrolles", ["sport"], "13001", "Randonnée et escalade en falaise."),
]
PENDING = ("Théâtre Fantôme", ["culture"], "13001", "Une salle qui attend sa validation.")


def add_corpus_offer(session, partner, title, discount="-10 €", starts=-30, expires=60, published=True) -> Offer:
    """`starts` and `expires`: days from now (or timedeltas)."""
    def moment(value):
        return NOW + (value if isinstance(value, dt.timedelta) else value * DAY)

    return add_offer(session, partner, title, discount=discount, category="culture", starts_at=moment(starts),
                     expires_at=moment(expires), published=published)


def add_corpus_partner(session, name, categories, insee, description, status="validated") -> Partner:
    return add_partner(session, name, categories, insee=insee, description=description, status=status,
                       address="1 place de la Mairie", postal_code=commune_by_insee(insee).postal_codes[0],
                       siret=str(next(_sirets)), placed=True)


def build_corpus(session) -> dict[str, Partner]:
    """Every partner of PARTNERS (validated), PENDING, their offers; indexed, committed."""
    partners = {row[0]: add_corpus_partner(session, *row) for row in PARTNERS}
    partners[PENDING[0]] = add_corpus_partner(session, *PENDING, status="pending")
    theatre, bowling = partners["Théâtre du Bois de l'Aune"], partners["Bowling de Martigues"]
    add_corpus_offer(session, theatre, "Abonnement saison à tarif jeune", "-25 %", expires=90)
    add_corpus_offer(session, theatre, "Place offerte pour un accompagnant", "Offert", expires=20)
    add_corpus_offer(session, partners["Cours Réussite Mazargues"], "Stage de préparation au brevet", "-15 %")
    add_corpus_offer(session, bowling, "Partie gratuite le mercredi", "Gratuit", starts=-90, expires=-1)
    add_corpus_offer(session, partners["Football Club Vitrollais"], "Licence à prix réduit", "-30 €", published=False)
    add_corpus_offer(session, partners[PENDING[0]], "Soirée découverte", "Gratuit")
    session.commit()
    for partner in partners.values():
        reindex_partner(session, partner.id)
    session.commit()
    return partners
