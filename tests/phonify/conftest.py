import socket
import time
from urllib.parse import unquote

import pytest

from phonify.personas import personas_load
from phonify.thread import SwitchThread


@pytest.fixture
def phonify():
    """Phonify on a free port with the built-in personas; every wait 100x shorter."""
    runner = SwitchThread(port=0, personas=personas_load(), time_scale=0.01, heartbeat_seconds=0.2)
    switch = runner.start()
    switch.runner = runner
    yield switch
    runner.stop()


class RawClient:
    """A second, independent ESL client: plain sockets and the notes' framing, nothing shared."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.buffer = b""

    def send(self, text: str) -> None:
        self.sock.sendall(text.encode() + b"\n\n")

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        self.buffer += chunk

    def frame(self) -> tuple[bytes, dict[str, str], bytes]:
        """(raw header block, headers, body) of the next frame."""
        while b"\n\n" not in self.buffer:
            self._fill()
        block, self.buffer = self.buffer.split(b"\n\n", 1)
        headers = dict(line.split(": ", 1) for line in block.decode().split("\n"))
        length = int(headers.get("Content-Length", 0))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return block, headers, body

    def event(self, name: str, timeout: float = 5) -> tuple[dict[str, str], str]:
        """The next event of this name: its (still URL-encoded) headers and its body."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, framing, body = self.frame()
            if framing.get("Content-Type") != "text/event-plain":
                continue
            block, _, inner_body = body.partition(b"\n\n")
            headers = dict(line.split(": ", 1) for line in block.decode().split("\n"))
            if headers["Event-Name"] == name or unquote(headers.get("Event-Subclass", "")) == name:
                return headers, inner_body.decode()
        raise TimeoutError(name)

    def login(self, password: str = "ClueCon") -> None:
        self.frame()
        self.send(f"auth {password}")
        self.frame()


@pytest.fixture
def raw(phonify):
    client = RawClient(phonify.port)
    yield client
    client.sock.close()


def fork_server(conversation) -> int:
    """Start a WebSocket server speaking the audio-fork subprotocol on its own thread; returns its port.
    `conversation(socket)` handles one fork; the call ending (Phonify closing the fork) is not an error."""
    import asyncio
    import threading

    from websockets.asyncio.server import serve
    from websockets.exceptions import ConnectionClosed

    ready, port = threading.Event(), []

    async def handler(socket):
        try:
            await conversation(socket)
        except ConnectionClosed:
            pass

    async def main():
        server = await serve(handler, "127.0.0.1", 0, subprotocols=["audio.drachtio.org"])
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        await server.serve_forever()

    threading.Thread(target=lambda: asyncio.run(main()), daemon=True).start()
    assert ready.wait(5), "the fork server did not start"
    return port[0]
