"""Demo data: deterministic, idempotent, never in production.

Running it twice creates nothing new the second time; the same pupils get the same
temporary passwords (they come from a seeded generator), which the command prints.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from schwifty import IBAN
from sqlmodel import Session, col, func, select

from cjeune_app.core.accounts.models import Account
from cjeune_app.core.accounts.passwords import hash_password
from cjeune_app.core.accounts.pupils import create_pupil_with_account
from cjeune_app.core.cards.association import associate_card
from cjeune_app.core.cards.models import Card, CardBatch
from cjeune_app.core.cards.numbers import generate_card_number
from cjeune_app.core.cards.printing import issue_cards
from cjeune_app.core.checksums import luhn_check_digit, uai_key
from cjeune_app.core.dates import format_date
from cjeune_app.core.db import utcnow
from cjeune_app.core.enrollment.models import Enrollment, EnrollmentStatus
from cjeune_app.core.enums import ROLE_LABELS, Category, PartnerKind, PartnerStatus, Role
from cjeune_app.core.errors import Forbidden, Refusal
from cjeune_app.core.establishments.api import establishment_by_uai
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.formats import paris_today
from cjeune_app.core.guardians.distribution import issue_letters
from cjeune_app.core.guardians.models import Guardian
from cjeune_app.core.guardians.records import GuardianInput, check_guardian, guardians_of_pupil, set_guardians
from cjeune_app.core.partners.api_keys import KEY_START, create_known_api_key
from cjeune_app.core.partners.models import Offer, Partner, PartnerCategory
from cjeune_app.core.partners.payment_lists import paris_midnight
from cjeune_app.core.partners.payments import allowed_envelopes, cancel_payment, partner_categories, take_payment
from cjeune_app.core.photos.models import Photo, PhotoStatus
from cjeune_app.core.reimbursements.bank import checked_bank_details, save_bank_details
from cjeune_app.core.search import reindex_all
from cjeune_app.core.seasons.api import current_season, get_or_create_season
from cjeune_app.core.settings import settings
from cjeune_app.core.teleservices.demo import seed_teleservices
from cjeune_app.core.territory import all_communes, commune_by_insee
from cjeune_app.core.territory.api import Commune, CommuneKind

DEMO_SEASON = "2026-2027"
PARTNER_COUNT = 300
CARDS_PER_SCHOOL = 40
STREET_NAMES = ["Jean Jaurès", "de la République", "Victor Hugo", "des Écoles", "Frédéric Mistral", "du Stade"]


class ProductionRefused(Forbidden):
    code = "demo_refused_in_production"
    message = "seed-demo refuse de s'exécuter quand CJEUNE_ENV=production."


@dataclass
class DemoReport:
    season: str = DEMO_SEASON
    establishments: list[dict[str, str]] = field(default_factory=list)
    pupils: list[dict[str, str | None]] = field(default_factory=list)
    cards_created: int = 0
    sample_cards: list[str] = field(default_factory=list)
    partners_created: int = 0
    offers_created: int = 0
    teleservices: str = ""
    # Accounts to try every role: (role label, login, password, what for)
    staff: list[dict[str, str]] = field(default_factory=list)
    partner_api_key: str = ""
    guardians: list[dict[str, str]] = field(default_factory=list)


DEMO_SCHOOLS = [
    # (UAI digits, name, kind, commune INSEE)
    ("0131801", "Collège Sainte-Victoire", "college_public", "13001"),
    ("0133352", "Collège du Vieux-Port", "college_prive", "13202"),
]

DEMO_PUPILS = [
    # (school index, nom, prénom, date de naissance, classe)
    (0, "Fernandez", "Julie", dt.date(2013, 3, 14), "5e B"),
    (1, "Durand", "Paul", dt.date(2012, 11, 2), "4e A"),
    (0, "Martin", "Léa", dt.date(2014, 6, 21), "6e C"),
    (0, "Ben Amar", "Yanis", dt.date(2011, 9, 30), "3e A"),
    (1, "N'Diaye", "Aminata", dt.date(2013, 1, 8), "5e A"),
    (1, "Rossi-Giraud", "Hugo", dt.date(2012, 4, 17), "4e B"),
]


LETTER_WAY = "courrier de l'établissement"
DEMO_LETTER_PASSWORD = "Courrier-Demo-2026"
# (pupil's first name, guardian, how to try it)
DEMO_GUARDIANS = [
    ("Léa", GuardianInput("Martin", "Sophie", "mère", "06 10 20 30 40", "", "12 rue des Écoles 13001 Marseille"),
     "auto-inscription « Je n'ai pas encore d'identifiant » : code SMS dans var/outbox/sms/, "
     "date de naissance de Léa : 21/06/2014"),
    ("Hugo", GuardianInput("Rossi-Giraud", "Marc", "père", "06 50 60 70 80", "marc.rossi@exemple.fr",
                           "4 avenue Victor Hugo 13100 Aix-en-Provence"),
     "FranceConnect (première visite) ou auto-inscription : date de naissance de Hugo : 17/04/2012"),
    ("Yanis", GuardianInput("Ben Amar", "Nadia", "mère", "06 70 80 90 10", "nadia.benamar@exemple.fr", ""),
     LETTER_WAY),
]


def seed_demo(session: Session, seed: int = 13) -> DemoReport:
    if settings().is_production:
        raise ProductionRefused()
    rng = random.Random(seed)
    report = DemoReport()
    get_or_create_season(session, DEMO_SEASON)
    schools = [_school(session, *row, report=report) for row in DEMO_SCHOOLS]
    for school_index, last, first, birth, klass in DEMO_PUPILS:
        _pupil(session, schools[school_index], last, first, birth, klass, rng, report)
    for row in DEMO_GUARDIANS:
        _guardian(session, *row, report=report)
    for school in schools:
        _card_stock(session, school, rng, report)
    _partners(session, rng, report)
    session.flush()
    _activity(session, schools, random.Random(seed + 1))
    report.teleservices = seed_teleservices(session, schools[0], schools[1])
    _accounts_for_every_role(session, schools, report)
    reindex_all(session)  # also fills the index of a database seeded before the search existed
    return report


# Fixed passwords of the demo's back-office and partner accounts (never in production: seed_demo
# refuses to run there). Two agents: a correction proposed by one is approved by the other.
DEMO_AGENTS = [("agent@demo.cjeune13.fr", "Nadia", "Agent-Demo-2026"),
               ("agent2@demo.cjeune13.fr", "Paul", "Agent2-Demo-2026")]
DEMO_STAFF_PASSWORD = "Etab-Demo-2026"
DEMO_PARTNER = ("Club de démonstration CJeune", "partenaire@demo.cjeune13.fr", "Partenaire-Demo-2026", "13001")
DEMO_API_KEY = KEY_START + "demopartenai." + "Cle-de-demonstration-CJeune-de-Provence-13".ljust(43, "x")


def _account(session: Session, report: DemoReport, role: Role, login: str, password: str, first_name: str,
             last_name: str, what: str, *, establishment_id: int | None = None,
             partner_id: int | None = None) -> Account:
    account = session.exec(select(Account).where(col(Account.login) == login)).first()
    if account is None:
        account = Account(role=role, login=login, email=login, first_name=first_name, last_name=last_name,
                          password_hash=hash_password(password), email_verified_at=utcnow(),
                          establishment_id=establishment_id, partner_id=partner_id)
        session.add(account)
        session.flush()
    report.staff.append({"role": ROLE_LABELS[role], "login": login, "password": password, "what": what})
    return account


def _accounts_for_every_role(session: Session, schools: list[Establishment], report: DemoReport) -> None:
    """A newcomer tries every role without reading `cjeune --help`: agents, school staff, a partner."""
    for login, first_name, password in DEMO_AGENTS:
        _account(session, report, Role.AGENT, login, password, first_name, "Agent", "back office : /admin/assistance")
    for school in schools:
        _account(session, report, Role.ESTABLISHMENT, f"etablissement-{school.uai.lower()}@demo.cjeune13.fr",
                 DEMO_STAFF_PASSWORD, "Secrétariat", school.name[:100], f"espace établissement de {school.name}",
                 establishment_id=school.id)
    name, login, password, insee = DEMO_PARTNER
    partner = session.exec(select(Partner).where(col(Partner.contact_email) == login)).first()
    if partner is None:
        commune = commune_by_insee(insee)
        assert commune is not None
        partner = Partner(name=name, kind=PartnerKind.ASSOCIATION, siret=demo_siret(random.Random(2026)),
                          description="Structure de démonstration : encaissez la carte des élèves de démo.",
                          address="1 place de la Démonstration", postal_code=commune.postal_codes[0],
                          commune_insee=insee, latitude=commune.latitude, longitude=commune.longitude,
                          contact_email=login, status=PartnerStatus.VALIDATED, validated_at=utcnow())
        session.add(partner)
        session.flush()
        assert partner.id is not None
        for category in (Category.SPORT, Category.SOUTIEN_SCOLAIRE):
            session.add(PartnerCategory(partner_id=partner.id, category=category))
    _account(session, report, Role.PARTNER, login, password, "", "", "espace partenaire : encaisser",
             partner_id=partner.id)
    create_known_api_key(session, partner, DEMO_API_KEY, "Clé de démonstration")
    report.partner_api_key = DEMO_API_KEY


def _school(session: Session, digits: str, name: str, kind: str, insee: str, report: DemoReport) -> Establishment:
    uai = digits + uai_key(digits)
    school = establishment_by_uai(session, uai)
    if school is None:
        school = Establishment(uai=uai, name=name, kind=kind, commune_insee=insee)
        session.add(school)
        session.flush()
    report.establishments.append({"uai": uai, "name": name})
    return school


def _pupil(session: Session, school: Establishment, last: str, first: str, birth: dt.date, klass: str,
           rng: random.Random, report: DemoReport) -> None:
    password = "".join(rng.choice("ABCDEFGHJKMNPRSTUVWXYZ") for _ in range(3))
    password += "".join(rng.choice("abcdefghijkmnpqrstuvwxyz") for _ in range(4))
    password += "".join(rng.choice("23456789") for _ in range(3))
    existing = session.exec(
        select(Account).where(
            col(Account.first_name) == first, col(Account.last_name) == last, col(Account.role) == Role.PUPIL
        )
    ).first()
    if existing is None:
        _, account, _ = create_pupil_with_account(session, school, last, first, birth, klass, password)
        login, still_temporary = account.login, True
    else:
        login, still_temporary = existing.login, existing.must_change_password
    report.pupils.append({
        "name": f"{first} {last}",
        "login": login,
        "temporary_password": password if still_temporary else None,
    })


def _guardian(session: Session, pupil_first_name: str, typed: GuardianInput, way: str, *, report: DemoReport) -> None:
    pupil = session.exec(select(Pupil).where(Pupil.first_name == pupil_first_name)).first()
    if pupil is None or pupil.id is None:
        return
    if not guardians_of_pupil(session, pupil.id):
        data, problems = check_guardian(typed)
        assert data is not None, problems
        set_guardians(session, pupil, [data])
    if way == LETTER_WAY:
        way = _demo_letter(session, pupil, way)
    report.guardians.append({"name": f"{typed.first_name} {typed.last_name}", "mobile": typed.mobile,
                             "child": f"{pupil.first_name} {pupil.last_name}", "way": way})


def _demo_letter(session: Session, pupil: Pupil, way: str) -> str:
    """The school's letter, issued as the school would, with a known provisional password (as the
    pupils' temporary ones are printed): a new letter on each run while it is unused."""
    rows = session.exec(select(Guardian).where(Guardian.pupil_id == (pupil.id or 0))
                        .order_by(col(Guardian.rank))).all()
    school = session.get(Establishment, pupil.establishment_id)
    account = session.get(Account, rows[0].account_id) if rows and rows[0].account_id else None
    if account is not None and not account.must_change_password:
        return f"{way} : identifiant {account.login} (mot de passe déjà choisi)"
    if not rows or school is None:
        return way
    issue_letters(session, school, guardian_id=rows[0].id)
    account = session.get(Account, rows[0].account_id)
    if account is None:
        return way
    account.password_hash = hash_password(DEMO_LETTER_PASSWORD)
    session.add(account)
    session.flush()
    return (f"{way} émis : identifiant {account.login}, mot de passe provisoire {DEMO_LETTER_PASSWORD} (porte "
            f"Parent ; date de naissance de {pupil.first_name} : {format_date(pupil.birth_date)}) ; nouveau "
            "courrier : /etablissement, « Comptes des responsables »")


