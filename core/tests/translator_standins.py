"""Stand-ins for the paid translation services, on 127.0.0.1, for the tests only.

Each speaks its provider's documented HTTP protocol (path, query, headers, JSON in and
out, error statuses), checks what it receives, and records every request. The
"translation" is the text upper-cased and tagged with the target language.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KEY = "secret-key:fx"


@dataclass
class StandIn:
    """A running stand-in: its URL for TRANSLATOR_URL, what it received, what it answers."""

    provider: str
    port: int = 0
    requests: list[dict] = field(default_factory=list)
    fail_with: int | None = None  # answer this status instead of translating
    delay: float = 0  # seconds before answering
    trickle: float = 0  # seconds between the bytes of the answer
    raw_answer: bytes | None = None  # answer this body (status 200) instead

    @property
    def url(self) -> str:
        query = "?region=westeurope" if self.provider == "microsoft" else ""
        return f"{self.provider}+http://{KEY.replace(':', '%3A')}@127.0.0.1:{self.port}{query}"


def translated(text: str, target: str) -> str:
    return f"[{target}] {text.upper()}"


def handler_for(stand_in: StandIn):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            """Quiet."""

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"null")
            parts = urlsplit(self.path)
            record = {"path": parts.path, "query": parse_qs(parts.query),
                      "headers": dict(self.headers), "json": body}  # fmt: skip
            stand_in.requests.append(record)
            time.sleep(stand_in.delay)
            if stand_in.raw_answer is not None:
                return self.answer(200, None, raw=stand_in.raw_answer)
            if stand_in.fail_with:
                return self.answer(stand_in.fail_with, {"error": "stand-in failure"})
            status, answer = getattr(self, stand_in.provider)(parts, body)
            self.answer(status, answer)

        def answer(self, status, payload, raw=None):
            data = json.dumps(payload).encode() if raw is None else raw
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            for byte in data if stand_in.trickle else [data]:
                self.wfile.write(bytes([byte]) if stand_in.trickle else byte)
                self.wfile.flush()
                time.sleep(stand_in.trickle)

        def microsoft(self, parts, body):
            query = parse_qs(parts.query)
            if self.headers.get("Ocp-Apim-Subscription-Key") != KEY:
                return 401, {"error": {"code": 401000, "message": "invalid key"}}
            if parts.path != "/translate" or query.get("api-version") != ["3.0"]:
                return 404, {"error": {"code": 404001}}
            target = query["to"][0]
            return 200, [{"translations": [{"text": translated(body[0]["Text"], target),
                                            "to": target}]}]  # fmt: skip

        def deepl(self, parts, body):
            if self.headers.get("Authorization") != f"DeepL-Auth-Key {KEY}":
                return 403, {"message": "Wrong key"}
            if parts.path != "/v2/translate":
                return 404, {}
            text = translated(body["text"][0], body["target_lang"].lower())
            source = body["source_lang"]
            return 200, {"translations": [{"detected_source_language": source, "text": text}]}

        def libretranslate(self, parts, body):
            if body.get("api_key") != KEY:
                return 403, {"error": "Invalid API key"}
            if parts.path != "/translate" or body.get("format") != "text":
                return 400, {"error": "bad request"}
            return 200, {"translatedText": translated(body["q"], body["target"])}

    return Handler


def start(provider: str) -> tuple[StandIn, ThreadingHTTPServer]:
    """A stand-in for `provider` listening on a free port of 127.0.0.1."""
    stand_in = StandIn(provider)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(stand_in))
    stand_in.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return stand_in, server
