"""A real DNS server on loopback for tests: zone data in, ``HOST:PORT`` out.

Tests never resolve a public name; they point the resolver (``nameserver="127.0.0.1:PORT"``)
at this server. It speaks UDP and TCP on the same free port (dnspython falls back to TCP
on truncation) and is written on plain sockets with dnslib only packing and parsing
messages, so a test can also make it misbehave: answer SERVFAIL or never answer at all.

Zone data: ``{name: records}`` where ``records`` is a dict of record type to a list of
values, or the string ``"SERVFAIL"`` or ``"SILENT"`` (never answer). A name that is not in
the zone is NXDOMAIN; a name without records of the asked type is NODATA.

    A / AAAA: "127.0.0.1"             MX: (10, "mx.example.test")
    TXT: "v=spf1 -all"                 SRV: (0, 1, 587, "smtp.example.test")
    CNAME: "target.example.test"
"""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dnslib import AAAA, CNAME, MX, QTYPE, RCODE, RR, SRV, TXT, A, DNSRecord

Zone = Mapping[str, Mapping[str, list[Any]] | str]


def _rdata(rtype: str, value: Any) -> Any:
    if rtype == "A":
        return A(value)
    if rtype == "AAAA":
        return AAAA(value)
    if rtype == "MX":
        preference, host = value
        return MX(host, preference)
    if rtype == "TXT":
        # Long TXT values are split into 255-byte strings, as real zones do.
        raw = value.encode()
        return TXT([raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""])
    if rtype == "SRV":
        priority, weight, port, target = value
        return SRV(priority, weight, port, target)
    if rtype == "CNAME":
        return CNAME(value)
    raise ValueError(f"unsupported record type {rtype}")


class LoopbackDnsServer:
    """UDP + TCP DNS server on 127.0.0.1; ``queries`` lists (name, type) asked, for assertions."""

    def __init__(self, zone: Zone, ttl: int = 60) -> None:
        self.zone = {self._key(name): records for name, records in zone.items()}
        self.ttl = ttl
        self.queries: list[tuple[str, str]] = []
        self._udp, self._tcp = self._bind_pair()
        self.port: int = self._udp.getsockname()[1]
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._serve_udp, daemon=True),
            threading.Thread(target=self._serve_tcp, daemon=True),
        ]

    @property
    def address(self) -> str:
        """``HOST:PORT`` as the resolver factory and ``--dns-server`` take it."""
        return f"127.0.0.1:{self.port}"

    @staticmethod
    def _key(name: str) -> str:
        return name.rstrip(".").lower()

    @staticmethod
    def _bind_pair() -> tuple[socket.socket, socket.socket]:
        """A UDP and a TCP socket on the same free loopback port."""
        for _ in range(50):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            udp.bind(("127.0.0.1", 0))
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                tcp.bind(("127.0.0.1", udp.getsockname()[1]))
            except OSError:
                udp.close()
                tcp.close()
                continue
            tcp.listen(16)
            udp.settimeout(0.1)
            tcp.settimeout(0.1)
            return udp, tcp
        raise RuntimeError("no free loopback port for the test DNS server")

    def start(self) -> LoopbackDnsServer:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        self._udp.close()
        self._tcp.close()

    def answer(self, packet: bytes) -> bytes | None:
        """The reply to one query, or None to stay silent."""
        try:
            request = DNSRecord.parse(packet)
        except Exception:
            return None
        qname = self._key(str(request.q.qname))
        qtype = QTYPE[request.q.qtype]
        self.queries.append((qname, qtype))
        reply = request.reply()
        records = self.zone.get(qname)
        if records is None:
            reply.header.rcode = RCODE.NXDOMAIN
        elif records == "SILENT":
            return None
        elif records == "SERVFAIL":
            reply.header.rcode = RCODE.SERVFAIL
        else:
            assert isinstance(records, Mapping)
            for rtype in (qtype, "CNAME") if qtype != "CNAME" else (qtype,):
                for value in records.get(rtype, []):
                    reply.add_answer(RR(request.q.qname, getattr(QTYPE, rtype), rdata=_rdata(rtype, value),
                                        ttl=self.ttl))
                if reply.rr:
                    break
        return reply.pack()

    def _serve_udp(self) -> None:
        while not self._stop.is_set():
            try:
                packet, peer = self._udp.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            data = self.answer(packet)
            if data is not None:
                if len(data) > 512:  # classic UDP limit: truncate, the client retries over TCP
                    record = DNSRecord.parse(data)
                    record.rr = []
                    record.header.tc = 1
                    data = record.pack()
                self._udp.sendto(data, peer)

    def _serve_tcp(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._tcp.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._tcp_client, args=(conn,), daemon=True).start()

    def _tcp_client(self, conn: socket.socket) -> None:
        conn.settimeout(2)
        with conn:
            try:
                while not self._stop.is_set():
                    head = conn.recv(2)
                    if len(head) < 2:
                        return
                    (length,) = struct.unpack("!H", head)
                    packet = b""
                    while len(packet) < length:
                        chunk = conn.recv(length - len(packet))
                        if not chunk:
                            return
                        packet += chunk
                    data = self.answer(packet)
                    if data is None:
                        continue
                    conn.sendall(struct.pack("!H", len(data)) + data)
            except OSError:
                return


@contextmanager
def dns_server(zone: Zone) -> Iterator[LoopbackDnsServer]:
    """Start a loopback DNS server for the block: ``with dns_server(zone) as dns: dns.address``."""
    server = LoopbackDnsServer(zone).start()
    try:
        yield server
    finally:
        server.stop()
