#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Check that the kernel TAP runner reports broken test runs as failures.

The in-kernel test image understands ktest.selftest=panic|hang|triplefault|
fail, which makes it misbehave on purpose right after printing its plan.
This script runs tests/kernel/tap_runner.py against the real test image
with each of those options and checks that the runner exits non-zero within
its time limit and names the right reason in its TAP output; it also checks
that a normal run passes.  The output is TAP, one test line per case.
"""

import argparse
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "tests" / "kernel" / "tap_runner.py"
KTEST_SPEC = Path("tests/kernel/ktest-boot.json")

MARGIN = 30.0            # seconds allowed beyond the runner's own timeout
DEFAULT_TIMEOUT = 120.0  # the runner's timeout for runs that should finish
TAIL_LINES = 20


@dataclass
class Case:
    name: str
    selftest: str            # value of ktest.selftest, or '' for none
    expect_pass: bool
    reason_words: tuple = ()  # one of these must be in the failure lines
    timeout: float = DEFAULT_TIMEOUT


CASES = [
    Case("plain-run-passes", "", True),
    Case("selftest-panic-detected", "panic", False, ("panic",), timeout=60),
    Case("selftest-hang-detected", "hang", False, ("timeout",), timeout=15),
    Case("selftest-triplefault-detected", "triplefault", False,
         ("triple fault", "reset"), timeout=60),
    Case("selftest-fail-detected", "fail", False, ("not ok",), timeout=60),
]


def check(case, spec):
    """Run the runner for *case*; return diagnostics (empty means pass)."""
    cmd = [sys.executable, str(RUNNER), "--boot", str(spec),
           "--timeout", f"{case.timeout:g}"]
    if case.selftest:
        cmd += ["--append", f"ktest.selftest={case.selftest}"]
    limit = case.timeout + MARGIN
    start = time.monotonic()
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=limit, check=False)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace").splitlines()
        return [f"runner did not finish within {limit:g} s "
                f"(its --timeout was {case.timeout:g} s)", "stdout tail:"] \
            + ["  " + line for line in out[-TAIL_LINES:]]
    elapsed = time.monotonic() - start
    out = res.stdout.decode(errors="replace").splitlines()
    err = res.stderr.decode(errors="replace").splitlines()

    problems = []
    if not out or out[0] != "TAP version 13":
        problems.append("first line of output is not 'TAP version 13'")
    if case.expect_pass:
        if res.returncode != 0:
            problems.append(f"runner exited {res.returncode}, expected 0")
        bad = [line for line in out
               if line.startswith(("not ok", "Bail out!"))]
        if bad:
            problems.append(f"failure line in output: {bad[0]}")
        if not any(line.startswith("1..") for line in out):
            problems.append("no plan line in output")
    else:
        if res.returncode == 0:
            problems.append("runner exited 0, expected a failure status")
        verdict = [line for line in out
                   if line.startswith(("not ok", "Bail out!"))]
        text = "\n".join(verdict).lower()
        if not verdict:
            problems.append("no 'not ok' or 'Bail out!' line in output")
        elif not any(w in text for w in case.reason_words):
            problems.append("failure lines do not mention "
                            + " or ".join(repr(w) for w in case.reason_words))
    if not problems:
        return []
    return (problems
            + [f"elapsed: {elapsed:.1f} s", "command: " + " ".join(cmd),
               "runner stdout (tail):"]
            + ["  " + line for line in out[-TAIL_LINES:]]
            + ["runner stderr (tail):"]
            + ["  " + line for line in err[-TAIL_LINES:]])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--builddir", type=Path, required=True,
                   help="build directory holding " + str(KTEST_SPEC))
    p.add_argument("--jobs", type=int, default=min(3, os.cpu_count() or 1),
                   help="cases to run at once (default: %(default)s)")
    p.add_argument("--boot", type=Path, metavar="SPEC.json",
                   help="boot spec of the test image (default: "
                        f"<builddir>/{KTEST_SPEC})")
    args = p.parse_args(argv)
    spec = args.boot or args.builddir.resolve() / KTEST_SPEC

    def on_term(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)

    print("TAP version 13", flush=True)
    print(f"1..{len(CASES)}", flush=True)
    if not spec.is_file():
        msg = f"{spec} not found (was the project built?)"
        print(f"Bail out! {msg}", flush=True)
        print(f"test_runner_detection: {msg}", file=sys.stderr)
        return 1
    failed = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [(c.name, pool.submit(check, c, spec)) for c in CASES]
        for number, (name, fut) in enumerate(futures, 1):
            try:
                diags = fut.result()
            except Exception as e:  # report, never lose the TAP line
                diags = [f"internal error: {type(e).__name__}: {e}"]
            if diags:
                failed += 1
                print(f"not ok {number} - {name}", flush=True)
                for d in diags:
                    print(f"# {d}", flush=True)
                # meson's --print-errorlogs shows stderr, not the TAP.
                print(f"FAILED {name}:", *diags, sep="\n  ",
                      file=sys.stderr, flush=True)
            else:
                print(f"ok {number} - {name}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
