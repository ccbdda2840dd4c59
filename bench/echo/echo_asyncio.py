"""The echo benchmark's asyncio server (bench/echo.py): what a reader of the lesson would write
with Python's standard library streams, one coroutine per connection. Listens on 127.0.0.1, an
ephemeral port, prints "port N" and serves until killed."""
import asyncio
import resource


async def echo(reader, writer):
    try:
        while data := await reader.read(1024):
            writer.write(data)
            await writer.drain()
    except ConnectionError:
        pass  # the peer went away: the connection is done
    writer.close()


async def main():
    server = await asyncio.start_server(echo, "127.0.0.1", 0, backlog=4096)
    print(f"port {server.sockets[0].getsockname()[1]}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    # 10,000 connections need more descriptors than the usual soft limit of 1024.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main())
