"""The window's few colours and text styles, once (errors, success, warnings)."""

from __future__ import annotations

ERROR_COLOUR = "#991b1b"
SUCCESS_COLOUR = "#166534"
WARNING_COLOUR = "#b45309"
HINT_COLOUR = "#4b5563"  # help lines, what a field expects
ERROR_STYLE = f"color: {ERROR_COLOUR}; font-weight: 600;"
SUCCESS_STYLE = f"color: {SUCCESS_COLOUR}; font-weight: 600;"
