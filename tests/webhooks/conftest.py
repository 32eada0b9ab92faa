"""A real HTTP receiver on loopback (http.server in a thread) and webhook fixtures."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import EndpointFactory


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next of `answers` (status, headers, body); 200 when none
    are left. Every request is kept in `requests`."""

    url: str
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict, bytes]] = field(default_factory=list)

    def answer(self, status: int, *, headers: dict | None = None, body: bytes = b"") -> None:
        self.answers.append((status, headers or {}, body))


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
            status, headers, answer = (
                receiver.answers.pop(0) if receiver.answers else (200, {}, b"ok")
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def receiver(settings):
    """A receiver on a free loopback port; delivering to it needs private targets allowed."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    receiver = Receiver(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/in?source=test"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def endpoint_factory():
    return EndpointFactory
