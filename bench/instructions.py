"""The instruction gate of bench/run (--instructions): instructions per operation of asyncrt's
primitives, counted by callgrind, against the baseline committed in bench/instructions.json.

Wall time swings by ±20% from run to run on a shared machine; the number of instructions a
binary executes does not (callgrind counts them whatever else the machine is doing), so a row
that grows by more than the baseline's tolerance (5%) is a regression in the code. Each row is
bench/instruction_counts ROW N under valgrind, three times, and the median is kept (the offload
row varies by up to 2% between runs: how its threads meet).

The counts belong to one toolchain (compiler, Boost, build type): the baseline names its own,
and a build with another one is not compared (exit status 3). Recording a new baseline
(--record-instructions) is a deliberate commit whose message gives the reason.
"""
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASELINE = Path(__file__).resolve().parent / "instructions.json"
OPERATIONS = 2000  # per run of a row, after as many to warm up
RUNS = 3  # per row; the median is kept


class GateError(Exception):
    """Something kept the rows from being counted (no valgrind, a program that failed)."""


def program_output(command):
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as e:
        raise GateError(f"cannot run {command[0]}: {e.strerror}") from e
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or [""]
        raise GateError(f"{' '.join(map(str, command))} exited with {done.returncode}: {last[0]}")
    return done.stdout


def count_once(program, row):
    """The instructions of OPERATIONS operations of `row`, one run under callgrind."""
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "callgrind.out"
        program_output(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                        str(program), row, str(OPERATIONS)])
        dump = Path(f"{out}.1")  # the program's one dump: the measured operations
        if not dump.exists():
            raise GateError(f"{program} {row}: callgrind wrote no dump (not run under valgrind?)")
        for line in dump.read_text().splitlines():
            if line.startswith("totals:"):
                return int(line.split()[1])
        raise GateError(f"{dump}: no 'totals:' line")


def count(program):
    """Per row: name, operation, instructions per operation (median of RUNS runs), spread."""
    if shutil.which("valgrind") is None:
        raise GateError("valgrind is not installed (apt-get install valgrind)")
    rows = [line.split("\t", 1) for line in program_output([str(program), "--rows"]).splitlines()]
    with ThreadPoolExecutor(max_workers=2) as pool:  # the counts do not depend on the load
        runs = {name: [pool.submit(count_once, program, name) for _ in range(RUNS)]
                for name, _ in rows}
        counted = []
        for name, operation in rows:
            totals = [future.result() / OPERATIONS for future in runs[name]]
            counted.append({"row": name, "operation": operation,
                            "instructions": statistics.median(totals),
                            "spread": (max(totals) - min(totals)) / statistics.median(totals)})
    return counted


def toolchain(program):
    return program_output([str(program), "--toolchain"]).strip()


def compare(counted, baseline):
    """Each row with its baseline and change; and the rows that grew past the tolerance."""
    tolerance = baseline["tolerance"]
    compared, grown = [], []
    for row in counted:
        before = baseline["rows"].get(row["row"])
        change = row["instructions"] / before - 1 if before else None
        compared.append({**row, "baseline": before, "change": change})
        if change is not None and change > tolerance:
            grown.append(row["row"])
    return compared, grown


def measure(program):
    """The counts for bench/run's full run, as data: compared with the baseline where the
    toolchain is the baseline's, else with no baseline; None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    tools, baseline = toolchain(program), json.loads(BASELINE.read_text())
    counted = count(program)
    if baseline["toolchain"] == tools:
        counted, _ = compare(counted, baseline)
    else:
        counted = [{**row, "baseline": None, "change": None} for row in counted]
    return {"toolchain": tools, "baseline_toolchain": baseline["toolchain"],
            "tolerance": baseline["tolerance"], "rows": counted}


def table(counts):
    """(title, header, rows) of the instruction table."""
    title = (f"instructions per operation, counted by callgrind (median of {RUNS} runs of "
             f"{OPERATIONS} operations each; {counts['toolchain']}), against "
             f"bench/instructions.json" + (
                 "" if counts["toolchain"] == counts["baseline_toolchain"] else
                 f" (counted with {counts['baseline_toolchain']}: not compared)"))
    rows = []
    for r in counts["rows"]:
        verdict = ""
        if r["change"] is None:
            pass  # not compared
        elif r["change"] > counts["tolerance"]:
            verdict = f"GREW more than {counts['tolerance']:.0%}"
        elif r["change"] < -counts["tolerance"]:
            verdict = "fewer: record a new baseline"
        rows.append((r["row"], r["operation"], f"{r['baseline']:.0f}" if r["baseline"] else "",
                     f"{r['instructions']:.0f}",
                     f"{100 * r['change']:+.1f}%" if r["change"] is not None else "", verdict))
    return title, ("row", "operation", "baseline", "now", "change", ""), rows


def gate(program, record, print_table):
    """bench/run --instructions [--record-instructions]; returns the exit status.
    print_table(title, header, rows) prints the table."""
    try:
        tools = toolchain(program)
        if record:
            counted = count(program)
            BASELINE.write_text(json.dumps(
                {"toolchain": tools, "operations": OPERATIONS, "tolerance": 0.05,
                 "rows": {r["row"]: round(r["instructions"], 1) for r in counted}},
                indent=2) + "\n")
            print(f"bench/run: recorded {len(counted)} rows in {BASELINE} ({tools})")
            return 0
        baseline = json.loads(BASELINE.read_text())
        if baseline["toolchain"] != tools:
            print(f"bench/run: the instruction baseline was counted with {baseline['toolchain']}; "
                  f"this build is {tools}: counts from different toolchains are not compared "
                  "(--record-instructions records one for this toolchain)", file=sys.stderr)
            return 3
        compared, grown = compare(count(program), baseline)
    except GateError as e:
        print(f"bench/run: {e}", file=sys.stderr)
        return 1
    print_table(*table({"toolchain": tools, "baseline_toolchain": tools,
                        "tolerance": baseline["tolerance"], "rows": compared}))
    if grown:
        print(f"bench/run: instructions per operation grew more than {baseline['tolerance']:.0%} "
              f"over the baseline: {', '.join(grown)}", file=sys.stderr)
        return 1
    return 0
