"""Services of amendments: propose, decide, merge into the draft."""
