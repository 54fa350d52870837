"""Governance: accounts, organisations, social spaces, memberships by party, and permission rules."""
