"""Services of decisions: motions (motions.py), ballots and proxies (ballots.py), results and exports
(records.py)."""
