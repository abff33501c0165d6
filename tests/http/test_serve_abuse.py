"""`seeding-suite serve` as a process: a client's mistakes get 4xx and leave stderr clean."""

from __future__ import annotations

import socket
import time
from pathlib import Path

from tests.support.served import serve_process

MISTAKES = [
    b"POST /api/query HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n",
    b"POST /api/query HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 400001\r\n\r\n"
    + b"[" * 200_000
    + b"1"
    + b"]" * 200_000,
    b"POST /api/mutation HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n"
    + b'{"p":"\xc3\x28"}',
    b"GET /api/query?path=seeding:readState&args=%5B%5B%5B HTTP/1.1\r\n\r\n",
]


def send(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_malformed_and_slow_requests_get_4xx_and_no_traceback(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--memory", "--read-timeout", "0.5") as served:
        statuses = [send(served.url, request).split(b" ")[1] for request in MISTAKES]
        stalled = send(served.url, b"POST /api/query HTTP/1.1\r\nContent-Len")  # never ends
        time.sleep(0.1)
        ok = send(served.url, b"GET / HTTP/1.1\r\n\r\n")
    assert statuses == [b"400", b"400", b"400", b"400"]
    assert stalled.startswith(b"HTTP/1.1 408 ")
    assert ok.startswith(b"HTTP/1.1 200 ")
    assert served.process.returncode == 0
    assert "Traceback" not in served.stderr
    assert served.stderr == ""


def test_serve_refuses_a_worker_count_below_one(tmp_path: Path) -> None:
    with serve_process(tmp_path, "--memory", "--workers", "0") as served:
        pass
    assert served.process.returncode == 2
    assert "argument --workers: expected a whole number from 1 to 256" in served.stderr
    assert served.url == ""  # it never printed a URL
