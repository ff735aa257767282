"""A stand-in for the national address API (Base Adresse Nationale `/search/`) on 127.0.0.1,
so that the browser tests see real suggestions without leaving the machine."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from cjeune_app.core.text import fold

# street words → (number, street, postal code, INSEE code, city)
STREETS = {
    "republique": (12, "Rue de la République", "13001", "13201", "Marseille"),
    "mirabeau": (5, "Cours Mirabeau", "13100", "13001", "Aix-en-Provence"),
    "cuges": (3, "Route de Cuges", "13780", "83104", "Riboux"),
}


def _feature(number, street, postcode, citycode, city) -> dict:
    name = f"{number} {street}"
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [5.37, 43.3]},
            "properties": {"label": f"{name} {postcode} {city}", "name": name, "postcode": postcode,
                           "citycode": citycode, "city": city, "type": "housenumber", "street": street}}


class AddressApi:
    def __init__(self):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = fold(parse_qs(urlsplit(self.path).query).get("q", [""])[0])
                features = [_feature(*row) for word, row in STREETS.items() if word in query]
                body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
