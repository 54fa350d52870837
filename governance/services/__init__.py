"""Services: take a session, an acting user and plain values; enforce permissions; write audit."""
