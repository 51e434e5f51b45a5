"""The `kg` command line as a user meets it: `python -m kg …` in a subprocess, on the sample store.

One test per promise of docs/cli.md: every command's --help has an example and no Python type
names; --store/-s is the same option everywhere; every command that prints data prints JSON with
--format json (and the old --json still works); `kg export` takes its format from the -o
extension; `kg --version`; and each exit code of the table means what the table says.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_DIR, SAMPLE_GOLD

from kg.errors import (
    EXIT_CODES,
    EXIT_INVALID,
    EXIT_NOT_FOUND,
    EXIT_OUTPUT,
    EXIT_QUERY,
    EXIT_REMOTE,
    EXIT_STORE,
    EXIT_USAGE,
)

COMMANDS = ["build", "summarise", "entities", "who", "eval", "export", "query", "quotes", "stats", "report",
            "serve", "push", "validate"]
# Commands that open a store: each takes the one --store/-s option.
STORE_COMMANDS = [c for c in COMMANDS if c != "eval"]
CLI_DOC = ROOT / "docs" / "cli.md"


@dataclass
class Run:
    code: int
    out: str
    err: str


def kg(*args: object, cwd: Path | None = None) -> Run:
    # Wide columns: rich wraps --help at the terminal width, and a pipe has none.
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd or ROOT, timeout=600, check=False)
    return Run(done.returncode, done.stdout, done.stderr)


def kg_all(argvs: dict[str, list[object]]) -> dict[str, Run]:
    """Several independent runs, two at a time (each pays the interpreter's start-up)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(argvs, pool.map(lambda argv: kg(*argv), argvs.values()), strict=True))


def one_line_error(run: Run, code: int) -> bool:
    return run.code == code and run.err.count("\n") == 1 and run.err.startswith("kg: error: ")


@pytest.fixture(scope="module")
def helps() -> dict[str, str]:
    """`kg --help` and `kg COMMAND --help` for every command, two at a time."""
    runs = kg_all({name: [name, "--help"] if name else ["--help"] for name in ["", *COMMANDS]})
    for name, run in runs.items():
        assert run.code == 0, (name, run.err)
    return {name: run.out for name, run in runs.items()}


@pytest.fixture()
def own_store(sample_store_path: Path, tmp_path: Path) -> Path:
    """A copy of the sample store that a test may write to."""
    copy = tmp_path / "kg.db"
    shutil.copytree(sample_store_path, copy)
    return copy


# ------------------------------------------------------------------------------------------ help


def test_help_shows_no_python_type_names(helps: dict[str, str]) -> None:
    for name, text in helps.items():
        leaks = re.findall(r"<(?:bool|str|int|float|path|file|list\[[^\]]*\]|[a-z]+ range)>", text)
        assert not leaks, f"kg {name} --help shows {leaks}"


def test_every_command_has_an_example_in_its_help(helps: dict[str, str]) -> None:
    for name in COMMANDS:
        examples = re.findall(r"^\s*Example: (kg .+?)\s*$", helps[name], re.M)
        assert len(examples) == 1 and examples[0].startswith(f"kg {name} "), (name, examples)


def test_store_is_one_option_everywhere(helps: dict[str, str]) -> None:
    """--store/-s, one help text, one default, on every command that opens a store."""
    lines = {}
    for name in STORE_COMMANDS:
        rows = (" ".join(ln.replace("│", " ").split()) for ln in helps[name].splitlines())
        lines[name] = next((row for row in rows if row.startswith("--store")), "")
    assert set(lines.values()) == {"--store -s PATH Store directory (as written by `kg build`). [default: kg.db]"}, lines


def test_version_comes_from_the_package_metadata() -> None:
    run = kg("--version")
    assert run.code == 0 and run.out == f"kg (quotegraph) {version('quotegraph')}\n"


# ------------------------------------------------------------------------------------ --format json


def test_every_command_that_prints_data_prints_json(sample_store_path: Path, own_store: Path, tmp_path: Path) -> None:
    store = sample_store_path
    runs = kg_all({
        "build": ["build", SAMPLE_DIR, "--store", tmp_path / "new.db", "--format", "json"],
        "summarise": ["summarise", "--store", own_store, "--format", "json"],
        "query": ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?q a schema:Quotation }", "-s", store, "--format", "json"],
        "query --list-named": ["query", "--list-named", "--format", "json"],
        "quotes": ["quotes", "-s", store, "--format", "json"],
        "quotes --clusters": ["quotes", "--clusters", "-s", store, "--format", "json"],
        "stats": ["stats", "-s", store, "--format", "json"],
        "entities": ["entities", "-s", store, "--format", "json"],
        "who": ["who", "Saad al-Hadithi", "-s", store, "--format", "json"],
        "validate": ["validate", "-s", store, "--format", "json"],
        "eval": ["eval", SAMPLE_GOLD, "--format", "json"],
    })
    parsed = {}
    for name, run in runs.items():
        assert run.code == 0, (name, run.err)
        parsed[name] = json.loads(run.out)
    assert parsed["build"]["quotations"] == parsed["stats"]["quotations"] == len(parsed["quotes"]) > 0
    assert parsed["summarise"]["speakers"] > 0
    assert parsed["who"]["name"] == "Saad al-Hadithi" and parsed["who"]["statements"]
    assert parsed["validate"]["conforms"] is True
    assert any(q["name"] == "top-speakers" for q in parsed["query --list-named"])
    assert {"speaker", "text", "type", "article"} <= set(parsed["quotes"][0])


