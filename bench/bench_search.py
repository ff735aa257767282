"""Search benchmark: 20 000 partners and 100 000 offers over the communes of the 13.

    .venv/bin/python bench/bench_search.py                     # SQLite file in a temp folder
    .venv/bin/python bench/bench_search.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench_search

Prints the index build time, the database size, then p50/p95/p99 of the core search call
(`search(session, SearchQuery(...))` in its own read-only session, as the page and the API
call it) over a mixed set of queries (stop words, synonyms, typos, prefixes, communes,
distance), and of a naive `LIKE '%word%'` scan answering the same queries, the speedup,
the slowest queries, and the load average before and after. The PostgreSQL database must
be empty or absent; it is created and dropped by the script when absent (`--keep` keeps it,
and a later run with `--keep` reuses its corpus and index: handy to profile; the same with a
SQLite file: `--db sqlite:////tmp/bench_search.db --keep`).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cjeune_app.core.demo import _LOCAL_NAMES, _OFFERS, _TEMPLATES  # noqa: E402
from cjeune_app.core.enums import Category, PartnerKind  # noqa: E402
from cjeune_app.core.partners.models import Offer, Partner, PartnerCategory  # noqa: E402
from cjeune_app.core.territory import all_communes  # noqa: E402

SEED = 2026
EXTRA_OFFER_WORDS = [
    "", "", " pour les 11-15 ans", " en juillet", " pendant les vacances de printemps",
    " le samedi matin", " en famille", " pour les débutants", " niveau confirmé", " à la Toussaint",
]
ACTIVITIES = {
    Category.SPORT: ["judo", "football", "natation", "tennis", "escalade", "rugby", "basket", "karaté",
                     "handball", "gymnastique", "équitation", "voile", "kayak", "athlétisme", "danse"],
    Category.CULTURE: ["théâtre", "cinéma", "musique", "peinture", "danse", "chant", "lecture", "musée",
                       "photographie", "sculpture"],
    Category.LOISIRS: ["jeux", "escape game", "bowling", "laser game", "accrobranche", "échecs",
                       "patinoire", "quiz"],
    Category.SOUTIEN_SCOLAIRE: ["mathématiques", "français", "anglais", "physique-chimie", "brevet",
                                "méthodologie", "devoirs"],
}
DESCRIPTIONS = [
    "{name} accueille les jeunes de {city} et des environs. Carte CJeune de Provence acceptée.",
    "Depuis {year}, {name} propose {a1} et {a2} aux collégiens de {city}.",
    "Cours de {a1} tous niveaux, encadrés par des diplômés d'État, à {city}.",
    "Une équipe passionnée de {a1} vous attend {street}. Séances d'essai sur rendez-vous.",
    "{name} : {a1}, {a2} et stages pendant les vacances scolaires.",
]
STREETS = ["avenue Jean Jaurès", "rue de la République", "boulevard Victor Hugo", "chemin des Écoles",
           "cours Mirabeau", "rue Frédéric Mistral", "allée du Stade", "place de la Mairie"]
SYLLABLES = ["ma", "ri", "to", "lan", "ver", "cal", "sou", "be", "ni", "que", "ra", "mon", "ti", "gue",
             "lo", "pe", "sa", "du", "ran", "vel", "mi", "char", "co", "fon"]

# (q, filters) — 1 to 3 words, typos, filters, distance sorts, and the empty box with filters
QUERIES: list[tuple[str, dict]] = [
    ("judo", {}), ("foo", {}), ("theatre", {}), ("natation", {}), ("marseille", {}), ("aix", {}),
    ("cinema", {}), ("escalade", {}), ("stage", {}), ("soutien", {}), ("musee", {}), ("bowling", {}),
    ("karate", {}), ("danse", {}), ("licence", {}), ("gratuit", {}), ("echecs", {}), ("vitrolles", {}),
    ("martigues", {}), ("provence", {}), ("club", {}), ("th", {}), ("mar", {}),
    ("theatre aix", {}), ("judo marseille", {}), ("football aubagne", {}), ("cinema arles", {}),
    ("stage noel", {}), ("escape game", {}), ("quiz room", {}), ("club tennis", {}),
    ("soutien scolaire", {}), ("danse hip", {}), ("aix en provence", {}), ("licence judo", {}),
    ("cours de maths", {}), ("cercle des nageurs", {}), ("centre equestre camargue", {}),
    ("conservatoire musique aix", {}), ("escape game marseille", {}), ("stage brevet marseille", {}),
    ("natatoin", {}), ("theatte", {}), ("escalde", {}), ("bowlign", {}), ("conservatorie", {}),
    ("martigeus judo", {}), ("gymnastqiue", {}), ("footbal marseile", {}),
    ("judo", {"commune_insee": "13055"}), ("", {"commune_insee": "13001"}),
    ("club", {"category": "sport", "commune_insee": "13004"}), ("", {"category": "culture"}),
    ("stage", {"envelope": "soutien_scolaire"}), ("", {"envelope": "sport_culture", "offers_only": True}),
    ("cinema", {"offers_only": True}), ("marseille", {"category": "loisirs", "offers_only": True}),
    ("tennis", {"commune_insee": "13201"}), ("", {"offers_only": True}),
    ("judo", {"near_insee": "13205", "sort": "distance"}),
    ("", {"lat": 43.2965, "lon": 5.3698, "sort": "distance"}),
    ("", {"lat": 43.5297, "lon": 5.4474, "radius_km": 10, "sort": "distance"}),
    ("theatre", {"lat": 43.5297, "lon": 5.4474, "radius_km": 15}),
    ("football", {"lat": 43.4030, "lon": 4.9880, "sort": "distance"}),
    ("", {"category": "sport", "lat": 43.2965, "lon": 5.3698, "radius_km": 5, "sort": "distance"}),
    ("soutien", {"near_insee": "13001", "sort": "distance", "offers_only": True}),
    ("stage", {"lat": 43.2965, "lon": 5.3698, "radius_km": 20, "sort": "distance", "category": "sport"}),
    ("danse", {"page": 3}),
    # synonyms and abbreviations (data/synonyms.csv), and stop words
    ("piscine", {}), ("foot marseille", {}), ("cine arles", {}), ("hip hop", {}), ("ping pong", {}),
    ("muscu", {}), ("bd", {}), ("cours de foot a aubagne", {}), ("judo pres de la ciotat", {}),
    ("stage de theatre pour les vacances", {}), ("piscine", {"near_insee": "13001", "sort": "distance"}),
    ("la", {}), ("maths", {"commune_insee": "13055"}),
]


def invented_names(rng: random.Random, count: int) -> list[str]:
    names = set()
    while len(names) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        names.add(word.capitalize())
    return sorted(names)


def generate(engine: sa.Engine, partners: int, offers: int) -> tuple[int, int]:
    """Fast, deterministic bulk insert of partners, their categories and offers."""
    rng = random.Random(SEED)
    communes = [c for c in all_communes() if c.insee_code != "13055"]
    weights = [max(c.population, 2000) ** 0.6 for c in communes]
    local_names = list(_LOCAL_NAMES) + invented_names(rng, 4000)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    categories = list(_TEMPLATES)
    partner_rows, category_rows, offer_rows, main_category = [], [], [], []
    offers_per_partner = offers / partners
    for pid in range(1, partners + 1):
        category = rng.choice(categories)
        commune = rng.choices(communes, weights)[0]
        town = commune.name.split(" ")[0] if commune.kind != "commune" else commune.name
        name = rng.choice(_TEMPLATES[category]).format(c=town, n=rng.choice(local_names))
        a1, a2 = rng.sample(ACTIVITIES[category], 2)
        street = f"{rng.randint(1, 120)} {rng.choice(STREETS)}"
        partner_rows.append({
            "id": pid, "name": name, "kind": rng.choice(list(PartnerKind)).value,
            "siret": f"9{pid:013d}",
            "description": rng.choice(DESCRIPTIONS).format(
                name=name, city=commune.name, a1=a1, a2=a2, year=rng.randint(1970, 2022), street=street),
            "address": street, "postal_code": rng.choice(commune.postal_codes),
            "commune_insee": commune.insee_code,
            "latitude": round(commune.latitude + rng.uniform(-0.02, 0.02), 5),
            "longitude": round(commune.longitude + rng.uniform(-0.02, 0.02), 5),
            "contact_email": f"contact{pid}@exemple.fr", "phone": "", "website": "",
            "status": "validated" if rng.random() < 0.95 else rng.choice(["pending", "rejected"]),
            "created_at": now, "updated_at": now,
        })
        category_rows.append({"partner_id": pid, "category": category.value})
        main_category.append(category)
        if category is Category.CULTURE and rng.random() < 0.25:
            category_rows.append({"partner_id": pid, "category": Category.LOISIRS.value})
    for oid in range(1, offers + 1):
        pid = min(partners, int((oid - 1) / offers_per_partner) + 1)
        partner = partner_rows[pid - 1]
        category = main_category[pid - 1]
        title, discount = rng.choice(_OFFERS[category])
        title += rng.choice(EXTRA_OFFER_WORDS)
        roll = rng.random()
        if roll < 0.2:  # expired
            starts = now - dt.timedelta(days=rng.randint(120, 300))
            expires = now - dt.timedelta(days=rng.randint(1, 60))
        elif roll < 0.25:  # not started yet
            starts = now + dt.timedelta(days=rng.randint(1, 30))
            expires = starts + dt.timedelta(days=rng.randint(30, 200))
        else:
            starts = now - dt.timedelta(days=rng.randint(0, 60))
            expires = now + dt.timedelta(days=rng.randint(7, 280))
        offer_rows.append({
            "id": oid, "partner_id": pid, "title": title,
            "description": f"{title} chez {partner['name']}, sur présentation de la carte CJeune de Provence.",
            "discount_text": discount, "price_cents": None, "category": category.value,
            "commune_insee": partner["commune_insee"], "starts_at": starts, "expires_at": expires,
            "published": rng.random() < 0.95, "created_at": now, "updated_at": now,
        })
    with engine.begin() as conn:
        for table, rows in ((Partner, partner_rows), (PartnerCategory, category_rows), (Offer, offer_rows)):
            for start in range(0, len(rows), 10_000):
                conn.execute(sa.insert(table.__table__), rows[start : start + 10_000])
        if engine.dialect.name == "postgresql":
            for table in ("partner", "partner_category", "offer"):
                conn.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            conn.execute(sa.text("ANALYZE"))
    return len(partner_rows), len(offer_rows)


def database_size(engine: sa.Engine, path: Path | None) -> str:
    if path is not None:
        raw = engine.raw_connection()  # fold the write-ahead log into the file, outside a transaction
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        with engine.connect() as conn:
            try:
                index = conn.execute(sa.text(
                    "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%' OR name LIKE 'ix_search%' "
                    "OR name LIKE 'sqlite_autoindex_search%'")).scalar()
            except sa.exc.OperationalError:
                index = None
        text = f"{total / 1e6:.1f} MB"
        return text + (f", of which search index {index / 1e6:.1f} MB" if index else "")
    with engine.connect() as conn:
        total = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
        index = conn.execute(sa.text(
            "SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c WHERE c.relkind = 'r' "
            "AND c.relname IN ('search_entry', 'search_term', 'search_word', 'search_term_variant')")).scalar()
    return f"{total / 1e6:.1f} MB, of which search index {index / 1e6:.1f} MB"


def naive_statement(q: str, filters: dict) -> tuple[str, dict]:
    """What one would write without an index: LIKE '%word%' on names, descriptions, offers."""
    from cjeune_app.core.enums import envelope_for_category
    from cjeune_app.core.search.api import SearchQuery, criteria
    from cjeune_app.core.search.geo import squared_distance_factors

    wanted = criteria(SearchQuery(q=q, **filters))
    params: dict = {"now": dt.datetime.now(dt.UTC), "limit": wanted.limit, "offset": wanted.offset}
    conditions = ["p.status = 'validated'"]
    live_offer = "o.partner_id = p.id AND o.published AND o.starts_at <= :now AND o.expires_at > :now"
    for i, word in enumerate(w for w in q.lower().split() if len(w) > 1):
        params[f"w{i}"] = f"%{word}%"
        conditions.append(
            f"(lower(p.name) LIKE :w{i} OR lower(p.description) LIKE :w{i} OR "
            f"EXISTS (SELECT 1 FROM offer o WHERE {live_offer} AND lower(o.title) LIKE :w{i}))")
    for i, category_filter in enumerate(filter(None, [
        [wanted.category.value] if wanted.category else None,
        [c.value for c in Category if envelope_for_category(c) is wanted.envelope] if wanted.envelope else None,
    ])):
        params[f"categories{i}"] = category_filter
        conditions.append("EXISTS (SELECT 1 FROM partner_category c WHERE c.partner_id = p.id "
                          f"AND c.category IN :categories{i})")
    if wanted.commune == "13055":
        conditions.append("p.commune_insee BETWEEN '13201' AND '13216'")
    elif wanted.commune:
        params["commune"] = wanted.commune
        conditions.append("p.commune_insee = :commune")
    if wanted.offers_only:
        conditions.append(f"EXISTS (SELECT 1 FROM offer o WHERE {live_offer})")
    order = "p.name"
    if wanted.position:
        lat, lon = wanted.position
        ky2, kx2 = squared_distance_factors(lat)
        params |= {"lat": lat, "lon": lon, "ky2": ky2, "kx2": kx2}
        distance2 = ("((p.latitude - :lat) * (p.latitude - :lat) * :ky2 "
                     "+ (p.longitude - :lon) * (p.longitude - :lon) * :kx2)")
        if wanted.radius_km:
            params["radius2"] = wanted.radius_km ** 2
            conditions.append(f"{distance2} <= :radius2")
        if wanted.by_distance:
            order = f"{distance2}, p.name"
    statement = (f"SELECT p.id, COUNT(*) OVER () AS total FROM partner p WHERE {' AND '.join(conditions)} "
                 f"ORDER BY {order} LIMIT :limit OFFSET :offset")
    return statement, params


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class CpuClock:
    """CPU time spent on the queries: this process's, plus, with PostgreSQL on this machine,
    that of the server processes serving its connections (from /proc/<pid>/schedstat).
    Unlike wall-clock time, it does not grow with the other work of a shared machine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.backends: set[int] = set()
        if engine.dialect.name == "postgresql":
            engine.dispose()  # connections opened from now on are seen

            @sa.event.listens_for(engine, "connect")
            def remember_backend(dbapi_connection, _record) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("SELECT pg_backend_pid()")
                self.backends.add(cursor.fetchone()[0])
                cursor.close()

    def __call__(self) -> float:
        """Seconds."""
        total = time.process_time()
        for pid in self.backends:
            with contextlib.suppress(OSError):  # the server runs elsewhere, or the connection closed
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
        return total

    @property
    def label(self) -> str:
        return "CPU of this process and its PostgreSQL server processes" if self.backends else "CPU of this process"


