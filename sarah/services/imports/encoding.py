"""The encoding of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1252 or DOS.

Excel in French saves "CSV (séparateur : point-virgule)" in Windows-1252, "CSV UTF-8" in UTF-8
with a BOM, "Texte Unicode" in UTF-16; DOS programs and old tally tools write code page 850. The
whole file must decode in the encoding chosen, else it is refused with a French message.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from pathlib import Path
from typing import NoReturn

from sarah.errors import InvalidInput

# Bytes Windows-1252 leaves undefined: a file holding one is not Windows-1252.
_UNDEFINED_1252 = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
# A byte of 0x80 or above next to an ASCII letter: an accented letter inside a word, in whatever
# encoding the file was written.
_IN_WORD = re.compile(rb"(?<=[A-Za-z])[\x80-\xff]|[\x80-\xff](?=[A-Za-z])")
# The letters of French names (and of the Spanish and Portuguese ones common in France).
_NAME_LETTERS = frozenset("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆáíóúñãõÁÍÓÚÑ")
DOS_SHARE = 0.9  # of the accented bytes must be name letters in DOS for a file to be read so


def _file_decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _eight_bit_encoding(path: Path) -> str | None:
    """cp1252 or cp850 for a file that is not UTF-8; None when it can be neither.

    Excel in French writes Windows-1252; DOS programs and old tally tools write code page 850,
    where "é" is the byte 0x82 ("‚" in Windows-1252) and "Ç" 0x80 ("€"). Read with the wrong
    one, "FRANÇOIS" becomes "FRAN€OIS": the accented bytes inside words decide, whichever
    encoding turns more of them into the letters of names wins, Windows-1252 when even.
    """
    is_1252 = True
    letters: Counter[int] = Counter()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if is_1252 and any(b in chunk for b in _UNDEFINED_1252):
                is_1252 = False
            letters.update(b"".join(_IN_WORD.findall(chunk)))

    def names(encoding: str) -> int:
        return sum(n for b, n in letters.items() if bytes((b,)).decode(encoding) in _NAME_LETTERS)

    as_1252 = names("cp1252") if is_1252 else -1
    as_850 = names("cp850")
    if as_850 > as_1252 and as_850 >= DOS_SHARE * sum(letters.values()):
        return "cp850"
    return "cp1252" if is_1252 else None


def detect_encoding(path: Path, head: bytes) -> str:
    """utf-8-sig, utf-16, utf-8, cp1252 or cp850; the whole file must decode, else a French error."""
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif _file_decodes(path, "utf-8"):
        return "utf-8"
    else:
        return _eight_bit_encoding(path) or _unreadable(path)
    if not _file_decodes(path, encoding):
        _unreadable(path)
    return encoding


def _unreadable(path: Path) -> NoReturn:
    raise InvalidInput(
        f"Le fichier {path.name} n'est pas lisible : son encodage n'est ni UTF-8, ni "
        "Windows-1252, ni DOS (ou il est abîmé). Enregistrez-le depuis Excel en « CSV UTF-8 »."
    )


ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 avec BOM",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "cp850": "DOS, page de code 850",
}
