"""Per-format parsing of one input file (or stdin) into Articles.

Every article passes through `_article`, so identity, normalisation and the size limit are
the same whatever the format.  Per-line problems in JSONL go through ctx.bad (raise or skip
the line); problems with a whole file raise InputError for the caller to route the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from kg.errors import InputError
from kg.model import Article, content_hash
from kg.read.context import ReadContext
from kg.read.decode import bom_encoding, count_chars, decode, decode_as, looks_binary, normalise
from kg.read.sources import STDIN_NAME, ByteStream, Source, open_file, open_stdin, read_bounded

# Field names accepted in JSON records, in order of preference.
_TEXT_KEYS = ("text", "body", "content")
_PUBLISHED_KEYS = ("published", "date")

_MAX_BYTES_PER_CHAR = 4  # UTF-8 (and UTF-16 surrogate pairs): a file over 4×limit bytes is too long
_HTML_BYTES_PER_CHAR = 25  # markup overhead allowed for HTML before the text is even extracted
_JSON_BYTES_PER_CHAR = 12  # worst case: a non-BMP character escaped as two \uXXXX
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def read_source(src: Source, ctx: ReadContext) -> Iterator[Article]:
    """Articles from one input.  Raises InputError (or OSError mid-read) for a bad file."""
    ctx.stats.files += 1
    if src.fmt == "stdin":
        yield from _read_stdin(ctx)
        return
    with open_file(src.path) as stream:
        if src.fmt == "jsonl":
            yield from _read_jsonl(stream, src.path, ctx)
        elif src.fmt == "json":
            yield from _read_json(stream, src.path, ctx)
        elif src.fmt == "html":
            yield _read_html(stream, src.path, ctx)
        else:
            yield _read_text(stream, src.path, ctx, fallback_id=src.name_id)


# --- one article per file ------------------------------------------------------------------------


def _read_whole(stream: ByteStream, where: str, ctx: ReadContext, bytes_per_char: int) -> bytes:
    """The file's bytes, refusing (with an exact character count) one that cannot fit the limit."""
    data, rest = read_bounded(stream, bytes_per_char * ctx.max_chars + 4)
    if rest is not None:
        raise ctx.too_long(where, count_chars(rest))
    ctx.stats.bytes += len(data)
    return data


def _read_text(stream: ByteStream, where: str, ctx: ReadContext, *, fallback_id: str | None) -> Article:
    data = _read_whole(stream, where, ctx, _MAX_BYTES_PER_CHAR)
    text = decode(data, where, ctx.warn)
    return _article(ctx, where, text, fallback_id=fallback_id)


def _read_html(stream: ByteStream, where: str, ctx: ReadContext) -> Article:
    cap = _HTML_BYTES_PER_CHAR * ctx.max_chars
    data, rest = read_bounded(stream, cap)
    if rest is not None:
        raise InputError(
            f"{where}: HTML file is over {cap:,} bytes; the limit is {_HTML_BYTES_PER_CHAR} bytes "
            f"per character of --max-chars ({ctx.max_chars:,})"
        )
    ctx.stats.bytes += len(data)
    match = _META_CHARSET.search(data, 0, 4096)
    declared = match.group(1).decode("ascii") if match else None
    html = decode(data, where, ctx.warn, declared=declared)
    if not html.strip():
        raise InputError(f"{where}: empty article")
    text, meta = _extract_html(html, cap)
    if text is None or not text.strip():
        raise InputError(f"{where}: no article text found")
    # the id is the page's own URL or the content hash, not the file stem: saved pages are very
    # often all called index.html
    return _article(ctx, where, normalise(text), fields=meta)


def _extract_html(html: str, max_bytes: int) -> tuple[str | None, dict[str, str | None]]:
    import trafilatura  # deferred: importing it costs ~0.5 s and most corpora are not HTML

    if "<html" not in html[:4096].lower():
        # trafilatura rejects a bare fragment ("<p>…</p>") as dubious HTML; give it a document
        html = f"<html><body>{html}</body></html>"
    config = _trafilatura_config(max_bytes)
    text = trafilatura.extract(html, include_comments=False, config=config)
    meta = trafilatura.extract_metadata(html)
    fields = {"title": meta.title, "url": meta.url, "published": meta.date, "source": meta.sitename}
    return text, fields