def measure(label: str, run, repeats: int, clock: CpuClock) -> tuple[list[float], dict[int, float]]:
    """Wall-clock latencies (what a user waits), and each query's median; the CPU time is
    printed too, which moves less with the machine's load (see CpuClock)."""
    timings, cpu, medians = [], [], {}
    for number, (q, filters) in enumerate(QUERIES):
        run(q, filters)  # warm up this query's pages
        mine = []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), clock()
            run(q, filters)
            mine.append((time.perf_counter() - start) * 1000)
            cpu.append((clock() - start_cpu) * 1000)
        timings += mine
        medians[number] = percentile(mine, 0.5)
    print(f"{label:<26} p50 {percentile(timings, 0.50):8.2f} ms   p95 {percentile(timings, 0.95):8.2f} ms"
          f"   p99 {percentile(timings, 0.99):8.2f} ms   ({len(timings)} calls, {len(QUERIES)} queries)")
    print(f"{'':<26} {clock.label}: p50 {percentile(cpu, 0.50):.2f} ms, p95 {percentile(cpu, 0.95):.2f} ms, "
          f"p99 {percentile(cpu, 0.99):.2f} ms")
    return timings, medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--partners", type=int, default=20_000)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--naive-repeats", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="print the top results of each query")
    parser.add_argument("--slowest", type=int, default=8, help="print this many slowest queries (median)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database (PostgreSQL, or a SQLite file given by --db), and reuse its "
                        "corpus and index when present")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench_search_")
    url = args.db or f"sqlite:///{workdir}/bench.db"
    sqlite_path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
    created_pg = _create_postgres_database(url) if url.startswith("postgresql") else False
    if args.keep:
        created_pg = False
    os.environ["REFLEX_DB_URL"] = url
    os.environ["CJEUNE_DATA_DIR"] = workdir
    try:
        run_benchmark(url, sqlite_path, args)
    finally:
        from cjeune_app.core.db import engine_for

        engine_for(url).dispose()
        if created_pg:
            _drop_postgres_database(url)


