#!/usr/bin/env python3
"""bench/run end to end: a smoke run of every benchmark program prints the whole table, and bad
command lines get one line on stderr and exit status 2 (a missing build, 1).

  bench_run_test.py BENCH_RUN BUILD_DIR
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROWS = [
    "create and await a trivial child task",
    "spawn a detached trivial task (one thread), stall detector off",
    "the same, stall detector on (the default)",
    "spawn from another thread, until it has run, per task",
    "offload round trip: loop → CPU pool → loop",
    "the same, threads sleep at once (RuntimeOptions::spin = 0)",
    "bounded channel (64), 1 producer + 1 consumer, per message",
    "the same, capacity 1: every send and receive waits",
    "when_all over 10 children that return at once, per child",
    "the same, each child waits once",
    "start a runtime (2 CPU threads), run a trivial task, shut down",
    "spawn 1000 tasks that wait on a timer due at once, per task",
    "one trip through the loop, stall detector off",
    "one trip through the loop, stall detector on",
    "10k tasks sleeping 1 s: memory per task",
    "10k tasks sleeping 1 s: wall time",
    "the six primes, 2 workers, speedup over serial: whole numbers",
    "the six primes, 2 workers, speedup over serial: chunks",
]

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def run(*args):
    return subprocess.run([bench_run, *args], capture_output=True, text=True, check=False)


bench_run, build_dir = sys.argv[1], sys.argv[2]

smoke = run("--smoke", "--build-dir", build_dir)
check(smoke.returncode == 0, f"--smoke exited with {smoke.returncode}: {smoke.stderr.strip()}")
lines = smoke.stdout.splitlines()
check(lines and "a smoke run" in lines[0], f"first line: {lines[:1]}")
for row in ROWS:
    check(any(line.startswith(row) for line in lines), f"no row '{row}'")
for workers in (1, 2):
    check(any(line.split()[:1] == [str(workers)] and line.count("%") == 3 for line in lines),
          f"no scaling row for {workers} worker(s) with three columns")
check(any(line.startswith("break-even: ") for line in lines), "no break-even line")
# The echo benchmark: every server has a figure at 1 and 100 connections and a memory figure,
# and the CPU-work table has its three rows.
SERVERS = ["asyncrt", "raw Asio", "Python asyncio", "Node.js net", "thread per connection"]
check(any(line.startswith("echo over loopback TCP") for line in lines), "no echo table")
for server in SERVERS:
    row = next((line for line in lines if line.startswith(server + "  ")), "")
    check(len(re.findall(r"\dk?/s", row)) == 2 and row.endswith(" B"),
          f"echo row of {server}: {row!r}")
for work in ("no work: the 100 connections send pings too", "CPU work on the loop",
             "CPU work offloaded to the CPU pool"):
    check(any(line.startswith(work) and line.count("µs") + line.count("ms") >= 2
              for line in lines), f"no CPU-work row '{work}'")
check(smoke.stderr == "", f"stderr is not a terminal, yet: {smoke.stderr!r}")


def key_paths(value, prefix="", out=None):
    out = [] if out is None else out
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            if path not in out:
                out.append(path)
            key_paths(item, path, out)
    elif isinstance(value, list):
        for item in value:
            key_paths(item, prefix + "[]", out)
    return out


# --json: one object, schema first, every member named in docs/json.md's bench/run section.
as_json = run("--smoke", "--json", "--build-dir", build_dir)
check(as_json.returncode == 0, f"--json exited with {as_json.returncode}: {as_json.stderr.strip()}")
try:
    results = json.loads(as_json.stdout)
    check(next(iter(results)) == "schema" and results["schema"] == 1, "schema is not first, or not 1")
    check([r["operation"] for r in results["operations"]] == ROWS, "operations differ from the table")
    doc = (Path(bench_run).resolve().parent.parent / "docs" / "json.md").read_text()
    section = doc[doc.index("## `bench/run`"):]
    missing = [p for p in key_paths(results) if f"`{p}`" not in section]
    check(not missing, f"members missing from docs/json.md: {missing}")
except (ValueError, KeyError, StopIteration) as e:
    check(False, f"--json: {e!r}: {as_json.stdout[:200]!r}")

# --markdown: the machine, then the tables.
md = run("--smoke", "--markdown", "--build-dir", build_dir)
check(md.returncode == 0, f"--markdown exited with {md.returncode}")
check(md.stdout.startswith("Measured ") and "cores usable" in md.stdout, "no machine line")
check("| operation | raw Asio | asyncrt | ratio | goal |" in md.stdout, "no operations table")
check(len(re.findall(r"^\| \d+ µs \|", md.stdout, re.M)) == 9, "no granularity table")

for args, status, names in [
    (["--repetitions", "0"], 2, "--repetitions must be at least 1"),
    (["--quick", "--smoke"], 2, "--smoke: not allowed with argument --quick"),
    (["--json", "--markdown"], 2, "--markdown: not allowed with argument --json"),
    (["--bogus"], 2, "unrecognized arguments: --bogus"),
    (["--build-dir", "/nonexistent"], 1, "/nonexistent/bench/runtime_bench is missing"),
    (["--record-instructions"], 2, "--record-instructions goes with --instructions"),
    (["--instructions", "--build-dir", "/nonexistent"], 1,
     "/nonexistent/bench/instruction_counts is missing"),
]:
    bad = run(*args)
    check(bad.returncode == status, f"{args}: exit status {bad.returncode}, not {status}")
    check(bad.stdout == "", f"{args}: printed on stdout: {bad.stdout!r}")
    err = bad.stderr.splitlines()
    check(len(err) == 1 and err[0].startswith("bench/run: ") and names in err[0],
          f"{args}: stderr {bad.stderr!r}")

for failure in failures:
    print(f"FAILED: {failure}")
print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
