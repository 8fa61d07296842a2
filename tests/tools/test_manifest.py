#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of tools/manifest.py: one test per class of manifest mistake.

Each test writes a small manifest, runs 'tools/manifest.py check' on it and
asserts the exact 'FILE:LINE: where: key 'KEY': problem' line on stderr and
exit status 1. Further tests check the line finder, that system.toml and
the test manifests are valid, the packed bytes (the packer takes its
layouts from libl4/spec/structs.toml, as the C parser does through
<l4/structs_gen.h>; tests/unit/test_manifest.c parses the module the tool
packs from tools/manifests/unit.toml), and the seed module. Output:
unittest's, exit status 0 if all pass.
"""

import os
import re
import struct
import subprocess
import sys
import tempfile
import textwrap
import unittest
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

from tessera_lib import manifest  # noqa: E402
from tessera_lib import qemu  # noqa: E402

TOOL = ROOT / "tools" / "manifest.py"
# The build directory, for manifests naming '@build/' images (meson sets it).
BUILDDIR = Path(os.environ.get("TESSERA_BUILDDIR", ROOT / "build"))
HEADER = ROOT / "libl4" / "include" / "l4" / "manifest.h"

# A valid manifest; the tests change one thing in it. Line numbers matter:
# the expected messages name them.
BASE = """\
[machine]
memory = "512MiB"

[[server]]
name = "mem"
priority = 250
memory = "8MiB"

[[compartment]]
name = "shell"
main = true
quota = "64MiB"
priority = 100
image = "guest.elf"

