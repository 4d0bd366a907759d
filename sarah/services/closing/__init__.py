"""Closing a published period: its figures kept as published, and what moved since."""
