#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Tests of tools/abigen.py, the ABI generator, on broken copies of the spec.

Runs the generator on copies of libl4/spec/ with one deliberate mistake each
(duplicate label, overlapping bitfield, unknown error, ...) and checks for
exit status 1, a clear message and no output (the capability layout of
cap_layout.toml included: overlaps, fields outside the word, a narrow tag);
checks that a layout whose unrelated variants share bits is accepted and
that a run without --emit is a usage error. Prints TAP; the TAP runner, the
arguments and the generator's invocation are those of test_abigen.py (the
checks of the real spec's outputs), which must sit next to this file.

Usage: test_abigen_broken.py (the arguments of test_abigen.py)
"""

import re
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from test_abigen import parse_args, run_abigen, run_tap  # noqa: E402

# One deliberate mistake per case: (description, file, text, replacement,
# regular expression the generator's message must match).
BROKEN = [
    ("duplicate invocation label", "invocations.toml",
     'name = "CNodeMint"\nlabel = 3', 'name = "CNodeMint"\nlabel = 2',
     r"invocations\.toml: invocation 'CNodeMint': duplicate label 2 \(also used by 'CNodeCopy'\)"),
    ("gap in the labels", "invocations.toml",
     'name = "TCBWriteFPU"\nlabel = 41', 'name = "TCBWriteFPU"\nlabel = 43',
     r"labels must be dense from 1"),
    ("duplicate invocation name", "invocations.toml",
     'name = "CNodeMove"', 'name = "CNodeCopy"',
     r"invocation 'CNodeCopy': duplicate name"),
    ("overlapping bitfields", "bitfields.toml",
     '{ name = "extra_caps", lsb = 7,', '{ name = "extra_caps", lsb = 6,',
     r"bitfields\.toml: word 'msginfo': field 'extra_caps' \(bits 6\.\.7\) overlaps field 'length'"),
    ("bitfield exceeding the word", "bitfields.toml",
     '{ name = "label", lsb = 12, width = 52,', '{ name = "label", lsb = 12, width = 53,',
     r"field 'label': bits 12\.\.64 exceed the 64-bit word"),
    ("bitfield at a negative bit", "bitfields.toml",
     '{ name = "length", lsb = 0,', '{ name = "length", lsb = -2,',
     r"field 'length': bits -2\.\.4 exceed the 64-bit word"),
    ("bitfield too narrow for its values", "bitfields.toml",
     '{ name = "label", lsb = 12, width = 52,', '{ name = "label", lsb = 12, width = 5,',
     r"field 'label': 5 bits cannot hold invocation_label = 41"),
    ("unknown error name", "invocations.toml",
     'error = "DeleteFirst"', 'error = "DeleteFrist"',
     r"invocation 'UntypedRetype': unknown error 'DeleteFrist'"),
    ("unknown object type", "invocations.toml",
     'objects = ["IRQHandler"]', 'objects = ["IRQHandlr"]',
     r"invocation 'IRQHandlerAck': unknown object type 'IRQHandlr'"),
    ("unknown argument type", "invocations.toml",
     '{ name = "c", type = "word"', '{ name = "c", type = "u17"',
     r"arg 'c': unknown type 'u17'"),
    ("unknown capability type of a cptr argument", "invocations.toml",
     'cap = ["PML4"]', 'cap = ["PML5"]',
     r"unknown capability type 'PML5'"),
    ("duplicate syscall number", "syscalls.toml",
     'name = "Recv"\nnumber = 5', 'name = "Recv"\nnumber = 3',
     r"syscalls\.toml: syscall 'Recv': duplicate number 3 \(also used by 'Send'\)"),
    ("duplicate error value", "errors.toml",
     'name = "RevokeFirst"\nvalue = 9', 'name = "RevokeFirst"\nvalue = 8',
     r"error 'RevokeFirst': duplicate value 8"),
    ("duplicate capability type number", "objects.toml",
     'name = "IOPort"\nnumber = 16', 'name = "IOPort"\nnumber = 15',
     r"type 'IOPort': duplicate number 15"),
    ("clashing C names", "objects.toml",
     'name = "Frame2M"\n', 'name = "Frame2M"\nc_name = "frame_4k"\n',
     r"type 'Frame2M': duplicate c_name 'frame_4k'"),
    ("too many capability arguments", "invocations.toml",
     '{ name = "ipc_buffer_frame", type = "cptr",',
     '{ name = "spare", type = "cptr", cap = ["CNode"] },\n  { name = "ipc_buffer_frame", type = "cptr",',
     r"invocation 'TCBConfigure': 4 capability arguments exceed max_extra_caps 3"),
    ("IPC buffer size disagreeing with its fields", "registers.toml",
     "size_bits = 10", "size_bits = 11",
     r"\[ipc_buffer\]: the fields take 1024 bytes but size_bits = 11 says 2048"),
    ("register role given twice", "registers.toml",
     'role = "mr3"', 'role = "mr2"',
     r"no register has role 'mr3'"),
    ("value in a register the instruction clobbers", "registers.toml",
     'name = "r12"', 'name = "r11"',
     r"register 'r11': the instruction clobbers it"),
    ("misspelt key", "objects.toml",
     'name = "TCB"\nnumber = 2\nretypable = true\nsize_bits = 11',
     'name = "TCB"\nnumber = 2\nretypable = true\nsize_bit = 11',
     r"type 'TCB': unknown key 'size_bit'"),
    ("top-level table defined in two files", "errors.toml",
     '[[error]]\nname = "NoError"', '[common]\ndoc = "again"\n\n[[error]]\nname = "NoError"',
     r"top-level key 'common' is also defined in"),
    ("capability field overlapping a common field", "cap_layout.toml",
     '{ name = "size_bits", lsb = 9,', '{ name = "size_bits", lsb = 8,',
     r"cap_layout\.toml: tagged_union 'cap_w0': variant 'untyped' field 'size_bits' \(bits 8\.\.13\) "
     r"overlaps common field 'rights' \(bits 5\.\.8\)"),
    ("two variants of one capability type overlapping", "cap_layout.toml",
     '{ name = "device", lsb = 56,', '{ name = "device", lsb = 55,',
     r"variant 'mapping' field 'vpage' \(bits 21\.\.55\) overlaps variant 'frame' field 'device' "
     r"\(bits 55\.\.55\) in type Frame4K, Frame2M"),
    ("two fields of one variant overlapping", "cap_layout.toml",
     '{ name = "last", lsb = 32,', '{ name = "last", lsb = 31,',
     r"variant 'ioport' field 'first' \(bits 16\.\.31\) overlaps variant 'ioport' field 'last' "
     r"\(bits 31\.\.46\)"),
    ("capability field outside the word", "cap_layout.toml",
     '{ name = "free_index", lsb = 16, width = 48,', '{ name = "free_index", lsb = 16, width = 49,',
     r"variant 'untyped' field 'free_index': bits 16\.\.64 exceed the 64-bit word"),
    ("capability field at a negative bit", "cap_layout.toml",
     '{ name = "irq", lsb = 16,', '{ name = "irq", lsb = -1,',
     r"variant 'irq_handler' field 'irq': bits -1\.\.14 exceed the 64-bit word"),
    ("capability tag too narrow for the types", "cap_layout.toml",
     '{ name = "type", lsb = 0, width = 5,', '{ name = "type", lsb = 0, width = 4,',
     r"tagged_union 'cap_w0': tag 'type' \(4 bits\) cannot hold capability type number \d+"),
    ("unknown capability type in a variant", "cap_layout.toml",
     'types = ["IOPort"]', 'types = ["IOPorts"]',
     r"variant 'ioport': unknown capability type 'IOPorts'"),
    ("field width naming an unknown constant", "cap_layout.toml",
     'width = "guard_bits"', 'width = "gaurd_bits"',
     r"field 'guard': width 'gaurd_bits' is neither a number nor a \[\[constant\]\]"),
    ("struct field overlapping the one before", "structs.toml",
     '{ name = "pad0", type = "u32", doc', '{ name = "pad0", type = "u32", offset = 112, doc',
     r"structs\.toml: struct 'start_info' field 'pad0': offset 112 overlaps field 'strings_used' "
     r"\(bytes 112\.\.115\)"),
    ("misaligned struct field", "structs.toml",
     '{ name = "type", type = "u32", doc = "its capability type', '{ name = "type", type = "u16", doc = "x',
     r"struct 'start_cap' field 'pad': offset 34 is misaligned for u32 \(alignment 4\)"),
    ("struct fields larger than its size", "structs.toml",
     'value = 2760', 'value = 2800',
     r"struct 'start_info': the fields take 4136 bytes, more than its size 4096"),
    ("struct fields smaller than its size", "structs.toml",
     'value = 2760', 'value = 2700',
     r"struct 'start_info': the fields take 4036 bytes, less than its size 4096: add an explicit pad"),
    ("hidden gap before a struct field", "structs.toml",
     '{ name = "vaddr", type = "word", doc', '{ name = "vaddr", type = "word", offset = 32, doc',
     r"struct 'start_page' field 'vaddr': offset 32 leaves a gap of 8 bytes after offset 24: "
     r"add an explicit pad field"),
    ("hidden trailing padding of a struct", "structs.toml",
     '  { name = "pad", type = "u32", doc = "zero" },\n]\nconstants = [\n  { name = "name_max", value = 24, '
     'doc = "bytes of a name, its NUL included" },\n  { name = "writable"',
     ']\nconstants = [\n  { name = "name_max", value = 24, doc = "bytes of a name, its NUL included" },'
     '\n  { name = "writable"',
     r"struct 'start_page': size 44 is not a multiple of its alignment 8"),
    ("unknown struct field type", "structs.toml",
     'type = "u32[max_args]"', 'type = "u31[max_args]"',
     r"struct 'start_info' field 'argv': unknown type 'u31'"),
    ("struct array length naming no constant", "structs.toml",
     'type = "u32[max_args]"', 'type = "u32[max_argz]"',
     r"field 'argv': array length 'max_argz' is neither a number nor a constant"),
    ("char field that is not an array", "structs.toml",
     'type = "char[strings_max]"', 'type = "char"',
     r"field 'strings': a char field must be an array"),
    ("struct name clash", "structs.toml",
     'name = "start_page"', 'name = "start_cap"',
     r"struct 'start_cap': generated C name struct l4_start_cap clashes with struct 'start_cap'"),
    ("duplicate protocol message label", "protocols/console.toml",
     'name = "Flush"\nlabel = 2', 'name = "Flush"\nlabel = 1',
     r"protocols/console\.toml: protocol 'console' message 'Flush': duplicate label 1 \(also used "
     r"by 'Write'\)"),
    ("gap in the protocol's labels", "protocols/console.toml",
     'name = "Read"\nlabel = 3', 'name = "Read"\nlabel = 12',
     r"protocol 'console': message labels must be dense from 1, got \[1, 2, 4, 5, 6, 7, 8, 9, 12\]"),
    ("unknown protocol argument type", "protocols/console.toml",
     '{ name = "max", type = "u8"', '{ name = "max", type = "u9"',
     r"protocol 'console' message 'Read' arg 'max': unknown type 'u9'"),
    ("protocol message over the message limit", "protocols/console.toml",
     'name = "Flush"\nlabel = 2\ndoc = "Write the bytes pending in the client\'s output ring and consume them."\n'
     'args = []',
     'name = "Flush"\nlabel = 2\ndoc = "x"\nargs = ['
     + ", ".join('{ name = "a%d", type = "word" }' % i for i in range(121)) + "]",
     r"message 'Flush': 121 message words exceed max_message_length 120"),
    ("protocol message with too many capabilities", "protocols/console.toml",
     '{ name = "bits", type = "word", doc = "the bits to signal: one or more" },',
     "".join('{ name = "c%d", type = "cptr", cap = "badge" },' % i for i in range(3)),
     r"message 'SetInputNotification': 4 capability arguments exceed max_extra_caps 3"),
    ("two transferred capabilities in one message", "protocols/console.toml",
     '{ name = "bits", type = "word", doc = "the bits to signal: one or more" },',
     '{ name = "other", type = "cptr", cap = "transfer" },',
     r"message 'SetInputNotification': 2 transferred capabilities, but a receiver has one receive slot"),
    ("protocol capability argument without its kind", "protocols/console.toml",
     'type = "cptr", cap = "transfer",', 'type = "cptr",',
     r"arg 'notification': a cptr argument needs cap = 'badge' or 'transfer'"),
    ("badge-kind capability out-value", "protocols/mem.toml",
     '{ name = "cap", type = "cptr", cap = "transfer", doc = "the object\'s capability" },',
     '{ name = "cap", type = "cptr", cap = "badge", doc = "x" },',
     r"return 'cap': a cptr out-value needs cap = 'transfer'"),
    ("two capability out-values", "protocols/mem.toml",
     '{ name = "cap", type = "cptr", cap = "transfer", doc = "the object\'s capability" },',
     '{ name = "cap", type = "cptr", cap = "transfer", doc = "x" },'
     ' { name = "cap2", type = "cptr", cap = "transfer", doc = "y" },',
     r"message 'ObjectCreate': 2 capability out-values, but a client has one receive slot"),
    ("protocol struct name clash", "protocols/console.toml",
     'name = "ring"', 'name = "write_args"',
     r"generated C name struct console_write_args clashes with struct 'write_args'"),
    ("protocol error in the kernel's range", "protocols/console.toml",
     'value = 257', 'value = 12',
     r"error 'BadRing': value 12 is below 256"),
    ("duplicate protocol error value", "protocols/console.toml",
     'value = 257', 'value = 256',
     r"error 'BadRing': duplicate value 256 \(also used by 'NoRing'\)"),
    ("unknown error of a protocol message", "protocols/console.toml",
     'error = "WouldBlock"', 'error = "WouldBlok"',
     r"message 'Read': unknown error 'WouldBlok'"),
    ("misspelt key in a protocol", "protocols/console.toml",
     'name = "Read"\nlabel = 3', 'name = "Read"\nlabl = 3',
     r"message 'Read': unknown key 'labl'"),
    ("invalid TOML", "errors.toml",
     '[[error]]\nname = "NoError"', '[[error]\nname = "NoError"',
     r"errors\.toml: not valid TOML"),
]



def usage_error(ctx):
    r = subprocess.run([sys.executable, str(ctx.args.abigen), "--spec-dir", str(ctx.args.spec_dir)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, f"exit {r.returncode}"



def broken(ctx, fname, old, new, pattern):
    spec = ctx.tmp / f"broken{ctx.serial}"
    out = ctx.tmp / f"broken{ctx.serial}-out"
    ctx.serial += 1
    shutil.copytree(ctx.args.spec_dir, spec)
    p = spec / fname
    text = p.read_text(encoding="utf-8")
    assert old in text, f"test is stale: {fname} no longer contains {old!r}"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    r = run_abigen(ctx.args, spec, out, "all")
    assert r.returncode == 1, f"exit {r.returncode}, stderr: {r.stderr}"
    assert re.search(pattern, r.stderr), f"message not matching /{pattern}/:\n{r.stderr}"
    assert all(line.startswith("abigen: ") for line in r.stderr.splitlines()), r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    assert not out.exists() or not any(out.iterdir()), "outputs written for a broken spec"



def layout_union_accepted(ctx):
    """Variants that share no type may use the same bits (a union); a width
    may name a constant. The generator accepts such a layout and emits the
    new variant's accessors."""
    spec = ctx.tmp / "goodlayout"
    out = ctx.tmp / "goodlayout-out"
    shutil.copytree(ctx.args.spec_dir, spec)
    p = spec / "cap_layout.toml"
    p.write_text(p.read_text(encoding="utf-8") + "\n".join([
        "", "[[tagged_union.variant]]", 'name = "tcb_test"', 'types = ["TCB", "Reply"]',
        "fields = [",
        '  { name = "low", lsb = 9, width = 7, doc = "the bits of untyped size_bits and device" },',
        '  { name = "high", lsb = 16, width = "badge_bits", doc = "the bits of a badge" },',
        "]", ""]), encoding="utf-8")
    r = run_abigen(ctx.args, spec, out, "cap-layout")
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr}"
    text = (out / "cap_layout_gen.h").read_text(encoding="utf-8")
    for want in ("static inline uint64_t cap_w0_tcb_test_get_low(uint64_t w)",
                 "static inline uint64_t cap_w0_tcb_test_set_high(uint64_t w, uint64_t v)",
                 "return tag == L4_CAP_TCB || tag == L4_CAP_REPLY;",
                 "#define CAP_W0_TCB_TEST_HIGH_MASK UINT64_C(0xffffffffffff0000)",
                 "_Static_assert(CAP_W0_TCB_TEST_HIGH_WIDTH == L4_BADGE_BITS,"):
        assert want in text, f"cap_layout_gen.h lacks {want!r}"
    # no overlap assert between variants that share no type
    assert "tcb_test.low and untyped" not in text, "overlap checked between unrelated variants"



def cases(tap, ctx):
    tap.case("abigen without --emit is a usage error (exit 2)", usage_error, ctx)
    tap.case("a capability layout whose unrelated variants share bits is accepted",
             layout_union_accepted, ctx)
    for desc, fname, old, new, pattern in BROKEN:
        tap.case(f"rejects a spec with {desc}", broken, ctx, fname, old, new, pattern)


if __name__ == "__main__":
    sys.exit(run_tap(parse_args(__doc__), cases))