@lru_cache(maxsize=4)
def _trafilatura_config(max_bytes: int) -> Any:
    """trafilatura's default config with its 20 MB input cap raised to the size we accept:
    otherwise a large page silently yields no text and would be reported as having none."""
    from trafilatura.settings import use_config

    config = use_config()
    cap = max(int(config.get("DEFAULT", "max_file_size")), max_bytes)
    config.set("DEFAULT", "max_file_size", str(cap))
    return config


# --- JSON --------------------------------------------------------------------------------------


def _read_jsonl(stream: ByteStream, where: str, ctx: ReadContext) -> Iterator[Article]:
    cap = _JSON_BYTES_PER_CHAR * ctx.max_chars + (1 << 20)
    encoding: str | None = None  # learnt from the first non-UTF-8 line, so we warn once per file
    lineno = 0
    seen_any = False
    while True:
        line = stream.readline(cap + 1)
        if not line:
            break
        lineno += 1
        ctx.stats.bytes += len(line)
        if lineno == 1:
            _check_jsonl_head(line[:8192], where)
        origin = f"{where}:{lineno}"
        if len(line) > cap and not line.endswith(b"\n"):
            ctx.stats.bytes += _skip_line(stream)
            ctx.bad(_line_too_long(origin, cap, ctx))
            continue
        if not line.strip():
            continue  # blank lines (a trailing newline, a separator) are not records
        seen_any = True
        try:
            try:
                # fast path; json.loads itself rejects raw control bytes and treats \r as space
                text = line.decode("utf-8").removeprefix("\ufeff")
            except UnicodeDecodeError:
                text, used = decode_as(line, origin, _quiet if encoding else ctx.warn, prefer=encoding)
                if used != "utf-8":
                    encoding = used
            record = _parse_json(text, origin)
            yield _record_article(record, origin, ctx)
        except InputError as err:
            ctx.bad(err)
    if not seen_any:
        raise InputError(f"{where}: empty article")


def _check_jsonl_head(head: bytes, where: str) -> None:
    """Whole-file problems are reported once, not as one bad "line" per newline byte."""
    bom = bom_encoding(head)
    if bom in ("utf-16", "utf-32"):
        raise InputError(f"{where}: JSONL must be UTF-8 (found a {bom} byte-order mark)")
    if b"\x00" in head or looks_binary(head):
        raise InputError(f"{where}: binary file, not text")


def _quiet(_message: str) -> None:
    """Swallows repeat encoding warnings after the first line of a file has reported it."""


def _skip_line(stream: ByteStream) -> int:
    skipped = 0
    while chunk := stream.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _line_too_long(origin: str, cap: int, ctx: ReadContext) -> InputError:
    return InputError(
        f"{origin}: line is over {cap:,} bytes; the limit is {ctx.max_chars:,} characters (--max-chars)"
    )


def _read_json(stream: ByteStream, where: str, ctx: ReadContext) -> Iterator[Article]:
    # A .json file is one document and is parsed whole; corpora that do not fit in memory
    # belong in JSONL, which is streamed line by line.
    data = stream.read()
    ctx.stats.bytes += len(data)
    text = decode(data, where, ctx.warn)
    if not text.strip():
        raise InputError(f"{where}: empty article")
    doc = _parse_json(text, where)
    if isinstance(doc, Mapping) and isinstance(doc.get("articles"), list):
        items: list[Any] = doc["articles"]
    elif isinstance(doc, list):
        items = doc
    else:
        yield _record_article(doc, where, ctx)
        return
    if not items:
        raise InputError(f"{where}: empty article")
    for i, item in enumerate(items):
        try:
            yield _record_article(item, f"{where}[{i}]", ctx)
        except InputError as err:
            ctx.bad(err)


