"""Joining, leaving and invitations (placeholder during development: helper fills in)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("memberships", __name__)
