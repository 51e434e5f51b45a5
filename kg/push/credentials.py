"""Credentials for `kg push`: where the password comes from, and how the server gets it.

The password comes from, in this order: the environment variable named by `--password-env`;
a user name and password written in the endpoint URL (`http://user:pass@host/…`, accepted for
compatibility: the URL is used without them and never printed with them); `~/.netrc` (or the
file `$NETRC` names: the entry of the endpoint's host, with `--user` as its login when both
are given); a prompt when kg runs on a terminal.  The server then chooses the scheme: HTTP
Digest (Virtuoso's `/sparql-graph-crud-auth`) or Basic (Fuseki, GraphDB behind a proxy), read
from its `WWW-Authenticate` challenge on the first request and kept for the others.

The password is never printed: messages name the user and where the password came from, URLs
are printed without their user information, and `Credentials.__repr__` hides it.
"""

from __future__ import annotations

import base64
import getpass
import ipaddress
import netrc
import os
import sys
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from kg.errors import EXIT_REMOTE, KgError


class CredentialError(KgError):
    """No usable password (or a netrc file that cannot be read); exit code 6 (EXIT_REMOTE), like kg push's."""

    exit_code = EXIT_REMOTE


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = field(repr=False)
    source: str  # where the password came from, for messages: "$VAR", "~/.netrc", "the prompt"

    def __repr__(self) -> str:
        return f"Credentials(user={self.user!r}, password=<hidden>, source={self.source!r})"


def resolve(
    url: httpx.URL,
    *,
    user: str | None,
    password_env: str | None,
    interactive: bool | None = None,
    prompt: Callable[[str], str] = getpass.getpass,
    warn: Callable[[str], None] | None = None,
) -> Credentials | None:
    """The credentials to send to the server at `url` (whose user information, if any, the
    caller has already removed from the URL it prints), or None for an anonymous push."""
    in_url_user = url.username or None
    in_url_password = url.password or None
    if password_env is not None:
        value = os.environ.get(password_env)
        if not value:
            raise CredentialError(f"--password-env {password_env}: the environment variable is not set or empty")
        name = user or in_url_user
        if name is None:
            raise CredentialError("--password-env needs --user NAME")
        return Credentials(name, value, f"${password_env}")
    if in_url_password is not None:
        if user is not None and user != in_url_user:
            raise CredentialError(f"--user {user!r} differs from the user name written in the endpoint URL")
        assert in_url_user is not None
        if warn is not None:
            warn("the endpoint URL holds a password (it stays out of every message, but not out of your shell "
                 "history): prefer --user with --password-env or ~/.netrc")
        return Credentials(in_url_user, in_url_password, "the endpoint URL")
    name = user or in_url_user
    found = _from_netrc(url.host, name)
    if found is not None:
        return found
    if name is None:
        return None
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stderr.isatty()
    if not interactive:
        raise CredentialError(
            f"no password for user {name!r} at {url.host}: set --password-env VAR, add the host to ~/.netrc, "
            "or run kg push on a terminal to be asked"
        )
    value = prompt(f"password for {name} at {url.host}: ")
    if not value:
        raise CredentialError("no password given")
    return Credentials(name, value, "the prompt")


def _from_netrc(host: str, user: str | None) -> Credentials | None:
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    if not path.is_file():
        return None
    try:
        entry = netrc.netrc(str(path)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as err:
        # NetrcParseError's message quotes the offending token, which may be a password
        line = getattr(err, "lineno", None)
        where = f" (line {line})" if line else ""
        raise CredentialError(f"cannot read {path}{where}: not a valid netrc file") from None
    if entry is None:
        return None
    login, _, password = entry
    if not password or (user is not None and login and login != user):
        return None
    return Credentials(login or user or "", password, str(path))


def plain_http_to_another_host(url: httpx.URL) -> bool:
    """Basic sends the password readable by anyone on the path: worth a warning off loopback."""
    if url.scheme != "http":
        return False
    if url.host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(url.host).is_loopback
    except ValueError:
        return True


class ServerAuth(httpx.Auth):
    """Digest or Basic, as the server's challenge asks; anonymous until it asks.

    The first request goes without credentials (a server that does not want them never sees
    them); on a 401 the scheme of its WWW-Authenticate challenge is used, and kept for every
    later request (Basic then sent up front; Digest answered by httpx.DigestAuth, which reuses
    the server's nonce)."""

    requires_request_body = True

    def __init__(self, credentials: Credentials, warn: Callable[[str], None] | None = None) -> None:
        self._credentials = credentials
        token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode("ascii")
        self._basic_header = f"Basic {token}"
        self._digest = httpx.DigestAuth(credentials.user, credentials.password)
        self._scheme: str | None = None
        self._warn = warn
        self.rejected = False  # the server answered 401 to the credentials themselves

    @property
    def scheme(self) -> str | None:
        return self._scheme

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._scheme == "basic":
            request.headers["Authorization"] = self._basic_header
            self._note((yield request))
            return
        if self._scheme == "digest":
            response = yield from self._delegate(self._digest, request, None)
            self._note(response)
            return
        response = yield request
        if response.status_code != 401:
            return
        challenge = response.headers.get("www-authenticate", "").lower()
        if "digest" in challenge:
            self._scheme = "digest"
            response = yield from self._delegate(self._digest, request, response)
        elif "basic" in challenge:
            self._scheme = "basic"
            if self._warn is not None and plain_http_to_another_host(request.url):
                self._warn(f"{request.url.host} asks for HTTP Basic over plain http: the password crosses the network "
                           "readable; use https")
            request.headers["Authorization"] = self._basic_header
            response = yield request
        else:
            return
        self._note(response)

    def _note(self, response: httpx.Response | None) -> None:
        if response is not None and response.status_code == 401:
            self.rejected = True

    @staticmethod
    def _delegate(
        auth: httpx.Auth, request: httpx.Request, challenge: httpx.Response | None
    ) -> Generator[httpx.Request, httpx.Response, httpx.Response | None]:
        """Run another Auth's flow, feeding it the 401 already received when there is one."""
        flow = auth.auth_flow(request)
        outgoing = next(flow)
        response = challenge if challenge is not None else (yield outgoing)
        while True:
            try:
                outgoing = flow.send(response)
            except StopIteration:
                return response
            response = yield outgoing