def _card_stock(session: Session, school: Establishment, rng: random.Random, report: DemoReport) -> None:
    in_stock = session.exec(
        select(func.count()).select_from(Card).where(Card.establishment_id == school.id)
    ).one()
    numbers = [generate_card_number(rng) for _ in range(CARDS_PER_SCHOOL)]
    report.sample_cards.extend(numbers[:3])
    if in_stock:
        return
    assert school.id is not None
    batch = CardBatch(establishment_id=school.id, count=len(numbers))
    session.add(batch)
    session.flush()
    session.add_all(Card(number=n, batch_id=batch.id, establishment_id=school.id) for n in numbers)
    report.cards_created += len(numbers)


# name templates per category: {c} is the commune, {n} a local name
_TEMPLATES = {
    Category.SPORT: [
        "Judo Club {c}", "Football Club {c}", "Tennis Club {c}", "Cercle des Nageurs de {c}",
        "Association Sportive {c} Basket", "Rugby Olympique {c}", "Club d'Escalade {n}",
        "Handball {c}", "Gymnastique Rythmique {c}", "Centre Équestre {n}", "Voile et Kayak {n}",
        "Karaté Do {c}", "Athlétisme {c}", "Natation {c}", "Danse et Hip-Hop {c}",
    ],
    Category.CULTURE: [
        "Théâtre {n}", "Cinéma Le {n}", "Conservatoire de Musique de {c}", "Musée {n}",
        "Compagnie Théâtrale de {c}", "École de Danse {n}", "Atelier d'Arts Plastiques {c}",
        "Médiathèque {n}", "Chorale {c}", "Librairie {n}",
    ],
    Category.LOISIRS: [
        "Quiz Room {c}", "Escape Game {n}", "Bowling de {c}", "Laser Game {c}",
        "Parc Aventure {n}", "Centre de Loisirs {c}", "Club Échecs {c}", "Patinoire {n}",
    ],
    Category.SOUTIEN_SCOLAIRE: [
        "Cours Réussite {c}", "Soutien Scolaire {n}", "Aide aux Devoirs {c}",
        "Maths Plus {c}", "Objectif Brevet {c}", "Langues Vivantes {n}",
    ],
}
_FLAGSHIPS = [
    ("Théâtre de la Cigale", Category.CULTURE, "13001"),
    ("Judo Club du Vieux-Port", Category.SPORT, "13205"),
    ("Cinéma Le Mistral", Category.CULTURE, "13004"),
    ("Cercle des Nageurs d'Aubagne", Category.SPORT, "13005"),
    ("Objectif Brevet Martigues", Category.SOUTIEN_SCOLAIRE, "13056"),
]
_LOCAL_NAMES = [
    "Mistral", "Calanques", "Sainte-Baume", "Garlaban", "Camargue", "Alpilles", "Étang de Berre",
    "Provence", "Lumière", "Soleil", "Cézanne", "Pagnol", "Olivier", "Cigales", "Lavande",
    "Vieux-Port", "Canebière", "Durance", "Pins", "Massalia",
]
_OFFERS = {
    Category.SPORT: [("Licence annuelle à prix réduit", "-30 €"), ("Stage multisports des vacances", "-20 %"),
                     ("Séance découverte offerte", "Gratuit"), ("Tenue du club offerte à l'inscription", "Offert")],
    Category.CULTURE: [("Place de cinéma à tarif jeune", "5 €"), ("Abonnement saison théâtre", "-25 %"),
                       ("Atelier découverte du week-end", "-10 €"), ("Visite guidée en famille", "-50 %")],
    Category.LOISIRS: [("Réduction sur votre session", "-5 €"), ("Partie offerte pour 2 achetées", "Offert"),
                       ("Tarif réduit le mercredi", "-20 %")],
    Category.SOUTIEN_SCOLAIRE: [("-10 € sur les stages de Noël (en présentiel ou en visio)", "-10 €"),
                                ("Bilan pédagogique gratuit", "Gratuit"), ("Stage de préparation au brevet", "-15 %")],
}
_KIND_BY_CATEGORY = {
    Category.SPORT: [PartnerKind.ASSOCIATION] * 4 + [PartnerKind.COLLECTIVITE],
    Category.CULTURE: [PartnerKind.ASSOCIATION, PartnerKind.COLLECTIVITE, PartnerKind.COMMERCIALE],
    Category.LOISIRS: [PartnerKind.COMMERCIALE] * 3 + [PartnerKind.ASSOCIATION],
    Category.SOUTIEN_SCOLAIRE: [PartnerKind.COMMERCIALE, PartnerKind.ASSOCIATION],
}


