"""Pure domain core of agreements: text diffs, merges, workflow, compliance. No Flask, no SQLAlchemy."""
