#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Differential tests of the Linux personality: the host's Linux is the oracle.

Each test is a static Linux program (tests/linux/*.c, built by meson with
`musl-gcc -static`) or a busybox shell script (tests/linux/*.sh, run by
Debian's busybox-static). The runner runs it

  natively   on the host, in a new session, in /, with stdin /dev/null, a
             fixed environment and no descriptor besides 0, 1 and 2; and
  on target  through a configurable command, by default
             `tools/tessera run {adds} -- {prog} {args}`,

turns each run into a transcript (stdout, normalised, then a line with the
exit status as a shell reports it: `--- exit N`, 128+N for signal N) and
compares:

  --mode native   the native transcript against the checked-in expected file
                  tests/linux/expected/<name>.out; this validates the test
                  programs themselves on the host (meson suite linux-native);
  --mode diff     the native transcript against the expected file, and the
                  target transcript against the native one;
  --mode target   the target transcript against the expected file only.

--update rewrites the expected files from native runs (review the diff!).
Output is TAP, one line per run compared; a mismatch is shown as a unified
diff in '#' lines. Standard library only. docs/linux/testing.md explains
the method, the normalisation per test and how to add a test.
"""

import argparse
import difflib
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXPECTED = HERE / "expected"
BUSYBOX = "/bin/busybox"

#: The default target command; {adds}, {prog} and {args} stand for whole
#: arguments (see target_argv).
DEFAULT_TARGET = str(ROOT / "tools" / "tessera") + " run {adds} -- {prog} {args}"

#: The environment every program gets, natively and (by tessera run) in the
#: guest: nothing from the caller's environment may change an output.
ENV = {"PATH": "/bin:/sbin:/usr/bin:/usr/sbin", "HOME": "/", "LANG": "C",
       "LC_ALL": "C", "TZ": "UTC"}

#: Where a script is put in the guest's file system (tessera run --add).
GUEST_TESTS = "/tests"

#: Normalisations applied to every transcript: names of private temporary
#: directories, should a program print one (none does today).
COMMON_RULES = [
    (re.compile(r"/tmp/(lt|wl)[A-Za-z0-9]{6}"), r"/tmp/\1XXXXXX"),
]


class Test:
    """One differential test.

    name     the program (build/tests/linux/<name>) or script (<name>.sh)
    script   True for a busybox shell script
    timeout  seconds before the run is killed (its process group)
    rules    extra (regex, replacement) normalisations for this test
    target   False: not (yet) compared under Tessera, with the reason
    """

    def __init__(self, name, script=False, timeout=30, rules=(), target=True):
        self.name = name
        self.script = script
        self.timeout = timeout
        self.rules = list(rules)
        self.target = target

    def host_argv(self, progdir):
        if self.script:
            return [BUSYBOX, "sh", str(HERE / (self.name + ".sh"))]
        return [str(Path(progdir) / self.name)]

    def target_parts(self, progdir):
        """(adds, prog, args) for the target command."""
        if self.script:
            guest = f"{GUEST_TESTS}/{self.name}.sh"
            return ([f"{HERE / (self.name + '.sh')}:{guest}"], BUSYBOX,
                    ["sh", guest])
        return [], str(Path(progdir) / self.name), []


#: Every test, in the order they run. Keep in step with meson.build's list.
TESTS = [
    Test("proc"),
    Test("signals"),
    Test("memory"),
    Test("files"),
    Test("pipes"),
    Test("poll"),
    Test("tty"),
    Test("pty", target="/dev/ptmx is not among the guest's devices (issue 11 names "
                       "null, zero, full, random, urandom, tty, console)"),
    Test("timeid"),
    Test("random"),
    Test("procdev"),
    Test("errors"),
    Test("futex"),
    Test("misc"),
    Test("longrun", timeout=120),
    Test("workload", script=True, timeout=60),
    Test("shell", script=True),
    Test("hostile_syscalls", timeout=60),
    Test("hostile_badptr"),
    Test("hostile_forkbomb", timeout=60),
    Test("hostile_memhog", timeout=60),
    Test("hostile_spin", timeout=60),
]


def status_line(returncode):
    """The exit status as a shell reports it (128+N for signal N)."""
    if returncode is None:
        return "--- timeout"
    if returncode < 0:
        return f"--- exit {128 - returncode}"
    return f"--- exit {returncode}"


def normalise(test, stdout):
    text = stdout.decode("utf-8", errors="backslashreplace")
    for rx, repl in COMMON_RULES + test.rules:
        text = rx.sub(repl, text)
    if text and not text.endswith("\n"):
        text += "\n"
    return text


def run(argv, timeout, cwd="/"):
    """Runs argv; returns (stdout bytes, stderr bytes, returncode or None).

    The program gets a session of its own (no controlling terminal: the
    tty test relies on that) and only descriptors 0, 1 and 2. On timeout
    its process group is killed; a test that leaves its group (setsid,
    setpgid) must bound its children itself (alarm), as every test here
    does.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=err, cwd=cwd, env=ENV,
                                    close_fds=True, start_new_session=True)
        except OSError as e:
            return b"", f"cannot run {argv[0]}: {e.strerror}\n".encode(), 127
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            rc = None
        out.seek(0)
        err.seek(0)
        return out.read(), err.read(), rc


def target_argv(template, adds, prog, args):
    """Expands the target command template.

    {adds} becomes one `--add HOST:GUEST` pair per file to put into the
    guest, {prog} the host path of the program, {args} its arguments; each
    must stand alone as a word of the template.
    """
    argv = []
    for word in shlex.split(template):
        if word == "{adds}":
            for a in adds:
                argv += ["--add", a]
        elif word == "{prog}":
            argv.append(prog)
        elif word == "{args}":
            argv += args
        else:
            argv.append(word)
    return argv


def transcript(test, stdout, rc):
    return normalise(test, stdout) + status_line(rc) + "\n"


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, name, detail=()):
        self.n += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}", flush=True)
        for line in detail:
            print(f"# {line}", flush=True)

    def skip(self, name, reason):
        self.n += 1
        print(f"ok {self.n} - {name} # SKIP {reason}", flush=True)


def diff_lines(expected, got, a_name, b_name, limit=60):
    lines = list(difflib.unified_diff(expected.splitlines(), got.splitlines(),
                                      a_name, b_name, lineterm=""))
    if len(lines) > limit:
        lines = lines[:limit] + [f"... {len(lines) - limit} more diff lines"]
    return lines


def stderr_lines(err, limit=10):
    text = err.decode("utf-8", errors="backslashreplace").splitlines()
    return ["stderr: " + line for line in text[-limit:]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--progdir", type=Path,
                    default=ROOT / "build" / "tests" / "linux",
                    help="where meson built the programs")
    ap.add_argument("--mode", choices=("native", "diff", "target"),
                    default="native")
    ap.add_argument("--target", default=os.environ.get(
        "TESSERA_LINUX_TARGET", DEFAULT_TARGET),
        help="target command template (default: $TESSERA_LINUX_TARGET or "
             "'%(default)s')")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="run only these tests (repeatable)")
    ap.add_argument("--update", action="store_true",
                    help="rewrite expected files from native runs")
    ap.add_argument("--list", action="store_true", help="list the tests")
    args = ap.parse_args(argv)

    args.progdir = args.progdir.resolve()  # programs run in /
    tests = TESTS
    if args.only:
        unknown = set(args.only) - {t.name for t in TESTS}
        if unknown:
            ap.error("unknown test(s): " + ", ".join(sorted(unknown)))
        tests = [t for t in TESTS if t.name in args.only]
    if args.list:
        for t in tests:
            print(t.name if t.target is True else f"{t.name} (native only: {t.target})")
        return 0

    per_test = 2 if args.mode == "diff" else 1
    print("TAP version 13")
    print(f"1..{len(tests) * per_test}", flush=True)
    tap = Tap()
    started = time.monotonic()
    for test in tests:
        expected_file = EXPECTED / f"{test.name}.out"
        native = None
        if args.mode in ("native", "diff"):
            hargv = test.host_argv(args.progdir)
            if not test.script and not Path(hargv[0]).is_file():
                tap.result(False, f"{test.name} native",
                           [f"{hargv[0]} not built (is it in tests/linux/meson.build?)"])
                if args.mode == "diff":
                    tap.skip(f"{test.name} target", "no native run")
                continue
            t0 = time.monotonic()
            out, err, rc = run(hargv, test.timeout)
            took = time.monotonic() - t0
            native = transcript(test, out, rc)
            if args.update:
                expected_file.write_text(native)
            if not expected_file.is_file():
                tap.result(False, f"{test.name} native",
                           [f"no expected file {expected_file}; make it with --update"])
            else:
                expected = expected_file.read_text()
                ok = native == expected
                detail = [] if ok else (
                    diff_lines(expected, native, str(expected_file), "native")
                    + stderr_lines(err))
                tap.result(ok, f"{test.name} native ({took:.2f} s)", detail)
        if args.mode in ("diff", "target"):
            if test.target is not True:
                tap.skip(f"{test.name} target", f"native only: {test.target}")
                continue
            adds, prog, pargs = test.target_parts(args.progdir)
            targv = target_argv(args.target, adds, prog, pargs)
            out, err, rc = run(targv, test.timeout * 4 + 60)
            got = transcript(test, out, rc)
            if native is None:
                oracle_name = str(expected_file)
                oracle = expected_file.read_text() if expected_file.is_file() else ""
            else:
                oracle_name, oracle = "native", native
            ok = got == oracle
            detail = [] if ok else (
                ["command: " + shlex.join(targv)]
                + diff_lines(oracle, got, oracle_name, "target")
                + stderr_lines(err))
            tap.result(ok, f"{test.name} target", detail)
    print(f"# {tap.n - tap.failed} passed, {tap.failed} failed in "
          f"{time.monotonic() - started:.1f} s", flush=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
