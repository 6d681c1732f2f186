"""The fetcher behind source archiving, link checks and webhooks.

No test sends traffic beyond this machine: the autouse `connections` fixture records
every connect and lets through only 127.0.0.1, where pytest-httpserver listens.
"""

import hashlib
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from werkzeug import Request, Response

from factcheck.fetching import Fetched, FetchFailed, Refused, fetch

PUBLIC_IP = "93.184.216.34"


@pytest.fixture(autouse=True)
def _only_loopback(connections: list) -> None:
    """Every test here runs with the connect guard of tests/network.py."""


ARTICLE = """<!doctype html>
<html lang="ar" dir="rtl">
<head><title>عنوان الصفحة</title><style>p { color: red }</style></head>
<body>
<header>شعار الموقع</header>
<nav><a href="/">الرئيسية</a></nav>
<main>
<h1>وزير الصحة: اللقاح آمن</h1>
<p>قال الوزير في   مؤتمر صحفي إن <b>اللقاح</b> آمن.</p>
<script>trackReader("secret")</script>
</main>
<footer>جميع الحقوق محفوظة</footer>
</body>
</html>
"""


REFUSED_ADDRESSES = [
    "http://127.0.0.1/",
    "http://127.0.0.2/",
    "http://localhost/",
    "http://0.0.0.0/",
    "http://0/",
    "http://[::]/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://10.0.0.1/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://100.100.100.200/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[fd00:ec2::254]/",
    "http://[fc00::1]/",
    "http://[fe80::1]/",
    "http://[fec0::1]/",
    "http://[ff02::1]/",
    "http://[4000::1]/",
    "http://[2002:a00:1::]/",  # 6to4 wrapping 10.0.0.1
    "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",  # Teredo
    "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.0.0.1/",
    "http://017700000001/",
    "https://169.254.169.254/",
]


@pytest.mark.parametrize("url", REFUSED_ADDRESSES)
def test_it_refuses_a_forbidden_address_without_opening_a_socket(
    url: str, connections: list
) -> None:
    with pytest.raises(Refused):
        fetch(url)
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2/",
        "http://127.0.0.2:8080/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/",
        "http://100.64.0.1/",
        "http://2130706433:8080/",
    ],
)
def test_it_opens_only_127_0_0_1_under_the_test_allowance(
    url: str, connections: list, loopback_allowed: None
) -> None:
    with pytest.raises(Refused):
        fetch(url)
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "gopher://93.184.216.34/",
        "ftp://93.184.216.34/",
        "http://93.184.216.34:8080/",
        "https://93.184.216.34:22/",
        "http://user:secret@93.184.216.34/",
        "http://user@93.184.216.34/",
        "http://93.184.216.34:99999/",
        "not a url",
        "http:///no-host",
    ],
)
@pytest.mark.parametrize("allow_loopback", [False, True])
def test_it_refuses_a_url_outside_the_rules_without_opening_a_socket(
    url: str, allow_loopback: bool, connections: list, settings
) -> None:
    settings.FETCH_ALLOW_LOOPBACK = allow_loopback
    with pytest.raises(Refused):
        fetch(url)
    assert connections == []


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://93.184.216.34:8080/",
        "file:///etc/passwd",
        "http://user:secret@93.184.216.34/",
    ],
)
def test_it_refuses_a_redirect_to_a_forbidden_target(
    target: str, httpserver, connections: list, loopback_allowed: None
) -> None:
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    with pytest.raises(Refused):
        fetch(httpserver.url_for("/go"))
    assert connections == [("127.0.0.1", httpserver.port)]


def test_it_connects_only_to_the_address_it_checked(
    monkeypatch: pytest.MonkeyPatch, connections: list
) -> None:
    real_getaddrinfo = socket.getaddrinfo
    answers = iter([PUBLIC_IP, "127.0.0.1", "127.0.0.1"])
    lookups: list[str] = []

    def rebinding_getaddrinfo(host: str, port: object, *args: object, **kw: object):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kw)
        lookups.append(host)
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)

    with pytest.raises(FetchFailed) as failure:
        fetch("http://rebind.example/article")

    assert lookups == ["rebind.example"]
    assert connections == [(PUBLIC_IP, 80)]
    assert failure.value.retryable is True


