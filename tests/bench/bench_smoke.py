#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Keep the IPC benchmark working: parse checks and two short boots.

Benchmarks are not tests, but this one must not rot. This script checks,
reporting TAP, that the output parser of tools/tessera_lib/bench.py accepts
a well-formed report and refuses broken ones (a missing benchmark, an error
line, figures that do not add up, a wrong sample count), then boots the
benchmark root task with a few iterations under plain TCG, and under
-icount shift=0 with fastpath=off, as `tools/tessera bench ipc` does, and
checks that each run powers off cleanly with a well-formed line for every
benchmark and that the table shows them all.

Usage: bench_smoke.py --boot ipc-bench-boot.json [--iterations N]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from tessera_lib import TesseraError, bench, qemu  # noqa: E402


def good_output(n):
    lines = ["Tessera 0.1.0 (x86-64)", f"BENCH-START iterations={n} "
             "warmup=3 tsc_hz=2000000000", "BENCH-OVERHEAD pair=40 split=44"]
    for i, name in enumerate(bench.BENCHMARKS):
        median = 1000 + i
        lines.append(f"BENCH {name} median={median} overhead=40 "
                     f"net={median - 40} min=900 max=5000 n={n}")
    lines.append(f"BENCH-END benchmarks={len(bench.BENCHMARKS)} errors=0")
    return lines


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def result(self, name, problems):
        self.count += 1
        if problems:
            self.failed += 1
            print(f"not ok {self.count} - {name}")
            for p in problems:
                for line in str(p).splitlines():
                    print(f"# {line}")
        else:
            print(f"ok {self.count} - {name}")
        sys.stdout.flush()


def expect_refused(lines, words, n=20):
    """Problems if parse_output accepts lines or names no word of words."""
    try:
        bench.parse_output(lines, n)
    except bench.BenchError as e:
        if not any(w in str(e) for w in words):
            return [f"refused for another reason: {e}"]
        return []
    return ["accepted"]


def parser_cases(tap):
    n = 20
    good = good_output(n)
    try:
        res = bench.parse_output(good, n)
        problems = [] if sorted(res) == sorted(bench.BENCHMARKS) and \
            res["call_0_same"].net == 962 else [f"parsed {res}"]
    except bench.BenchError as e:
        problems = [f"refused: {e}"]
    tap.result("parser-accepts-well-formed-output", problems)

    tap.result("parser-refuses-missing-benchmark", expect_refused(
        [x for x in good if " foreign_null " not in x], ["foreign_null"]))
    tap.result("parser-refuses-error-line", expect_refused(
        good[:-1] + ["BENCH-ERROR call_0_cross: Call returned "
                     "InvalidCapability with 0 words"] + good[-1:],
        ["call_0_cross"]))
    tap.result("parser-refuses-inconsistent-figures", expect_refused(
        [x.replace("net=962", "net=963") for x in good], ["inconsistent"]))
    tap.result("parser-refuses-wrong-sample-count", expect_refused(
        [x.replace(f"n={n}", "n=7", 1) if x.startswith("BENCH call_4")
         else x for x in good], ["samples"]))
    tap.result("parser-refuses-missing-end", expect_refused(
        good[:-1], ["BENCH-END"]))


def boot_case(tap, spec, n, clock, path):
    problems = []
    try:
        res, _ = bench.run_config(spec, n, clock, path, timeout=150)
    except TesseraError as e:
        tap.result(f"boot-{clock}-{path}", [e])
        return
    for name, r in res.items():
        if r.net <= 0:
            problems.append(f"{name}: median {r.median} is not above the "
                            f"overhead {r.overhead}")
    table = bench.format_table({(clock, path): res}, n)
    rows = table.splitlines()
    for name in bench.BENCHMARKS:
        row = [x for x in rows if x.split()[:1] == [name]]
        if len(row) != 1 or row[0].split()[1:] != [str(res[name].net)]:
            problems.append(f"table row of {name}: {row}")
    tap.result(f"boot-{clock}-{path}", problems)
    for line in table.splitlines():
        print(f"# {line}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boot", required=True, type=Path)
    ap.add_argument("--iterations", type=int, default=20)
    a = ap.parse_args()
    print("TAP version 13")
    print("1..8")
    tap = Tap()
    parser_cases(tap)
    try:
        spec = qemu.load_boot_spec(a.boot)
    except TesseraError as e:
        tap.result("boot-tcg-fast", [e])
        tap.result("boot-icount-slow", [e])
        return 1
    boot_case(tap, spec, a.iterations, "tcg", "fast")
    boot_case(tap, spec, a.iterations, "icount", "slow")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