def demo_siret(rng: random.Random) -> str:
    siren_body = "".join(str(rng.randrange(10)) for _ in range(8))
    siren = siren_body + luhn_check_digit(siren_body)
    nic_body = "".join(str(rng.randrange(10)) for _ in range(4))
    return siren + nic_body + luhn_check_digit(siren + nic_body)


def _partners(session: Session, rng: random.Random, report: DemoReport, count: int = PARTNER_COUNT) -> None:
    if session.exec(select(func.count()).select_from(Partner)).one() >= count:
        return
    communes = [c for c in all_communes() if c.insee_code != "13055"]
    weights = [max(c.population, 2000) ** 0.6 for c in communes]
    now = utcnow()
    categories = list(_TEMPLATES)
    for index in range(count):
        if index < len(_FLAGSHIPS):  # well-known names in known places, for demos and tests
            name, category, insee = _FLAGSHIPS[index]
            flagship_town = commune_by_insee(insee)
            assert flagship_town is not None, insee
            partner = _demo_partner(rng, category, flagship_town, name=name)
        else:
            category = categories[index % len(categories)] if index < 8 else rng.choice(categories)
            partner = _demo_partner(rng, category, rng.choices(communes, weights)[0])
        session.add(partner)
        session.flush()
        assert partner.id is not None
        session.add(PartnerCategory(partner_id=partner.id, category=category))
        if category is Category.CULTURE and rng.random() < 0.25:
            session.add(PartnerCategory(partner_id=partner.id, category=Category.LOISIRS))
        for title, discount in rng.sample(_OFFERS[category], k=rng.randint(1, 2)):
            session.add(_demo_offer(rng, partner, category, title, discount, now))
            report.offers_created += 1
        report.partners_created += 1


