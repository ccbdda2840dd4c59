"""The echo benchmark of bench/run: the I/O-bound half of the lesson, measured. Five servers in
the same shape (one connection = one task, coroutine or thread: bench/echo/) answer one load
generator (bench/echo/echo_load.cpp, raw Asio on one thread) over loopback TCP. The server is
pinned to one core and the load generator to another (taskset), so that the servers are
compared and not the clients; on a machine with one core nothing is pinned, and the table says
so.

Per server and number of connections: messages per second, and the p50 and p99 round trip;
per server, the resident memory each idle connection adds (10,000 connections open, one echo
each, then no traffic). And the lesson's point as a number: an asyncrt server whose requests
do CPU work (a prime check of a few hundred µs) on the loop or offloaded to the CPU pool,
against the round trip of a ping that does no work.
"""
import json
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONNECTIONS = (1, 100, 1000, 10000)
IDLE_CONNECTIONS = 10000


class EchoError(Exception):
    """A server or the load generator failed: the text says which and why."""


def servers(build):
    """(name, command) of each server; the command is None when its runtime is missing."""
    node = shutil.which("node") or shutil.which("nodejs")
    return [
        ("asyncrt", [str(build / "bench/echo_server"), "asyncrt"]),
        ("raw Asio", [str(build / "bench/echo_server"), "asio"]),
        ("Python asyncio", [sys.executable, str(HERE / "echo/echo_asyncio.py")]),
        ("Node.js net", [node, str(HERE / "echo/echo_node.js")] if node else None),
        ("thread per connection", [str(build / "bench/echo_server"), "threads"]),
    ]


def cores():
    """The core for the server and the one for the load generator, or None (one core)."""
    usable = sorted(os.sched_getaffinity(0))
    return (str(usable[0]), str(usable[1])) if len(usable) >= 2 else None


def pinned(command, core):
    return ["taskset", "-c", core, *command] if core is not None else command


def read_line(process, seconds, what):
    """The next line of the process's stdout, waiting at most `seconds`."""
    ready, _, _ = select.select([process.stdout], [], [], seconds)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        err = process.stderr.read().strip().splitlines()
        raise EchoError(f"{what}: no answer" + (f" ({err[-1]})" if err else
                                               f" within {seconds} s"))
    return line


class Server:
    """A server process listening on loopback; stopped on leaving the with block."""
    def __init__(self, name, command, core):
        self.name = name
        self.process = subprocess.Popen(pinned(command, core), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        words = read_line(self.process, 30, f"the {name} server").split()
        if words[:1] != ["port"]:
            raise EchoError(f"the {name} server said {' '.join(words)!r}, not its port")
        self.port = words[1]

    def rss_kb(self):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise EchoError(f"the {self.name} server: no VmRSS")

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


def load(build, server, connections, timing, core, extra=()):
    """echo_load against the server: its JSON object."""
    warmup, seconds = timing
    command = pinned([str(build / "bench/echo_load"), server.port, str(connections),
                      "--warmup", str(warmup), "--seconds", str(seconds), *extra], core)
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=warmup + seconds + 120)
    except subprocess.TimeoutExpired as e:
        raise EchoError(f"the load generator did not finish within {e.timeout:.0f} s") from e
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        raise EchoError(last[0])
    return json.loads(done.stdout)


