"""The window's part of data protection: the daily purges run in the background."""