def _demo_partner(rng: random.Random, category: Category, commune: Commune, name: str | None = None) -> Partner:
    town = commune.name.split(" ")[0] if commune.kind is not CommuneKind.COMMUNE else commune.name
    name = name or rng.choice(_TEMPLATES[category]).format(c=town, n=rng.choice(_LOCAL_NAMES))
    city = commune
    return Partner(
        name=name,
        kind=rng.choice(_KIND_BY_CATEGORY[category]),
        siret=demo_siret(rng),
        description=f"{name} accueille les jeunes de {city.name} et des environs. "
        "Carte CJeune de Provence acceptée.",
        address=f"{rng.randint(1, 120)} {rng.choice(['avenue', 'rue', 'boulevard', 'chemin'])} "
        f"{rng.choice(STREET_NAMES)}",
        postal_code=rng.choice(city.postal_codes),
        commune_insee=city.insee_code,
        latitude=round(city.latitude + rng.uniform(-0.02, 0.02), 5),
        longitude=round(city.longitude + rng.uniform(-0.02, 0.02), 5),
        contact_email=f"contact{rng.randint(100, 999)}@exemple.fr",
        phone=f"04 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        status=PartnerStatus.VALIDATED,
        validated_at=utcnow(),
    )


def _demo_offer(rng: random.Random, partner: Partner, category: Category, title: str, discount: str,
                now: dt.datetime) -> Offer:
    expired = rng.random() < 0.2
    if expired:
        starts = now - dt.timedelta(days=rng.randint(120, 300))
        expires = now - dt.timedelta(days=rng.randint(1, 60))
    else:
        starts = now - dt.timedelta(days=rng.randint(0, 60))
        expires = now + dt.timedelta(days=rng.randint(7, 280))
    assert partner.id is not None
    return Offer(
        partner_id=partner.id,
        title=title,
        description=f"{title} chez {partner.name}, sur présentation de la carte CJeune de Provence.",
        discount_text=discount,
        category=category,
        commune_insee=partner.commune_insee,
        starts_at=starts.replace(microsecond=0),
        expires_at=expires.replace(hour=23, minute=59, second=0, microsecond=0),
    )