def test_it_refuses_a_host_whose_only_answer_is_private(
    monkeypatch: pytest.MonkeyPatch, connections: list
) -> None:
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **kw: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))
        ],
    )
    with pytest.raises(Refused):
        fetch("https://intranet.example/")
    assert connections == []


def test_it_stores_a_page_after_a_redirect(httpserver, loopback_allowed: None) -> None:
    body = ARTICLE.encode()
    httpserver.expect_request("/source").respond_with_data(
        "", status=301, headers={"Location": "/article?id=7"}
    )
    httpserver.expect_request("/article").respond_with_data(
        body, content_type="text/html; charset=utf-8"
    )

    fetched = fetch(httpserver.url_for("/source"))

    assert isinstance(fetched, Fetched)
    assert fetched.requested_url == httpserver.url_for("/source")
    assert fetched.final_url == httpserver.url_for("/article?id=7")
    assert fetched.status == 200
    assert fetched.content_type == "text/html"
    assert fetched.body == body
    assert fetched.sha256 == hashlib.sha256(body).hexdigest()
    assert (
        fetched.text == "وزير الصحة: اللقاح آمن قال الوزير في مؤتمر صحفي إن اللقاح آمن."
    )
    assert fetched.fetched_at.tzinfo is not None


def test_it_reads_utf8_when_no_charset_is_declared(
    httpserver, loopback_allowed: None
) -> None:
    httpserver.expect_request("/plain").respond_with_response(
        Response("خبر\n\n  عاجل".encode(), headers={"Content-Type": "text/plain"})
    )
    assert fetch(httpserver.url_for("/plain")).text == "خبر عاجل"


def test_it_follows_three_redirects_and_refuses_a_fourth(
    httpserver, loopback_allowed: None
) -> None:
    for hop in range(4):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request("/r4").respond_with_data("end", content_type="text/plain")

    assert fetch(httpserver.url_for("/r1")).text == "end"
    with pytest.raises(Refused, match="redirects"):
        fetch(httpserver.url_for("/r0"))


def test_it_sends_no_cookies_and_names_the_desk(
    httpserver, loopback_allowed: None
) -> None:
    seen: list[Request] = []

    def article(request: Request) -> Response:
        seen.append(request)
        return Response("ok", content_type="text/plain")

    httpserver.expect_request("/login").respond_with_data(
        "", status=302, headers={"Location": "/article", "Set-Cookie": "sid=abc"}
    )
    httpserver.expect_request("/article").respond_with_handler(article)

    fetch(httpserver.url_for("/login"))

    assert "Cookie" not in seen[0].headers
    assert seen[0].headers["User-Agent"].startswith("Newsroom Fact-Check Desk")


# Long enough that a fetch still waiting when it ends has ignored its timeout; a
# fetch that keeps its timeout ends the test long before.
HOLD = 30.0


@pytest.fixture
def release(httpserver) -> Iterator[threading.Event]:
    """What a slow handler waits for instead of sleeping: set when the test ends
    (before the server is cleared), so the handler lets go of the server then."""
    event = threading.Event()
    yield event
    event.set()


def test_it_gives_up_on_a_slow_server_and_allows_a_retry(
    httpserver, loopback_allowed: None, settings, release: threading.Event
) -> None:
    settings.FETCH_READ_TIMEOUT = 0.3

    def never_in_time(request: Request) -> Response:
        release.wait(HOLD)
        return Response("late", content_type="text/plain")

    httpserver.expect_request("/slow").respond_with_handler(never_in_time)

    # Only the read timeout can end this before the handler answers.
    with pytest.raises(FetchFailed, match="network error") as failure:
        fetch(httpserver.url_for("/slow"))

    assert failure.value.retryable is True


def test_it_gives_up_on_a_server_that_trickles_the_body(
    httpserver, loopback_allowed: None, settings, release: threading.Event
) -> None:
    settings.FETCH_TOTAL_TIMEOUT = 0.5
    sent: list[bytes] = []

    def trickle() -> Iterator[bytes]:
        # A few bytes at a time, each well within the read timeout, for as long as
        # HOLD: only the whole-body deadline stops the fetch before the body ends.
        for _ in range(int(HOLD / 0.05)):
            if release.wait(0.05):
                return
            sent.append(b"x" * 10)
            yield sent[-1]

    httpserver.expect_request("/trickle").respond_with_handler(
        lambda request: Response(trickle(), content_type="text/plain")
    )

    with pytest.raises(FetchFailed, match="took too long") as failure:
        fetch(httpserver.url_for("/trickle"))

    assert failure.value.retryable is True
    assert sent, "the server sent nothing, so no trickle was read"


