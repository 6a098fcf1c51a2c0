"""A loopback HTTPS server for tests (trustme certificate): answers by (Host, path).

Routes: ``{(host, path): (status, headers, body)}``; anything else is 404. Reached through
``--autoconfig-port`` with the DNS fixture answering 127.0.0.1 for the route's host names.
"""

from __future__ import annotations

import contextlib
import http.server
import ssl
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

Route = tuple[int, dict[str, str], bytes]


@contextlib.contextmanager
def https_server(routes: Mapping[tuple[str, str], Route], names: tuple[str, ...], folder: Path
                 ) -> Iterator[tuple[int, Path]]:
    """Serve ``routes`` on 127.0.0.1; yields (port, CA PEM path)."""
    import trustme

    ca = trustme.CA()
    ca_file = folder / "https-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    seen: list[tuple[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            seen.append((host, self.path))
            status, headers, body = routes.get((host, self.path), (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], ca_file
    finally:
        server.shutdown()
        server.server_close()
