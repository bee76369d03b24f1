"""
A TCP proxy between the app server and MariaDB that the load run can cut and restore, to see what candidates get
when the LMS loses its database: open connections die mid-query and new ones are refused, as when the database
host or the network to it goes away.
"""
import asyncio
import contextlib
import threading

CHUNK_BYTES = 64 * 1024


class DatabaseProxy:
    """
    Forwards connections on ``127.0.0.1:<port>`` to the database, on its own thread and event loop.

    ``cut()`` aborts every open connection (both sides get a reset) and refuses new ones by accepting and closing
    them; ``restore()`` forwards again.
    """

    def __init__(self, upstream_host='127.0.0.1', upstream_port=3306):
        self.upstream = (upstream_host, upstream_port)
        self.port = None
        self.connections_forwarded = 0
        self.connections_cut = 0  # open when a cut came: queries and transactions it broke off
        self._is_cut = False
        self._open = set()  # the transports of both sides of every forwarded connection
        self._loop = asyncio.new_event_loop()
        self._server = None
        self._thread = threading.Thread(target=self._loop.run_forever, name='database-proxy', daemon=True)

    def start(self):
        """Listen on a free port (``self.port``) and forward from now on."""
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._accept, '127.0.0.1', 0, backlog=512), self._loop).result()
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    def cut(self):
        """Abort every open connection and refuse new ones until ``restore()``."""
        self._call(self._cut)

    def restore(self):
        """Forward new connections again."""
        self._call(self._restore)

    def stop(self):
        """Close every connection and the listening socket, and end the proxy's thread."""
        self._call(self._cut)
        self._call(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _call(self, function):
        """Run ``function`` on the proxy's loop and wait for it (the loop owns every transport)."""
        async def run():
            function()
        asyncio.run_coroutine_threadsafe(run(), self._loop).result()

    def _cut(self):
        self._is_cut = True
        self.connections_cut += len(self._open) // 2
        for transport in list(self._open):
            transport.abort()
        self._open.clear()

    def _restore(self):
        self._is_cut = False

    async def _accept(self, client_reader, client_writer):
        if self._is_cut:
            client_writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.transport.abort()
            return
        if self._is_cut:  # cut while connecting upstream
            client_writer.transport.abort()
            upstream_writer.transport.abort()
            return
        self.connections_forwarded += 1
        pair = {client_writer.transport, upstream_writer.transport}
        self._open |= pair
        try:
            await asyncio.gather(self._pump(client_reader, upstream_writer),
                                 self._pump(upstream_reader, client_writer))
        finally:
            self._open -= pair
            for transport in pair:
                transport.abort()

    @staticmethod
    async def _pump(reader, writer):
        """Copy one direction until it ends or fails; then end the other side's writing too."""
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while chunk := await reader.read(CHUNK_BYTES):
                writer.write(chunk)
                await writer.drain()
        with contextlib.suppress(OSError):
            writer.transport.abort()