# --- a season of use: what the statistics and the reimbursements show ---------------------------

ACTIVITY_PUPILS = 48  # besides the pupils printed by `make run`, in the two demo collèges
ACTIVITY_PARTNERS = 12  # the first demo partners take payments; they get (fictional) bank details
ACTIVITY_LAST_NAME = "Démo"


def _activity(session: Session, schools: list[Establishment], rng: random.Random) -> None:
    """Enrollments through the autumn, cards associated, payments at demo partners in past months
    (a few cancelled), and those partners' bank details. Done once; only while the demo season runs."""
    today = paris_today()
    season = current_season(session, today)
    if season is None or season.code != DEMO_SEASON:
        return
    assert season.id is not None
    if session.exec(select(func.count()).select_from(Pupil).where(Pupil.last_name == ACTIVITY_LAST_NAME)).one():
        return
    first_day = season.starts_on
    span = max((today - first_day).days, 1)
    partners = session.exec(select(Partner).order_by(col(Partner.id)).limit(ACTIVITY_PARTNERS)).all()
    for index, partner in enumerate(partners):
        assert partner.id is not None
        iban = IBAN.generate("FR", bank_code="30004", account_code=f"{index + 1:011d}")
        save_bank_details(session, partner.id, checked_bank_details(partner.name[:70], iban.compact, "BNPAFRPP"), None)
    for n in range(ACTIVITY_PUPILS):
        school = schools[n % len(schools)]
        assert school.id is not None
        pupil = Pupil(establishment_id=school.id, last_name=ACTIVITY_LAST_NAME, first_name=f"Élève {n + 1}",
                      birth_date=dt.date(2012, 1 + n % 12, 1 + n % 28), class_name=f"{6 - n % 4}e A")
        session.add(pupil)
        session.flush()
        assert pupil.id is not None
        account = Account(role=Role.PUPIL, login=f"demo.activite{n + 1}@eduprovence.fr", pupil_id=pupil.id)
        session.add(account)
        enrolled_on = first_day + dt.timedelta(days=int(span * (n / ACTIVITY_PUPILS) ** 1.5))
        enrolled_at = paris_midnight(enrolled_on) + dt.timedelta(hours=rng.randint(8, 21))
        session.add(Enrollment(pupil_id=pupil.id, season_id=season.id, status=EnrollmentStatus.COMPLETED,
                               completed_at=enrolled_at, created_at=enrolled_at))
        session.add(Photo(storage_key=uuid.UUID(int=rng.getrandbits(128)).hex, pupil_id=pupil.id,
                          status=PhotoStatus.VALIDATED))
        session.flush()
        if n % 6 == 5:  # some enrolled youths have not associated their card yet
            continue
        assert account.id is not None
        number = issue_cards(session, school.uai, 1, rng).numbers[0]
        associated_at = min(enrolled_at + dt.timedelta(days=rng.randint(0, 6)), utcnow())
        associate_card(session, account.id, pupil.id, number, f"demo-association-{n}", now=associated_at)
        _demo_payments(session, partners, number, associated_at, rng, n)


def _demo_payments(session: Session, partners: Sequence[Partner], number: str, since: dt.datetime,
                   rng: random.Random, n: int) -> None:
    now = utcnow()
    for k in range(rng.randint(1, 4)):
        partner = rng.choice(partners)
        assert partner.id is not None
        envelope = allowed_envelopes(partner_categories(session, partner.id))[0]
        when = since + (now - since) * rng.random()
        try:
            receipt = take_payment(session, partner, number, rng.choice([500, 800, 1_000, 1_500, 2_000, 2_500]),
                                   envelope, f"demo-payment-{n}-{k}", now=when)
        except Refusal:  # an envelope already spent: the youth pays elsewhere
            continue
        if rng.random() < 0.08 and when + dt.timedelta(days=2) < now:
            cancel_payment(session, partner, receipt.payment_id, now=when + dt.timedelta(days=2))
