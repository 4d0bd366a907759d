"""Dialogs of the window: first start, new visitor, crash."""
