"""A remote endpoint that is down, slow, or cut off mid-request: a clear error, no half write."""
from __future__ import annotations

import os
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kg.errors import StoreError
from kg.store.remote import RETRIES, RemoteStore

ROOT = Path(__file__).resolve().parents[2]
G = URIRef("https://example.org/source/cut")


def triples(version: str, n: int = 4500) -> list[tuple]:
    return [(URIRef(f"https://example.org/s{i}"), URIRef("https://example.org/v"),
             Literal(version)) for i in range(n)]


def versions(store: RemoteStore) -> dict[str, int]:
    rows = store.select(f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }} "
                        "GROUP BY ?o")
    return {str(r["o"]): int(r["n"]) for r in rows}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy:
    """A loopback TCP proxy in front of Virtuoso that misbehaves on purpose.

    `cut_after`: forward this many bytes of the request, then close both sides (a client
    that dies mid-request). `hold`: forward the request whole, hold the answer this long.
    `silent`: accept and never answer. `drop`: read this many requests whole, forward
    none of them and reset their connections (a busy server dropping them).
    """

    def __init__(self, target_port: int, *, cut_after: int | None = None, hold: float = 0,
                 silent: bool = False, drop: int = 0, port: int = 0) -> None:
        self.target_port, self.cut_after, self.hold, self.silent = (
            target_port, cut_after, hold, silent)
        self.drop = drop
        self.dropped = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.forwarded = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                client, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            if self.silent:
                self.stopped.wait(60)
                return
            if self.dropped < self.drop:
                self.dropped += 1
                self._read_request(client)
                # linger 0: the close resets the connection instead of ending it
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            with upstream:
                request = self._read_request(client)
                if self.cut_after is not None:
                    upstream.sendall(request[:self.cut_after])
                    self.forwarded.set()
                    return  # both sockets close: the request stops half-way
                upstream.sendall(request)
                self.forwarded.set()
                upstream.settimeout(120)
                answer = b""
                while chunk := upstream.recv(65536):
                    answer += chunk
                    if _complete(answer):
                        break
                self.stopped.wait(self.hold)
                try:
                    client.sendall(answer)
                except OSError:
                    pass

    @staticmethod
    def _read_request(client: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            data += client.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        while len(body) < length:
            body += client.recv(65536)
        return head + b"\r\n\r\n" + body

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


def _complete(answer: bytes) -> bool:
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return body.endswith(b"0\r\n\r\n")


@pytest.fixture
def proxy_factory(virtuoso_server) -> Iterator:
    made: list[Proxy] = []

    def make(**kw: object) -> Proxy:
        p = Proxy(virtuoso_server.http_port, **kw)  # type: ignore[arg-type]
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


def test_endpoint_down_is_a_store_error_naming_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    store = RemoteStore(url, originals_dir=tmp_path)
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:\d+/sparql is unreachable"):
        store.count()
    with pytest.raises(StoreError, match="unreachable"):
        store.replace_graph(G, triples("A", 10))


def test_cli_with_endpoint_down_prints_one_line_and_exits_5(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/sparql"
    env = {**os.environ, "KG_STORE": f"sparql+{url}", "HOME": str(tmp_path)}
    r = subprocess.run([str(ROOT / ".venv" / "bin" / "kg"), "stats"], capture_output=True,
                       text=True, env=env, timeout=120)
    assert r.returncode == 5
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and url in lines[0]


def test_endpoint_that_never_answers_times_out_with_a_clear_error(proxy_factory,
                                                                   tmp_path: Path) -> None:
    proxy = proxy_factory(silent=True)
    store = RemoteStore(proxy.url, timeout=1, originals_dir=tmp_path)
    t0 = time.monotonic()
    with pytest.raises(StoreError, match=rf"{proxy.url} did not answer the query within 1 s"):
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert time.monotonic() - t0 < 30


def test_a_dropped_query_is_sent_again_a_dropped_update_is_not(
        remote_store: RemoteStore, proxy_factory, tmp_path: Path) -> None:
    remote_store.replace_graph(G, triples("A", 10))
    once = proxy_factory(drop=1)
    store = RemoteStore(once.url, timeout=10, originals_dir=tmp_path)
    assert versions(store) == {"A": 10}           # answered on the second connection
    assert once.dropped == 1
    update = proxy_factory(drop=1)
    store = RemoteStore(update.url, timeout=10, originals_dir=tmp_path)
    with pytest.raises(StoreError, match=rf"{update.url} dropped the connection"):
        store.replace_graph(G, triples("B", 10))  # it may have run: the caller decides
    assert update.dropped == 1
    assert versions(remote_store) == {"A": 10}
    always = proxy_factory(drop=99)
    store = RemoteStore(always.url, timeout=10, originals_dir=tmp_path)
    with pytest.raises(StoreError, match=rf"{always.url} dropped the connection"):
        store.count()
    assert always.dropped == RETRIES


def test_a_query_refused_for_a_moment_is_answered_once_the_endpoint_listens(
        remote_store: RemoteStore, proxy_factory, tmp_path: Path) -> None:
    remote_store.replace_graph(G, triples("A", 10))
    port = closed_port()
    late = threading.Timer(0.2, lambda: proxy_factory(port=port))   # listens 0.2 s late
    late.start()
    store = RemoteStore(f"http://127.0.0.1:{port}/sparql", timeout=10, originals_dir=tmp_path)
    try:
        assert versions(store) == {"A": 10}
    finally:
        late.join()


def test_client_cut_off_mid_request_writes_nothing(remote_store: RemoteStore, proxy_factory,
                                                   tmp_path: Path) -> None:
    remote_store.replace_graph(G, triples("A"))
    request_size = len("update=") + 4500 * 60  # the update is well past this many bytes
    proxy = proxy_factory(cut_after=request_size // 2)
    cut = RemoteStore(proxy.url, timeout=10, originals_dir=tmp_path)
    with pytest.raises(StoreError, match=proxy.url):
        cut.replace_graph(G, triples("B"))
    assert proxy.forwarded.is_set()
    time.sleep(0.5)
    assert versions(remote_store) == {"A": 4500}


def test_slow_answer_times_out_but_the_server_writes_all_or_nothing(
        remote_store: RemoteStore, proxy_factory, tmp_path: Path) -> None:
    remote_store.replace_graph(G, triples("A"))
    proxy = proxy_factory(hold=5)
    slow = RemoteStore(proxy.url, timeout=1, originals_dir=tmp_path)
    with pytest.raises(StoreError, match=rf"{proxy.url} did not answer the update"):
        slow.replace_graph(G, triples("B"))
    # The server got the whole request: it commits all of it, never a part.
    seen = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        v = versions(remote_store)
        assert v in ({"A": 4500}, {"B": 4500}), v
        seen.add(next(iter(v)))
        if "B" in seen:
            break
        time.sleep(0.2)
    assert seen == {"B"} or seen == {"A", "B"}


def test_credentials_reach_the_protected_endpoint(virtuoso_server, tmp_path: Path) -> None:
    url = virtuoso_server.sparql_url + "-auth"
    good = RemoteStore(url, user="dba", password="dba", originals_dir=tmp_path)
    good.replace_graph(G, triples("A", 3))
    assert good.count(G) == 3
    good.remove_graph(G)
    bad = RemoteStore(url, user="dba", password="wrong", originals_dir=tmp_path)
    with pytest.raises(StoreError, match=rf"{url} refused the credentials"):
        bad.count()
