"""The one way the desk fetches a URL from the internet.

Source archiving, link checks and webhooks take URLs typed by people outside the
desk, so every fetch goes through here: requests-hardened resolves each host once,
refuses non-public addresses and connects to exactly the address it checked (no DNS
rebinding window). This module adds what it leaves open: schemes, ports,
credentials, redirects re-checked one hop at a time, the desk's own address rule
(factcheck.addresses, the one the link fields apply when a URL is saved), limits
on time and size, and a content-type allowlist.
"""

import codecs
import hashlib
import ipaddress
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings
from django.utils import timezone
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from factcheck import addresses

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 15.0
# The read timeout is per socket read; a server trickling a byte at a time could
# otherwise hold a worker for ever. This bounds the whole body.
TOTAL_TIMEOUT = 30.0
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
ALLOWED_SCHEMES = frozenset({"http", "https"})
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "text/plain",
        "application/pdf",
        "application/json",
        "application/xml",
        "text/xml",
    }
)
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The only address the test-only FETCH_ALLOW_LOOPBACK opens: not ::1, not the rest
# of 127/8, and never a private range, so redirect tests still see real refusals.
TEST_LOOPBACK = ipaddress.ip_address("127.0.0.1")
CHUNK_SIZE = 64 * 1024


class FetchError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Refused(FetchError):
    """The URL or an address it leads to is forbidden; retrying cannot help."""


class FetchFailed(FetchError):
    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.retryable = retryable


@dataclass(frozen=True)
class Fetched:
    requested_url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    sha256: str
    text: str
    fetched_at: datetime
    # The validators a conditional GET sends back (If-None-Match,
    # If-Modified-Since); status 304 with an empty body means "not changed".
    etag: str = ""
    last_modified: str = ""


_NETWORK_ERRORS = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    # Raised unwrapped by the body reads (read1), which bypass requests.
    urllib3.exceptions.HTTPError,
)


@dataclass(frozen=True)
class _Limits:
    allow_loopback: bool
    timeout: tuple[float, float]
    deadline: float


