"""Reaching people: the 催办 reminders each unit should have, and how they are delivered."""
