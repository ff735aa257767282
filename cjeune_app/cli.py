"""`cjeune`: the operators' command. Each command is a thin door onto core; `--json` for scripts."""

from __future__ import annotations

import dataclasses
import json
import sys

import click

from cjeune_app.core.db import session_scope
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


@main.command("seed-demo", help="Crée les données de démonstration (refusé en production).")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def seed_demo_command(as_json: bool) -> None:
    from cjeune_app.core.demo import ProductionRefused, seed_demo

    upgrade_schema()
    try:
        with session_scope() as session:
            report = seed_demo(session)
    except ProductionRefused as refusal:
        click.echo(str(refusal), err=True)
        sys.exit(2)
    lines = [f"Saison {report.season}"]
    lines += [f"Établissement {e['uai']} — {e['name']}" for e in report.establishments]
    lines.append("Comptes élèves (identifiant / mot de passe temporaire) :")
    for pupil in report.pupils:
        secret = pupil["temporary_password"] or "(mot de passe déjà personnalisé)"
        lines.append(f"  {pupil['name']:<22} {pupil['login']:<34} {secret}")
    lines.append(f"Cartes créées : {report.cards_created} (exemples : {', '.join(report.sample_cards[:3])})")
    lines.append(f"Partenaires créés : {report.partners_created}, bons plans créés : {report.offers_created}")
    emit(as_json, dataclasses.asdict(report), lines)


@main.command("reindex-search", help="Reconstruit l'index de recherche des partenaires et bons plans.")
@click.option("--json", "as_json", is_flag=True, help="Sortie JSON pour les scripts.")
def reindex_search_command(as_json: bool) -> None:
    from cjeune_app.core.search import reindex_all

    upgrade_schema()
    with session_scope() as session:
        documents = reindex_all(session)
    emit(as_json, {"documents": documents}, [f"Index de recherche reconstruit : {documents} documents."])


if __name__ == "__main__":
    main()
