"""Placeholder during development: a helper fills this in."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("portal", __name__)
