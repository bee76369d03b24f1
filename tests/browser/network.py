"""
The exam hall's network, for the browser tests: a TCP relay in front of the live server that can be cut.

Playwright's ``context.set_offline`` does not reach a page's service worker: its fetches still get to the server, so
a page "opened offline from the worker's copy" would in truth come from the network. Through the relay, cutting the
network fails every connection of the browser, the worker's included (the relay accepts and closes it at once, as a
dead access point does), and restoring it lets them through again.
"""
import contextlib
import socket
import threading
from urllib.parse import urlsplit


class Relay:
    """``url`` leads to the live server while the network is up; ``cut()`` and ``restore()`` switch it."""

    def __init__(self, target_url):
        target = urlsplit(target_url)
        self._target = (target.hostname, target.port)
        self._listener = socket.create_server(('localhost', 0))
        self.url = f'http://localhost:{self._listener.getsockname()[1]}'
        self._up = threading.Event()
        self._up.set()
        self._open = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self):
        """The network goes: open connections drop, new ones are closed as soon as they come."""
        self._up.clear()
        with self._lock:
            for connection in list(self._open):
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()
            self._open.clear()

    def restore(self):
        """The network is back."""
        self._up.set()

    def close(self):
        """Stop relaying (end of the session)."""
        self.cut()
        self._listener.close()

    def _accept(self):
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            if not self._up.is_set():
                client.close()
                continue
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        try:
            server = socket.create_connection(self._target)
        except OSError:
            client.close()
            return
        with self._lock:
            self._open.update((client, server))
        threading.Thread(target=self._pipe, args=(server, client), daemon=True).start()
        self._pipe(client, server)

    def _pipe(self, source, sink):
        try:
            while self._up.is_set():
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
