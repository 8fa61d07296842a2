#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The interactive shell, driven as a person would drive it.

Boots the system image (the default manifest: busybox's shell in the
'linux' compartment has the terminal) with the serial line on a
pseudo-terminal, waits for the prompt, types commands and reads what comes
back: a builtin, a pipeline, line editing (a mistyped character erased
with Backspace), a program that fails, a sleep, a sleep ended with Ctrl-C,
and finally `exit 3`, whose status must become QEMU's exit status. TAP
output.
"""
import argparse
import os
import pty
import select
import subprocess
import sys
import time
import tty
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
from tessera_lib import qemu  # noqa: E402

PROMPT = b"/ # "
TIMEOUT = 60.0


class Terminal:
    def __init__(self, cmd):
        self.master, slave = pty.openpty()
        tty.setraw(slave)
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=subprocess.PIPE,
                                     close_fds=True)
        os.close(slave)
        self.seen = b""

    def read_until(self, needle, timeout=TIMEOUT):
        """Everything up to and including needle (after what was read before)."""
        deadline = time.monotonic() + timeout
        while needle not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.master], [], [], min(left, 1.0))
            if r:
                try:
                    data = os.read(self.master, 4096)
                except OSError:
                    return None
                if not data:
                    return None
                self.seen += data
        i = self.seen.index(needle) + len(needle)
        out, self.seen = self.seen[:i], self.seen[i:]
        # QEMU keeps output processing on for a terminal on its stdio, so
        # the guest's \r\n arrives as \r\r\n: the same on the screen
        return out.replace(b"\r\r\n", b"\r\n")

    def type(self, text):
        # the shell asks the terminal where its cursor is (ESC [ 6 n) after
        # its prompt and takes a moment to give up waiting; then type, key
        # by key
        time.sleep(0.5)
        for ch in text.encode():
            os.write(self.master, bytes([ch]))
            time.sleep(0.01)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        os.close(self.master)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--boot", required=True)
    a = p.parse_args()
    spec = qemu.load_boot_spec(a.boot)
    cmd = qemu.qemu_command(spec, interactive=False)
    term = Terminal(cmd)
    results = []

    def check(name, ok, detail=""):
        results.append((name, ok, detail))

    try:
        out = term.read_until(PROMPT)
        check("the shell's prompt appears", out is not None,
              "no prompt within %gs" % TIMEOUT if out is None else "")
        if out is not None:
            term.type("echo hello $((6 * 7))\r")
            out = term.read_until(PROMPT)
            check("a builtin with arithmetic answers", out is not None and b"hello 42\r\n" in out,
                  repr(out[-200:]) if out else "no answer")
            term.type("echo one two three | wc -w\r")
            out = term.read_until(PROMPT)
            check("a pipeline of two programs", out is not None and b"\r\n3\r\n" in out,
                  repr(out[-200:]) if out else "no answer")
            term.type("echo abX\x7fc\r")  # X erased with Backspace (DEL)
            out = term.read_until(PROMPT)
            check("Backspace erases the character before it",
                  out is not None and b"\r\nabc\r\n" in out,
                  repr(out[-200:]) if out else "no answer")
            term.type("cat /nonexistent; echo status $?\r")
            out = term.read_until(PROMPT)
            check("a failing program: its message and status",
                  out is not None and b"No such file or directory" in out
                  and b"status 1" in out, repr(out[-200:]) if out else "no answer")
            term.type("sleep 1; echo slept\r")
            start = time.monotonic()
            out = term.read_until(PROMPT)
            took = time.monotonic() - start
            check("sleep 1 sleeps (on the virtual timer), then the shell goes on",
                  out is not None and b"slept\r\n" in out and took >= 0.9,
                  f"{took:.2f} s: " + (repr(out[-200:]) if out else "no answer"))
            term.type("sleep 30\r")
            time.sleep(1.5)
            start = time.monotonic()
            os.write(term.master, b"\x03")  # Ctrl-C
            out = term.read_until(PROMPT, timeout=15)
            took = time.monotonic() - start
            check("Ctrl-C ends a sleep in the foreground; the shell stays",
                  out is not None and took < 15, f"{took:.2f} s")
            term.type("echo still here\r")
            out = term.read_until(PROMPT)
            check("the shell answers after Ctrl-C", out is not None and b"still here\r\n" in out,
                  repr(out[-200:]) if out else "no answer")
            term.type("exit 3\r")
            try:
                rc = term.proc.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                rc = None
            info = qemu.decode_exit(rc, "") if rc is not None else None
            check("exit 3 ends the shell, and the machine with status 3",
                  info is not None and info.kind == "kernel" and info.status == 3,
                  info.describe() if info else "QEMU did not exit")
    finally:
        term.close()
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            failed += 1
            if detail:
                print(f"# {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
