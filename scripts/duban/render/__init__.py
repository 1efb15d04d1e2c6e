"""Reporters for people and programs: text, JSON, Markdown and GitHub annotations."""
