"""Bytes → text: binary detection, encoding fallback and the only normalisation we allow.

Downstream stages store character offsets into `Article.text`, so the text is changed as little
as possible: line endings become LF and a leading BOM is dropped; nothing else.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable

from charset_normalizer import from_bytes

from kg.errors import InputError

# Byte-order marks, longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 controls that never occur in prose.  Tab, LF, VT, FF, CR and ESC (ANSI colour codes in
# copied terminal output) are tolerated.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b") + b"\x7f"
_SNIFF_BYTES = 8192
_MAX_CONTROL_RATIO = 0.10  # above this share of control bytes a file is data, not text
_MAX_REPLACEMENT_RATIO = 0.30  # undecodable even leniently: treat as binary

# charset-normalizer's verdict is trusted only when the decoded text is clean (low "chaos")
# and looks like some language (coherence); otherwise its guess is often an exotic code page
# (e.g. cp1006 for a lone stray byte), and UTF-8 with replacement characters is the safer read.
_MAX_CHAOS = 0.10
_MIN_COHERENCE = 0.10

_NEWLINES = re.compile(r"\r\n?")

Warn = Callable[[str], None]


def normalise(text: str) -> str:
    """CRLF/CR → LF and drop one leading BOM; offsets are taken in the result."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    return text


def bom_encoding(data: bytes) -> str | None:
    """The Python codec named by a leading byte-order mark, if any."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def looks_binary(head: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control bytes in the first 8 KiB.

    Call it only on data without a UTF-16/32 BOM (those legitimately contain NULs).
    """
    sample = head[:_SNIFF_BYTES]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > _MAX_CONTROL_RATIO


def decode(data: bytes, where: str, warn: Warn, *, declared: str | None = None) -> str:
    """Decode a whole file (or JSON line) to normalised text; see `decode_as`."""
    return decode_as(data, where, warn, declared=declared)[0]


def decode_as(
    data: bytes, where: str, warn: Warn, *, declared: str | None = None, prefer: str | None = None
) -> tuple[str, str]:
    """(normalised text, encoding used) for `data`, naming `where` (path or path:line) in messages.

    Raises InputError for binary data.  Otherwise tries UTF-8 strictly; then a UTF-16/32 BOM;
    then `prefer` (the encoding an earlier line of the same file turned out to be, silently);
    then an encoding the document declares (HTML meta charset, silently); then
    charset-normalizer's guess when it is confident; else UTF-8 with U+FFFD replacements.
    Every undeclared fallback is reported through `warn`.
    """
    bom = bom_encoding(data)
    wide = bom in ("utf-16", "utf-32")
    # NUL is valid UTF-8, so binary data must be caught before decoding, anywhere in the data
    if not wide and (b"\x00" in data or looks_binary(data)):
        raise InputError(f"{where}: binary file, not text")
    try:
        return normalise(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as err:
        first_bad = err.start

    if wide and bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError:
            pass  # a BOM-like prefix on something else: keep guessing
        else:
            warn(f"{where}: decoded as {bom} (not UTF-8)")
            return normalise(text), bom
    elif bom == "utf-8-sig":
        data = data[len(codecs.BOM_UTF8) :]  # else a code-page guess renders it as "ï»¿"

    for known in (prefer, declared):
        if known:
            try:
                return normalise(data.decode(known)), known
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common; fall through to detection

    guess = _confident_guess(data)
    if guess is not None:
        encoding, text = guess
        warn(f"{where}: decoded as {encoding} (not UTF-8)")
        return normalise(text), encoding

    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") > _MAX_REPLACEMENT_RATIO * len(text):
        raise InputError(f"{where}: binary file, not text")
    warn(
        f"{where}: not valid UTF-8 at byte {first_bad:,} and the encoding could not be "
        "detected; undecodable bytes replaced with U+FFFD"
    )
    return normalise(text), "utf-8"


def _confident_guess(data: bytes) -> tuple[str, str] | None:
    """(encoding, text) when charset-normalizer is sure, else None.

    Mostly-valid UTF-8 with a few broken bytes is *not* re-guessed: a single-byte code page
    would turn every correct multi-byte character into mojibake.
    """
    if _mostly_utf8(data):
        return None
    matches = from_bytes(data)
    best = matches.best()
    if best is None or best.chaos > _MAX_CHAOS or best.coherence < _MIN_COHERENCE:
        return None
    if best.encoding in ("utf_8", "ascii"):
        return None  # it agrees the data is (broken) UTF-8; let the replacement path warn
    # On Western European text cp1250 and cp1252 often tie and the tie goes to cp1250, turning
    # "Très" into "Trčs".  cp1252 (Windows Latin-1) is far the commoner, so it wins any tie.
    for match in matches:
        if (
            "cp1252" in match.could_be_from_charset
            and match.chaos <= best.chaos
            and match.coherence >= best.coherence
        ):
            return "cp1252", data.decode("cp1252")
    return best.encoding, str(best)


def _mostly_utf8(data: bytes) -> bool:
    """Valid multi-byte UTF-8 sequences outnumber the invalid bytes."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - bad > bad


def count_chars(chunks: Iterable[bytes]) -> int:
    """Characters (after CRLF folding) in a byte stream too big to hold, decoded leniently.

    Used only to word the "article too large" error, so memory stays bounded by one chunk.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    total = 0
    pending_cr = False
    for chunk in chunks:
        text = decoder.decode(chunk)
        if not text:
            continue
        if pending_cr and text.startswith("\n"):
            total -= 1  # a CRLF split across two chunks counts once
        total += len(text) - text.count("\r\n")
        pending_cr = text.endswith("\r")
    return total + len(decoder.decode(b"", final=True))
