""""Mes données": everything kept about a family, read once and written two ways: the JSON file
(for a machine) and a readable PDF in French (for a person), with the same facts: the account,
each child (identity, school, enrollments with the address, cards, balances, every ledger line of
every season), the guardians the school gave, the consent ledger with its times, the changes of
address and the messages sent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fpdf.enums import XPos, YPos
from sqlmodel import Session, col, select

from cjeune_app.core.audit import AuditAction, AuditFilter, list_entries
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import mask_card_number
from cjeune_app.core.dates import PARIS, format_date
from cjeune_app.core.documents import FONT, new_pdf
from cjeune_app.core.enrollment.contact import postal_address
from cjeune_app.core.enrollment.models import ConsentKind, ConsentRecord, Enrollment, EnrollmentStatus
from cjeune_app.core.establishments.models import Establishment, Pupil
from cjeune_app.core.formats import format_cents
from cjeune_app.core.guardians.models import RELATION_LABELS, Guardian, GuardianRelation
from cjeune_app.core.notifications.models import SentMessage
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.territory import commune_by_insee
from cjeune_app.core.wallet.models import LedgerEntry, Wallet

PDF_TITLE = "Mes données — CJeune de Provence"
ENVELOPE_LABELS = {"sport_culture": "Sport & Culture", "soutien_scolaire": "Soutien scolaire"}
CONSENT_LABELS = {ConsentKind.OPTIN_EMAIL: "Informations et bons plans par e-mail",
                  ConsentKind.OPTIN_SMS: "Informations par SMS",
                  ConsentKind.ATTESTATION: "Attestation du représentant légal"}
CARD_STATES = {"active": "active", "blocked": "bloquée", "stock": "non associée"}


def paris_time(moment: dt.datetime | None) -> str:
    """"26/11/2026 à 14 h 32" (Paris); "" for None."""
    if moment is None:
        return ""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local:%H} h {local:%M}"


def short_time(moment: dt.datetime | None) -> str:
    """"26/11/2026 14:32" (Paris), for the tables' narrow columns."""
    if moment is None:
        return ""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class Section:
    """One part of the PDF: a title, label/value lines, then a table (header + rows)."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = field(default_factory=list)
    empty: str = ""  # said when there is neither a line nor a row


def ledger_lines(session: Session, pupil_id: int) -> list[dict[str, object]]:
    """Every movement of every season, oldest first."""
    rows = session.exec(
        select(LedgerEntry, Wallet, Season).join(Wallet, col(Wallet.id) == col(LedgerEntry.wallet_id))
        .join(Season, col(Season.id) == col(Wallet.season_id))
        .where(Wallet.pupil_id == pupil_id).order_by(col(LedgerEntry.created_at), col(LedgerEntry.id))
    ).all()
    return [{"date": entry.created_at, "saison": season.code,
             "enveloppe": ENVELOPE_LABELS.get(wallet.envelope, wallet.envelope), "libelle": entry.label or entry.kind,
             "montant_centimes": entry.amount_cents} for entry, wallet, season in rows]


def cards_of(session: Session, pupil_id: int) -> list[dict[str, object]]:
    cards = session.exec(select(Card).where(Card.pupil_id == pupil_id).order_by(col(Card.id))).all()
    return [{"numero": mask_card_number(card.number), "etat": CARD_STATES.get(card.status, card.status),
             "activee_le": card.activated_at, "bloquee_le": card.blocked_at, "motif_blocage": card.blocked_reason}
            for card in cards]


def enrollments_of(session: Session, pupil_id: int) -> list[dict[str, object]]:
    rows = session.exec(
        select(Enrollment, Season).join(Season, col(Season.id) == col(Enrollment.season_id))
        .where(Enrollment.pupil_id == pupil_id).order_by(col(Season.starts_on))
    ).all()
    found: list[dict[str, object]] = []
    for enrollment, season in rows:
        commune = commune_by_insee(enrollment.commune_insee)
        found.append({
            "saison": season.code,
            "etat": "complète" if enrollment.status == EnrollmentStatus.COMPLETED else "brouillon",
            "terminee_le": enrollment.completed_at,
            "representant_legal": f"{enrollment.guardian_first_name} {enrollment.guardian_last_name}".strip(),
            "adresse": postal_address(enrollment.address_line, enrollment.address_complement, enrollment.postal_code,
                                      commune.name if commune else ""),
            "email": enrollment.email, "mobile": enrollment.mobile or "",
        })
    return found


def guardians_of(session: Session, pupil_id: int, account_id: int, email: str) -> list[dict[str, object]]:
    """The school's record of the child's guardians: names and link for each; the contact details
    only of the guardian who is this account (the other one's are theirs, not the requester's)."""
    rows = session.exec(select(Guardian).where(Guardian.pupil_id == pupil_id).order_by(col(Guardian.rank))).all()
    found: list[dict[str, object]] = []
    for guardian in rows:
        own = guardian.account_id == account_id or bool(email and guardian.email == email.lower())
        relation = RELATION_LABELS.get(GuardianRelation(guardian.relation), guardian.relation) \
            if guardian.relation in tuple(GuardianRelation) else guardian.relation
        found.append({"nom": guardian.last_name, "prenom": guardian.first_name, "lien": relation,
                      "mobile": (guardian.mobile or "") if own else "", "email": (guardian.email or "") if own else "",
                      "adresse": guardian.address if own else ""})
    return found


def school_of(session: Session, pupil: Pupil) -> str:
    school = session.get(Establishment, pupil.establishment_id)
    return school.name if school else ""


def consent_lines(session: Session, pupil_ids: list[int]) -> list[dict[str, object]]:
    rows = session.exec(
        select(ConsentRecord, Enrollment).join(Enrollment, col(Enrollment.id) == col(ConsentRecord.enrollment_id))
        .where(col(Enrollment.pupil_id).in_(pupil_ids)).order_by(col(ConsentRecord.recorded_at), col(ConsentRecord.id))
    ).all()
    return [{"consentement": CONSENT_LABELS.get(ConsentKind(r.kind), r.kind), "code": r.kind, "valeur": r.value,
             "pour": r.contact or "", "le": r.recorded_at, "texte": r.wording, "eleve_id": e.pupil_id}
            for r, e in rows]


def address_changes(session: Session, pupil_ids: list[int]) -> list[dict[str, object]]:
    seen: dict[tuple[str, str], dict[str, object]] = {}
    for pupil_id in pupil_ids:
        for row in list_entries(session, AuditFilter(action=AuditAction.ADDRESS_CHANGED, pupil_id=pupil_id)):
            seen.setdefault((row.when, row.details), {"le": row.moment, "changement": row.details})
    return sorted(seen.values(), key=lambda change: str(change["le"]))


def messages_sent(session: Session, recipients: list[str]) -> list[dict[str, object]]:
    """What was sent to these addresses (the subject, never the body)."""
    wanted = [recipient.strip().lower() for recipient in recipients if recipient]
    if not wanted:
        return []
    rows = session.exec(select(SentMessage).where(col(SentMessage.recipient).in_(wanted))
                        .order_by(col(SentMessage.created_at), col(SentMessage.id))).all()
    return [{"le": row.created_at, "canal": "e-mail" if row.channel == "email" else "SMS", "a": row.recipient,
             "objet": row.subject} for row in rows]


# ---------------------------------------------------------------------------------------------
# The PDF


def _yes_no(value: object) -> str:
    return "oui" if value else "non"


def sections_of(data: dict[str, Any]) -> list[Section]:
    """The export's dictionary (as `my_data` builds it) → the PDF's parts, in French."""
    account = data["compte"]
    sections = [Section("Le compte", [
        ("Rôle", str(account["role_libelle"])), ("Identifiant", str(account["identifiant"])),
        ("Adresse e-mail", str(account["email"] or "")), ("Prénom et nom", f"{account['prenom']} {account['nom']}"),
        ("Créé le", paris_time(account["cree_le"])),
    ])]
    contact = data["coordonnees"]
    sections.append(Section("Coordonnées de la famille", [
        ("Adresse postale", str(contact.get("adresse") or "non renseignée")),
        ("Mobile", str(contact["mobile"] or "non renseigné")),
        ("Informations par e-mail", _yes_no(contact["optin_email"])),
        ("Informations par SMS", _yes_no(contact["optin_sms"])),
    ]))
    for youth in data["jeunes"]:
        name = f"{youth['prenom']} {youth['nom']}"
        sections.append(Section(name, [
            ("Date de naissance", format_date(youth["date_de_naissance"])),
            ("Établissement", str(youth.get("etablissement") or "")), ("Classe", str(youth["classe"] or "")),
            ("Saison en cours", str(youth["saison"] or "aucune")),
            *[(f"Solde {label}", format_cents(cents)) for label, cents in youth["soldes_centimes"].items()],
        ]))
        sections.append(Section(f"Inscriptions de {youth['prenom']}", header=(
            "Saison", "État", "Représentant légal", "Adresse", "Contact"), rows=[
            (str(e["saison"]), f"{e['etat']} {short_time(e['terminee_le'])}".strip(), str(e["representant_legal"]),
             str(e["adresse"]), " ".join(str(x) for x in (e["email"], e["mobile"]) if x))
            for e in youth["inscriptions"]], empty="Aucune inscription."))
        sections.append(Section(f"Cartes de {youth['prenom']}", header=("Numéro", "État", "Activée le", "Bloquée le"),
                                rows=[(str(c["numero"]), str(c["etat"]) + (f" ({c['motif_blocage']})"
                                                                            if c["motif_blocage"] else ""),
                                       short_time(c["activee_le"]), short_time(c["bloquee_le"]))
                                      for c in youth["cartes"]], empty="Aucune carte associée."))
        sections.append(Section(f"Historique des mouvements de {youth['prenom']}",
                                header=("Date", "Saison", "Enveloppe", "Libellé", "Montant"),
                                rows=[(short_time(m["date"]), str(m["saison"]), str(m["enveloppe"]),
                                       str(m["libelle"]), format_cents(int(m["montant_centimes"])))
                                      for m in youth["historique"]], empty="Aucun mouvement."))
        sections.append(Section(f"Responsables légaux de {youth['prenom']} (transmis par l'établissement)",
                                header=("Nom", "Lien", "Mobile", "E-mail"),
                                rows=[(f"{g['prenom']} {g['nom']}", str(g["lien"]), str(g["mobile"]), str(g["email"]))
                                      for g in youth["responsables_legaux"]], empty="Aucun."))
    sections.append(Section("Consentements (chaque choix, avec sa date)",
                            header=("Date", "Consentement", "Choix", "Pour"),
                            rows=[(short_time(c["le"]), str(c["consentement"]),
                                   "donné" if c["valeur"] else "retiré", str(c["pour"]))
                                  for c in data["consentements_detail"]], empty="Aucun consentement enregistré."))
    sections.append(Section("Changements d'adresse", header=("Date", "Changement"),
                            rows=[(short_time(c["le"]), str(c["changement"])) for c in data["changements_adresse"]],
                            empty="Aucun."))
    sections.append(Section("Messages envoyés", header=("Date", "Canal", "À", "Objet"),
                            rows=[(short_time(m["le"]), str(m["canal"]), str(m["a"]), str(m["objet"]))
                                  for m in data["messages_envoyes"]], empty="Aucun message."))
    deletion = data.get("demande_de_suppression")
    sections.append(Section("Demande de suppression", [
        ("Demande enregistrée", f"le {paris_time(deletion)}" if deletion else "aucune")]))
    return sections


def family_data_pdf(data: dict[str, Any], exported_at: dt.datetime) -> bytes:
    pdf = new_pdf(PDF_TITLE)
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 9, "Mes données — CJeune de Provence", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 6, f"Édité le {paris_time(exported_at)} (heure de Paris). Tout ce que le Département des "
                         "Bouches-du-Rhône conserve sur votre famille pour la carte CJeune de Provence.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for section in sections_of(data):
        pdf.ln(4)
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(0, 7, section.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9)
        for label, value in section.lines:
            pdf.set_font(FONT, "B", 9)
            pdf.cell(48, 5.5, label + " :")
            pdf.set_font(FONT, "", 9)
            pdf.multi_cell(0, 5.5, value or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if section.header and section.rows:
            with pdf.table(text_align="LEFT", line_height=4.5, first_row_as_headings=True) as table:
                table.row(section.header)
                for row in section.rows:
                    table.row(row)
        elif not section.lines and section.empty:
            pdf.multi_cell(0, 5.5, section.empty, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