def idle_bytes(build, server, connections, core):
    """Resident bytes each of `connections` idle connections adds to the server."""
    before = server.rss_kb()
    client = subprocess.Popen(pinned([str(build / "bench/echo_load"), server.port,
                                      str(connections), "--idle"], core),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        read_line(client, 300, f"{connections} idle connections to the {server.name} server")
        time.sleep(0.2)  # the last echo written: let the server settle
        return (server.rss_kb() - before) * 1024 / connections
    finally:
        client.stdin.close()
        client.wait()
        client.stdout.close()
        client.stderr.close()


def measure(build, timing, connection_counts, idle_connections, status):
    """Every server at every connection count, its idle memory, and the CPU-work table."""
    pin = cores()
    server_core, load_core = pin if pin else (None, None)
    rows = []
    for name, command in servers(build):
        row = {"server": name, "runs": [], "idle_bytes_per_connection": None, "error": None}
        rows.append(row)
        if command is None:
            row["error"] = "not installed"
            continue
        try:
            for n in connection_counts:
                status(f"echo: {name}, {n} connections")
                with Server(name, command, server_core) as server:
                    try:
                        r = load(build, server, n, timing, load_core)
                        row["runs"].append({key: r[key] for key in (
                            "connections", "messages_per_second", "p50_us", "p99_us")})
                    except EchoError as e:
                        row["runs"].append({"connections": n, "error": str(e)})
            status(f"echo: {name}, {idle_connections} idle connections")
            with Server(name, command, server_core) as server:
                row["idle_bytes_per_connection"] = idle_bytes(build, server, idle_connections,
                                                              load_core)
        except EchoError as e:
            row["error"] = str(e)
    work = []
    for label, mode, extra in (("no work: the 100 connections send pings too", "loop", ()),
                               ("CPU work on the loop", "loop", ("--work",)),
                               ("CPU work offloaded to the CPU pool", "offload", ("--work",))):
        status(f"echo: {label}")
        with Server("asyncrt", [str(build / "bench/echo_server"), "asyncrt", "--work", mode],
                    server_core) as server:
            r = load(build, server, 100, timing, load_core, ("--pings", "1", *extra))
        work.append({"work": label, "messages_per_second": r["messages_per_second"],
                     "ping_p50_us": r["ping_p50_us"], "ping_p99_us": r["ping_p99_us"]})
    return {"pinned": pin is not None, "timing": {"warmup": timing[0], "seconds": timing[1]},
            "idle_connections": idle_connections, "servers": rows, "cpu_work": work}


def rate(value):
    return f"{value / 1e3:.1f}k/s" if value >= 1e3 else f"{value:.0f}/s"


def us(value):
    return f"{value / 1e3:.1f} ms" if value >= 1e3 else f"{value:.0f} µs"


def tables(echo):
    """The echo results as tables: (title, header, rows) each, then the goals as lines."""
    counts = sorted({r["connections"] for row in echo["servers"] for r in row["runs"]})
    throughput, latency = [], []
    for row in echo["servers"]:
        by_count = {r["connections"]: r for r in row["runs"]}
        cells, times = [], []
        for n in counts:
            r = by_count.get(n)
            if r is None:
                cells.append(row["error"] or "")
                times.append("")
            elif "error" in r:
                cells.append(f"failed: {r['error']}")
                times.append("")
            else:
                cells.append(rate(r["messages_per_second"]))
                times.append(f"{us(r['p50_us'])} / {us(r['p99_us'])}")
        memory = row["idle_bytes_per_connection"]
        throughput.append((row["server"], *cells,
                           f"{memory:,.0f} B" if memory is not None else row["error"] or ""))
        latency.append((row["server"], *times))
    where = ("server pinned to one core, load generator to another" if echo["pinned"] else
             "one core: server and load generator share it (not pinned)")
    timing = echo["timing"]
    header = [f"{n:,} connection{'s' if n != 1 else ''}" for n in counts]
    out = [
        (f"echo over loopback TCP, messages per second ({where}; {timing['seconds']} s after "
         f"{timing['warmup']} s of warm-up), and the memory an idle connection adds to the "
         f"server ({echo['idle_connections']:,} open)",
         ("server", *header, "memory per idle connection"), throughput),
        ("round trip, p50 / p99", ("server", *header), latency),
        ("a ping's round trip while 100 connections send requests to an asyncrt server, each "
         "request a prime check of a few hundred µs",
         ("requests", "requests/s", "ping p50", "ping p99"),
         [(w["work"], rate(w["messages_per_second"]), us(w["ping_p50_us"]), us(w["ping_p99_us"]))
          for w in echo["cpu_work"]]),
    ]
    return out, goals(echo)


def goals(echo):
    """The issue's goals, each as a line with the measured figures."""
    by_name = {row["server"]: row for row in echo["servers"]}

    def mps(name, n):
        r = next((r for r in by_name[name]["runs"] if r["connections"] == n), None)
        return r.get("messages_per_second") if r else None

    lines = []
    for n in (100, 1000):
        ours = mps("asyncrt", n)
        for peer, goal, text in (("raw Asio", 0.95, "≥ 0.95x"), ("Python asyncio", 3, "≥ 3x"),
                                 ("Node.js net", 1, "> 1x")):
            theirs = mps(peer, n)
            if ours and theirs:
                ratio = ours / theirs
                met = ratio >= goal if goal != 1 else ratio > goal
                lines.append(f"asyncrt / {peer} at {n:,} connections: {ratio:.2f}x "
                             f"(goal {text}: {'met' if met else 'missed'})")
    ours = by_name["asyncrt"]["idle_bytes_per_connection"]
    for peer, text in (("raw Asio", "within 10%"), ("Python asyncio", "below"),
                       ("Node.js net", "below")):
        theirs = by_name[peer]["idle_bytes_per_connection"]
        if ours is not None and theirs:
            met = ours <= 1.1 * theirs if peer == "raw Asio" else ours < theirs
            lines.append(f"memory per idle connection, asyncrt {ours:,.0f} B vs {peer} "
                         f"{theirs:,.0f} B (goal {text}: {'met' if met else 'missed'})")
    return lines
