#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of tools/tessera_lib/initramfs.py, the compartment's initramfs.

The archive is read back two ways: by a strict newc parser written here
from cpio(5) (every header field, the alignment of names and data, the
trailer, the 512-byte padding), and by the host's cpio (GNU cpio, or
bsdcpio) where installed. Checked: busybox and every applet link, the
device nodes, the directories and /etc files, reproducibility, --add of
files, links and directories replacing what is there, and the clear refusal
of every kind of bad --add spec and of a busybox that is not static.
Output: unittest's; exit status 0 if all pass.
"""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from tessera_lib import TesseraError, initramfs  # noqa: E402

BUSYBOX = Path("/bin/busybox")
HEADER_FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
                 "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize",
                 "check")


def parse_newc(data):
    """Parses a newc archive strictly; returns [(name, fields, bytes)].

    Fails (AssertionError) on a bad magic, a non-hex field, misaligned
    name or data, a name without its NUL, data past the end, a missing
    trailer, a length that is not a multiple of 512 or non-zero padding.
    """
    out = []
    off = 0
    while True:
        assert off % 4 == 0, f"header at {off} not 4-aligned"
        hdr = data[off:off + 110]
        assert len(hdr) == 110, f"short header at {off}"
        assert hdr[:6] == b"070701", f"bad magic {hdr[:6]!r} at {off}"
        fields = {}
        for i, name in enumerate(HEADER_FIELDS):
            raw = hdr[6 + 8 * i:14 + 8 * i]
            assert all(c in b"0123456789ABCDEFabcdef" for c in raw), \
                f"field {name} {raw!r} not hex at {off}"
            fields[name] = int(raw, 16)
        namesize = fields["namesize"]
        name_bytes = data[off + 110:off + 110 + namesize]
        assert len(name_bytes) == namesize and name_bytes.endswith(b"\0"), \
            f"name at {off} not NUL-terminated"
        name = name_bytes[:-1].decode()
        pos = off + 110 + namesize
        pad = -pos % 4
        assert data[pos:pos + pad] == b"\0" * pad, f"name padding of {name}"
        pos += pad
        size = fields["filesize"]
        body = data[pos:pos + size]
        assert len(body) == size, f"data of {name} runs past the end"
        pos += size
        pad = -pos % 4
        assert data[pos:pos + pad] == b"\0" * pad, f"data padding of {name}"
        off = pos + pad
        if name == "TRAILER!!!":
            break
        out.append((name, fields, body))
    assert len(data) % 512 == 0, "archive not padded to 512 bytes"
    assert data[off:] == b"\0" * (len(data) - off), "junk after the trailer"
    return out


def as_dict(entries):
    return {name: (f, body) for name, f, body in entries}


@unittest.skipUnless(initramfs.is_static_elf(BUSYBOX),
                     "Debian's busybox-static is not installed")
class BaseArchiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = initramfs.build([], str(BUSYBOX), mtime=1234)
        cls.entries = parse_newc(cls.data)
        cls.by_name = as_dict(cls.entries)

    def test_root_first_and_parents_before_children(self):
        names = [n for n, _, _ in self.entries]
        self.assertEqual(names[0], ".")
        self.assertEqual(len(names), len(set(names)), "duplicate entries")
        seen = {"."}
        for n in names[1:]:
            parent = os.path.dirname(n) or "."
            self.assertIn(parent, seen, f"{n} comes before its directory")
            self.assertEqual(stat.S_IFMT(self.by_name[parent][0]["mode"]),
                             stat.S_IFDIR)
            seen.add(n)

    def test_header_fields(self):
        inos = set()
        for name, f, body in self.entries:
            self.assertEqual((f["uid"], f["gid"], f["check"]), (0, 0, 0), name)
            self.assertEqual(f["mtime"], 1234, name)
            self.assertEqual(f["namesize"], len(name.encode()) + 1, name)
            self.assertEqual(f["filesize"], len(body), name)
            self.assertNotIn(f["ino"], inos, f"inode of {name} reused")
            inos.add(f["ino"])

    def test_busybox_and_every_applet(self):
        f, body = self.by_name["bin/busybox"]
        self.assertEqual(body, BUSYBOX.read_bytes())
        self.assertEqual(f["mode"], stat.S_IFREG | 0o755)
        listed = subprocess.run([str(BUSYBOX), "--list-full"],
                                stdout=subprocess.PIPE, check=True
                                ).stdout.decode().split()
        self.assertGreater(len(listed), 100)
        for applet in listed + ["bin/sh"]:
            if applet == "bin/busybox":
                continue
            f, body = self.by_name[applet]
            self.assertEqual(stat.S_IFMT(f["mode"]), stat.S_IFLNK, applet)
            self.assertEqual(body, b"/bin/busybox", applet)

    def test_devices(self):
        for path, (major, minor, perm) in initramfs.DEVICES.items():
            f, body = self.by_name[path[1:]]
            self.assertEqual(f["mode"], stat.S_IFCHR | perm, path)
            self.assertEqual((f["rdevmajor"], f["rdevminor"]), (major, minor))
            self.assertEqual(body, b"")
        self.assertEqual(self.by_name["dev/null"][0]["rdevminor"], 3)

    def test_directories_and_etc(self):
        self.assertEqual(self.by_name["tmp"][0]["mode"], stat.S_IFDIR | 0o1777)
        for d in ("proc", "dev", "etc", "sys", "root", "usr/bin", "sbin"):
            self.assertEqual(stat.S_IFMT(self.by_name[d][0]["mode"]),
                             stat.S_IFDIR, d)
        passwd = self.by_name["etc/passwd"][1].decode()
        self.assertTrue(passwd.startswith("root:x:0:0:root:/root:/bin/sh\n"))
        self.assertIn(b"PATH=/bin", self.by_name["etc/profile"][1])

    def test_reproducible(self):
        again = initramfs.build([], str(BUSYBOX), mtime=1234)
        self.assertEqual(again, self.data)

    def test_source_date_epoch(self):
        old = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = "777"
        try:
            entries = parse_newc(initramfs.build([], str(BUSYBOX)))
        finally:
            if old is None:
                del os.environ["SOURCE_DATE_EPOCH"]
            else:
                os.environ["SOURCE_DATE_EPOCH"] = old
        self.assertTrue(all(f["mtime"] == 777 for _, f, _ in entries))

    def host_cpio(self):
        for tool in ("bsdcpio", "cpio"):
            if shutil.which(tool):
                return tool
        self.skipTest("no cpio or bsdcpio on the host")

    def test_host_cpio_lists_the_same(self):
        tool = self.host_cpio()
        res = subprocess.run([tool, "-it"], input=self.data,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             check=False)
        self.assertEqual(res.returncode, 0, res.stderr.decode())
        listed = res.stdout.decode().split("\n")[:-1]
        self.assertEqual(listed, [n for n, _, _ in self.entries])

    def test_host_cpio_extracts_a_file(self):
        tool = self.host_cpio()
        if tool != "cpio":
            self.skipTest("--to-stdout is GNU cpio's")
        res = subprocess.run([tool, "-i", "--to-stdout", "etc/hostname"],
                             input=self.data, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=False)
        self.assertEqual(res.returncode, 0, res.stderr.decode())
        self.assertEqual(res.stdout, b"tessera\n")


@unittest.skipUnless(initramfs.is_static_elf(BUSYBOX),
                     "Debian's busybox-static is not installed")
class AddTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def build(self, *adds):
        return as_dict(parse_newc(initramfs.build(list(adds), str(BUSYBOX))))

    def test_add_file_makes_parents_and_keeps_mode(self):
        prog = self.dir / "prog"
        prog.write_bytes(b"\x7fELF-ish")
        prog.chmod(0o750)
        got = self.build(f"{prog}:/opt/deep/er/prog")
        f, body = got["opt/deep/er/prog"]
        self.assertEqual(body, b"\x7fELF-ish")
        self.assertEqual(f["mode"], stat.S_IFREG | 0o750)
        for d in ("opt", "opt/deep", "opt/deep/er"):
            self.assertEqual(stat.S_IFMT(got[d][0]["mode"]), stat.S_IFDIR)

    def test_add_replaces_a_link(self):
        f = self.dir / "ls"
        f.write_text("mine\n")
        got = self.build(f"{f}:/bin/ls")
        self.assertEqual(stat.S_IFMT(got["bin/ls"][0]["mode"]), stat.S_IFREG)
        self.assertEqual(got["bin/ls"][1], b"mine\n")

    def test_add_directory_replaces_the_subtree(self):
        etc = self.dir / "etc"
        (etc / "sub").mkdir(parents=True)
        (etc / "motd").write_text("hello\n")
        (etc / "sub" / "x").write_text("x\n")
        os.symlink("motd", etc / "link")
        got = self.build(f"{etc}:/etc")
        self.assertNotIn("etc/passwd", got, "old /etc contents must be gone")
        self.assertEqual(got["etc/motd"][1], b"hello\n")
        self.assertEqual(got["etc/sub/x"][1], b"x\n")
        self.assertEqual(stat.S_IFMT(got["etc/link"][0]["mode"]), stat.S_IFLNK)
        self.assertEqual(got["etc/link"][1], b"motd")
        self.assertIn("bin/busybox", got)

    def test_add_follows_a_named_link(self):
        f = self.dir / "real"
        f.write_text("content\n")
        os.symlink("real", self.dir / "alias")
        got = self.build(f"{self.dir / 'alias'}:/etc/os-release")
        self.assertEqual(stat.S_IFMT(got["etc/os-release"][0]["mode"]), stat.S_IFREG)
        self.assertEqual(got["etc/os-release"][1], b"content\n")
        os.symlink("nowhere", self.dir / "dangling")
        with self.assertRaises(Exception):
            self.build(f"{self.dir / 'dangling'}:/x")

    def test_later_add_wins(self):
        a, b = self.dir / "a", self.dir / "b"
        a.write_text("a")
        b.write_text("b")
        got = self.build(f"{a}:/x", f"{b}:/x")
        self.assertEqual(got["x"][1], b"b")

    def test_file_over_directory_and_back(self):
        f = self.dir / "f"
        f.write_text("f")
        got = self.build(f"{f}:/usr")
        self.assertEqual(stat.S_IFMT(got["usr"][0]["mode"]), stat.S_IFREG)
        self.assertFalse(any(n.startswith("usr/") for n in got))

    def test_host_path_with_colon(self):
        f = self.dir / "a:b"
        f.write_text("colon")
        got = self.build(f"{f}:/c")
        self.assertEqual(got["c"][1], b"colon")

    def refuse(self, spec, message):
        with self.assertRaises(TesseraError) as cm:
            initramfs.build([spec], str(BUSYBOX))
        self.assertIn(message, str(cm.exception))

    def test_bad_specs_are_refused_clearly(self):
        f = self.dir / "f"
        f.write_text("f")
        fifo = self.dir / "fifo"
        os.mkfifo(fifo)
        self.refuse("nocolon", "expected HOST:GUEST")
        self.refuse(":/x", "the host path is empty")
        self.refuse(f"{f}:", "guest path is empty")
        self.refuse(f"{f}:relative/x", "must be absolute")
        self.refuse(f"{f}:/a/../b", "must not contain '.' or '..'")
        self.refuse(f"{f}:/a/./b", "must not contain '.' or '..'")
        self.refuse(f"{f}:/", "names the root")
        self.refuse(f"{f}://", "names the root")
        self.refuse(f"{self.dir}/missing:/x", "does not exist")
        self.refuse(f"{fifo}:/x", "neither a file nor a directory")
        self.refuse(f"{f}:/bin/sh/x", "/bin/sh is not a directory")

    def test_a_bad_spec_is_found_before_any_work(self):
        # Every spec is checked before the archive is built.
        f = self.dir / "f"
        f.write_text("f")
        with self.assertRaises(TesseraError) as cm:
            initramfs.build([f"{f}:/ok", "bad"], "/nonexistent/busybox")
        self.assertIn("expected HOST:GUEST", str(cm.exception))

    def test_command_line(self):
        out = self.dir / "out.cpio"
        f = self.dir / "f"
        f.write_text("f")
        cmd = [sys.executable, "-m", "tessera_lib.initramfs", "--output",
               str(out), "--add", f"{f}:/f"]
        res = subprocess.run(cmd, cwd=ROOT / "tools", stderr=subprocess.PIPE,
                             check=False)
        self.assertEqual(res.returncode, 0, res.stderr.decode())
        self.assertEqual(as_dict(parse_newc(out.read_bytes()))["f"][1], b"f")
        bad = self.dir / "bad.cpio"
        res = subprocess.run(cmd[:4] + [str(bad), "--add", "f:rel"],
                             cwd=ROOT / "tools", stderr=subprocess.PIPE,
                             check=False)
        self.assertEqual(res.returncode, 1)
        self.assertEqual(res.stderr.decode(),
                         "initramfs: --add 'f:rel': guest path 'rel' must be "
                         "absolute (start with '/')\n")
        self.assertFalse(bad.exists(), "no archive on error")


class BusyboxCheckTest(unittest.TestCase):
    def test_missing_busybox(self):
        with self.assertRaises(TesseraError) as cm:
            initramfs.build([], "/nonexistent/busybox")
        self.assertIn("not found; install busybox-static", str(cm.exception))

    def test_dynamic_busybox_refused(self):
        dynamic = shutil.which("python3")
        with self.assertRaises(TesseraError) as cm:
            initramfs.build([], os.path.realpath(dynamic))
        self.assertIn("is not a static ELF executable", str(cm.exception))


class ParserSelfTest(unittest.TestCase):
    """The parser above must reject broken archives, or it proves nothing."""

    def good(self):
        tree = initramfs.Tree()
        tree.put("/ab", initramfs.regular(b"abcde"))  # name and data padded
        return tree.archive()

    def test_accepts_good(self):
        self.assertEqual([n for n, _, _ in parse_newc(self.good())], [".", "ab"])

    def test_rejects_broken(self):
        data = self.good()
        broken = [
            data.replace(b"070701", b"070707", 1),       # magic
            data[:-512],                                  # trailer cut off
            data[:-1],                                    # not 512-padded
            data.replace(b"ab\0\0\0\0", b"ab\0\0X\0", 1),  # name padding
            data.replace(b"abcde\0\0\0", b"abcde\0Z\0", 1),  # data padding
        ]
        for i, b in enumerate(broken):
            self.assertNotEqual(b, data, f"case {i} changed nothing")
            with self.subTest(case=i), self.assertRaises(AssertionError):
                parse_newc(b)


if __name__ == "__main__":
    unittest.main(verbosity=2)