[[compartment]]
name = "web"
quota = "32MiB"
priority = 90
image = "guest.elf"
console = "serial"
on_crash = "restart"
max_restarts = 3
max_address_spaces = 8
"""
# Lines of BASE: 'quota' of 'web' is line 18, its 'priority' 19, ...
LINE = {"machine.memory": 2, "server.priority": 6, "shell.name": 10,
        "shell.main": 11, "shell.quota": 12, "shell.priority": 13,
        "web.header": 16, "web.name": 17, "web.quota": 18,
        "web.priority": 19, "web.image": 20, "web.console": 21,
        "web.on_crash": 22, "web.max_restarts": 23, "web.spaces": 24}


class ManifestCheckTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="tessera-manifest-")
        self.dir = Path(self.tmp.name)
        (self.dir / "guest.elf").write_bytes(b"\x7fELF guest")

    def tearDown(self):
        self.tmp.cleanup()

    def run_check(self, text, name="system.toml"):
        path = self.dir / name
        path.write_text(text, encoding="utf-8")
        return subprocess.run([sys.executable, str(TOOL), "check", name],
                              cwd=self.dir, capture_output=True, text=True,
                              check=False)

    def edit(self, old, new, count=1):
        self.assertIn(old, BASE)
        return BASE.replace(old, new, count)

    def expect(self, text, message):
        res = self.run_check(text)
        self.assertEqual(res.returncode, 1, res.stdout + res.stderr)
        self.assertEqual(res.stderr.strip(), message)
        self.assertEqual(res.stdout, "")

    def test_base_is_valid(self):
        res = self.run_check(BASE)
        self.assertEqual(res.returncode, 0, res.stderr)
        self.assertIn("compartment 'web': quota 32 MiB, priority 90", res.stdout)

    def test_unknown_key(self):
        self.expect(self.edit('priority = 90\n', 'priority = 90\nquotas = 1\n'),
                    "system.toml:20: compartment 'web': key 'quotas': unknown "
                    "key (known: console, image, init, initramfs, main, "
                    "max_address_spaces, max_restarts, max_threads, name, "
                    "on_crash, priority, quota)")

    def test_unknown_key_in_machine(self):
        self.expect(self.edit('memory = "512MiB"\n',
                              'memory = "512MiB"\ncpus = 2\n'),
                    "system.toml:3: machine: key 'cpus': unknown key "
                    "(known: memory)")

    def test_unknown_table(self):
        self.expect(BASE + "\n[network]\nmode = 'user'\n",
                    "system.toml:26: unknown table 'network' (known: "
                    "machine, server, compartment)")

    def test_bad_type(self):
        self.expect(self.edit('priority = 90', 'priority = "high"'),
                    "system.toml:19: compartment 'web': key 'priority': must "
                    "be an integer, not str 'high'")

    def test_bad_type_bool_is_not_int(self):
        self.expect(self.edit('max_address_spaces = 8',
                              'max_address_spaces = true'),
                    "system.toml:24: compartment 'web': key "
                    "'max_address_spaces': must be an integer, not bool True")

    def test_bad_size(self):
        self.expect(self.edit('quota = "32MiB"', 'quota = "32MB"'),
                    "system.toml:18: compartment 'web': key 'quota': bad size "
                    "'32MB' (write e.g. '64MiB', '512KiB', '1GiB')")

    def test_quota_larger_than_ram(self):
        self.expect(self.edit('quota = "32MiB"', 'quota = "1GiB"'),
                    "system.toml:18: compartment 'web': key 'quota': 1 GiB "
                    "is larger than the machine's RAM (512 MiB, [machine] "
                    "memory)")

    def test_quota_zero(self):
        self.expect(self.edit('quota = "32MiB"', 'quota = 0'),
                    "system.toml:18: compartment 'web': key 'quota': quota "
                    "is zero")

    def test_sum_of_quotas_beyond_what_is_left(self):
        # 512 - 16 (kernel) - 8 (server) - 64 (shell) = 424 MiB left
        self.expect(self.edit('quota = "32MiB"', 'quota = "425MiB"'),
                    "system.toml:18: compartment 'web': key 'quota': 425 MiB "
                    "is more than what is left: 424 MiB of 512 MiB after the "
                    "kernel's 16 MiB, the servers' 8 MiB and the "
                    "compartments before it")
        res = self.run_check(self.edit('quota = "32MiB"', 'quota = "424MiB"'))
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_missing_image(self):
        self.expect(self.edit('image = "guest.elf"\nconsole',
                              'image = "nowhere.elf"\nconsole'),
                    "system.toml:20: compartment 'web': key 'image': image "
                    "file 'nowhere.elf' not found (nowhere.elf)")

    def test_no_image_key(self):
        self.expect(self.edit('image = "guest.elf"\nconsole', 'console'),
                    "system.toml:16: compartment 'web': no 'image' key")

    def test_duplicate_name(self):
        self.expect(self.edit('name = "web"', 'name = "shell"'),
                    "system.toml:17: compartment 'shell': key 'name': "
                    "duplicate name (also compartment #1)")

    def test_duplicate_name_of_server(self):
        self.expect(self.edit('name = "web"', 'name = "mem"'),
                    "system.toml:17: compartment 'mem': key 'name': "
                    "duplicate name (also server #1)")

    def test_bad_name(self):
        self.expect(self.edit('name = "web"', 'name = "Web Server"'),
                    "system.toml:17: compartment #2: key 'name': bad name "
                    "'Web Server' (1..31 characters, [a-z][a-z0-9_-]*)")

    def test_priority_out_of_range(self):
        self.expect(self.edit('priority = 90', 'priority = 200'),
                    "system.toml:19: compartment 'web': key 'priority': 200 "
                    "out of range 1..199 (200..254 belong to servers, 255 to "
                    "the root task)")
        self.expect(self.edit('priority = 90', 'priority = 0'),
                    "system.toml:19: compartment 'web': key 'priority': 0 "
                    "out of range 1..199 (200..254 belong to servers, 255 to "
                    "the root task)")

    def test_server_priority_out_of_range(self):
        self.expect(self.edit('priority = 250', 'priority = 255'),
                    "system.toml:6: server 'mem': key 'priority': 255 out of "
                    "range 200..254 (servers run above compartments)")

    def test_max_address_spaces_out_of_range(self):
        self.expect(self.edit('max_address_spaces = 8',
                              'max_address_spaces = 4096'),
                    "system.toml:24: compartment 'web': key "
                    "'max_address_spaces': 4096 out of range 1..4095")
        self.expect(self.edit('max_address_spaces = 8',
                              'max_address_spaces = 0'),
                    "system.toml:24: compartment 'web': key "
                    "'max_address_spaces': 0 out of range 1..4095")

    def test_sum_of_address_spaces_beyond_asids(self):
        # 4095 - root - 1 server - shell's default 8 = 4085 left
        self.expect(self.edit('max_address_spaces = 8',
                              'max_address_spaces = 4086'),
                    "system.toml:24: compartment 'web': key "
                    "'max_address_spaces': 4086 is more than the 4085 "
                    "address spaces left (the kernel has 4095; the root "
                    "task, each server and the compartments before it take "
                    "theirs)")
        res = self.run_check(self.edit('max_address_spaces = 8',
                                       'max_address_spaces = 4085'))
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_restart_policy_invalid(self):
        self.expect(self.edit('on_crash = "restart"', 'on_crash = "reboot"'),
                    "system.toml:22: compartment 'web': key 'on_crash': "
                    "unknown policy 'reboot' (known: stop, restart)")

    def test_restart_count_out_of_range(self):
        self.expect(self.edit('max_restarts = 3', 'max_restarts = 101'),
                    "system.toml:23: compartment 'web': key 'max_restarts': "
                    "101 out of range 1..100")

    def test_restart_without_count(self):
        self.expect(self.edit('max_restarts = 3\n', ''),
                    "system.toml:22: compartment 'web': key 'on_crash': "
                    "'restart' needs max_restarts = N (1..100)")

    def test_restart_count_with_stop(self):
        self.expect(self.edit('on_crash = "restart"', 'on_crash = "stop"'),
                    "system.toml:23: compartment 'web': key 'max_restarts': "
                    "only with on_crash = 'restart'")

    def test_no_main_compartment(self):
        self.expect(self.edit('main = true\n', ''),
                    "system.toml:9: no compartment has main = true (the main "
                    "compartment's exit status becomes the machine's)")

    def test_two_main_compartments(self):
        self.expect(self.edit('name = "web"\n', 'name = "web"\nmain = true\n'),
                    "system.toml:18: compartment 'web': key 'main': a second "
                    "main compartment (the first is 'shell')")

    def test_no_compartment(self):
        self.expect(BASE[:BASE.index("[[compartment]]")],
                    "system.toml:1: no [[compartment]]: a system needs at "
                    "least one (and one with main = true)")

    def test_bad_console_name(self):
        self.expect(self.edit('console = "serial"', 'console = "vga"'),
                    "system.toml:21: compartment 'web': key 'console': "
                    "unknown console 'vga' (known: none, serial, host)")

    def test_memory_out_of_range(self):
        self.expect(self.edit('memory = "512MiB"', 'memory = "16MiB"'),
                    "system.toml:2: machine: key 'memory': 16 MiB out of "
                    "range 64 MiB..64 GiB, or not whole MiB")

    def test_unaligned_size(self):
        self.expect(self.edit('memory = "8MiB"', 'memory = 1000'),
                    "system.toml:7: server 'mem': key 'memory': 1000 bytes is "
                    "not a multiple of 4 KiB")

    def test_init_with_nul(self):
        self.expect(self.edit('image = "guest.elf"\nconsole',
                              'image = "guest.elf"\ninit = "/bin/sh\\u0000x"'
                              '\nconsole'),
                    "system.toml:21: compartment 'web': key 'init': must not "
                    "be empty or hold a NUL character")

    def test_build_path_needs_builddir(self):
        self.expect(self.edit('image = "guest.elf"\nconsole',
                              'image = "@build/guest.elf"\nconsole'),
                    "system.toml:20: compartment 'web': key 'image': "
                    "'@build/guest.elf' names the build directory: give "
                    "--builddir")
        res = subprocess.run(
            [sys.executable, str(TOOL), "check", "system.toml", "--builddir",
             "."], cwd=self.dir, capture_output=True, text=True, check=False)
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_array_of_non_tables(self):
        self.expect("server = [1, 2]\n" + BASE[BASE.index("[[compartment]]"):],
                    "system.toml:1: 'server' entries must be tables: "
                    "[[server]]")

    def test_single_table_instead_of_array(self):
        self.expect(self.edit("[[server]]", "[server]"),
                    "system.toml:4: 'server' must be an array of tables: "
                    "[[server]]")

    def test_toml_syntax_error(self):
        res = self.run_check(self.edit('priority = 90', 'priority = = 90'))
        self.assertEqual(res.returncode, 1)
        self.assertTrue(res.stderr.startswith("system.toml:19: TOML syntax "
                                              "error:"), res.stderr)

    def test_file_named_as_given(self):
        res = self.run_check(self.edit('console = "serial"', 'console = 1'),
                             name="other.toml")
        self.assertEqual(res.returncode, 1)
        self.assertEqual(res.stderr.strip(),
                         "other.toml:21: compartment 'web': key 'console': "
                         "must be a string, not int 1")


class SourceLinesTest(unittest.TestCase):
    def test_lines_of_keys_and_tables(self):
        lines = manifest.SourceLines(BASE)
        self.assertEqual(lines.line("machine", None, "memory"), 2)
        self.assertEqual(lines.line("server", 0, "priority"), 6)
        self.assertEqual(lines.line("compartment", 0, "quota"), 12)
        self.assertEqual(lines.line("compartment", 1, "quota"), 18)
        self.assertEqual(lines.line("compartment", 1, "max_address_spaces"),
                         24)
        # a key the table does not have: the header's line
        self.assertEqual(lines.line("compartment", 1, "init"), 16)
        self.assertEqual(lines.line("compartment", 5, "quota"), 1)

    def test_quoted_keys_comments_and_spacing(self):
        text = textwrap.dedent("""\
            # comment
              [[compartment]]   # first
            "name" = "a"
            'quota'="1MiB"
            [ machine ]
            memory=1
            """)
        lines = manifest.SourceLines(text)
        self.assertEqual(lines.line("compartment", 0, "name"), 3)
        self.assertEqual(lines.line("compartment", 0, "quota"), 4)
        self.assertEqual(lines.line("machine", None, "memory"), 6)


class ManifestFilesTest(unittest.TestCase):
    def test_system_toml_is_valid(self):
        man = manifest.load(ROOT / "system.toml", builddir=BUILDDIR)
        self.assertEqual(sum(c.main for c in man.compartments), 1)
        self.assertEqual(man.qemu_memory(), "512M")
        mods = manifest.image_modules(man, BUILDDIR)
        self.assertIn("pvtest-guest.elf", [name for _, name in mods])

    def test_test_manifests_are_valid(self):
        paths = sorted((ROOT / "tools" / "manifests").glob("*.toml"))
        paths += sorted((ROOT / "tests" / "pv" / "manifests").glob("*.toml"))
        paths += sorted((ROOT / "tests" / "shim").glob("*.toml"))
        for path in paths:
            with self.subTest(path=path.name):
                manifest.load(path, builddir=BUILDDIR)

    def test_images_become_modules_by_file_name(self):
        with tempfile.TemporaryDirectory() as d:
            d = Path(d)
            (d / "a").mkdir()
            (d / "b").mkdir()
            for sub in ("a", "b"):
                (d / sub / "guest.elf").write_bytes(b"x")
            (d / "other.elf").write_bytes(b"x")
            base = ("[[compartment]]\nname = 'one'\nmain = true\n"
                    "quota = '16MiB'\nimage = 'a/guest.elf'\n")
            (d / "ok.toml").write_text(
                base + "[[compartment]]\nname = 'two'\nquota = '16MiB'\n"
                "image = 'a/guest.elf'\n[[compartment]]\nname = 'three'\n"
                "quota = '16MiB'\nimage = 'other.elf'\n")
            mods = manifest.image_modules(manifest.load(d / "ok.toml"))
            self.assertEqual([n for _, n in mods], ["guest.elf", "other.elf"])
            (d / "clash.toml").write_text(
                base + "[[compartment]]\nname = 'two'\nquota = '16MiB'\n"
                "image = 'b/guest.elf'\n")
            with self.assertRaises(manifest.ManifestError) as cm:
                manifest.image_modules(manifest.load(d / "clash.toml"))
            self.assertIn("compartment 'two': image 'b/guest.elf' has the "
                          "file name 'guest.elf' of another image",
                          str(cm.exception))


class LayoutTest(unittest.TestCase):
    """The packed module, laid out by the spec's [[struct]]s."""

    def test_layouts_come_from_the_spec(self):
        self.assertEqual((manifest.HEADER.size, manifest.SERVER.size,
                          manifest.COMPARTMENT.size), (64, 32, 64))
        self.assertEqual(manifest.MAGIC, 0x464D5354)
        # <l4/manifest.h> defines no offset, size or limit of its own: the
        # numbers are the spec's, through <l4/structs_gen.h>.
        numeric = re.compile(r"^#define L4_MANIFEST_\w+\s+\(?(UINT\d+_C\()?\d",
                             re.M)
        self.assertEqual(numeric.findall(HEADER.read_text()), [])
        self.assertIn("#include <l4/structs_gen.h>", HEADER.read_text())

    def test_unpacked_module_is_the_manifest(self):
        man = manifest.load(ROOT / "tools" / "manifests" / "unit.toml")
        data = manifest.pack(man)
        h = manifest.HEADER.unpack(data)
        self.assertEqual((h["total_size"], h["memory"], h["main"]),
                         (len(data), man.memory, man.main))
        self.assertEqual((h["num_servers"], h["num_compartments"]),
                         (len(man.servers), len(man.compartments)))

        def string(off):
            if off == manifest.NO_STRING:
                return None
            table = data[h["strings"]:h["strings"] + h["strings_size"]]
            return table[off:table.index(b"\0", off)].decode()

        for i, s in enumerate(man.servers):
            r = manifest.SERVER.unpack(data, h["servers"] + i * h["server_size"])
            self.assertEqual((string(r["name"]), r["memory"], r["priority"]),
                             (s.name, s.memory, s.priority))
            self.assertEqual(r["reserved"], [0] * 15)
        for i, c in enumerate(man.compartments):
            r = manifest.COMPARTMENT.unpack(
                data, h["compartments"] + i * h["compartment_size"])
            self.assertEqual(
                (string(r["name"]), r["quota"], r["priority"],
                 r["flags"] == manifest.FLAG_MAIN, r["console"],
                 r["on_crash"], r["max_restarts"], r["max_spaces"],
                 r["max_threads"], string(r["image"]), string(r["init"])),
                (c.name, c.quota, c.priority, c.main,
                 manifest.CONSOLES[c.console], manifest.ON_CRASH[c.on_crash],
                 c.max_restarts, c.max_address_spaces, c.max_threads,
                 Path(c.image).name, c.init))

    def test_packed_module(self):
        man = manifest.load(ROOT / "tools" / "manifests" / "unit.toml")
        data = manifest.pack(man)
        magic, version, hsize, total, crc = struct.unpack_from("<IHHII", data)
        self.assertEqual((magic, version, hsize, total),
                         (0x464D5354, 1, 64, len(data)))
        self.assertEqual(data[:4], b"TSMF")
        zeroed = data[:12] + b"\0\0\0\0" + data[16:]
        self.assertEqual(crc, zlib.crc32(zeroed))
        strings = struct.unpack_from("<I", data, 40)[0]
        self.assertEqual(data[strings:strings + 4], b"mem\0")
        self.assertEqual(struct.unpack_from("<I", data, 48)[0], 1)  # main
        self.assertEqual(data[52:64], bytes(12))
        self.assertEqual(manifest.pack(man), data)  # reproducible