@contextmanager
def _outbound() -> Iterator[tuple[requests.Session, _Limits]]:
    """A session under the desk's address rules, the limits of one exchange, and
    the transport's errors turned into Refused or FetchFailed."""
    limits = _Limits(
        allow_loopback=getattr(settings, "FETCH_ALLOW_LOOPBACK", False),
        timeout=(
            getattr(settings, "FETCH_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
            getattr(settings, "FETCH_READ_TIMEOUT", READ_TIMEOUT),
        ),
        deadline=time.monotonic()
        + getattr(settings, "FETCH_TOTAL_TIMEOUT", TOTAL_TIMEOUT),
    )
    with _session(allow_loopback=limits.allow_loopback) as session:
        try:
            yield session, limits
        except InvalidIPAddress as exc:
            raise Refused(f"address not allowed: {exc}") from exc
        except _NETWORK_ERRORS as exc:
            raise FetchFailed(f"network error: {exc}", retryable=True) from exc
        except requests.RequestException as exc:
            raise FetchFailed(f"bad response: {exc}", retryable=False) from exc


def fetch(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    content_types: frozenset[str] = ALLOWED_CONTENT_TYPES,
) -> Fetched:
    """GET `url` under the desk's rules. `headers` go with every hop (a feed's
    conditional GET); `content_types` narrows or widens what may come back."""
    max_bytes = getattr(settings, "FETCH_MAX_BYTES", MAX_BYTES)
    with _outbound() as (session, limits):
        response = _follow_redirects(
            session, url, limits.allow_loopback, limits.timeout, headers or {}
        )
        try:
            return _read(url, response, max_bytes, limits.deadline, content_types)
        finally:
            response.close()


@dataclass(frozen=True)
class Posted:
    status: int
    # The start of the receiver's answer, for the delivery log.
    body: bytes


# A receiver's answer is only logged; no need to hold more of it.
POST_ANSWER_BYTES = 2048


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Posted:
    """POST `body` to a partner's URL under the same address rules as fetch().

    Redirects are not followed: a webhook that answers 3xx has moved, and the
    partner must say where in their subscription, not the desk's first POST.
    """
    with _outbound() as (session, limits):
        request = _prepare(session, url, method="POST", body=body)
        request.headers.update(headers)
        _check_url(request.url or "", limits.allow_loopback)
        response = session.send(
            request, allow_redirects=False, stream=True, timeout=limits.timeout
        )
        try:
            answer = _read_start(response, POST_ANSWER_BYTES, limits.deadline)
            return Posted(status=response.status_code, body=answer)
        finally:
            response.close()


def _read_start(response: requests.Response, limit: int, deadline: float) -> bytes:
    answer = bytearray()
    while len(answer) < limit and (chunk := response.raw.read1(limit)):
        answer += chunk
        if time.monotonic() > deadline:
            raise FetchFailed("the answer took too long to arrive", retryable=True)
    return bytes(answer[:limit])


def _follow_redirects(
    session: requests.Session,
    url: str,
    allow_loopback: bool,
    timeout: tuple[float, float],
    headers: dict[str, str],
) -> requests.Response:
    # Redirects are followed by hand so that every hop passes the same URL rules
    # as the first request, not only the address filter.
    for _hop in range(MAX_REDIRECTS + 1):
        prepared = _prepare(session, url)
        prepared.headers.update(headers)
        _check_url(prepared.url or "", allow_loopback)
        response = session.send(
            prepared, allow_redirects=False, stream=True, timeout=timeout
        )
        target = session.get_redirect_target(response)
        if target is None:
            return response
        response.close()
        url = urljoin(response.url, target)
    raise Refused(f"more than {MAX_REDIRECTS} redirects")


def _prepare(
    session: requests.Session, url: str, *, method: str = "GET", body: bytes = b""
) -> requests.PreparedRequest:
    try:
        return session.prepare_request(requests.Request(method, url, data=body or None))
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as exc:
        raise Refused(f"not a valid URL: {url!r}") from exc


def _check_url(url: str, allow_loopback: bool) -> None:
    # Checked on the prepared URL, parsed the way the transport adapter parses it,
    # so the two cannot disagree about the host or port.
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"not a valid URL: {url!r}") from exc
    if parts.scheme not in ALLOWED_SCHEMES:
        raise Refused(f"scheme not allowed: {parts.scheme!r}")
    if not parts.hostname:
        raise Refused("URL has no host")
    # Refused by name, as the link fields refuse it: whether a resolver answers
    # "*.localhost" at all depends on the machine, and no answer would be retried.
    if addresses.names_this_machine(parts.hostname):
        raise Refused(f"{parts.hostname!r} is this machine")
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials in URLs are not sent")
    testing_loopback = allow_loopback and parts.hostname == str(TEST_LOOPBACK)
    if (
        port is not None
        and port not in addresses.ALLOWED_PORTS
        and not testing_loopback
    ):
        raise Refused(f"port not allowed: {port}")


class _RefuseAllCookies(DefaultCookiePolicy):
    # Sources must not be able to track the desk across fetches, nor steer one
    # hop with a cookie set on another.
    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False

    def return_ok(self, cookie: Any, request: Any) -> bool:
        return False


