"""The read stage against real files: formats, identity, normalisation, bad input, laziness."""

from __future__ import annotations

import builtins
import io
import itertools
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import InputError
from kg.model import content_hash
from kg.read import ReadStats, check_inputs, iter_articles

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "articles" / "iraq-troops.txt"
HTML_FIXTURE = ROOT / "tests" / "data" / "html" / "article.html"

QUOTE = 'The minister said: "We will not retreat."\n'


def read(*paths: object, **kwargs: object) -> list:
    return list(iter_articles([str(p) for p in paths], **kwargs))  # type: ignore[arg-type]


def collect() -> tuple[list[str], object]:
    messages: list[str] = []
    return messages, messages.append


def error_of(*paths: object, **kwargs: object) -> str:
    with pytest.raises(InputError) as info:
        read(*paths, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# --- formats and identity ------------------------------------------------------------------------


def test_txt_file_id_is_its_stem_and_text_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / "some-story.txt").write_text(QUOTE, encoding="utf-8")
    [article] = read(tmp_path / "some-story.txt")
    assert article.id == "some-story"
    assert article.text == QUOTE
    assert article.origin == str(tmp_path / "some-story.txt")
    assert article.title is None and article.url is None


def test_bundled_sample_id() -> None:
    [article] = read(SAMPLE)
    assert article.id == "iraq-troops"
    assert "Iraq" in article.text


def test_same_file_read_twice_gives_same_id(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(QUOTE, encoding="utf-8")
    assert read(path)[0].id == read(path)[0].id


def test_jsonl_identity_rules_and_field_synonyms(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "batch.jsonl",
        [
            {"id": "a1", "text": QUOTE, "url": "https://x.example/a1", "title": "T", "source": "CNN"},
            {"url": "https://x.example/b", "body": "Body text."},
            {"content": "Content text.", "date": "2023-03-14"},
            {"id": 42, "text": "Numeric id.", "published": "2020-01-01"},
        ],
    )
    a, b, c, d = read(path)
    assert (a.id, a.url, a.title, a.source, a.text) == ("a1", "https://x.example/a1", "T", "CNN", QUOTE)
    assert (b.id, b.text) == ("https://x.example/b", "Body text.")
    assert (c.id, c.text, c.published) == (content_hash("Content text."), "Content text.", "2023-03-14")
    assert (d.id, d.published) == ("42", "2020-01-01")
    assert [x.origin for x in (a, b, c, d)] == [f"{path}:{n}" for n in (1, 2, 3, 4)]


def test_jsonl_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    path.write_text('\n{"text": "one"}\n\n{"text": "two"}\n\n', encoding="utf-8")
    assert [(a.text, a.origin) for a in read(path)] == [("one", f"{path}:2"), ("two", f"{path}:4")]


@pytest.mark.parametrize(
    "doc",
    [
        {"text": "only one", "id": "x"},
        [{"text": "only one", "id": "x"}, {"text": "second"}],
        {"articles": [{"text": "only one", "id": "x"}, {"text": "second"}]},
    ],
    ids=["object", "list", "articles-key"],
)
def test_json_shapes(tmp_path: Path, doc: object) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    articles = read(path)
    assert articles[0].id == "x" and articles[0].text == "only one"
    if isinstance(doc, dict) and "text" in doc:
        assert [a.origin for a in articles] == [str(path)]
    else:
        assert [a.origin for a in articles] == [f"{path}[0]", f"{path}[1]"]
        assert articles[1].id == content_hash("second")


def test_html_keeps_article_body_and_drops_boilerplate() -> None:
    [article] = read(HTML_FIXTURE)
    text = article.text
    assert "Farmers across northern Kenya are counting the cost" in text
    assert '"We have lost more than half of our goats since October' in text
    assert '"Nobody should be left to watch their herd perish," he said.' in text
    for boilerplate in ("Sign up for our newsletters", "Privacy policy", "Accept all cookies", "Most read"):
        assert boilerplate not in text
    assert article.title == "Kenya drought: Farmers count losses as rains fail again"
    assert article.published == "2023-03-14"
    assert article.source == "Daily Ledger"
    url = "https://www.dailyledger.example/world/africa/kenya-drought-farmers-2023-03-14"
    assert article.url == url and article.id == url


def test_html_without_article_text(tmp_path: Path) -> None:
    path = tmp_path / "empty-page.html"
    path.write_text("<html><head><title>Nothing</title></head><body><script>x()</script></body></html>")
    assert error_of(path) == f"{path}: no article text found"


def test_html_fragment_is_accepted(tmp_path: Path) -> None:
    # trafilatura rejects a bare <p> as "dubious HTML"; the reader wraps it in a document
    path = tmp_path / "fragment.htm"
    path.write_text('<p>A short paragraph. "We will win," he said.</p>', encoding="utf-8")
    [article] = read(path)
    assert article.text == 'A short paragraph. "We will win," he said.'
    assert article.id == content_hash(article.text)


def test_stdin_text_and_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    set_stdin(monkeypatch, b"Plain text from a pipe.\r\n")
    [article] = read("-")
    assert (article.text, article.origin) == ("Plain text from a pipe.\n", "<stdin>")
    assert article.id == content_hash(article.text)

    set_stdin(monkeypatch, b'\n  {"id": "s1", "text": "first"}\n{"text": "second"}\n')
    articles = read("-")
    assert [(a.id, a.origin) for a in articles] == [
        ("s1", "<stdin>:2"),
        (content_hash("second"), "<stdin>:3"),
    ]


def test_check_inputs_spools_stdin_for_the_real_read(monkeypatch: pytest.MonkeyPatch) -> None:
    set_stdin(monkeypatch, b'{"text": "one"}\n{"text": "two"}\n')
    stats = check_inputs(["-"])
    assert stats.articles == 2
    assert [a.text for a in read("-")] == ["one", "two"]


# --- directories ---------------------------------------------------------------------------------


def test_directory_walk_is_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z", encoding="utf-8")
    (tmp_path / "b" / "a.TXT").write_text("a upper", encoding="utf-8")
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"text": "c1"}\n', encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("hidden dir", encoding="utf-8")
    texts = [a.text for a in read(tmp_path)]
    assert texts == ["a", "a upper", "z", "c1"]


