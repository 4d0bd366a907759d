"""Use-cases. Each opens its own session and returns plain dataclasses. No Qt here."""
