"""Working-day arithmetic, deadline rules, estimates and today's date; no file is read here."""
