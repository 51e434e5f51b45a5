"""Commands: `kg serve` (a SPARQL endpoint over the store) and `kg push` (the store into any
SPARQL 1.1 server through the Graph Store HTTP Protocol)."""

from __future__ import annotations

from typing import Annotated

import typer

from kg.cli import command
from kg.cli.options import DEFAULT_STORE, StoreOption


@command("serve", example="kg serve --store kg.db --port 7878")
def serve_command(
    store: StoreOption = DEFAULT_STORE,
    port: Annotated[int, typer.Option("--port", metavar="PORT", help="TCP port to listen on.")] = 7878,
    bind: Annotated[
        str,
        typer.Option("--bind", metavar="ADDRESS", help="Address to listen on; anything but loopback is reachable by others."),
    ] = "127.0.0.1",
    allow_update: Annotated[
        bool,
        typer.Option(
            "--allow-update",
            help="Serve read-write (`oxigraph serve`): SPARQL Update and Graph Store writes change the store.",
        ),
    ] = False,
    timeout: Annotated[
        int,
        typer.Option(
            "--timeout", min=0, metavar="SECONDS",
            help="End a request whose answer is not complete after SECONDS, by stopping the engine evaluating it (0 = no limit).",
        ),
    ] = 60,
    cors: Annotated[
        bool, typer.Option("--cors", help="Allow cross-origin requests (browser apps on other origins).")
    ] = False,
    workers: Annotated[
        int, typer.Option("--workers", min=1, metavar="N", help="Queries evaluated at once, each by its own Oxigraph process.")
    ] = 2,
    memory_limit: Annotated[
        int,
        typer.Option(
            "--memory-limit", metavar="MB", min=0,
            help="Address space of each Oxigraph process; a query needing more fails with 503 (0 = no limit).",
        ),
    ] = 2048,
    allow_service: Annotated[
        bool,
        typer.Option("--allow-service", help="Let queries use SERVICE and updates LOAD (the server then contacts other servers)."),
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host", metavar="NAME",
            help="Also answer requests whose Host header is NAME (a reverse proxy's name); repeatable.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the store as a SPARQL 1.1 Protocol endpoint (the Oxigraph server; read-only by default).

    Queries see the union of all graphs as the default graph (the articles', the summary and the identity links), as in `kg query`; prefixes are not predeclared. Results are content-negotiated (JSON, XML, CSV, TSV; Turtle, N-Triples, RDF/XML for CONSTRUCT) and http://HOST:PORT/ is a query page. Requests whose Host is not this server's address, queries nested too deep, SERVICE and LOAD are refused; each query runs in a process bounded by --memory-limit and --timeout. Stop with Ctrl-C. While it serves, `kg build` refuses the store. With --allow-update a new path becomes an empty store.
    """
    from kg.serve import ServeConfig, serve

    config = ServeConfig(
        store=store, port=port, bind=bind, allow_update=allow_update, timeout=timeout or None, cors=cors,
        workers=workers, memory_mb=memory_limit or None, allow_service=allow_service,
        allow_hosts=tuple(allow_host or ()),
    )
    code = serve(config, announce=lambda text: typer.echo(text, err=True))
    raise typer.Exit(code)


@command("push", example="kg push --store kg.db --endpoint http://127.0.0.1:7878")
def push_command(
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="The server's base URL (e.g. http://127.0.0.1:7878); its Graph Store endpoint is BASE/store.",
            show_default=False,
        ),
    ] = None,
    gsp_url: Annotated[
        str | None,
        typer.Option(
            "--gsp-url",
            metavar="URL",
            help="The Graph Store HTTP Protocol URL when it is not BASE/store (Fuseki: http://HOST:3030/DATASET/data).",
            show_default=False,
        ),
    ] = None,
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph", metavar="IRI", help="Push the union of all articles into this one graph IRI instead (the summary graph keeps its own).", show_default=False
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace each target graph (PUT) instead of adding to it (POST)."),
    ] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, metavar="N", help="Triples per HTTP request; larger graphs are split.")
    ] = 50_000,
    store: StoreOption = DEFAULT_STORE,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary line.")] = False,
    user: Annotated[
        str | None,
        typer.Option("--user", "-u", metavar="NAME", help="User name for a server that asks for one (HTTP Digest or Basic).",
                     show_default=False),
    ] = None,
    password_env: Annotated[
        str | None,
        typer.Option("--password-env", metavar="VAR",
                     help="Read the password from the environment variable VAR (else ~/.netrc, else a prompt).",
                     show_default=False),
    ] = None,
) -> None:
    """Load the store into any SPARQL 1.1 server (Oxigraph, Fuseki, GraphDB, …), one named graph per article.

    Each graph is sent as N-Triples with the Graph Store HTTP Protocol: PUT (with --replace) or
    POST, in batches of --batch-size triples; connection errors and 5xx answers are retried with
    backoff; a refusal (4xx) stops with the server's status and the reason from its answer.
    A server that wants a user gets the one of --user (or of ~/.netrc), with the password from
    --password-env VAR, ~/.netrc or a prompt, by the scheme it asks for (Digest or Basic); the
    password is never printed.
    """
    from kg.errors import UsageError
    from kg.push import PushTarget, push
    from kg.push.credentials import resolve
    from kg.store import QuoteStore

    def warn(message: str) -> None:
        typer.echo(f"warning: {message}", err=True)

    if endpoint is None and gsp_url is None:
        raise UsageError("give the server with --endpoint BASE_URL (Oxigraph) or --gsp-url GRAPH_STORE_URL")
    target = PushTarget.from_endpoint(endpoint or "", gsp_url=gsp_url)
    assert target.given is not None
    credentials = resolve(target.given, user=user, password_env=password_env, warn=warn)
    with QuoteStore.open(store, read_only=True) as st:
        report = push(st, target, graph=graph, replace=replace, batch_size=batch_size, credentials=credentials, warn=warn)
    if not quiet:
        typer.echo(report.summary(), err=True)
