"""The benchmark database: 1,000,000 contacts over 10 sites and 5 years, ~150,000 people.

Built once through the spreadsheet import path (``sarah.services.imports.run.import_rows``), as a
coordinator would load years of history, and cached under ``benchmarks/data/`` (gitignored).
The rows are generated deterministically (fixed seed): the same database on every machine.
Semesters hold about 100,000 contacts each, fewer in 2015 (the history starts) and more in the
second half of 2019 (people first seen late have their visits packed before the end).

    .venv/bin/python benchmarks/dataset.py             # build (or reuse) and print its path
    .venv/bin/python benchmarks/dataset.py --rebuild   # build again (measures the import)
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA_DIR = Path(__file__).resolve().parent / "data"
MILLION_DB = DATA_DIR / "million.sqlite"
MILLION_INFO = DATA_DIR / "million.json"

SITES = (
    "Fontaine d'Ouche",
    "Grésilles",
    "Chenôve Le Mail",
    "Quetigny Centre",
    "Talant Belvédère",
    "Longvic Guynemer",
    "Université",
    "Bourroches",
    "Stalingrad",
    "Chevreul Parc",
)
# Busier sites first: some desks see three times as many people as others.
SITE_WEIGHTS = (14, 13, 12, 11, 10, 10, 9, 8, 7, 6)
FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(2019, 12, 31)

LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent "
    "Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre "
    "Mercier Dupont Lambert Bonnet François Martinez Benali Haddad Diallo Traoré Nguyen "
    "Yilmaz Da Silva Ferreira Rossi Kaya Mansouri Cissé Boucher Gauthier Perrin Chevalier "
    "Brunet Blanc Guérin Muller Henry Roussel Nicolas Perrot Morin Mathieu Clément Gaillard"
).split()
FIRST_NAMES_F = (
    "Léa Manon Camille Inès Chloé Sarah Emma Jade Yasmine Aïcha Fatou Nadia Sophie Julie "
    "Amandine Céline Nathalie Sandrine Mélanie Océane Khadija Meryem Elif Linh Marie Lucie"
).split()
FIRST_NAMES_H = (
    "Lucas Hugo Théo Nathan Enzo Karim Mehdi Moussa Mamadou Youssef Thomas Nicolas Julien "
    "Kévin Anthony Sébastien Frédéric Patrick Eric Ibrahim Omar Bilal Emre Minh Pierre Louis"
).split()


@dataclass(frozen=True)
class DatasetShape:
    contacts: int = 1_000_000
    visitors: int = 150_000
    seed: int = 20191105  # the day the old SARAH broke down


def _weekdays(first: date, last: date) -> list[date]:
    days, d = [], first
    while d <= last:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def generate_rows(
    service_labels: list[str], shape: DatasetShape = DatasetShape()
) -> Iterator[dict[str, str]]:
    """Rows in the spreadsheet import format (docs/spec/interfaces.md), one per contact.

    Each person has a home site (a few also go to a second one), a first visit somewhere in the
    five years and a number of contacts drawn so that the total is exactly ``shape.contacts``;
    about a third of contacts are phone calls; 0 to 3 services each, matched to the channel.
    """
    rng = random.Random(shape.seed)
    days = _weekdays(FIRST_DAY, LAST_DAY)
    # Catalogue order (reference): messages, appointments and information by phone; PC use,
    # CV, online updates and administrative help at the desk.
    phone_services = [service_labels[i] for i in (8, 10, 11, 5, 6, 7, 12, 13)]
    desk_services = [service_labels[i] for i in (0, 1, 2, 3, 4, 14, 16, 17, 18, 19, 15, 9)]
    remaining = shape.contacts
    mean = shape.contacts / shape.visitors
    for person in range(shape.visitors):
        left = shape.visitors - person
        if left == 1:
            count = remaining
        else:
            count = max(1, min(int(rng.expovariate(1 / mean)) + 1, remaining - (left - 1)))
        remaining -= count
        sex = rng.choices(("F", "H", ""), (49, 49, 2))[0]
        first = rng.choice(FIRST_NAMES_F if sex == "F" else FIRST_NAMES_H)
        born = date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
        birth = "" if rng.random() < 0.03 else born.isoformat()
        home = rng.choices(SITES, SITE_WEIGHTS)[0]
        other = rng.choice(SITES) if rng.random() < 0.1 else home
        start = rng.randrange(len(days))
        span = min(len(days) - start, rng.randint(20, 500))
        base = {
            "visiteur": f"P{person:06d}",
            "nom": rng.choice(LAST_NAMES),
            "prenom": first,
            "sexe": sex,
            "date_naissance": birth,
        }
        for _ in range(count):
            day = days[start + rng.randrange(span)]
            phone = rng.random() < 0.3
            pool = phone_services if phone else desk_services
            k = rng.choices((0, 1, 2, 3), (3, 70, 22, 5))[0]
            chosen = rng.sample(pool, k)
            yield {
                **base,
                "date": day.isoformat(),
                "heure": f"{rng.choice((9, 10, 11, 14, 15, 16))}:{rng.randrange(60):02d}",
                "site": other if rng.random() < 0.3 else home,
                "canal": "telephone" if phone else "physique",
                "services": "|".join(chosen),
            }


CSV_COLUMNS = (
    "date",
    "heure",
    "site",
    "canal",
    "nom",
    "prenom",
    "sexe",
    "date_naissance",
    "visiteur",
    "services",
)


def write_csv(path: Path, service_labels: list[str], shape: DatasetShape) -> int:
    """The generated rows as a spreadsheet file a coordinator could import (UTF-8, ';')."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, CSV_COLUMNS, delimiter=";")
        writer.writeheader()
        for row in generate_rows(service_labels, shape):
            writer.writerow(row)
            count += 1
    return count


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def ensure_million_db(shape: DatasetShape = DatasetShape(), *, rebuild: bool = False) -> Path:
    """The 1,000,000-contact benchmark database, built the first time (or when ``rebuild``)."""
    return ensure_dataset_db("million", shape, rebuild=rebuild)


