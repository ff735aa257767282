"""`cjeune issue-cards`, `export-batch` and `close-season`, run as an operator would."""

from __future__ import annotations

import csv
import io
import json

import zxingcpp
from click.testing import CliRunner
from PIL import Image
from sqlmodel import select

from cjeune_app.cli import main
from cjeune_app.core.cards import invariants
from cjeune_app.core.cards.models import Card
from cjeune_app.core.cards.numbers import is_well_formed
from cjeune_app.core.db import session_scope
from cjeune_app.core.seasons.api import get_or_create_season
from cjeune_app.core.seasons.models import Season
from cjeune_app.core.wallet import api as wallet
from cjeune_app.core.wallet.models import LedgerEntry
from tests.support.money_world import build_world


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_issue_cards_writes_the_printer_file_and_one_qr_code_per_card(session, tmp_path):
    world = build_world(session, youths=0, cards=1)
    result = run("issue-cards", "--count", 4, "--establishment", world.uai.lower(), "--out", tmp_path / "lot", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["count"] == 4 and all(is_well_formed(n) for n in payload["numbers"])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "lot" / f"lot-{payload['batch_id']}-{world.uai}.csv")
                                           .read_text(encoding="utf-8")), delimiter=";"))
    assert [r["numéro"] for r in rows] == payload["numbers"]
    assert {r["contenu du QR"] == r["numéro"] for r in rows} == {True}
    images = sorted((tmp_path / "lot" / "qr").glob("*.png"))
    assert [p.stem for p in images] == sorted(payload["numbers"])
    decoded = zxingcpp.read_barcodes(Image.open(images[0]))
    assert [d.text for d in decoded] == [images[0].stem]
    with session_scope(read_only=True) as s:
        stock = s.exec(select(Card.number).where(Card.batch_id == payload["batch_id"], Card.status == "stock")).all()
    assert sorted(stock) == sorted(payload["numbers"])


def test_issue_cards_in_svg_and_export_again(session, tmp_path):
    world = build_world(session, youths=0, cards=1)
    first = run("issue-cards", "-n", 2, "--establishment", world.uai, "--out", tmp_path / "a", "--qr-format", "svg")
    assert first.exit_code == 0, first.output
    assert "Lot n° " in first.output and "2 cartes pour Collège Test" in first.output
    assert len(list((tmp_path / "a" / "qr").glob("*.svg"))) == 2
    batch_id = first.output.split("Lot n° ")[1].split(" ")[0]
    again = run("export-batch", batch_id, "--out", tmp_path / "b", "--json")
    assert again.exit_code == 0, again.output
    assert sorted(p.name for p in (tmp_path / "a" / "qr").iterdir()) == sorted(
        p.name.replace(".png", ".svg") for p in (tmp_path / "b" / "qr").iterdir())
    assert run("export-batch", 999999).exit_code == 2


def test_issue_cards_refusals_are_french_sentences(session, tmp_path):
    world = build_world(session, youths=0, cards=1)
    unknown = run("issue-cards", "-n", 3, "--establishment", "0999999Z", "--out", tmp_path / "out")
    assert unknown.exit_code == 2 and "Aucun établissement n'a le code UAI « 0999999Z »" in unknown.output
    too_many = run("issue-cards", "-n", 10_000, "--establishment", world.uai, "--out", tmp_path / "out")
    assert too_many.exit_code == 2 and "entre 1 et 5000" in too_many.output
    assert not (tmp_path / "out").exists()


def test_close_season_refuses_a_season_still_running(session):
    world = build_world(session, youths=1, cards=1)
    result = run("close-season", world.season.code)
    assert result.exit_code == 2
    assert f"La saison {world.season.code} n'est pas terminée" in result.output
    assert run("close-season", "2026-2028").exit_code == 2
    assert "n'existe pas" in run("close-season", "2001-2002").output


def test_close_season_expires_a_finished_season_once(session):
    world = build_world(session, youths=2, cards=1)
    with session_scope() as s:
        past = get_or_create_season(s, "2024-2025")
        for youth in world.youths:
            wallet.credit_season(s, youth.pupil_id, past)
    first = run("close-season", "2024-2025", "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) == {"season_code": "2024-2025", "wallets_expired": 4,
                                        "expired_cents": 30_000, "closed_now": True}
    human = run("close-season", "2024-2025")
    assert human.exit_code == 0 and "déjà close" in human.output
    with session_scope(read_only=True) as s:
        assert s.exec(select(Season).where(Season.code == "2024-2025")).one().closed_at is not None
        assert len(s.exec(select(LedgerEntry).where(LedgerEntry.kind == "expiry")).all()) == 4
        assert invariants.verify_invariants(s) == []
