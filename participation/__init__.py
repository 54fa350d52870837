"""Participation: comments, formal statements, support, consultations and moderation."""
