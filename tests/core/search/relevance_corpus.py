"""A larger fixed corpus for the relevance test set: the partners of `corpus` and partners
whose names and descriptions say things the way their owners write them, not the way
families type them (mathématiques, natation, tennis de table, bande dessinée...)."""

from __future__ import annotations

from cjeune_app.core.partners.models import Partner
from cjeune_app.core.search import reindex_partner
from tests.core.search.corpus import PARTNERS, add_corpus_offer, add_corpus_partner

# name, categories, commune INSEE, description
MORE_PARTNERS = [
    ("Acadomia Soutien Mathématiques", ["soutien_scolaire"], "13201", "Cours particuliers de mathématiques et physique, du collège au lycée."),
    ("Réussite Scolaire Salon", ["soutien_scolaire"], "13103", "Aide aux devoirs, mathématiques et français pour les collégiens."),
    ("Les Cours de l'Étang", ["soutien_scolaire"], "13047", "Soutien en anglais et préparation du brevet."),
    ("Piscine Municipale de Marignane", ["sport"], "13054", "Bassin couvert, leçons de natation, aquagym."),
    ("Cercle des Nageurs de Marseille", ["sport"], "13207", "Natation sportive et water-polo."),
    ("Cinéma Le Prado", ["culture"], "13208", "Films en version originale, ciné-club des lycéens."),
    ("Cinéma Les Arcades", ["culture"], "13103", "Six salles, séances jeunes le mercredi."),
    ("Salle de Musculation Titan", ["sport"], "13005", "Musculation, cardio et cross-training dès 16 ans."),
    ("Librairie La Bulle", ["culture"], "13001", "Bandes dessinées, mangas et comics."),
    ("Studio Hip-Hop Nord", ["culture", "sport"], "13215", "Cours de danse hip-hop et breakdance."),
    ("Urban Hiphop Academy", ["culture"], "13056", "Danse hiphop et graffiti pour les 11-18 ans."),
    ("Tennis de Table Miramasséen", ["sport"], "13063", "Club de tennis de table, loisir et compétition."),
    ("Compagnie Théâtrale de Venelles", ["culture"], "13113", "Ateliers théâtre pour adolescents."),
    ("Théâtres du Vieux-Port", ["culture"], "13202", "Trois scènes et des spectacles pour tous."),
    ("Olympique Football Istréen", ["sport"], "13047", "Football à onze et futsal."),
    ("Basket Club Cassidain", ["sport"], "13022", "Basket-ball dès 7 ans."),
    ("Gymnastique Volontaire d'Allauch", ["sport"], "13002", "Gymnastique artistique et rythmique."),
    ("Randonnées des Calanques", ["loisirs", "sport"], "13022", "Randonnée accompagnée et découverte du littoral."),
    ("Médiathèque Jeunesse des Pennes", ["culture"], "13071", "Livres, jeux vidéo et ateliers numériques."),
    ("Auto-École du Prado", ["loisirs"], "13206", "Code de la route et permis B, conduite accompagnée."),
    ("Karaté Shotokan Marseille Nord", ["sport"], "13213", "Karaté et self-défense pour enfants et ados."),
    ("Conservatoire de Musique d'Istres", ["culture"], "13047", "Piano, guitare, solfège et chorales."),
    ("Informatique pour Tous", ["soutien_scolaire"], "13216", "Initiation à la programmation et à la bureautique."),
    ("Cyclisme Club Arlésien", ["sport"], "13004", "Vélo de route, VTT et école de cyclisme."),
    ("Escrime Club du Pays d'Aix", ["sport"], "13001", "Fleuret, épée et sabre dès 6 ans."),
]


def build_relevance_corpus(session) -> dict[str, Partner]:
    """PARTNERS and MORE_PARTNERS (validated), a few offers; indexed, committed."""
    partners = {row[0]: add_corpus_partner(session, *row) for row in PARTNERS + MORE_PARTNERS}
    add_corpus_offer(session, partners["Cours Réussite Mazargues"], "Stage de préparation au brevet", "-15 %")
    add_corpus_offer(session, partners["Cinéma Le Prado"], "Place de cinéma à tarif réduit", "5 €")
    add_corpus_offer(session, partners["Salle de Musculation Titan"], "Abonnement mensuel étudiant", "-20 %")
    add_corpus_offer(session, partners["Librairie La Bulle"], "Bon d'achat de bandes dessinées", "-10 %")
    add_corpus_offer(session, partners["Théâtre du Bois de l'Aune"], "Abonnement saison à tarif jeune", "-25 %")
    session.commit()
    for partner in partners.values():
        reindex_partner(session, partner.id)
    session.commit()
    return partners
