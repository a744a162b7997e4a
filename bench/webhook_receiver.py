"""A minimal webhook receiver for the webhooks phase: answers every POST 204, keeps nothing.

Run as `python -m bench.webhook_receiver PORT`: plain asyncio, HTTP/1.1 keep-alive, so that
the receiver costs little of the machine the dispatcher is measured on.
"""

from __future__ import annotations

import asyncio
import sys

ANSWER = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"


async def _serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            writer.write(ANSWER)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(_serve, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