def _parse_json(text: str, origin: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        position = f"column {err.colno}" if err.lineno == 1 else f"line {err.lineno} column {err.colno}"
        raise InputError(f"{origin}: malformed JSON ({err.msg} at {position})") from None
    except RecursionError:
        raise InputError(f"{origin}: malformed JSON (nested too deeply)") from None


def _record_article(record: Any, origin: str, ctx: ReadContext) -> Article:
    if not isinstance(record, Mapping):
        raise InputError(f"{origin}: expected a JSON object, got {_json_type(record)}")
    key = next((k for k in _TEXT_KEYS if record.get(k) is not None), None)
    if key is None:
        raise InputError(f"{origin}: no 'text' field")
    text = record[key]
    if not isinstance(text, str):
        raise InputError(f"{origin}: '{key}' is {_json_type(text)}, not a string")
    published = next((record[k] for k in _PUBLISHED_KEYS if record.get(k) is not None), None)
    fields = {
        "id": _scalar(record.get("id"), "id", origin),
        "title": _scalar(record.get("title"), "title", origin),
        "url": _scalar(record.get("url"), "url", origin),
        "published": _scalar(published, "published", origin),
        "source": _scalar(record.get("source"), "source", origin),
    }
    return _article(ctx, origin, normalise(text), fields=fields)


def _scalar(value: Any, key: str, origin: str) -> str | None:
    """Metadata as a stripped string (ids may be numbers); None when absent or blank."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise InputError(f"{origin}: '{key}' is {_json_type(value)}, not a string")
    return str(value).strip() or None


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


# --- stdin ---------------------------------------------------------------------------------------


def _read_stdin(ctx: ReadContext) -> Iterator[Article]:
    stream = open_stdin()
    head = _read_head(stream)
    if head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{":
        yield from _read_jsonl(_Prefixed(head, stream), STDIN_NAME, ctx)
    else:
        yield _read_text(_Prefixed(head, stream), STDIN_NAME, ctx, fallback_id=None)


def _read_head(stream: ByteStream) -> bytes:
    """Enough of stdin to see its first non-blank byte, without blocking for more."""
    head = b""
    read = getattr(stream, "read1", stream.read)
    while True:
        chunk = read(1 << 16)
        head += chunk
        if not chunk or head.removeprefix(b"\xef\xbb\xbf").strip():
            return head


class _Prefixed:
    """A read-only binary stream: bytes already consumed (`head`) followed by the rest."""

    def __init__(self, head: bytes, stream: ByteStream) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        head, self._head = self._head, b""
        if size < 0:
            return head + self._stream.read()
        if len(head) >= size:
            self._head = head[size:]
            return head[:size]
        return head + self._stream.read(size - len(head))

    def readline(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.readline(size)
        limit = len(self._head) if size < 0 else min(size, len(self._head))
        newline = self._head.find(b"\n", 0, limit)
        if newline >= 0 or limit == size:  # the line (or the size limit) ends inside the head
            end = newline + 1 if newline >= 0 else limit
            line, self._head = self._head[:end], self._head[end:]
            return line
        line, self._head = self._head, b""
        return line + self._stream.readline(-1 if size < 0 else size - len(line))


# Code points no RDF serialisation may carry: lone surrogates (a JSON "\ud800" escape, or text
# from a broken producer: not Unicode at all, and pyoxigraph refuses them mid-build) and the
# noncharacters U+FFFE/U+FFFF (XML 1.0 excludes them, so RDF/XML and GraphML cannot, and rapper
# rejects Turtle holding them).  Refused up front, naming where.
_INVALID_CHAR = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _check_unicode(value: str, name: str, origin: str) -> None:
    bad = _INVALID_CHAR.search(value)
    if bad is None:
        return
    char = ord(bad.group())
    what = "a lone surrogate" if 0xD800 <= char <= 0xDFFF else "the noncharacter"
    raise InputError(
        f"{origin}: '{name}' holds {what} U+{char:04X} at character {bad.start():,}: not valid Unicode text"
    )


# --- the one place Articles are made -------------------------------------------------------------


def _article(
    ctx: ReadContext,
    origin: str,
    text: str,
    *,
    fields: Mapping[str, str | None] | None = None,
    fallback_id: str | None = None,
) -> Article:
    """Apply the shared rules: non-empty, within --max-chars, and the identity order
    id → url → file stem (plain-text files) → content hash."""
    if not text.strip():
        raise InputError(f"{origin}: empty article")
    if len(text) > ctx.max_chars:
        raise ctx.too_long(origin, len(text))
    fields = fields or {}
    for name, value in (("text", text), *fields.items()):
        if value is not None:
            _check_unicode(value, name, origin)
    url = fields.get("url")
    article_id = fields.get("id") or url or fallback_id or content_hash(text)
    return Article(
        id=article_id,
        text=text,
        title=fields.get("title"),
        url=url,
        published=fields.get("published"),
        source=fields.get("source"),
        origin=origin,
    )
