"""Moderation of comments: reports queue, hiding and restoring, blocking from commenting, public log."""
