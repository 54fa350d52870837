"""Load the official territorial units of the Land Bremen (CSV shipped in governance/data)."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.models import Space

UNITS_CSV = Path(__file__).parent / "data" / "land_bremen_gebietseinheiten.csv"
ATTRIBUTION = (
    "© GeoBasis-DE / Landesamt GeoInformation Bremen (2023), CC BY 4.0; "
    "Bevölkerung: Statistisches Landesamt Bremen (31.12.2023)"
)


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise_search(text: str) -> str:
    """Lower-case and spell umlauts out, so 'Groepelingen' and 'gröpelingen' both match."""
    return " ".join(text.lower().translate(_TRANSLITERATION).split())


def search_text_for(*parts: str | None) -> str:
    words = " ".join(part for part in parts if part)
    plain = unicodedata.normalize("NFKD", words.lower())
    without_marks = "".join(char for char in plain if not unicodedata.combining(char))
    return " ".join(dict.fromkeys([normalise_search(words), without_marks]))


def load_official_units(session: Session, csv_path: Path = UNITS_CSV) -> int:
    """Insert or update every unit of the CSV; return how many were new. Idempotent."""
    with csv_path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = {space.code: space for space in session.scalars(select(Space).where(Space.code.is_not(None)))}
    created = 0
    for row in rows:  # the CSV lists parents before children
        space = existing.get(row["code"])
        if space is None:
            space = Space(code=row["code"])
            session.add(space)
            existing[row["code"]] = space
            created += 1
        space.stat_code = row["stat_code"] or None
        space.name = row["name"]
        space.alt_name = row["alt_name"] or None
        space.level = row["level"]
        space.gemeinde = row["gemeinde"] or None
        space.area_km2 = float(row["area_km2"]) if row["area_km2"] else None
        space.population = int(row["population_2023"]) if row["population_2023"] else None
        space.note = row["note"] or None
        space.parent = existing.get(row["parent_code"]) if row["parent_code"] else None
        space.search_text = search_text_for(space.name, space.alt_name, space.code, space.stat_code)
    session.flush()
    return created
