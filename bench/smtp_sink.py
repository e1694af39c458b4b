"""An SMTP sink on loopback for the newsletter benchmark: accepts and counts, keeps nothing.

A few lines of asyncio rather than aiosmtpd: aiosmtpd parses DATA line by line in Python,
which made the sink, not the sender, the bottleneck (about 100 messages/s). This one reads
each message up to its terminating dot in one call.

    python bench/smtp_sink.py PORT COUNT_FILE
"""

import asyncio
import sys

count = 0


async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    global count
    writer.write(b"220 sink ESMTP\r\n")
    try:
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                writer.write(
                    b"250-sink\r\n250 8BITMIME\r\n" if verb == b"EHLO" else b"250 sink\r\n"
                )
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                await reader.readuntil(b"\r\n.\r\n")
                count += 1
                writer.write(b"250 accepted\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:  # MAIL, RCPT, RSET, NOOP
                writer.write(b"250 ok\r\n")
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def report(path: str) -> None:
    while True:
        with open(path, "w") as out:
            out.write(str(count))
        await asyncio.sleep(0.2)


async def main() -> None:
    port, count_file = int(sys.argv[1]), sys.argv[2]
    server = await asyncio.start_server(session, "127.0.0.1", port, limit=2**24)
    async with server:
        await asyncio.gather(server.serve_forever(), report(count_file))


if __name__ == "__main__":
    asyncio.run(main())
