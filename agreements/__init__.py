"""Agreements: versioned texts of a social space and Land-wide frameworks."""
