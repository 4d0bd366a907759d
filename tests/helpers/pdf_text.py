"""The text of a PDF, as a person reading it would find it: poppler's pdftotext when the
machine has it, else pypdf (a test dependency, so a fresh machine reads PDFs too)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

LIGATURES = {"ﬁ": "fi", "ﬀ": "ff", "ﬂ": "fl"}


def pdf_text(path: Path, *, layout: bool = True) -> str:
    """``layout``: lines laid out as on the page (table rows stay on one line)."""
    if shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-layout" if layout else "-raw", str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        text = done.stdout
    else:
        from pypdf import PdfReader

        mode = "layout" if layout else "plain"
        text = "\f".join(  # pages apart, as pdftotext puts them
            page.extract_text(extraction_mode=mode) for page in PdfReader(str(path)).pages
        )
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    # Spaces as a reader sees them: one between words, whatever the tool put (tabs, runs).
    return re.sub(r"[ \t\xa0]+", " ", text)


def pdf_pages(path: Path) -> tuple[int, tuple[int, int]]:
    """How many pages, and the first one's size in points (width, height)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    box = reader.pages[0].mediabox
    return len(reader.pages), (round(float(box.width)), round(float(box.height)))
