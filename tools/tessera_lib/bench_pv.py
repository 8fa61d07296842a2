# SPDX-License-Identifier: MIT
"""The PV benchmark (tools/tessera bench pv): the memory server's hypercalls
as a guest kernel makes them.

The PV test guest's bench mode (tests/pv/guest/bench.c) runs as the one
compartment of tests/pv/manifests/bench.toml, with the servers the root
task starts, and prints the IPC benchmark's line format (bench.py). This
module packs that manifest with init = "bench:N", boots it with
-icount shift=0 (instructions) and under plain TCG (host cycles, several
boots: the median of their medians), and prints a table with the bar of
the platform issue: a batch of 64 maps costs at most 1.1 x (map_1 - one
IPC round trip) per page. docs/performance.md has the results.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from . import TesseraError
from . import bench
from . import manifest
from . import qemu

BENCHMARKS = ("ipc_round_trip", "map_1", "map_batch_64", "protect_batch_64",
              "fault_via_guest")
MANIFEST = Path("tests/pv/manifests/bench.toml")
DEFAULT_ITERATIONS = 1000
DEFAULT_TCG_RUNS = 3
DEFAULT_TIMEOUT = 600.0
#: The bar: per-page cost of a batch over (map_1 - round trip).
BAR = 1.1


def modules_for(spec, srcdir, builddir, iterations, tmpdir):
    """The boot modules: the root task and seed of *spec*, the bench
    manifest packed with init = "bench:N", and its images."""
    man = manifest.load(Path(srcdir) / MANIFEST, builddir=builddir)
    for c in man.compartments:
        c.init = f"bench:{iterations}"
    path = Path(tmpdir) / "bench-manifest.bin"
    path.write_bytes(manifest.pack(man))
    mods = [m for m in spec.modules if m.cmdline == "root"]
    mods.append(qemu.Module(str(path), "manifest"))
    mods += [m for m in spec.modules if m.cmdline == "seed"]
    mods += [qemu.Module(str(p), n)
             for p, n in manifest.image_modules(man, builddir)]
    return mods


def run_once(spec, modules, iterations, clock, timeout=DEFAULT_TIMEOUT):
    """Boot once; return {name: bench.Result}."""
    args = list(bench.ICOUNT_ARGS) if clock == "icount" else []
    cmd = qemu.qemu_command(spec, interactive=False, modules=modules,
                            extra_args=args)
    lines = []
    deadline = time.monotonic() + timeout
    with qemu.BatchQemu(cmd) as q:
        while True:
            ev = q.next_event(deadline - time.monotonic())
            if ev is None:
                raise bench.BenchError(
                    f"{clock}: no power-off within {timeout:g} s; last "
                    "lines:\n  " + "\n  ".join(lines[-10:]))
            kind, text = ev
            if kind == q.EXIT:
                break
            if kind == q.SERIAL:
                lines.append(text)
        info = qemu.decode_exit(q.wait(), q.stderr_text())
    try:
        results = bench.parse_output(lines, iterations, BENCHMARKS)
    except bench.BenchError as e:
        raise bench.BenchError(f"{clock}: {e} ({info.describe()}); last "
                               "lines:\n  " + "\n  ".join(lines[-10:])) from e
    if info.kind != "kernel" or info.status != qemu.STATUS_OK:
        raise bench.BenchError(f"{clock}: {info.describe()}")
    return results


def summarize(icount, tcg_runs):
    """{name: (icount net, TCG median of the runs' net medians)}."""
    out = {}
    for name in BENCHMARKS:
        tcg = [r[name].net for r in tcg_runs]
        out[name] = (icount[name].net, statistics.median(tcg) if tcg else None)
    return out


def bar_check(summary):
    """(per-page batch cost, limit, holds) in icount instructions."""
    per_page = summary["map_batch_64"][0] / 64
    limit = BAR * (summary["map_1"][0] - summary["ipc_round_trip"][0])
    return per_page, limit, per_page <= limit


def format_table(summary, iterations, tcg_runs):
    w = max(len(b) for b in BENCHMARKS) + 2
    rows = [f"PV benchmarks: median per operation, loop overhead subtracted, "
            f"{iterations} samples; TCG: median of {tcg_runs} boots",
            "benchmark".ljust(w) + "icount instr".rjust(14) +
            "TCG cycles".rjust(14)]
    for name in BENCHMARKS:
        ic, tcg = summary[name]
        rows.append(name.ljust(w) + str(ic).rjust(14) +
                    (str(int(tcg)) if tcg is not None else "-").rjust(14))
    per_page, limit, ok = bar_check(summary)
    rows.append(f"batch of 64, per page: {per_page:.0f} instructions; bar "
                f"1.1 x (map_1 - ipc_round_trip) = {limit:.0f}: "
                f"{'met' if ok else 'MISSED'}")
    return "\n".join(rows) + "\n"


def json_records(summary, iterations):
    return [{"name": n, "iterations": iterations,
             "icount_instructions": summary[n][0],
             "tcg_cycles_median": summary[n][1]} for n in BENCHMARKS]


def cmd_bench_pv(srcdir, builddir, iterations, tcg_runs, json_path=None,
                 timeout=DEFAULT_TIMEOUT, note=None):
    """tools/tessera bench pv, after the build."""
    import json
    if json_path and not Path(json_path).absolute().parent.is_dir():
        raise TesseraError(f"cannot write {json_path}: no such directory")
    spec = qemu.load_boot_spec(Path(builddir) / "boot.json")
    qemu.find_qemu()
    with tempfile.TemporaryDirectory(prefix="tessera-bench-pv-") as tmp:
        mods = modules_for(spec, srcdir, builddir, iterations, tmp)
        if note:
            note(f"bench pv: icount ({iterations} samples)")
        icount = run_once(spec, mods, iterations, "icount", timeout)
        runs = []
        for i in range(tcg_runs):
            if note:
                note(f"bench pv: plain TCG, boot {i + 1} of {tcg_runs}")
            runs.append(run_once(spec, mods, iterations, "tcg", timeout))
    summary = summarize(icount, runs)
    sys.stdout.write(format_table(summary, iterations, tcg_runs))
    sys.stdout.flush()
    if json_path:
        try:
            with open(json_path, "w", encoding="utf-8") as f:
                json.dump(json_records(summary, iterations), f, indent=2)
                f.write("\n")
        except OSError as e:
            raise TesseraError(f"cannot write {json_path}: {e.strerror}")
        if note:
            note(f"bench pv: wrote {json_path}")
    return 0
