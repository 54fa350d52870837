"""The choices a reader has for each conflict of a merge (pure)."""

from __future__ import annotations

MINE = "amendment"  # the amendment's words
THEIRS = "draft"  # the working draft's words
OWN = "own"  # words the reader writes
CHOICES = (MINE, THEIRS, OWN)
