#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of run_diff.py itself: a comparison that cannot fail proves nothing.

A fake target command (a shell one-liner standing in for `tools/tessera
run`) replays a test's expected transcript: unchanged it must pass; with
one line changed, or another exit status, it must fail with a diff. Also:
exit statuses as a shell reports them, the target template's expansion,
and a timeout killing the whole process group. Output: unittest's.
"""

import contextlib
import io
import os
import shlex
import sys
import tempfile
import time
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run_diff  # noqa: E402


class Helpers(unittest.TestCase):
    def test_status_line(self):
        self.assertEqual(run_diff.status_line(0), "--- exit 0")
        self.assertEqual(run_diff.status_line(3), "--- exit 3")
        self.assertEqual(run_diff.status_line(-9), "--- exit 137")
        self.assertEqual(run_diff.status_line(None), "--- timeout")

    def test_target_argv(self):
        argv = run_diff.target_argv("t run {adds} -- {prog} {args}",
                                    ["/h/a:/g/a", "/h/b:/g/b"], "/bin/busybox",
                                    ["sh", "/g/a"])
        self.assertEqual(argv, ["t", "run", "--add", "/h/a:/g/a", "--add",
                                "/h/b:/g/b", "--", "/bin/busybox", "sh", "/g/a"])
        self.assertEqual(run_diff.target_argv("x {adds} {prog}", [], "/p", []),
                         ["x", "/p"])

    def test_script_target_parts(self):
        t = run_diff.Test("workload", script=True)
        adds, prog, args = t.target_parts("/build")
        self.assertEqual(prog, run_diff.BUSYBOX)
        self.assertEqual(args, ["sh", "/tests/workload.sh"])
        self.assertTrue(adds[0].endswith("/workload.sh:/tests/workload.sh"))

    def test_timeout_kills_the_group(self):
        with tempfile.TemporaryDirectory() as d:
            mark = Path(d) / "mark"
            # A grandchild that would write the mark after 2 s.
            cmd = ["/bin/sh", "-c", f"(sleep 2; echo late > {mark}) & sleep 30"]
            t0 = time.monotonic()
            out, err, rc = run_diff.run(cmd, timeout=0.5)
            self.assertIsNone(rc)
            self.assertLess(time.monotonic() - t0, 5)
            time.sleep(2.5)
            self.assertFalse(mark.exists(), "the group's other process survived")

    def test_environment_and_descriptors(self):
        fd = os.open("/dev/null", os.O_RDONLY)  # must not leak into the test
        try:
            out, _, rc = run_diff.run(
                ["/bin/sh", "-c", "env | sort; ls /proc/self/fd | wc -l; pwd"], 10)
        finally:
            os.close(fd)
        self.assertEqual(rc, 0)
        lines = out.decode().split("\n")
        self.assertIn("PATH=/bin:/sbin:/usr/bin:/usr/sbin", lines)
        self.assertEqual(lines[-2], "/")
        # 0, 1, 2 and the one ls opens for the directory; sh adds nothing
        self.assertEqual(lines[-3].strip(), "4")


class Comparison(unittest.TestCase):
    """--mode target against a fake target replaying the expected file."""

    NAME = "random"

    def run_main(self, script):
        template = "/bin/sh -c " + shlex.quote(script) + " {prog}"
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = run_diff.main(["--mode", "target", "--only", self.NAME,
                                "--target", template])
        return rc, buf.getvalue()

    def replay(self, sed="", status=0):
        exp = run_diff.EXPECTED / f"{self.NAME}.out"
        return (f"sed -e '$d' {sed} {shlex.quote(str(exp))}; exit {status}")

    def test_identical_passes(self):
        rc, out = self.run_main(self.replay())
        self.assertEqual(rc, 0, out)
        self.assertIn(f"ok 1 - {self.NAME} target", out)

    def test_changed_line_fails_with_a_diff(self):
        rc, out = self.run_main(self.replay("-e 's/^ok two draws/FAIL two draws/'"))
        self.assertEqual(rc, 1)
        self.assertIn(f"not ok 1 - {self.NAME} target", out)
        self.assertIn("# -ok two draws differ", out)
        self.assertIn("# +FAIL two draws differ", out)

    def test_other_exit_status_fails(self):
        rc, out = self.run_main(self.replay(status=1))
        self.assertEqual(rc, 1)
        self.assertIn("# +--- exit 1", out)

    def test_death_by_signal_is_128_plus_n(self):
        rc, out = self.run_main(self.replay() .replace("exit 0", "kill -SEGV $$"))
        self.assertEqual(rc, 1)
        self.assertIn("# +--- exit 139", out)

    def test_native_only_test_is_skipped_with_its_reason(self):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            rc = run_diff.main(["--mode", "target", "--only", "pty",
                                "--target", "/bin/false"])
        self.assertEqual(rc, 0)
        self.assertIn("# SKIP native only: /dev/ptmx", buf.getvalue())


if __name__ == "__main__":
    unittest.main(verbosity=2)
