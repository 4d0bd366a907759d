"""A TCP proxy on 127.0.0.1 in front of the local PostgreSQL server, that a test stops and
starts: "the server is down, then back" for real (connections refused, open ones cut).

    with PgProxy() as proxy:          # listening on proxy.port, forwarding to 127.0.0.1:5432
        url = proxy.url("sarah_test_x")
        proxy.stop()                  # new connections refused, open ones cut
        proxy.start()                 # the same port again
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from types import TracebackType

UPSTREAM = ("127.0.0.1", 5432)


class PgProxy:
    def __init__(self, upstream: tuple[str, int] = UPSTREAM) -> None:
        self.upstream = upstream
        self.port = 0
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.connections = 0  # how many clients were forwarded (tests may check it moved)
        self._lose_commit_answer = threading.Event()
        self._cut_on_answer: set[socket.socket] = set()

    def lose_next_commit_answer(self) -> None:
        """The next COMMIT reaches the server, which commits; its answer is lost on the way
        back and the connection cut: a save whose answer was lost."""
        self._lose_commit_answer.set()

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    # --- running -----------------------------------------------------------------------------

    def start(self) -> None:
        """Listen (again) on the proxy's port; the first start picks a free one."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="pg-proxy", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a server that went away."""
        self._stopping.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, server in pairs:
            for sock in (client, server):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def __enter__(self) -> PgProxy:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- the thread -------------------------------------------------------------------------------

    def _serve(self) -> None:
        listener = self._listener
        assert listener is not None
        selector = selectors.DefaultSelector()
        selector.register(listener, selectors.EVENT_READ, None)
        try:
            while not self._stopping.is_set():
                for key, _events in selector.select(timeout=0.2):
                    if key.data is None:
                        self._accept(listener, selector)
                    else:
                        self._forward(key.fileobj, key.data, selector)  # type: ignore[arg-type]
        except (OSError, ValueError):
            pass  # the listener was closed by stop()
        finally:
            selector.close()

    def _accept(self, listener: socket.socket, selector: selectors.BaseSelector) -> None:
        try:
            client, _addr = listener.accept()
        except OSError:
            return
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        with self._lock:
            self._pairs.append((client, server))
        self.connections += 1
        selector.register(client, selectors.EVENT_READ, server)
        selector.register(server, selectors.EVENT_READ, client)

    def _forward(
        self, source: socket.socket, target: socket.socket, selector: selectors.BaseSelector
    ) -> None:
        try:
            data = source.recv(65536)
            if data and source in self._cut_on_answer:
                data = b""  # the server's answer to the COMMIT: lost, and the pair cut
                self._cut_on_answer.discard(source)
            elif data:
                if self._lose_commit_answer.is_set() and b"COMMIT" in data:
                    self._lose_commit_answer.clear()
                    self._cut_on_answer.add(target)
                target.sendall(data)
                return
        except OSError:
            pass
        for sock in (source, target):  # one side closed: close the pair
            with contextlib.suppress(KeyError, ValueError):
                selector.unregister(sock)
            sock.close()
