"""The test servers themselves (tests/servers.py): Virtuoso 7 starts on loopback with its own
database, answers SPARQL, takes authenticated writes from a user it made, refuses anonymous ones
until they are allowed, bulk-loads N-Quads and is cleared between tests."""

from __future__ import annotations

from pathlib import Path

import httpx
from servers import Virtuoso

JSON_RESULTS = "application/sparql-results+json"
TRIPLE = b"<http://example.org/s> <http://example.org/p> \"o\" .\n"


def count(server: Virtuoso, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = httpx.post(server.sparql, data={"query": query}, headers={"Accept": JSON_RESULTS}, timeout=30)
    r.raise_for_status()
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_virtuoso_is_on_loopback_and_answers(virtuoso: Virtuoso) -> None:
    assert virtuoso.base.startswith("http://127.0.0.1:")
    r = httpx.get(virtuoso.sparql, params={"query": "ASK {}"}, headers={"Accept": JSON_RESULTS}, timeout=10)
    assert r.status_code == 200 and r.json()["boolean"] is True
    assert "1" in virtuoso.isql("SELECT 1")


def test_virtuoso_user_with_update_rights_writes_through_the_authenticated_gsp(
        tmp_path: Path, virtuoso: Virtuoso) -> None:
    graph = "http://example.org/test-servers/auth"
    try:
        user = virtuoso.create_user("kgpush", "s3cret")
        anonymous = httpx.put(virtuoso.gsp, params={"graph-uri": graph}, content=TRIPLE,
                              headers={"Content-Type": "text/turtle"}, timeout=30)
        assert anonymous.status_code in (401, 403)
        wrong = httpx.put(virtuoso.gsp_auth, params={"graph-uri": graph}, content=TRIPLE,
                          headers={"Content-Type": "text/turtle"}, auth=httpx.DigestAuth("kgpush", "wrong"),
                          timeout=30)
        assert wrong.status_code == 401
        assert count(virtuoso, graph) == 0
        ok = httpx.put(virtuoso.gsp_auth, params={"graph-uri": graph}, content=TRIPLE,
                       headers={"Content-Type": "text/turtle"}, auth=httpx.DigestAuth(*user), timeout=30)
        assert ok.status_code in (200, 201, 204), ok.text
        assert count(virtuoso, graph) == 1

        nquads = tmp_path / "data.nq"
        nquads.write_text('<http://example.org/a> <http://example.org/p> "é"@fr <http://example.org/test-servers/nq> .\n')
        virtuoso.load_nquads(nquads)
        assert count(virtuoso, "http://example.org/test-servers/nq") == 1
        assert set(virtuoso.user_graphs()) >= {graph, "http://example.org/test-servers/nq"}
    finally:
        virtuoso.clear()
    assert virtuoso.user_graphs() == []
