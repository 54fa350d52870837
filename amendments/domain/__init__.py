"""Pure rules of amendments: their states and what a proposal must hold."""