def test_json_flag_is_kept_as_an_alias(sample_store_path: Path, own_store: Path) -> None:
    for args in (["stats", "-s", sample_store_path], ["summarise", "-s", own_store]):
        old, new = kg(*args, "--json"), kg(*args, "--format", "json")
        assert old.code == new.code == 0 and json.loads(old.out) == json.loads(new.out), args


def test_limit_shows_the_first_rows(sample_store_path: Path) -> None:
    every = json.loads(kg("quotes", "-s", sample_store_path, "--format", "json").out)
    first = json.loads(kg("quotes", "-s", sample_store_path, "--format", "json", "--limit", "2").out)
    assert len(every) > 2 and first == every[:2]
    table = kg("quotes", "-s", sample_store_path, "--limit", "2")
    assert table.out.endswith(f"2 of {len(every)} quotations\n")


# ----------------------------------------------------------------------------- export -o inference


@pytest.mark.parametrize(("name", "fmt"), [("g.ttl", "turtle"), ("g.nq", "nquads"), ("g.jsonld", "jsonld"),
                                           ("g.graphml", "graphml"), ("entities.csv", "csv")])
def test_export_format_follows_the_output_extension(sample_store_path: Path, tmp_path: Path, name: str, fmt: str) -> None:
    """`kg export -o g.graphml` writes GraphML (it once wrote Turtle): the bytes `--format` gives."""
    from kg.export import export
    from kg.store import QuoteStore

    inferred, explicit = tmp_path / "inferred" / name, tmp_path / "explicit" / name
    assert kg("export", "-s", sample_store_path, "-o", inferred).code == 0
    with QuoteStore.open(sample_store_path, read_only=True) as store:
        export(store, fmt, explicit)
    assert inferred.read_bytes() == explicit.read_bytes()


def test_export_to_a_directory_writes_the_csv_tables(sample_store_path: Path, tmp_path: Path) -> None:
    assert kg("export", "-s", sample_store_path, "-o", f"{tmp_path / 'tables'}/").code == 0
    assert sorted(p.name for p in (tmp_path / "tables").iterdir()) == ["entities.csv", "events.csv", "quotations.csv"]


@pytest.mark.parametrize("name", ["graph.xyz", "graph", "graph.html"])
def test_export_refuses_an_extension_with_no_format(sample_store_path: Path, tmp_path: Path, name: str) -> None:
    run = kg("export", "-s", sample_store_path, "-o", tmp_path / name)
    assert one_line_error(run, EXIT_USAGE), run
    assert not (tmp_path / name).exists()


# -------------------------------------------------------------------------------------- exit codes


def test_a_name_not_in_the_store_exits_not_found(sample_store_path: Path) -> None:
    for args in (["who", "nobody"], ["entities", "--explain", "nobody"]):
        run = kg(*args, "-s", sample_store_path)
        assert one_line_error(run, EXIT_NOT_FOUND) and "no person or organisation called “nobody”" in run.err, run


def test_usage_errors_are_one_line_exit_2(sample_store_path: Path) -> None:
    runs = kg_all({"unknown option": ["build", "--no-such-option"], "missing argument": ["who"],
                   "unknown format": ["export", "-o", "-", "--format", "svg"],
                   "no query": ["query", "-s", sample_store_path], "no server": ["push", "-s", sample_store_path]})
    for what, run in runs.items():
        assert one_line_error(run, EXIT_USAGE), (what, run)
    assert "(see `kg build --help`)" in runs["unknown option"].err


def test_store_query_output_and_remote_failures_have_their_codes(sample_store_path: Path, tmp_path: Path) -> None:
    assert one_line_error(kg("stats", "-s", tmp_path / "missing.db"), EXIT_STORE)
    assert one_line_error(kg("query", "SELECT ?x WHERE {", "-s", sample_store_path), EXIT_QUERY)
    assert one_line_error(kg("report", "-s", sample_store_path, "-o", tmp_path), EXIT_OUTPUT)
    # A port nothing listens on: the server cannot be reached.
    refused = kg("summarise", "--endpoint", "http://127.0.0.1:9/query")
    assert one_line_error(refused, EXIT_REMOTE), refused


def test_a_graph_that_does_not_conform_exits_invalid(sample_store_path: Path, tmp_path: Path) -> None:
    from rdflib import Graph

    from kg.graph.vocab import SCHEMA

    turtle = tmp_path / "sample.ttl"
    assert kg("export", "-s", sample_store_path, "-o", turtle).code == 0
    graph = Graph().parse(turtle)
    text = SCHEMA.text
    graph.remove((next(graph.subjects(text, None)), text, None))  # a quotation without its text
    graph.serialize(tmp_path / "broken.ttl", format="turtle")
    run = kg("validate", tmp_path / "broken.ttl")
    assert run.code == EXIT_INVALID and run.out.startswith("does not conform: 1 violation(s)"), run


def test_validate_without_files_checks_the_default_store(sample_store_path: Path, tmp_path: Path) -> None:
    shutil.copytree(sample_store_path, tmp_path / "kg.db")
    run = kg("validate", cwd=tmp_path)
    assert run.code == 0 and run.out.startswith("conforms:"), run


# -------------------------------------------------------------------------------------- docs/cli.md


def test_cli_doc_shows_every_command_with_its_example_and_the_exit_codes(helps: dict[str, str]) -> None:
    doc = CLI_DOC.read_text(encoding="utf-8")
    for name in COMMANDS:
        example = re.search(r"^\s*Example: (kg .+?)\s*$", helps[name], re.M)
        assert example and f"## kg {name}" in doc and example.group(1) in doc, name
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", doc, re.M))
    assert {int(code): text for code, text in table.items()} == EXIT_CODES