def run_benchmark(url: str, sqlite_path: Path | None, args) -> None:
    from cjeune_app.core.db import engine_for, session_scope
    from cjeune_app.core.migrations import upgrade_schema
    from cjeune_app.core.search import SearchQuery, reindex_all, search
    from cjeune_app.core.search.api import _hydrate

    print(f"Load average at start: {load_average()} ({os.cpu_count()} CPUs)")
    upgrade_schema(url)
    engine = engine_for(url)
    print(f"Database: {engine.dialect.name} {engine.dialect.server_version_info or ''} "
          f"({'SQLite ' + __import__('sqlite3').sqlite_version if sqlite_path else url})")
    with engine.connect() as conn:
        reused = args.keep and conn.execute(sa.text("SELECT COUNT(*) FROM search_entry")).scalar_one() > 0
    if reused:
        print("Corpus and index of the kept database reused")
    else:
        start = time.perf_counter()
        partners, offers = generate(engine, args.partners, args.offers)
        print(f"Corpus: {partners} partners, {offers} offers generated in {time.perf_counter() - start:.1f} s")
        print(f"Database size before the index: {database_size(engine, sqlite_path)}")
        start = time.perf_counter()
        with session_scope() as session:
            documents = reindex_all(session)
        print(f"Index build (reindex_all): {time.perf_counter() - start:.1f} s for {documents} documents")
        if sqlite_path is None:
            # What autovacuum does soon after a bulk load: sets the visibility map that
            # index-only scans rely on. Done here so that timings don't depend on its timing.
            start = time.perf_counter()
            raw = engine.raw_connection()
            try:
                raw.driver_connection.autocommit = True
                raw.cursor().execute("VACUUM ANALYZE search_entry")
                raw.cursor().execute("VACUUM ANALYZE search_word")
            finally:
                raw.close()
            print(f"VACUUM ANALYZE search_entry, search_word: {time.perf_counter() - start:.1f} s")
    print(f"Database size with the index: {database_size(engine, sqlite_path)}")

    def engine_search(q, filters):
        with session_scope(read_only=True) as session:
            return search(session, SearchQuery(q=q, **filters))

    def naive_search(q, filters):
        statement, params = naive_statement(q, filters)
        text = sa.text(statement)
        if ":now" in statement:
            text = text.bindparams(sa.bindparam("now", type_=Offer.__table__.c.expires_at.type))
        for name in [n for n in params if n.startswith("categories")]:
            text = text.bindparams(sa.bindparam(name, expanding=True))
        with session_scope(read_only=True) as session:
            partner_ids = [row.id for row in session.execute(text, params)]
            return _hydrate(session, partner_ids, None, params["now"])  # the same page, shown

    if args.show:
        for q, filters in QUERIES:
            page = engine_search(q, filters)
            top = "; ".join(f"{r.name} ({r.commune_name})" for r in page.results[:3])
            corrected = [(c.typed, c.replaced_by) for c in page.corrected_terms]
            fixes = f" corrected {corrected}" if corrected else ""
            print(f"  {q!r} {filters}: {page.total} results{fixes}: {top}")
    print(f"Load average before timing: {load_average()} "
          f"({os.cpu_count()} CPUs; other work on the machine slows both columns alike)")
    clock = CpuClock(engine)
    engine_ms, engine_medians = measure("core search()", engine_search, args.repeats, clock)
    naive_ms, _ = measure("naive LIKE '%word%' scan", naive_search, args.naive_repeats, clock)
    print(f"Speedup: p50 x{percentile(naive_ms, 0.5) / percentile(engine_ms, 0.5):.0f}, "
          f"p95 x{percentile(naive_ms, 0.95) / percentile(engine_ms, 0.95):.0f}, "
          f"p99 x{percentile(naive_ms, 0.99) / percentile(engine_ms, 0.99):.0f}")
    print(f"Load average after timing: {load_average()}")
    if args.slowest:
        print("Slowest queries of core search() (median):")
        for number in sorted(engine_medians, key=engine_medians.__getitem__, reverse=True)[: args.slowest]:
            q, filters = QUERIES[number]
            print(f"  {engine_medians[number]:7.2f} ms  {q!r} {filters}")


def _create_postgres_database(url: str) -> bool:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return not exists


def _drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()
