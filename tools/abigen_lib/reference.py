# SPDX-License-Identifier: MIT
"""reference.md: the ABI reference in Markdown.

emit_reference(spec) returns the text of docs/api/reference.md: the register
convention, syscalls, packed words, IPC buffer, user context, errors, types,
constants, and one section per invocation (reference_invocation()) with its stub.
"""

from .model import CAP_TYPE, CONTEXT_TYPE, GENERATED
from .protocols import reference_protocol
from .stubs import stub_signature
from .util import md, paragraphs


def anchor(name):
    return "inv-" + name.lower()


def emit_reference(s):
    c = s.conv
    regname = {r.role: r.name.upper() for r in c.registers}
    mr_regs = ", ".join(regname[f"mr{i}"] for i in range(c.msg_registers))
    o = [f"<!-- {GENERATED} -->", "<!-- SPDX-License-Identifier: MIT -->",
         "# Tessera ABI reference", "",
         "The kernel's interface as seen from user code: registers, syscalls, error codes, "
         "object types and every invocation. Generated from `libl4/spec/` by `tools/abigen.py`, "
         "which also generates the C headers named here: `<l4/abi_gen.h>`, "
         "`<l4/invocation_labels_gen.h>` and `<l4/stubs_gen.h>` (see `docs/abi.md`).", "",
         "- [Register convention](#register-convention)", "- [Syscalls](#syscalls)",
         "- [Packed words](#packed-words)", "- [IPC buffer](#ipc-buffer)",
         "- [User context](#user-context)", "- [Error codes](#error-codes)",
         "- [Capability and object types](#capability-and-object-types)",
         "- [Constants](#constants)", "- [Structs](#structs)", "- [Protocols](#protocols)",
         "- [Invocations](#invocations)"]
    for t in s.types:
        o.append(f"  - [{t.name}](#type-{t.name.lower()})")

    o += ["", "## Register convention", ""]
    o += paragraphs(c.doc)[:1] + [""] + paragraphs(c.doc)[1:]
    o += ["| register | role | on entry | on return |", "|---|---|---|---|"]
    for r in c.registers:
        o.append(f"| {r.name.upper()} | `{r.role}` | {md(r.entry)} | {md(r.exit)} |")
    o += ["", f"- Instruction: `{c.instruction}`; it overwrites "
          f"{' and '.join(r.upper() for r in c.clobbered)}.",
          f"- Word size: {c.word_bits} bits.",
          f"- Message registers in CPU registers: {c.msg_registers} (MR0..MR{c.msg_registers - 1} in "
          f"{mr_regs}); MR{c.msg_registers} onward are `msg[{c.msg_registers}]`.. of the IPC buffer.",
          f"- Longest message: {c.max_message_length} words (`L4_MSG_MAX_LENGTH`); at most "
          f"{c.max_extra_caps} extra capabilities (`L4_MSG_MAX_EXTRA_CAPS`).",
          f"- The null capability pointer is {c.null_cptr} (`L4_CPTR_NULL`)."]

    o += ["", "## Syscalls", "",
          "| number | syscall | C wrapper | inputs | outputs | blocks |", "|---|---|---|---|---|---|"]

    def plist(params):
        parts = []
        for p in params:
            if p.role == "mrs":
                parts.append("MRs")
            elif p.role == "ipc_buffer":
                parts.append(f"IPC buffer: `{p.name}`")
            else:
                parts.append(f"{regname[p.role]}: `{p.name}`")
        return ", ".join(parts) or "—"

    for sc in s.syscalls:
        name = sc.name + (" (debug)" if sc.debug else "")
        o.append(f"| {sc.number} | [{name}](#sys-{sc.name.lower()}) | `l4_{sc.c_name}` | "
                 f"{plist(sc.inputs)} | {plist(sc.outputs)} | {'yes' if sc.blocking else 'no'} |")
    o.append("")
    for p in paragraphs(s.dispatch_doc):
        o += [p, ""]
    for sc in s.syscalls:
        o += [f'<a id="sys-{sc.name.lower()}"></a>', f"### {sc.name} ({sc.number})", ""]
        for p in paragraphs(sc.doc):
            o += [p, ""]
        o += ["| direction | register | name | type | meaning |", "|---|---|---|---|---|"]
        for d, params in (("in", sc.inputs), ("out", sc.outputs)):
            for p in params:
                if p.role == "mrs":
                    o.append(f"| {d} | {mr_regs}, IPC buffer | MR0.. | words | {md(p.doc)} |")
                elif p.role == "ipc_buffer":
                    o.append(f"| {d} | IPC buffer `msg` | `{p.name}` | {p.type} | {md(p.doc)} |")
                else:
                    o.append(f"| {d} | {regname[p.role]} | `{p.name}` | `{s.ctype(p.type)}` | {md(p.doc)} |")
        if not sc.inputs and not sc.outputs:
            o.append("| — | — | — | — | no inputs or outputs |")
        o.append("")
    if s.aliases:
        o += ["### Notification aliases", "", "| wrapper | is | fixed inputs | meaning |",
              "|---|---|---|---|"]
        for a in s.aliases:
            fixed = ", ".join(f"`{k}` = {v}" for k, v in a.fixed.items()) or "—"
            o.append(f"| `l4_{a.c_name}` | {a.syscall.name} | {fixed}"
                     f"{', no message' if not a.mrs else ''} | {md(a.doc)} |")
        o.append("")

    o += ["## Packed words", "",
          "Words with fields are built and read with generated functions, never C bitfields: "
          "`l4_<word>_new(fields...)` (in the order listed), `l4_<word>_get_<field>(w)`, "
          "`l4_<word>_set_<field>(w, v)` (v is cut to the field's width), and macros "
          "`L4_<WORD>_<FIELD>_SHIFT`, `_WIDTH`, `_MASK`.", ""]
    for w in s.words:
        o += [f"### {w.name} (`l4_{w.name}_t`)", "", md(w.doc), "",
              "| field | bits | width | meaning |", "|---|---|---|---|"]
        for f in w.fields:
            bits = str(f.lsb) if f.width == 1 else f"{f.lsb}..{f.lsb + f.width - 1}"
            o.append(f"| `{f.name}` | {bits} | {f.width} | {md(f.doc)} |")
        o.append("")

    o += ["## IPC buffer", ""]
    for p in paragraphs(s.ipc_doc):
        o += [p, ""]
    o += [f"`struct l4_ipc_buffer`: {1 << s.ipc_size_bits} bytes, aligned to its size "
          f"(`L4_IPC_BUFFER_SIZE`).", "",
          "| offset | field | words | meaning |", "|---|---|---|---|"]
    for f in s.ipc_fields:
        o.append(f"| {f.offset} | `{f.name}` | {f.length or 1} | {md(f.doc)} |")
    o += ["", "## User context", "", md(s.context_doc), "",
          f"`struct l4_user_context`, {len(s.context_fields)} words (`L4_USER_CONTEXT_WORDS`): "
          + ", ".join(f"{i}: `{n}`" for i, n in enumerate(s.context_fields)) + ".", ""]

    o += ["## Error codes", "",
          "Returned in RAX and, for invocations, as the label of the reply. The detail words "
          "are the reply's message words when the kernel reports that error.", "",
          "| value | error | C name | meaning | detail words |", "|---|---|---|---|---|"]
    for e in s.errors:
        det = "; ".join(f"MR{i}: {md(d)}" for i, d in enumerate(e.detail)) or "—"
        o.append(f"| {e.value} | {e.name} | `{e.c_name}` | {md(e.doc)} | {det} |")

    o += ["", "## Capability and object types", "",
          "Every capability has one of these types (`enum l4_cap_type`, `L4_CAP_<TYPE>`, the "
          "value DebugCapIdentify returns). Retypable ones are also object types "
          "(`enum l4_object_type`, `L4_OBJECT_<TYPE>`, same number) that Untyped Retype "
          "creates.", "",
          "| number | type | C name | retypable | size | description |", "|---|---|---|---|---|---|"]
    for t in s.types:
        if not t.retypable:
            size = "—"
        elif t.variable:
            unit = f" + {t.unit_bits}" if t.unit_bits else ""
            size = (f"2^(size_bits{unit}) bytes, size_bits {t.min_size_bits}..{t.max_size_bits}")
        else:
            size = f"{human(1 << t.size_bits)} (2^{t.size_bits})"
        o.append(f"| {t.number} | [{t.name}](#type-{t.name.lower()}) | `L4_CAP_{t.c_name.upper()}` | "
                 f"{'yes' if t.retypable else 'no'} | {size} | {md(t.doc)} |")

    o += ["", "## Constants", "", "| C name | value | meaning |", "|---|---|---|"]
    for k in s.constants:
        val = f"0x{k.value:x}" if k.value >= 1 << 16 else str(k.value)
        o.append(f"| `L4_{k.name.upper()}` | {val} | {md(k.doc)} |")

    o += ["", "## Structs", "",
          "Binary layouts shared between programs (`[[struct]]`, `<l4/structs_gen.h>`; Python "
          "tools read the same layouts with `tools/abigen_lib/pylayout.py`). Offsets are in "
          "bytes; every field is naturally aligned and there is no hidden padding.", ""]
    for st in s.structs:
        o += reference_struct(st)

    o += ["", "## Protocols", "",
          "User-level protocols (`libl4/spec/protocols/*.toml`; format in `docs/protocols.md`). "
          "A message is a Call on the server's endpoint with the label in the message-info "
          "word; the reply's label is the status: 0, a kernel error, or the protocol's own "
          "(from 256).", ""]
    for pr in s.protocols:
        o.append(f"- [{pr.name}](#proto-{pr.name})")
    o.append("")
    for pr in s.protocols:
        o += reference_protocol(s, pr)

    o += ["", "## Invocations", ""]
    for p in paragraphs(s.common_doc):
        o += [p, ""]
    o += ["An invocation is a Call (or Send, with no reply) on a capability, with the label in "
          "the message-info word. Arguments are encoded in order: each argument other than a "
          "capability takes one message word (MR0, MR1, ...; a `u8`/`u16`/`u32`/`bool` occupies "
          "a whole word and the kernel reads its low bits); each capability argument is an extra "
          "capability (`caps_or_badges[0]`, `[1]`, ... of the IPC buffer, counted in the "
          "message-info word's `extra_caps`). A `user_context` argument is `count` words that "
          "follow the fixed ones. Out-values are the reply's words, in order.", "",
          "Every invocation may also fail with these errors:", "",
          "| error | when |", "|---|---|"]
    for e, when in s.common_errors:
        o.append(f"| {e} | {md(when)} |")
    o += ["", "| label | invocation | on | C stub |", "|---|---|---|---|"]
    for inv in s.invocations:
        o.append(f"| {inv.label} | [{inv.name}](#{anchor(inv.name)}) | {', '.join(inv.objects)} | "
                 f"`l4_{inv.c_name}` |")
    o.append("")

    described = set()
    for t in s.types:
        o += [f'<a id="type-{t.name.lower()}"></a>', f"## {t.name}", "", md(t.doc), ""]
        if t.usage:
            o += [md(t.usage), ""]
        invs = [i for i in s.invocations if t.name in i.objects]
        if not invs and not t.usage:
            o += ["No invocations.", ""]
        seen = [i for i in invs if i.name in described]
        for inv in seen:
            o.append(f"- [{inv.name}](#{anchor(inv.name)}) (label {inv.label}): described above.")
        if seen:
            o.append("")
        for inv in invs:
            if inv.name not in described:
                described.add(inv.name)
                o += reference_invocation(s, inv)
    return "\n".join(o).rstrip("\n") + "\n"


