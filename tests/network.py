"""Fixtures for code that reaches the network: nothing leaves this machine.

`connections` records every connect and lets through only 127.0.0.1, where
pytest-httpserver listens; `loopback_allowed` opens that one address to the
fetcher (the test-only FETCH_ALLOW_LOOPBACK).
"""

import socket

import pytest


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    # "localhost" may resolve to ::1, which the loopback allowance does not open.
    return "127.0.0.1", 0


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every address a fetch tried to connect to; only 127.0.0.1 is reached."""
    attempts: list[tuple[str, int]] = []
    real_connect = socket.socket.connect
    real_create_connection = socket.create_connection

    def connect(sock: socket.socket, address: tuple) -> None:
        attempts.append((address[0], address[1]))
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(f"test blocked a connect to {address[0]}")
        real_connect(sock, address)

    def create_connection(address: tuple, *args: object, **kwargs: object) -> object:
        attempts.append((address[0], address[1]))
        if address[0] != "127.0.0.1":
            raise ConnectionRefusedError(f"test blocked a connect to {address[0]}")
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts


@pytest.fixture
def loopback_allowed(settings) -> None:
    settings.FETCH_ALLOW_LOOPBACK = True
