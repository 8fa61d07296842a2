# SPDX-License-Identifier: MIT
"""The IPC benchmark: boot it in four QEMU configurations and tabulate.

The benchmark root task (tests/bench/, boot spec
<builddir>/tests/bench/ipc-bench-boot.json) prints one line per benchmark:

    BENCH-START iterations=N warmup=W tsc_hz=F
    BENCH-OVERHEAD pair=P split=S
    BENCH <name> median=M overhead=O net=M-O min=A max=B n=N
    BENCH-ERROR <name>: <why>
    BENCH-END benchmarks=K errors=E

and powers off.  parse_output() checks and reads those lines; run_config()
boots one configuration (plain TCG or -icount shift=0, each with or without
the kernel command-line word fastpath=off) and returns the parsed results;
run_all() does all four; format_table() and json_records() present them.
tests/bench/bench_smoke.py uses the same functions.  See docs/tools.md and
docs/performance.md.
"""

import json
import re
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import TesseraError
from . import qemu

#: Every benchmark the root task runs, in its order (tests/bench/main.c).
BENCHMARKS = (
    "null_syscall",
    "yield_alone",
    "call_0_same",
    "call_4_same",
    "call_0_cross",
    "call_4_cross",
    "signal_wait",
    "pagefault_pager",
    "foreign_null",
    "retype_frame_4k",
)

#: Boot spec of the benchmark, relative to the build directory.
BENCH_SPEC = Path("tests/bench/ipc-bench-boot.json")

#: QEMU arguments of the deterministic run: the guest's time-stamp counter
#: then advances by one per instruction, so a delta is an instruction count.
ICOUNT_ARGS = ("-icount", "shift=0")

#: The kernel command-line word that switches the IPC fastpath off.
SLOW_PATH_WORD = "fastpath=off"

#: (clock, path) of each run, in the order they are made.
CONFIGS = (("tcg", "fast"), ("tcg", "slow"), ("icount", "fast"),
           ("icount", "slow"))

DEFAULT_TIMEOUT = 900.0

#: Samples per benchmark: the default and the root task's limit
#: (BENCH_DEFAULT_ITERATIONS, BENCH_MAX_ITERATIONS in tests/bench/bench.h).
DEFAULT_ITERATIONS = 10000
MAX_ITERATIONS = 100000

_FIELDS = ("median", "overhead", "net", "min", "max", "n")
_BENCH_RE = re.compile(r"^BENCH (\S+)((?: \w+=-?\d+)+)$")
_KV_RE = re.compile(r"(\w+)=(-?\d+)")


class BenchError(TesseraError):
    """The benchmark did not run or printed something unexpected."""


@dataclass(frozen=True)
class Result:
    """One benchmark's figures, in time-stamp counter ticks."""
    name: str
    median: int
    overhead: int
    net: int
    min: int
    max: int
    n: int


def _fields(text, names, where):
    values = dict((k, int(v)) for k, v in _KV_RE.findall(text))
    missing = [k for k in names if k not in values]
    if missing:
        raise BenchError(f"{where}: missing {', '.join(missing)}")
    return values


def parse_output(lines, iterations=None, benchmarks=BENCHMARKS):
    """Check the benchmark's serial output; return {name: Result}.

    Raises BenchError if a benchmark reported an error, a BENCH line is
    malformed or its numbers do not add up, a benchmark is missing or
    repeated, the end line is missing, or (with *iterations*) a benchmark
    recorded another number of samples.
    """
    results = {}
    errors = []
    started = ended = False
    for line in lines:
        line = line.strip()
        if line.startswith("BENCH-START "):
            start = _fields(line, ("iterations", "warmup", "tsc_hz"), line)
            if iterations is not None and start["iterations"] != iterations:
                raise BenchError(f"{line}: expected iterations={iterations}")
            started = True
        elif line.startswith("BENCH-ERROR "):
            errors.append(line[len("BENCH-ERROR "):])
        elif line.startswith("BENCH-END "):
            end = _fields(line, ("benchmarks", "errors"), line)
            if end["benchmarks"] != len(benchmarks):
                raise BenchError(f"{line}: expected benchmarks="
                                 f"{len(benchmarks)}")
            ended = True
        elif line.startswith("BENCH "):
            m = _BENCH_RE.match(line)
            if not m:
                raise BenchError(f"malformed line: {line!r}")
            name = m.group(1)
            values = _fields(m.group(2), _FIELDS, line)
            r = Result(name, *(values[k] for k in _FIELDS))
            if name not in benchmarks:
                raise BenchError(f"unknown benchmark {name!r}: {line}")
            if name in results:
                raise BenchError(f"benchmark {name} reported twice")
            if r.net != r.median - r.overhead or not \
                    r.min <= r.median <= r.max or r.n < 1:
                raise BenchError(f"inconsistent figures: {line}")
            if iterations is not None and r.n != iterations:
                raise BenchError(f"{name}: {r.n} samples, expected "
                                 f"{iterations}")
            results[name] = r
    if errors:
        raise BenchError("benchmark failed: " + "; ".join(errors))
    if not started:
        raise BenchError("no BENCH-START line (did the benchmark boot?)")
    missing = [b for b in benchmarks if b not in results]
    if missing:
        raise BenchError(f"no result for {', '.join(missing)}")
    if not ended:
        raise BenchError("no BENCH-END line")
    return results


