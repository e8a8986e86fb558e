"""Writes about people and teams, one module per concern. Views, commands and tasks call these."""
