"""`python -m sarah`, and the entry point of the frozen build (installer.spec)."""

import os
import sys


def give_missing_streams_the_null_device() -> None:
    """The windowed build on Windows (``console=False``) starts without standard streams. A
    command typed to it (``sarah.exe report …``; ``sarah-console.exe`` is the one that prints)
    then runs, its output going nowhere, instead of failing on its first write."""
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))


give_missing_streams_the_null_device()

from sarah.cli import main  # noqa: E402 - after the streams exist

raise SystemExit(main())