def test_explicit_file_with_unknown_extension_is_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Heading\nbody", encoding="utf-8")
    [article] = read(path)
    assert (article.id, article.text) == ("notes", "# Heading\nbody")


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("a", encoding="utf-8")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    os.symlink("self.txt", tmp_path / "d" / "self.txt")  # a link to itself: ELOOP
    messages, warn = collect()
    articles = read(tmp_path / "d", warn=warn, skip_bad=True)
    assert [a.text for a in articles] == ["a"]
    assert any("loop" in m and "skipped" in m for m in messages)
    assert any("self.txt" in m for m in messages)


def test_dangling_symlink_is_reported(tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    assert error_of(tmp_path) == f"{tmp_path / 'link.txt'}: no such file or directory"


# --- normalisation and encodings -----------------------------------------------------------------


def test_crlf_cr_and_bom_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes(b"\xef\xbb\xbfLine one\r\nLine two\rLine three\n")
    [article] = read(path)
    assert article.text == "Line one\nLine two\nLine three\n"


def test_crlf_inside_json_text_is_normalised(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", [{"text": "a\r\nb\rc"}])
    assert read(path)[0].text == "a\nb\nc"


def test_legacy_encoding_is_detected_and_warned(tmp_path: Path) -> None:
    original = "Le président a déclaré : « Nous allons gagner », selon l'agence. Très bien."
    path = tmp_path / "latin.txt"
    path.write_bytes(original.encode("cp1252"))
    messages, warn = collect()
    [article] = read(path, warn=warn)
    assert article.text == original
    assert messages == [f"{path}: decoded as cp1252 (not UTF-8)"]


def test_cyrillic_legacy_encoding(tmp_path: Path) -> None:
    original = "Министр заявил журналистам, что переговоры продолжатся на следующей неделе."
    path = tmp_path / "ru.txt"
    path.write_bytes(original.encode("cp1251"))
    messages, warn = collect()
    assert read(path, warn=warn)[0].text == original
    assert messages == [f"{path}: decoded as cp1251 (not UTF-8)"]


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("Quote: “yes”.\r\n".encode("utf-16"))
    messages, warn = collect()
    assert read(path, warn=warn)[0].text == "Quote: “yes”.\n"
    assert messages == [f"{path}: decoded as utf-16 (not UTF-8)"]


def test_undetectable_bad_byte_is_replaced_and_offset_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    path.write_bytes("Café Zürich ".encode() + b"\xff" + " déjà vu".encode())
    messages, warn = collect()
    [article] = read(path, warn=warn)
    assert article.text == "Café Zürich \ufffd déjà vu"
    assert len(messages) == 1 and messages[0].startswith(f"{path}: not valid UTF-8 at byte 14")


def test_jsonl_encoding_warning_once_per_file(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    lines = [
        '{"text": "Le président a déclaré « nous gagnerons » à la presse."}',
        '{"text": "Très bien, a répondu le ministre délégué."}',
    ]
    path.write_bytes(b"\n".join(line.encode("cp1252") for line in lines) + b"\n")
    messages, warn = collect()
    articles = read(path, warn=warn)
    assert articles[1].text == "Très bien, a répondu le ministre délégué."
    assert messages == [f"{path}:1: decoded as cp1252 (not UTF-8)"]


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        # C0 controls other than whitespace/ESC make a file "binary"; surrogates cannot be encoded
        alphabet=st.characters(
            exclude_categories=("Cs",),
            exclude_characters="".join(map(chr, [*range(0, 9), *range(14, 27), *range(28, 32), 127])),
        ),
        min_size=1,
    )
)
def test_any_utf8_text_round_trips(text: str) -> None:
    expected = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.txt"
        path.write_bytes(text.encode("utf-8"))
        if not expected.strip():
            with pytest.raises(InputError, match="empty article"):
                read(path)
        else:
            assert read(path)[0].text == expected


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf\n"], ids=["empty", "blank", "bom"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "e.txt"
    path.write_bytes(content)
    assert error_of(path) == f"{path}: empty article"


def test_empty_jsonl_and_empty_record(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert error_of(empty) == f"{empty}: empty article"
    blank = write_jsonl(tmp_path / "blank.jsonl", [{"text": "ok"}, {"text": "   "}])
    assert error_of(blank) == f"{blank}:2: empty article"


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04\x14\x00\x00\x00" + bytes(range(256)) * 4, bytes(range(1, 9)) * 200],
    ids=["nul-bytes", "control-bytes"],
)
@pytest.mark.parametrize("name", ["data.txt", "data.jsonl", "data.html", "data.json"])
def test_binary_file(tmp_path: Path, content: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert error_of(path) == f"{path}: binary file, not text"


def test_nul_late_in_a_text_file_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_bytes(b"text " * 5000 + b"\x00")
    assert error_of(path) == f"{path}: binary file, not text"


def test_article_over_max_chars(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * 10_485_760)
    assert error_of(path) == (
        f"{path}: article is 10,485,760 characters; the limit is 1,000,000 (--max-chars)"
    )


def test_max_chars_applies_to_every_format(tmp_path: Path) -> None:
    txt = tmp_path / "t.txt"
    txt.write_text("x" * 11, encoding="utf-8")
    assert error_of(txt, max_chars=10) == f"{txt}: article is 11 characters; the limit is 10 (--max-chars)"
    jsonl = write_jsonl(tmp_path / "j.jsonl", [{"text": "short"}, {"text": "y" * 11}])
    assert error_of(jsonl, max_chars=10).startswith(f"{jsonl}:2: article is 11 characters")
    assert len(read(txt, max_chars=11)[0].text) == 11


def test_malformed_json_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{"text": "unterminated}\n', encoding="utf-8")
    message = error_of(path)
    assert message.startswith(f"{path}:2: malformed JSON (")
    assert "column" in message


def test_json_line_without_text(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "notext.jsonl", [{"text": "ok"}, {"text": "ok"}, {"title": "no text"}])
    assert error_of(path) == f"{path}:3: no 'text' field"


def test_json_line_with_wrong_types(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "types.jsonl", [["a list"]])
    assert error_of(path) == f"{path}:1: expected a JSON object, got an array"
    path = write_jsonl(tmp_path / "types2.jsonl", [{"text": 5}])
    assert error_of(path) == f"{path}:1: 'text' is a number, not a string"


def test_malformed_json_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "text": "x",\n  oops\n}', encoding="utf-8")
    assert error_of(path).startswith(f"{path}: malformed JSON (Expecting property name")


def test_missing_path() -> None:
    assert error_of("/nonexistent/article.txt") == "/nonexistent/article.txt: no such file or directory"


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # simulated: the tests may run as root, for whom chmod 000 does not deny reading
    path = tmp_path / "secret.txt"
    path.write_text("x", encoding="utf-8")
    real_open = builtins.open

    def guarded_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", guarded_open)
    assert error_of(tmp_path) == f"{path}: permission denied"


def test_bad_path_error_is_lazy() -> None:
    articles = iter_articles(["/nonexistent"])  # nothing happens until iteration
    with pytest.raises(InputError):
        next(articles)


# --- skip_bad and check_inputs ---------------------------------------------------------------------


def make_mixed_corpus(root: Path) -> Path:
    (root / "1-good.txt").write_text("good one", encoding="utf-8")
    (root / "2-empty.txt").write_text("", encoding="utf-8")
    (root / "3-binary.txt").write_bytes(b"\x00\x01\x02")
    (root / "4-lines.jsonl").write_text(
        '{"text": "line one"}\n{broken\n{"title": "t"}\n{"text": "line four"}\n'
    )
    (root / "5-good.txt").write_text("good five", encoding="utf-8")
    return root


def test_skip_bad_continues_and_warns(tmp_path: Path) -> None:
    root = make_mixed_corpus(tmp_path)
    messages, warn = collect()
    stats = ReadStats()
    texts = [
        a.text for a in iter_articles([str(root), "/nonexistent"], skip_bad=True, warn=warn, stats=stats)
    ]
    assert texts == ["good one", "line one", "line four", "good five"]
    assert [m.split(": ")[0] for m in messages] == [
        str(root / "2-empty.txt"),
        str(root / "3-binary.txt"),
        f"{root / '4-lines.jsonl'}:2",
        f"{root / '4-lines.jsonl'}:3",
        "/nonexistent",
    ]
    assert all(m.endswith("(skipped)") for m in messages)
    assert (stats.articles, stats.skipped, stats.files) == (4, 5, 5)


def test_default_stops_at_the_bad_item(tmp_path: Path) -> None:
    root = make_mixed_corpus(tmp_path)
    seen = []
    with pytest.raises(InputError, match="2-empty.txt: empty article"):
        for article in iter_articles([str(root)]):
            seen.append(article.text)
    assert seen == ["good one"]


def test_check_inputs_raises_before_anything_is_yielded(tmp_path: Path) -> None:
    root = make_mixed_corpus(tmp_path)
    with pytest.raises(InputError, match="2-empty.txt: empty article"):
        check_inputs([str(root)])
    stats = check_inputs([str(root)], skip_bad=True)
    assert (stats.articles, stats.skipped) == (4, 4)
    (root / "2-empty.txt").unlink()
    (root / "3-binary.txt").unlink()
    (root / "4-lines.jsonl").unlink()
    assert check_inputs([str(root)]).articles == 2


# --- laziness --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    record = {"text": "Officials said the talks would resume on Monday. " * 4, "source": "Wire"}
    with path.open("w", encoding="utf-8") as out:
        for i in range(200_000):
            record["id"] = f"doc-{i}"
            out.write(json.dumps(record) + "\n")
    return path


def test_reading_is_lazy(big_jsonl: Path) -> None:
    assert big_jsonl.stat().st_size > 40_000_000
    tracemalloc.start()
    started = time.perf_counter()
    first = list(itertools.islice(iter_articles([str(big_jsonl)]), 3))
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [a.id for a in first] == ["doc-0", "doc-1", "doc-2"]
    assert elapsed < 1.0
    assert peak < 2_000_000  # a 40 MB file: only a few lines were ever held


def test_memory_grows_only_by_the_id_registry(big_jsonl: Path) -> None:
    """Articles are not kept: what grows is the registry of the ids read (kg.read.ids), under a
    hundred bytes per article, so that two articles reaching one id are caught."""
    tracemalloc.start()
    count = sum(1 for _ in itertools.islice(iter_articles([str(big_jsonl)]), 20_000))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 20_000
    assert peak < 2_000_000 + 100 * count  # the bound for 3 articles, plus the registry


def test_stdin_jsonl_longer_than_the_sniffed_head(monkeypatch: pytest.MonkeyPatch) -> None:
    # the first 64 KiB are read to sniff the format; lines straddling that boundary must survive
    records = [{"id": f"r{i}", "text": f"line {i} " + "x" * (i % 97)} for i in range(3000)]
    set_stdin(monkeypatch, "".join(json.dumps(r) + "\n" for r in records).encode())
    articles = read("-")
    assert [a.id for a in articles] == [r["id"] for r in records]
    assert [a.text for a in articles] == [r["text"] for r in records]


def test_overlong_jsonl_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    path.write_text(
        json.dumps({"text": "y" * 3_000_000}) + "\n" + json.dumps({"text": "fine"}) + "\n", encoding="utf-8"
    )
    messages, warn = collect()
    articles = read(path, max_chars=10, skip_bad=True, warn=warn)
    assert [(a.text, a.origin) for a in articles] == [("fine", f"{path}:2")]
    assert messages[0].startswith(f"{path}:1: line is over 1,048,696 bytes; the limit is 10 characters")


def test_same_directory_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    messages, warn = collect()
    assert [a.text for a in read(tmp_path, tmp_path, warn=warn)] == ["a"]
    assert messages == [f"{tmp_path}: directory already read (symlink loop or duplicate path); skipped"]


def test_empty_json_list(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    path.write_text('{"articles": []}', encoding="utf-8")
    assert error_of(path) == f"{path}: empty article"


def test_pathlib_paths_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("x", encoding="utf-8")
    assert [a.id for a in iter_articles([tmp_path / "p.txt"])] == ["p"]  # type: ignore[list-item]
