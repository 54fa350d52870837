"""Many accounts at once for list and paging tests."""

from __future__ import annotations

from sqlalchemy import insert

from core.timeutil import utcnow
from governance.models import User


def add_users(session, count: int, prefix: str = "person") -> None:
    """`count` active accounts named "<Prefix> 000", ..., without the cost of hashing a password for each."""
    now = utcnow()
    session.execute(
        insert(User),
        [
            {
                "email": f"{prefix}{number:03d}@bulk.example",
                "display_name": f"{prefix.title()} {number:03d}",
                "locale": "de",
                "is_admin": False,
                "active": True,
                "session_version": 1,
                "created_at": now,
            }
            for number in range(count)
        ],
    )
    session.commit()
