"""Services of notifications: derivation from the audit log, follows, the centre, preferences, mailing."""