def human(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def reference_invocation(s, inv):
    up = inv.c_name.upper()
    o = [f'<a id="{anchor(inv.name)}"></a>', f"### {inv.name} (label {inv.label})", ""]
    for p in paragraphs(inv.doc):
        o += [p, ""]
    o += [f"Applies to: {', '.join(inv.objects)}. Label `L4_LABEL_{up}`.", "",
          "```c", *stub_signature(s, inv), "```", ""]
    if inv.args:
        o += ["| # | argument | type | passed in | meaning |", "|---|---|---|---|---|"]
        for a in inv.args:
            if a.type == CAP_TYPE:
                where = f"extra cap {a.slot}"
                typ = "cptr: " + " or ".join(a.caps)
            elif a.type == CONTEXT_TYPE:
                where = f"MR{a.slot}.. (`{a.count}` words)"
                typ = "user_context"
            else:
                where = f"MR{a.slot}"
                typ = a.type
            o.append(f"| {a.pos} | `{a.name}` | {typ} | {where} | {md(a.doc)} |")
        o.append("")
    else:
        o += ["No arguments.", ""]
    if inv.returns:
        o += ["Returns:", "", "| reply word | out-value | type | meaning |", "|---|---|---|---|"]
        for r in inv.returns:
            where = f"MR{r.slot}.. (`{r.count}` words)" if r.type == CONTEXT_TYPE else f"MR{r.slot}"
            o.append(f"| {where} | `{r.name}` | {r.type} | {md(r.doc)} |")
        o.append("")
    else:
        o += ["Returns no values.", ""]
    if inv.errors:
        o += ["Errors, besides the common ones:", "", "| error | when |", "|---|---|"]
        for e, when in inv.errors:
            o.append(f"| {e} | {md(when)} |")
        o.append("")
    else:
        o += ["Errors: only the common ones.", ""]
    return o


def reference_struct(st, level="###"):
    """The Markdown section of one [[struct]]."""
    up = st.c_name.upper()
    o = [f"{level} struct {st.c_name}", ""]
    o += [f"{p}" for p in paragraphs(st.doc)] + [""] if st.doc else []
    o += [f"{st.size} bytes, aligned to {st.align}.", "",
          "| offset | field | type | meaning |", "|---|---|---|---|"]
    for f in st.fields:
        typ = f.type if f.struct is None else f"struct {f.struct.c_name}"
        if f.count is not None:
            typ += f"[{f.count}]"
        o.append(f"| {f.offset} | `{f.name}` | {typ} | {md(f.doc)} |")
    o.append("")
    if st.constants:
        o += ["| constant | value | meaning |", "|---|---|---|"]
        for c in st.constants:
            val = f"0x{c.value:x}" if c.value >= 1 << 16 else str(c.value)
            o.append(f"| `{up}_{c.name.upper()}` | {val} | {md(c.doc)} |")
        o.append("")
    return o
