"""A real HTTP server on localhost playing Brevo's transactional SMS API, and the local SMS outbox.

`SmsProvider` answers `POST /v3/transactionalSMS/sms` like Brevo (201 and a messageId when the
`api-key` header is the expected one, 401 otherwise) and keeps every request it received, so
that a test reads the code the application sent. It also serves `GET /_received` (JSON list)
for a test that runs in another process than the server (the browser tests' app server).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from cjeune_app.core.notifications import sms_outbox_dir, wait_for_queued_mail

API_KEY = "xkeysib-test-local"
CODE = re.compile(r"\b(\d{6})\b")


@dataclass(frozen=True)
class ReceivedSms:
    recipient: str  # as Brevo takes it: 33612345678
    content: str
    sender: str
    type: str
    api_key: str

    @property
    def code(self) -> str:
        match = CODE.search(self.content)
        assert match, f"pas de code dans « {self.content} »"
        return match.group(1)


class SmsProvider:
    def __init__(self, api_key: str = API_KEY, fail_with: int | None = None) -> None:
        self.api_key = api_key
        self.fail_with = fail_with
        self.received: list[ReceivedSms] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                body = json.dumps([r.__dict__ for r in provider.received]).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("content-length", "0"))
                payload = json.loads(self.rfile.read(length) or b"{}")
                key = self.headers.get("api-key", "")
                if self.path != "/v3/transactionalSMS/sms":
                    return self._answer(404, {"code": "not_found", "message": "Invalid route"})
                if key != provider.api_key:
                    return self._answer(401, {"code": "unauthorized", "message": "Key not found"})
                if provider.fail_with:
                    return self._answer(provider.fail_with, {"code": "failure", "message": "Provider error"})
                provider.received.append(ReceivedSms(payload.get("recipient", ""), payload.get("content", ""),
                                                     payload.get("sender", ""), payload.get("type", ""), key))
                return self._answer(201, {"reference": "ab1cde2fgh3i4jklmno", "messageId": len(provider.received)})

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> SmsProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def messages_to(self, e164: str) -> list[ReceivedSms]:
        wait_for_queued_mail()
        return [r for r in self.received if r.recipient == e164.lstrip("+")]


    def wait_for_message(self, e164: str, count: int, timeout: float = 20.0) -> ReceivedSms:
        """The `count`-th SMS to `e164`, once it arrived (sent by another process, the app server)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.messages_to(e164)
            if len(received) >= count:
                return received[count - 1]
            time.sleep(0.1)
        raise AssertionError(f"SMS n°{count} pour {e164} jamais reçu ({len(self.messages_to(e164))} reçus)")


def received_by(url: str, e164: str) -> list[dict]:
    """What a provider running in another process received for `e164`."""
    return [r for r in httpx.get(url + "/_received").json() if r["recipient"] == e164.lstrip("+")]


def outbox_sms() -> list[tuple[str, str]]:
    """(to, text) of each SMS in the local outbox, in sending order."""
    wait_for_queued_mail()
    found = []
    for path in sorted(sms_outbox_dir().glob("*.txt")):
        head, _, text = path.read_text(encoding="utf-8").partition("\n\n")
        found.append((head.removeprefix("To: ").strip(), text.strip()))
    return found
