#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Boot the console server's harness in QEMU, type on its serial line, check the wire.

The harness (harness.c) is a root task that starts the real console server
with COM1 and acts as the root task and as clients. Once the console
server owns COM1, everything on the wire comes through it, so the harness
reports its own checks as the console client "test": lines
"[test] ok N - ...", "[test] not ok N - ...", "[test] # ..." and a plan
"[test] 1..N". This driver relays those as TAP and adds the checks only
the wire can show:

- the byte-exact region: what the one compartment wrote (inline and
  through its ring) appears unchanged, no label, no "\\r" added;
- with two compartments every line carries "[name] ", and an unfinished
  line is ended with "\\r\\n" before another client's;
- the focus keys: "[console] input to beta" after Ctrl-] n;
- with one compartment left its output is raw again;
- QEMU ends with the kernel's power-off status 0.

When the harness prints "# type: first" the driver types "hello\\n" (it
reaches the focused compartment, alpha); at "# type: second" it types
Ctrl-] n and then "world\\n" (now beta's). QEMU runs with -serial stdio, its
stdin a pipe. Output is TAP version 13 on stdout; exit status 0 if all
passed.

Usage: console_driver.py --boot SPEC.json [--timeout SECONDS]
"""

import argparse
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tools"))

from tessera_lib import TesseraError  # noqa: E402
from tessera_lib import qemu  # noqa: E402

# What harness.c writes as alpha in the byte-exact region.
EXACT_INLINE = b"@@exact@@ tab\there esc \x1b[1mbold\x1b[0m cr\r utf8 \xc3\xa9|"
EXACT_RING = bytes(0x20 + (i * 7) % 95 for i in range(3000))
EXACT_END = b"@@end@@\n"

TYPE_FIRST = b"hello\n"
TYPE_SECOND = b"\x1dnworld\n"

RE_RESULT = re.compile(r"(not )?ok \d+ - (.*)$")
RE_PLAN = re.compile(r"1\.\.(\d+)$")


class Wire:
    """QEMU's serial output, kept raw, read by a thread."""

    def __init__(self, proc):
        self.proc = proc
        self.data = bytearray()
        self.lock = threading.Lock()
        self.closed = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                break
            with self.lock:
                self.data += chunk
        self.closed = True

    def snapshot(self):
        with self.lock:
            return bytes(self.data)


def test_lines(raw):
    """The text after "[test] " of each complete line of the test client."""
    out = []
    for line in raw.split(b"\n"):
        line = line.rstrip(b"\r")
        i = line.find(b"[test] ")
        if i >= 0:
            out.append(line[i + 7:].decode("utf-8", "replace"))
    return out


def run(spec, timeout):
    cmd = qemu.qemu_command(spec, interactive=False)
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    wire = Wire(proc)
    typed = set()
    deadline = time.monotonic() + timeout
    timed_out = False
    try:
        while True:
            if proc.poll() is not None and wire.closed:
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            lines = test_lines(wire.snapshot())
            for key, text in (("first", TYPE_FIRST), ("second", TYPE_SECOND)):
                if key not in typed and f"# type: {key}" in lines:
                    typed.add(key)
                    time.sleep(0.2)
                    proc.stdin.write(text)
                    proc.stdin.flush()
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        rc = proc.wait(timeout=10)
        wire.thread.join(timeout=2)
        stderr = proc.stderr.read().decode("utf-8", "replace")
    return wire.snapshot(), rc, stderr, timed_out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boot", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    print("TAP version 13", flush=True)
    try:
        spec = qemu.load_boot_spec(a.boot)
        raw, rc, stderr, timed_out = run(spec, a.timeout)
    except TesseraError as e:
        print(f"Bail out! {e}")
        return 1

    results = []  # (ok, name)

    def check(ok, name, why=""):
        results.append((bool(ok), name + (f" ({why})" if why and not ok else "")))

    plan = None
    for text in test_lines(raw):
        m = RE_RESULT.match(text)
        if m:
            results.append((m.group(1) is None, "harness: " + m.group(2)))
        elif RE_PLAN.match(text):
            plan = int(RE_PLAN.match(text).group(1))
        elif text.startswith("#"):
            print(f"# test: {text[1:].strip()}")
    harness_count = len(results)
    check(plan is not None and plan == harness_count, "the harness's plan matches its results",
          f"plan {plan}, {harness_count} results")
    check(b"[console] ready\r\n" in raw, "the console server announces itself, labelled")

    # one compartment: byte-exact
    start = raw.find(b"@@exact@@")
    end = raw.find(EXACT_END, start if start >= 0 else 0)
    region = raw[start:end + len(EXACT_END)] if start >= 0 and end >= 0 else b""
    want = EXACT_INLINE + EXACT_RING + EXACT_END
    differ = next((i for i, (x, y) in enumerate(zip(region, want)) if x != y),
                  min(len(region), len(want)))
    check(region == want, "one compartment's output (inline and ring) is byte-exact",
          f"{len(region)} bytes, want {len(want)}; first difference at {differ}")
    check(start > 0 and raw[start - 1:start] == b"\n", "the exact region starts a line, unlabelled")
    check(b"ring ok\n" in raw and b"[alpha] ring ok" not in raw,
          "a repaired ring's bytes are written, unlabelled")

    # two compartments: labelled
    check(b"\n[alpha] line from alpha\n" in raw, "with two compartments alpha's line is labelled")
    check(b"\n[beta] line from beta\n" in raw, "beta's ring line is labelled")
    check(b"\n[alpha] half from alpha\r\n[beta] beta interrupts\n[alpha] rest\n" in raw,
          "an unfinished line is ended before another client's line, then continued labelled")

    # input focus
    check(b"\n[console] input to beta\r\n" in raw, "Ctrl-] n announces the focus on beta")
    check(b"\nalpha alone again\n" in raw and b"[alpha] alpha alone again" not in raw,
          "after ClientRemove of beta, alpha's output is raw again")

    info = qemu.decode_exit(rc, stderr)
    check(not timed_out, "the harness powers off before the timeout", f"{a.timeout} s")
    check(info.kind == "kernel" and info.status == 0, "QEMU exits with status 0",
          info.describe())

    for i, (ok, name) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    print(f"1..{len(results)}")
    if not all(ok for ok, _ in results):
        print("# wire tail:", file=sys.stderr)
        for line in raw[-3000:].decode("utf-8", "replace").splitlines():
            print(f"#   {line!r}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
