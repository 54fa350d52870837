"""Amendments (Änderungsanträge): proposed changes to one section of an agreement version."""
