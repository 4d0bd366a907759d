"""Qt models over plain lists of the services' dataclasses (tested with qtmodeltester)."""
