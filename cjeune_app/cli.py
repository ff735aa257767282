"""`cjeune`: the operators' command. Each command is a thin door onto core; `--json` for scripts."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path

import click

from cjeune_app.core.actor import Actor
from cjeune_app.core.enums import Role
from cjeune_app.core.migrations import upgrade_schema


def emit(as_json: bool, payload: dict, human_lines: list[str]) -> None:
    if as_json:
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        click.echo("\n".join(human_lines))


@click.group(help="Outils d'exploitation de CJeune de Provence.")
def main() -> None:
    pass


@main.command("migrate", help="Met le schéma de la base de données à jour.")
def migrate() -> None:
    upgrade_schema()
    click.echo("Schéma à jour.")


@main.command("serve", help="Lance l'application (production) avec N processus derrière un port ; un "
              "processus qui meurt est relancé. Plusieurs processus : REFLEX_REDIS_URL et PostgreSQL.")
@click.option("--workers", type=click.IntRange(1, 32), default=1, show_default=True)
@click.option("--port", type=int, default=3000, show_default=True)
@click.option("--host", default="0.0.0.0", show_default=True, help="Adresse d'écoute (127.0.0.1 : locale).")
@click.option("--backend-only", is_flag=True, help="Sans construire ni servir les pages (websocket et API seuls).")
def serve_command(workers: int, port: int, host: str, backend_only: bool) -> None:
    import os

    from cjeune_app.serving import serve

    if workers > 1 and not os.environ.get("REFLEX_REDIS_URL"):
        refuse("Plusieurs processus demandent REFLEX_REDIS_URL (l'état des pages est partagé dans Redis).")
    serve(workers=workers, port=port, host=host, backend_only=backend_only)


@main.command("seed-demo", help="Crée les données de démonstration (refusé en production).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def seed_demo_command(as_json: bool) -> None:
    from cjeune_app.core.demo import ProductionRefused
    from cjeune_app.core.use_cases.operations import seed_demo_data

    upgrade_schema()
    try:
        report = seed_demo_data()
    except ProductionRefused as refusal:
        click.echo(str(refusal), err=True)
        sys.exit(2)
    lines = [f"Saison {report.season}"]
    lines += [f"Établissement {e['uai']} — {e['name']}" for e in report.establishments]
    lines.append("Comptes élèves (identifiant / mot de passe temporaire) :")
    for pupil in report.pupils:
        secret = pupil["temporary_password"] or "(mot de passe déjà personnalisé)"
        lines.append(f"  {pupil['name']:<22} {pupil['login']:<34} {secret}")
    lines.append("Responsables légaux (mobile connu du collège) :")
    for guardian in report.guardians:
        lines.append(f"  {guardian['name']:<22} {guardian['mobile']:<16} parent de {guardian['child']} — "
                     f"{guardian['way']}")
    lines.append(f"Cartes créées : {report.cards_created} (exemples : {', '.join(report.sample_cards[:3])})")
    lines.append(f"Partenaires créés : {report.partners_created}, bons plans créés : {report.offers_created}")
    lines.append(report.teleservices)
    lines.append("Comptes pour essayer chaque rôle (identifiant / mot de passe) — agents et établissements : "
                 "« Qui suis-je ? » > Gestion ; partenaire : « Partenaire » :")
    for account in report.staff:
        lines.append(f"  {account['role']:<24} {account['login']:<52} {account['password']:<22} {account['what']}")
    lines.append(f"Clé d'API du partenaire de démonstration : {report.partner_api_key}")
    emit(as_json, dataclasses.asdict(report), lines)


@main.command("import-pupils", help="Importe un fichier CSV d'élèves (nom, prénom, date de naissance, "
              "classe) pour un établissement et produit le PDF des lettres d'identifiants.")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--establishment", "uai", required=True, help="Code UAI de l'établissement (ex. 0131801P).")
@click.option("--letters", "letters_path", type=click.Path(dir_okay=False),
              help="Fichier PDF des lettres (par défaut : lettres-<UAI>-<date>.pdf).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def import_pupils_command(csv_file: str, uai: str, letters_path: str | None, as_json: bool) -> None:
    from cjeune_app.core.dates import paris_today
    from cjeune_app.core.errors import Refusal
    from cjeune_app.core.use_cases import school

    upgrade_schema()
    content = Path(csv_file).read_bytes()
    targets: list[Path] = []

    def keep_letters(answer: school.PupilImport) -> None:
        target = Path(letters_path or f"lettres-{answer.school_uai}-{paris_today().isoformat()}.pdf")
        targets.append(target)
        if answer.letters_pdf:
            target.write_bytes(answer.letters_pdf)
            target.chmod(0o600)  # the temporary passwords are in it

    try:
        result = school.import_pupils_for_operator(uai, content, keep_letters)
    except Refusal as refusal:
        _fail(as_json, refusal.code, refusal.message)
    if not result.ok:
        _fail(as_json, "invalid_file", "Aucun élève importé : corrigez le fichier puis relancez.",
              errors=result.errors)
    target = targets[0] if targets else None
    payload = {
        "establishment": result.school_uai,
        "created": [dataclasses.asdict(p) for p in result.created],
        "already_known": result.already_known,
        "letters": str(target) if result.letters_pdf else None,
    }
    lines = [f"{len(result.created)} élève(s) créé(s) pour {result.school_name} ({result.school_uai})."]
    lines += [f"  {p.last_name} {p.first_name} ({p.class_name}) : {p.login}" for p in result.created]
    lines += result.already_known
    if result.letters_pdf:
        lines.append(f"Lettres à imprimer : {target} (contient les mots de passe temporaires : "
                     "supprimez-le après impression).")
    emit(as_json, payload, lines)


@main.command("create-user", help="Crée un compte de gestion (agent du Département ou personnel "
              "d'établissement).")
@click.option("--role", type=click.Choice(["agent", "etablissement"]), required=True)
@click.option("--email", required=True)
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
@click.option("--establishment", "uai", help="Code UAI (obligatoire pour le rôle etablissement).")
@click.option("--password-stdin", is_flag=True,
              help="Lit le mot de passe sur l'entrée standard au lieu d'en générer un temporaire.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def create_user_command(role, email, first_name, last_name, uai, password_stdin, as_json) -> None:
    from cjeune_app.core.accounts.errors import FormErrors
    from cjeune_app.core.errors import Refusal
    from cjeune_app.core.use_cases import accounts

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    upgrade_schema()
    try:
        created = accounts.create_back_office_account(
            role=role, email=email, first_name=first_name, last_name=last_name, uai=uai, password=password)
    except FormErrors as error:
        _fail(as_json, error.code, "Compte non créé.", errors=list(error.fields.values()))
    except Refusal as error:
        _fail(as_json, error.code, error.message)
    payload = {"id": created.account_id, "role": str(created.role), "login": created.login,
               "establishment": created.establishment_uai, "temporary_password": created.temporary_password}
    lines = [f"Compte {created.role} créé : {created.login}"]
    if created.temporary_password:
        lines.append(f"Mot de passe temporaire (à changer à la première connexion) : {created.temporary_password}")
    emit(as_json, payload, lines)


@main.command("purge-expired", help="Efface les sessions et liens expirés depuis plus de 30 jours "
              "et les tentatives de connexion de plus de 24 heures.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def purge_expired_command(as_json: bool) -> None:
    from cjeune_app.core.use_cases.accounts import purge_expired

    upgrade_schema()
    counts = purge_expired()
    emit(as_json, counts, [f"Sessions effacées : {counts['sessions']}, liens : {counts['links']}, "
                           f"tentatives de connexion : {counts['login_attempts']}."])


def _fail(as_json: bool, code: str, message: str, errors: list[str] | None = None) -> None:
    if as_json:
        click.echo(json.dumps({"code": code, "message": message, "errors": errors or []},
                              ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join([message, *(errors or [])]), err=True)
    sys.exit(1)


def refuse(message: str, code: int = 2) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def _operator() -> Actor:
    """Whoever runs the money commands on the server acts as an agent of the Département."""
    return Actor(account_id=0, role=Role.AGENT, display_name="cjeune (ligne de commande)")


def _write_batch_files(batch, out_dir: Path | None, qr_format: str) -> dict:
    from cjeune_app.core.cards.printing import write_printer_files

    out_dir = out_dir or Path.cwd() / f"lot-{batch.batch_id}-{batch.establishment_uai}"
    try:
        return write_printer_files(batch, out_dir, qr_format)
    except OSError as error:
        refuse(f"Le lot n° {batch.batch_id} est enregistré mais ses fichiers n'ont pas pu être écrits dans "
               f"{out_dir} ({error.strerror}). Relancez : cjeune export-batch {batch.batch_id} --out <dossier>", 1)


def _batch_lines(batch, files: dict) -> list[str]:
    return [
        f"Lot n° {batch.batch_id} : {len(batch.numbers)} cartes pour {batch.establishment_name} "
        f"({batch.establishment_uai}).",
        f"Fichier pour l'imprimeur : {files['csv']}",
        f"QR codes ({files['qr_format'].upper()}, un par carte, contenant seulement le numéro) : {files['qr_dir']}",
    ]


def _batch_payload(batch, files: dict) -> dict:
    return {"batch_id": batch.batch_id, "establishment_uai": batch.establishment_uai,
            "establishment_name": batch.establishment_name, "count": len(batch.numbers),
            "numbers": batch.numbers, **files}


@main.command("issue-cards", help="Crée un lot de cartes pour un établissement : CSV pour l'imprimeur et QR codes.")
@click.option("--count", "-n", type=int, required=True, help="Nombre de cartes à créer (1 à 5000).")
@click.option("--establishment", "uai", required=True, help="Code UAI de l'établissement, par exemple 0131801S.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier où écrire les fichiers (par défaut ./lot-<n° du lot>-<UAI>).")
@click.option("--qr-format", type=click.Choice(["png", "svg"]), default="png", show_default=True,
              help="Format des images de QR code.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def issue_cards_command(count: int, uai: str, out_dir: Path | None, qr_format: str, as_json: bool) -> None:
    from cjeune_app.core.errors import Refusal
    from cjeune_app.core.use_cases.cards import issue_card_batch

    upgrade_schema()
    try:
        batch = issue_card_batch(_operator(), uai, count)
    except Refusal as refusal:
        refuse(refusal.message)
    files = _write_batch_files(batch, out_dir, qr_format)
    emit(as_json, _batch_payload(batch, files), _batch_lines(batch, files))


@main.command("export-batch", help="Réécrit le CSV et les QR codes d'un lot de cartes existant.")
@click.argument("batch_id", type=int)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier où écrire les fichiers (par défaut ./lot-<n° du lot>-<UAI>).")
@click.option("--qr-format", type=click.Choice(["png", "svg"]), default="png", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def export_batch_command(batch_id: int, out_dir: Path | None, qr_format: str, as_json: bool) -> None:
    from cjeune_app.core.cards.errors import BatchNotFound
    from cjeune_app.core.use_cases.cards import card_batch

    try:
        batch = card_batch(_operator(), batch_id)
    except BatchNotFound:
        refuse(f"Aucun lot de cartes ne porte le n° {batch_id}.")
    files = _write_batch_files(batch, out_dir, qr_format)
    emit(as_json, _batch_payload(batch, files), _batch_lines(batch, files))


@main.command("close-season", help="Fait expirer les crédits restants d'une saison terminée (écritures au "
              "grand livre, rien n'est supprimé). Refusé tant que la saison n'est pas finie.")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def close_season_command(code: str, as_json: bool) -> None:
    from cjeune_app.core.errors import Refusal
    from cjeune_app.core.formats import format_cents
    from cjeune_app.core.use_cases.wallet import close_season

    match = re.fullmatch(r"(\d{4})-(\d{4})", code.strip())
    if not match or int(match[2]) != int(match[1]) + 1:
        refuse(f"« {code} » n'est pas une saison : écrivez-la comme 2026-2027.")
    upgrade_schema()
    try:
        report = close_season(_operator(), code.strip())
    except Refusal as refusal:
        refuse(refusal.message)
    if report.closed_now or report.expired_cents:
        line = (f"Saison {report.season_code} close : {report.wallets_expired} portefeuille(s), "
                f"{format_cents(report.expired_cents)} de crédits expirés.")
    else:
        line = f"La saison {report.season_code} était déjà close : rien de plus à faire expirer."
    emit(as_json, dataclasses.asdict(report), [line])

@main.command("remind-season-end", help="Envoie les rappels de fin de saison (« Il reste … à utiliser avant "
              "le … ») dus aujourd'hui, 30 puis 7 jours avant la fin : à lancer chaque jour (minuteur), sans "
              "risque de doublon.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Le jour à considérer (par défaut : "
              "aujourd'hui, heure de Paris).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def remind_season_end_command(today, as_json: bool) -> None:
    from cjeune_app.core.use_cases.seasons import remind_season_end

    upgrade_schema()
    sent = remind_season_end(today.date() if today else None)
    emit(as_json, {"reminded": sent}, [f"Rappels de fin de saison envoyés : {sent}."])


@main.command("reindex-search", help="Reconstruit l'index de recherche des partenaires et bons plans.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def reindex_search_command(as_json: bool) -> None:
    from cjeune_app.core.use_cases.operations import rebuild_search_index

    upgrade_schema()
    documents = rebuild_search_index()
    emit(as_json, {"documents": documents}, [f"Index de recherche reconstruit : {documents} documents."])


@main.command("fold-ledger", help="Replie les nouvelles écritures du grand livre dans les totaux mensuels des "
              "statistiques (après une mise en service, ou chaque nuit).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def fold_ledger_command(as_json: bool) -> None:
    from cjeune_app.core.use_cases.statistics import fold_ledger

    upgrade_schema()
    folded = fold_ledger()
    emit(as_json, {"folded": folded}, [f"Écritures repliées dans les totaux des statistiques : {folded}."])


if __name__ == "__main__":
    main()