def ensure_dataset_db(name: str, shape: DatasetShape, *, rebuild: bool = False) -> Path:
    """A benchmark database ``benchmarks/data/<name>.sqlite``, built once, then reused.

    Built as a coordinator would load years of history: the rows are written to a CSV file,
    then imported with ``sarah.services.imports.run.import_file`` into a new database, timed. The
    database is built under a temporary name and put in place at the end, so that another
    benchmark reading the previous one is never disturbed.
    """
    target, info_file = DATA_DIR / f"{name}.sqlite", DATA_DIR / f"{name}.json"
    if not rebuild and target.exists() and info_file.exists():
        info = json.loads(info_file.read_text(encoding="utf-8"))
        if info.get("shape") == shape.__dict__:
            return target
    from sarah.services.catalogue import list_services
    from sarah.services.database import open_database
    from sarah.services.imports.run import import_file
    from sarah.services.sites import ensure_site

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    building = DATA_DIR / f"{name}.building.sqlite"
    source = DATA_DIR / f"{name}.csv"
    _remove_database(building)
    engine = open_database(building)
    try:
        for name in SITES:  # display order of the sites
            ensure_site(engine, name)
        labels = [s.label for s in list_services(engine, include_retired=False)]
        started = time.perf_counter()
        rows = write_csv(source, labels, shape)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        result = import_file(engine, source)
        seconds = time.perf_counter() - started
        raw = engine.raw_connection()  # outside any transaction: a checkpoint cannot run in one
        try:  # everything into the main file before it is moved
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
    finally:
        engine.dispose()
        source.unlink(missing_ok=True)
    wal = Path(str(building) + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise RuntimeError(f"{wal} was not checkpointed; the database was not moved")
    _remove_database(target)
    info_file.unlink(missing_ok=True)
    building.replace(target)
    info = {
        "shape": shape.__dict__,
        "built_by": "sarah.services.imports.run.import_file (CSV)",
        "rows": rows,
        "csv_seconds": round(generated, 1),
        "import_seconds": round(seconds, 1),
        "contacts_added": result.contacts_added,
        "visitors_created": result.visitors_created,
        "built_at": time.strftime("%Y-%m-%d %H:%M"),
    }
    info_file.write_text(json.dumps(info, indent=2), encoding="utf-8")
    return target


def million_info() -> dict[str, object]:
    """What was measured when the database was built (import time)."""
    return json.loads(MILLION_INFO.read_text(encoding="utf-8"))


if __name__ == "__main__":
    print(ensure_million_db(rebuild="--rebuild" in sys.argv))