def bench_spec_path(builddir):
    return Path(builddir) / BENCH_SPEC


def config_command(spec, iterations, clock, path, extra_args=()):
    """The QEMU command line of one configuration."""
    append = [f"iterations={iterations}"]
    if path == "slow":
        append.append(SLOW_PATH_WORD)
    args = list(ICOUNT_ARGS) if clock == "icount" else []
    return qemu.qemu_command(spec, interactive=False, append=append,
                             extra_args=args + list(extra_args))


def run_config(spec, iterations, clock, path, timeout=DEFAULT_TIMEOUT):
    """Boot one configuration; return (results, serial lines)."""
    cmd = config_command(spec, iterations, clock, path)
    lines = []
    deadline = time.monotonic() + timeout
    with qemu.BatchQemu(cmd) as q:
        while True:
            ev = q.next_event(deadline - time.monotonic())
            if ev is None:
                raise BenchError(
                    f"{clock}/{path}: no power-off within {timeout:g} s; "
                    "last lines:\n  " + "\n  ".join(lines[-10:]))
            kind, text = ev
            if kind == q.EXIT:
                break
            if kind == q.SERIAL:
                lines.append(text)
        info = qemu.decode_exit(q.wait(), q.stderr_text())
    try:
        results = parse_output(lines, iterations)
    except BenchError as e:
        raise BenchError(f"{clock}/{path}: {e} ({info.describe()}); "
                         "last lines:\n  " + "\n  ".join(lines[-10:])) from e
    if info.kind != "kernel" or info.status != qemu.STATUS_OK:
        raise BenchError(f"{clock}/{path}: {info.describe()}")
    return results, lines


def run_all(spec, iterations, timeout=DEFAULT_TIMEOUT, note=None):
    """Run every configuration; return {(clock, path): {name: Result}}."""
    out = {}
    for clock, path in CONFIGS:
        if note:
            note(f"bench: {clock_title(clock)}, {path} path: booting "
                 f"({iterations} iterations)")
        out[(clock, path)], _ = run_config(spec, iterations, clock, path,
                                           timeout)
    return out


def clock_title(clock):
    return {"tcg": "plain TCG", "icount": "icount"}[clock]


def format_table(results, iterations):
    """The table of net medians: one row per benchmark, one column per run."""
    cols = [c for c in CONFIGS if c in results]
    width = max(len(b) for b in BENCHMARKS) + 2
    head1 = " " * width
    for clock in ("tcg", "icount"):
        span = sum(1 for c in cols if c[0] == clock)
        if span:
            title = {"tcg": "TCG cycles",
                     "icount": "icount instructions"}[clock]
            head1 += title.center(12 * span)
    head2 = "benchmark".ljust(width) + "".join(
        path.rjust(12) for _, path in cols)
    rows = [f"IPC benchmarks: median ticks per operation, loop overhead "
            f"subtracted, {iterations} iterations",
            head1.rstrip(), head2]
    for name in BENCHMARKS:
        row = name.ljust(width)
        for c in cols:
            r = results[c].get(name)
            row += (str(r.net) if r else "-").rjust(12)
        rows.append(row)
    return "\n".join(rows) + "\n"


def json_records(results, iterations):
    """One record per benchmark and path: TCG cycles and icount figure."""
    records = []
    for name in BENCHMARKS:
        for path in ("fast", "slow"):
            tcg = results.get(("tcg", path), {}).get(name)
            ic = results.get(("icount", path), {}).get(name)
            if tcg is None and ic is None:
                continue
            records.append({
                "name": name,
                "path": path,
                "iterations": iterations,
                "tcg_cycles": tcg.net if tcg else None,
                "icount_instructions": ic.net if ic else None,
                "tcg": asdict(tcg) if tcg else None,
                "icount": asdict(ic) if ic else None,
            })
    return records


def write_json(path, results, iterations):
    try:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(json_records(results, iterations), f, indent=2)
            f.write("\n")
    except OSError as e:
        raise TesseraError(f"cannot write {path}: {e.strerror}") from e


def cmd_bench_ipc(builddir, iterations, json_path=None,
                  timeout=DEFAULT_TIMEOUT, note=None):
    """tools/tessera bench ipc, after the build: run, print, write JSON."""
    if json_path and not Path(json_path).absolute().parent.is_dir():
        raise TesseraError(f"cannot write {json_path}: no such directory")
    spec = qemu.load_boot_spec(bench_spec_path(builddir))
    qemu.find_qemu()
    results = run_all(spec, iterations, timeout, note)
    sys.stdout.write(format_table(results, iterations))
    sys.stdout.flush()
    if json_path:
        write_json(json_path, results, iterations)
        if note:
            note(f"bench: wrote {json_path}")
    return 0