class _StrictIPFilterAdapter(IPFilterAdapter):
    """requests-hardened's adapter, plus the desk's own address rule.

    It resolves the host, checks the first answer and pins it as the host to
    connect to; the extra check runs on that pinned address, so it adds no lookup
    of its own and no rebinding window.
    """

    def build_connection_pool_key_attributes(
        self, request: requests.PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        address = ipaddress.ip_address(host_params["host"].strip("[]"))
        if not _is_public(address, allow_loopback=self._allow_loopback):
            raise InvalidIPAddress(address)
        return host_params, pool_kwargs


def _is_public(address: addresses.IPAddress, *, allow_loopback: bool) -> bool:
    if allow_loopback and address == TEST_LOOPBACK:
        return True
    return addresses.is_public(address)


def _session(*, allow_loopback: bool) -> requests.Session:
    session = HTTPSession(
        Config(
            ip_filter_enable=True,
            ip_filter_allow_loopback_ips=allow_loopback,
            never_redirect=True,
            default_timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            user_agent_override=_user_agent(),
        )
    )
    for prefix, is_https in (("http://", False), ("https://", True)):
        session.mount(
            prefix,
            _StrictIPFilterAdapter(
                is_https_proto=is_https, allow_loopback=allow_loopback
            ),
        )
    # Environment proxies would connect somewhere other than the checked address,
    # and ~/.netrc would add credentials to a stranger's server.
    session.trust_env = False
    session.cookies.set_policy(_RefuseAllCookies())
    return session


def _user_agent() -> str:
    return f"{settings.NEWSROOM_NAME} fact-check desk (+{settings.SITE_URL})"


def _read(
    requested_url: str,
    response: requests.Response,
    max_bytes: int,
    deadline: float,
    content_types: frozenset[str],
) -> Fetched:
    if response.status_code >= 500:
        raise FetchFailed(f"server error {response.status_code}", retryable=True)
    content_type, charset = _parse_content_type(
        response.headers.get("Content-Type", "")
    )
    if response.status_code == 304:
        # Not modified: no body, and often no Content-Type to judge.
        body, content_type = b"", content_type or "none"
    elif content_type not in content_types:
        raise FetchFailed(
            f"content type not allowed: {content_type or 'none'}", retryable=False
        )
    else:
        body = _read_capped(response, max_bytes, deadline)
    return Fetched(
        requested_url=requested_url,
        final_url=response.url,
        status=response.status_code,
        content_type=content_type,
        body=body,
        sha256=hashlib.sha256(body).hexdigest(),
        text=_main_text(body, content_type, charset),
        fetched_at=timezone.now(),
        etag=response.headers.get("ETag", "")[:500],
        last_modified=response.headers.get("Last-Modified", "")[:100],
    )


def _read_capped(response: requests.Response, max_bytes: int, deadline: float) -> bytes:
    too_big = FetchFailed(f"body larger than {max_bytes} bytes", retryable=False)
    declared = response.headers.get("Content-Length")
    if declared is not None:
        # A length that is not a number leaves the body's end unknown (RFC 9112,
        # 6.3: an unrecoverable error). ASCII only: str.isdigit() also passes "²",
        # which int() refuses.
        if not (declared.isascii() and declared.isdigit()):
            raise FetchFailed(
                f"bad response: Content-Length {declared!r} is not a number",
                retryable=False,
            )
        if int(declared) > max_bytes:
            raise too_big
    # Counted after decompression, so a small gzip bomb is stopped too.
    body = bytearray()
    # read1 returns what has arrived instead of waiting for a full chunk, so the
    # deadline is checked as often as the server sends anything.
    while chunk := response.raw.read1(CHUNK_SIZE, decode_content=True):
        body += chunk
        if len(body) > max_bytes:
            raise too_big
        if time.monotonic() > deadline:
            raise FetchFailed("the page took too long to arrive", retryable=True)
    return bytes(body)


_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)


def _parse_content_type(header: str) -> tuple[str, str | None]:
    mime, _, params = header.partition(";")
    match = _CHARSET.search(params)
    return mime.strip().lower(), match.group(1) if match else None


def _decode(body: bytes, charset: str | None) -> str:
    # Without a declared charset, UTF-8 rather than requests' ISO-8859-1 default:
    # the desk's sources are mostly Arabic pages served as UTF-8.
    try:
        codec = codecs.lookup(charset or "utf-8").name
    except LookupError:
        codec = "utf-8"
    # PostgreSQL text cannot hold NUL, which a page is free to contain.
    return body.decode(codec, errors="replace").replace("\x00", "")


def _main_text(body: bytes, content_type: str, charset: str | None) -> str:
    if content_type in HTML_CONTENT_TYPES:
        parser = _VisibleTextParser()
        parser.feed(_decode(body, charset))
        parser.close()
        return _collapse(" ".join(parser.pieces))
    if content_type == "text/plain":
        return _collapse(_decode(body, charset))
    return ""


def _collapse(text: str) -> str:
    return " ".join(text.split())


class _VisibleTextParser(HTMLParser):
    """Collects the text a reader sees, without the page's navigation chrome."""

    HIDDEN = frozenset(
        {"title", "script", "style", "noscript", "template", "nav", "header", "footer"}
    )
    INLINE = frozenset(
        {"a", "abbr", "b", "cite", "code", "em", "i", "mark", "q", "s", "small"}
        | {"span", "strong", "sub", "sup", "time", "u"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden_depth = 0
        self._current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self._hidden_depth += 1
        self._break_unless_inline(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden_depth:
            self._hidden_depth -= 1
        self._break_unless_inline(tag)

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self._current += data

    def close(self) -> None:
        super().close()
        self._break_unless_inline("")

    def _break_unless_inline(self, tag: str) -> None:
        # "<p>one</p><p>two</p>" reads as two words, "<b>ع</b>ربي" as one.
        if tag not in self.INLINE and self._current:
            self.pieces.append(self._current)
            self._current = ""
