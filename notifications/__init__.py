"""Notifications: follows, in-app notification centre, e-mail (immediate or daily digest), unsubscribe."""
