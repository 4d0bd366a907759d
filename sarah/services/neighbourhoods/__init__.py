"""Neighbourhoods of residence: the coordinator's list, a person's value, off by default."""