def test_it_allows_a_retry_when_the_body_stalls_past_the_read_timeout(
    httpserver, loopback_allowed: None, settings, release: threading.Event
) -> None:
    settings.FETCH_READ_TIMEOUT = 0.3

    def stall() -> Iterator[bytes]:
        yield b"start"
        release.wait(HOLD)
        yield b"end"

    httpserver.expect_request("/stall").respond_with_handler(
        lambda request: Response(stall(), content_type="text/plain")
    )

    with pytest.raises(FetchFailed, match="network error") as failure:
        fetch(httpserver.url_for("/stall"))

    assert failure.value.retryable is True


def _stream(size: int) -> Iterator[bytes]:
    for _ in range(size // 1000):
        yield b"x" * 1000


@pytest.mark.parametrize("declared_length", [True, False])
def test_it_aborts_an_oversized_body_for_good(
    declared_length: bool, httpserver, loopback_allowed: None, settings
) -> None:
    settings.FETCH_MAX_BYTES = 4000
    body = b"x" * 5000 if declared_length else _stream(50_000)
    httpserver.expect_request("/big").respond_with_response(
        Response(body, content_type="text/plain")
    )

    with pytest.raises(FetchFailed, match="larger") as failure:
        fetch(httpserver.url_for("/big"))

    assert failure.value.retryable is False


def test_it_refuses_a_disallowed_content_type_for_good(
    httpserver, loopback_allowed: None
) -> None:
    httpserver.expect_request("/logo.png").respond_with_data(
        b"\x89PNG\r\n", content_type="image/png"
    )

    with pytest.raises(FetchFailed, match="image/png") as failure:
        fetch(httpserver.url_for("/logo.png"))

    assert failure.value.retryable is False


def test_it_returns_a_client_error_for_the_archive_to_record(
    httpserver, loopback_allowed: None
) -> None:
    httpserver.expect_request("/gone").respond_with_data(
        "<p>لم نجد الصفحة</p>", status=404, content_type="text/html; charset=utf-8"
    )

    fetched = fetch(httpserver.url_for("/gone"))

    assert fetched.status == 404
    assert fetched.text == "لم نجد الصفحة"


def test_it_fails_a_server_error_so_it_is_retried(
    httpserver, loopback_allowed: None
) -> None:
    httpserver.expect_request("/busy").respond_with_data("busy", status=503)

    with pytest.raises(FetchFailed) as failure:
        fetch(httpserver.url_for("/busy"))

    assert failure.value.retryable is True


@pytest.fixture
def raw_answer() -> Iterator[Callable[[bytes], str]]:
    """A server on 127.0.0.1 that sends exactly the bytes it is given, headers and
    all, to the first request, then closes. Werkzeug rewrites a Content-Length it
    disagrees with, so it cannot send the bad ones."""
    server = socket.create_server(("127.0.0.1", 0))
    threads: list[threading.Thread] = []

    def serve(answer: bytes) -> None:
        connection, _ = server.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request and (chunk := connection.recv(4096)):
                request += chunk
            connection.sendall(answer)

    def answering(answer: bytes) -> str:
        thread = threading.Thread(target=serve, args=(answer,), daemon=True)
        thread.start()
        threads.append(thread)
        return f"http://127.0.0.1:{server.getsockname()[1]}/odd"

    yield answering
    server.close()
    for thread in threads:
        thread.join(HOLD)


@pytest.mark.parametrize("declared", ["²", "¹²", "4x", "-1"])
def test_it_refuses_a_length_that_is_not_a_number_for_good(
    declared: str, raw_answer, loopback_allowed: None
) -> None:
    # "²" passes str.isdigit(), which int() then refuses; HTTP headers travel as
    # Latin-1, so that is the kind of non-ASCII digit a server can send.
    url = raw_answer(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
        b"Content-Length: " + declared.encode("latin-1") + b"\r\n"
        b"Connection: close\r\n\r\n1234"
    )

    with pytest.raises(FetchFailed, match="Content-Length") as failure:
        fetch(url)

    assert failure.value.retryable is False
