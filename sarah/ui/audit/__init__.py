"""The admin's view of the audit log (Journal d'audit)."""
