#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot a Tessera test kernel in QEMU and relay its TAP output.

The in-kernel test image prints a TAP version 13 stream on its serial
console and powers off through isa-debug-exit.  This runner boots it
non-interactively, copies the TAP lines to stdout (other kernel output
becomes '# ' comments) and turns everything that can go wrong outside the
TAP stream itself into a TAP failure: a kernel panic, a hang (no power-off
before the timeout), a reset or triple fault, a missing plan, a wrong
number of tests, or a non-zero kernel status.  QEMU is always killed before
the runner exits.  Exit status 0 means every test passed.

Usage: tap_runner.py --boot SPEC.json [--timeout SECONDS] [--append TEXT]
                     [--qemu-arg ARG]...
"""

import argparse
import collections
import re
import shlex
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from tessera_lib import TesseraError, glue_option_values  # noqa: E402
from tessera_lib import qemu  # noqa: E402

# How long to keep reading after a PANIC: line, to capture the register
# dump that follows it, before killing QEMU.
PANIC_GRACE = 0.5

# Serial lines repeated on stderr when a run fails (meson's
# --print-errorlogs shows stderr; stdout is the parsed TAP stream).
TAIL_LINES = 25

RE_PLAN = re.compile(r"1\.\.(\d+)(\s.*)?$")
RE_TEST = re.compile(r"(not )?ok\b\s*(\d+)?")


def emit(line):
    print(line, flush=True)


def comment(text):
    emit(f"# {text}" if text else "#")


class Verdict:
    """Collects the TAP bookkeeping for one boot."""

    def __init__(self):
        self.plan = None
        self.extra_plans = 0
        self.count = 0
        self.failed = 0
        self.out_of_order = []
        self.kernel_bailout = None
        self.panic_line = None
        self.tail = collections.deque(maxlen=TAIL_LINES)


def relay_serial(line, v):
    """Relay one serial line; update the verdict."""
    v.tail.append(line)
    if line.startswith("TAP version"):
        # Our own version line was already printed as line 1 (the TAP
        # version must be the first line, and kernel log may precede it).
        comment(line)
        return
    m = RE_PLAN.match(line)
    if m:
        if v.plan is None:
            v.plan = int(m.group(1))
            emit(line)
        else:
            v.extra_plans += 1
            comment(f"(second plan line) {line}")
        return
    m = RE_TEST.match(line)
    if m:
        v.count += 1
        if m.group(1):
            v.failed += 1
        if m.group(2) is not None and int(m.group(2)) != v.count:
            v.out_of_order.append(line)
        emit(line)
        return
    if line.startswith("#"):
        emit(line)
        return
    if line.startswith("Bail out!"):
        v.kernel_bailout = line[len("Bail out!"):].strip() or "(no reason)"
        emit(line)
        return
    if line.startswith(qemu.PANIC_MARKER) and v.panic_line is None:
        v.panic_line = line
    comment(line)


def boot_and_relay(cmd, timeout):
    """Boot QEMU, relay its output; return (verdict, exit_info, timed_out)."""
    v = Verdict()
    timed_out = False
    start = time.monotonic()
    deadline = start + timeout
    with qemu.BatchQemu(cmd) as vm:
        panic_deadline = None
        exited = False
        while True:
            now = time.monotonic()
            limit = deadline if panic_deadline is None \
                else min(deadline, panic_deadline)
            if now >= limit:
                # After a panic, running out of time is not a hang.
                timed_out = panic_deadline is None
                break
            ev = vm.next_event(limit - now)
            if ev is None:
                continue
            kind, text = ev
            if kind == vm.EXIT:
                exited = True
                break
            if kind == vm.STDERR:
                comment(f"qemu: {text}")
                continue
            relay_serial(text, v)
            if v.panic_line is not None and panic_deadline is None:
                panic_deadline = time.monotonic() + PANIC_GRACE
        if exited:
            rc = vm.wait()
        else:
            vm.kill()
            rc = None
        info = qemu.decode_exit(rc, vm.stderr_text()) if rc is not None \
            else None
    comment(f"boot took {time.monotonic() - start:.1f} s")
    return v, info, timed_out


def failure_reason(v, info, timed_out, timeout):
    """Return the reason the run failed, or None if the runner accepts it.

    A plain failing test (a 'not ok' from the kernel, status 1) is not a
    runner-level failure: the TAP stream already shows it.
    """
    if v.panic_line is not None:
        return f"kernel panic: {v.panic_line}"
    if timed_out:
        return (f"timeout: the kernel did not power off within "
                f"{timeout:g} s (hang?)")
    if info is None:
        return "QEMU did not exit"
    if info.kind == "reset":
        return ("reset: QEMU exited without a kernel power-off "
                "(triple fault or reset)")
    if info.kind != "kernel":
        return info.describe()
    if info.status == qemu.STATUS_PANIC:
        return "kernel panic: status 2 without a PANIC: line"
    if info.status == qemu.STATUS_BOOT_ERROR:
        return "boot error: the kernel refused to boot (status 3)"
    if info.status not in (qemu.STATUS_OK, qemu.STATUS_TEST_FAILED):
        return f"kernel powered off with unexpected status {info.status}"
    if v.kernel_bailout is not None:
        return f"kernel bailed out: {v.kernel_bailout}"
    if v.plan is None:
        return "no TAP plan line (1..N) from the kernel"
    if v.extra_plans:
        return "more than one TAP plan line"
    if v.out_of_order:
        return f"test numbers out of order at: {v.out_of_order[0]}"
    if v.count != v.plan:
        return f"planned {v.plan} tests but {v.count} reported"
    if info.status == qemu.STATUS_OK and v.failed:
        return (f"{v.failed} test(s) failed but the kernel powered off "
                "with status 0")
    if info.status == qemu.STATUS_TEST_FAILED and not v.failed:
        return "kernel powered off with status 1 but no test failed"
    return None


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Boot a test kernel in QEMU and relay its TAP output.")
    p.add_argument("--boot", required=True, metavar="SPEC.json",
                   help="boot spec of the test image")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="fail if the kernel has not powered off after "
                        "SECONDS (default: %(default)g)")
    p.add_argument("--append", action="append", default=[], metavar="TEXT",
                   help="add TEXT to the kernel command line (repeatable)")
    p.add_argument("--qemu-arg", action="append", default=[], metavar="ARG",
                   help="extra QEMU argument (repeatable)")
    return p.parse_args(glue_option_values(argv, {"--qemu-arg", "--append"}))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)

    # meson sends SIGTERM on its own timeout; unwind so QEMU gets killed.
    def on_term(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, on_term)

    emit("TAP version 13")
    try:
        spec = qemu.load_boot_spec(args.boot)
        qemu.find_qemu()
        cmd = qemu.qemu_command(spec, interactive=False, append=args.append,
                                extra_args=args.qemu_arg)
        comment("qemu command: " + shlex.join(cmd))
        v, info, timed_out = boot_and_relay(cmd, args.timeout)
    except TesseraError as e:
        emit(f"Bail out! {e}")
        print(f"tap_runner: {e}", file=sys.stderr)
        return 2

    if info is not None:
        comment(info.describe())
    reason = failure_reason(v, info, timed_out, args.timeout)
    if reason is not None:
        # '#' would start a TAP directive inside a test line.
        reason = reason.replace("#", "")
        # A 'not ok' line makes the failure visible as a test case in
        # meson's results (and JUnit); the bail-out stops the TAP stream.
        emit(f"not ok {v.count + 1} - {reason}")
        emit(f"Bail out! {reason}")
    if reason is not None or v.failed:
        report_failure(reason or f"{v.failed} test(s) failed", v, info)
        return 1
    return 0


def report_failure(reason, v, info):
    """Summarise a failed run on stderr."""
    err = sys.stderr
    print(f"tap_runner: FAILED: {reason}", file=err)
    if info is not None:
        print(f"tap_runner: {info.describe()}", file=err)
    print(f"tap_runner: last {len(v.tail)} serial lines:", file=err)
    for line in v.tail:
        print(f"  {line}", file=err)
    err.flush()


if __name__ == "__main__":
    sys.exit(main())