class SeedTest(unittest.TestCase):
    def test_fixed_seed_is_reproducible(self):
        self.assertEqual(manifest.seed_bytes("7"), manifest.seed_bytes("7"))
        self.assertNotEqual(manifest.seed_bytes("7"),
                            manifest.seed_bytes("8"))
        self.assertEqual(len(manifest.seed_bytes("7")), manifest.SEED_SIZE)

    def test_fresh_seed_differs(self):
        self.assertNotEqual(manifest.seed_bytes(), manifest.seed_bytes())

    def test_seed_module_replaced_in_spec(self):
        spec = qemu.BootSpec(kernel="k", elf="e", modules=(
            qemu.Module("/r", "root"), qemu.Module("/s", "seed")))
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "seed-run.bin"
            out = qemu.with_seed(spec, path, b"x" * 32)
            self.assertEqual(out.modules[0], spec.modules[0])
            self.assertEqual(out.modules[1],
                             qemu.Module(str(path.absolute()), "seed"))
            self.assertEqual(path.read_bytes(), b"x" * 32)

    def test_seed_command(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "seed.bin"
            subprocess.run([sys.executable, str(TOOL), "seed", "--seed", "x",
                            "--output", str(out)], check=True)
            self.assertEqual(out.read_bytes(), manifest.seed_bytes("x"))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    unittest.main(verbosity=2)
