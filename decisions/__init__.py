"""Decisions: motions put to a vote in a social space, their ballots and their results."""
