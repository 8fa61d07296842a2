# SPDX-License-Identifier: MIT
"""abi_gen.h: types, numbers, conventions, constants, packed-word accessors.

emit_abi_header(spec) returns the text of abi_gen.h, included by the kernel
and by user code; emit_word(word) gives the field macros and get/set
accessors of one packed word.
"""

from .cgen import c_comment, c_header, c_hex, c_int, define, section
from .model import CONV_MACROS
from .util import one_line


def emit_abi_header(s):
    c = s.conv
    o = c_header(
        "Tessera ABI: types, syscalls, register convention, errors, objects, packed words.",
        "Shared by the kernel and user code, freestanding (needs only <stdint.h> and "
        "<stddef.h>). Syscall numbers, register-convention numbers and IPC buffer offsets "
        "are plain macros usable from assembly; everything else is inside #ifndef "
        "__ASSEMBLER__. Packed words are read and written with the l4_<word>_get_/set_/new "
        "functions, never C bitfields. The reference (build/docs/api/reference.md) "
        "explains each item.",
        "L4_ABI_GEN_H")
    o += section("Syscall numbers")
    for sc in s.syscalls:
        o.append(define(f"L4_SYS_{sc.c_name.upper()}", sc.number,
                        sc.name + (" (debug builds only)" if sc.debug else "")))
    o += section("Register convention")
    notes = {"msg_registers": "MR0.. carried in CPU registers",
             "max_message_length": "message words, all MRs", "null_cptr": "names no capability"}
    for key, macro in CONV_MACROS.items():
        o.append(define(macro, getattr(c, key), notes.get(key)))
    o.append(define("L4_ARCH_SYSCALL_INSN", f'"{c.instruction}"'))
    o.append(define("L4_ARCH_SYSCALL_CLOBBERS", ", ".join(f'"{r}"' for r in c.clobbered),
                    "overwritten by the instruction"))
    for r in c.registers:
        o.append(define(f"L4_ARCH_REG_{r.role.upper()}", f'"{r.name}"', r.entry))
    o += section("IPC buffer layout (bytes)")
    o.append(define("L4_IPC_BUFFER_SIZE_BITS", s.ipc_size_bits, "size and alignment, log2"))
    o.append(define("L4_IPC_BUFFER_SIZE", 1 << s.ipc_size_bits))
    for f in s.ipc_fields:
        o.append(define(f"L4_IPC_BUFFER_OFFSET_{f.name.upper()}", f.offset))
    o += ["", "#ifndef __ASSEMBLER__", "", "#include <stddef.h>", "#include <stdint.h>"]

    o += section("Basic types")
    o += [f"typedef uint{c.word_bits}_t l4_word_t;",
          "typedef l4_word_t l4_cptr_t; /* capability pointer */",
          "",
          '_Static_assert(sizeof(l4_word_t) * 8 == L4_WORD_BITS, "l4_word_t is one word");',
          '_Static_assert(sizeof(void *) == sizeof(l4_word_t), "pointers are one word");']

    o += section("Constants")
    for k in s.constants:
        o += c_comment(k.doc)
        o.append(define(f"L4_{k.name.upper()}", c_int(k.value)))

    o += section("Error codes")
    o.append("typedef enum l4_error {")
    for e in s.errors:
        o.append(f"    {e.c_name} = {e.value}, /* {one_line(e.doc)} */")
    o += ["} l4_error_t;", "", define("L4_ERROR_COUNT", len(s.errors)), ""]
    o += ["/* Name of an error code (\"?\" if unknown). */",
          "static inline const char *l4_error_name(l4_word_t e)", "{", "    switch (e) {"]
    for e in s.errors:
        o += [f"    case {e.c_name}:", f'        return "{e.name}";']
    o += ["    default:", '        return "?";', "    }", "}", ""]
    o += ["/* Number of detail words in an error reply (MR0.., see the reference). */",
          "static inline unsigned l4_error_detail_words(l4_word_t e)", "{", "    switch (e) {"]
    for e in s.errors:
        if e.detail:
            o += [f"    case {e.c_name}:", f"        return {len(e.detail)};"]
    o += ["    default:", "        return 0;", "    }", "}"]

    o += section("Capability types and object types")
    o.append("typedef enum l4_cap_type {")
    for t in s.types:
        o.append(f"    L4_CAP_{t.c_name.upper()} = {t.number}, /* {one_line(t.doc)} */")
    o += ["} l4_cap_type_t;", "", define("L4_CAP_TYPE_COUNT", len(s.types)), ""]
    o += ["/* Types Untyped Retype can create; same numbers as the capability types. */",
          "typedef enum l4_object_type {"]
    for t in s.types:
        if t.retypable:
            o.append(f"    L4_OBJECT_{t.c_name.upper()} = {t.number},")
    o += ["} l4_object_type_t;", ""]
    for t in s.types:
        if not t.retypable:
            continue
        up = f"L4_OBJECT_{t.c_name.upper()}"
        o.append(f'_Static_assert((int){up} == (int)L4_CAP_{t.c_name.upper()}, "same number");')
        if t.variable:
            o.append(define(f"{up}_MIN_SIZE_BITS", t.min_size_bits))
            o.append(define(f"{up}_MAX_SIZE_BITS", t.max_size_bits))
            o.append(define(f"{up}_UNIT_BITS", t.unit_bits, "object = 2^(size_bits + unit_bits) bytes"))
        else:
            o.append(define(f"{up}_SIZE_BITS", t.size_bits))
    o += ["", "/* Name of a capability type (\"?\" if unknown). */",
          "static inline const char *l4_cap_type_name(l4_word_t t)", "{", "    switch (t) {"]
    for t in s.types:
        o += [f"    case L4_CAP_{t.c_name.upper()}:", f'        return "{t.name}";']
    o += ["    default:", '        return "?";', "    }", "}", ""]
    o += ["/*",
          " * log2 of the bytes one object of `type` takes when Untyped Retype is given",
          " * `size_bits`; 0 if the type is not retypable or size_bits is out of range",
          " * (fixed-size types ignore size_bits).",
          " */",
          "static inline unsigned l4_object_size_bits(l4_word_t type, l4_word_t size_bits)",
          "{", "    switch (type) {"]
    for t in s.types:
        if not t.retypable:
            continue
        up = f"L4_OBJECT_{t.c_name.upper()}"
        o.append(f"    case {up}:")
        if t.variable:
            o += [f"        if (size_bits < {up}_MIN_SIZE_BITS || size_bits > {up}_MAX_SIZE_BITS)",
                  "            return 0;",
                  f"        return (unsigned)size_bits + {up}_UNIT_BITS;"]
        else:
            o.append(f"        return {up}_SIZE_BITS;")
    o += ["    default:", "        return 0;", "    }", "}"]

    o += section("Packed words")
    for w in s.words:
        o += emit_word(w)

    o += section("IPC buffer")
    o += c_comment(s.ipc_doc)
    o.append("struct l4_ipc_buffer {")
    for f in s.ipc_fields:
        dim = f"[{f.length_c}]" if f.length is not None else ""
        o.append(f"    {f.ctype} {f.name}{dim}; /* {one_line(f.doc)} */")
    o += ["};", "",
          "_Static_assert(sizeof(struct l4_ipc_buffer) == L4_IPC_BUFFER_SIZE, \"IPC buffer size\");"]
    for f in s.ipc_fields:
        o.append(f"_Static_assert(offsetof(struct l4_ipc_buffer, {f.name}) == "
                 f"L4_IPC_BUFFER_OFFSET_{f.name.upper()}, \"IPC buffer: {f.name}\");")

    o += section("User context (TCB ReadRegisters / WriteRegisters)")
    o += c_comment(s.context_doc)
    o.append("struct l4_user_context {")
    for n in s.context_fields:
        o.append(f"    l4_word_t {n};")
    o += ["};", "", define("L4_USER_CONTEXT_WORDS", len(s.context_fields)),
          "_Static_assert(sizeof(struct l4_user_context) == L4_USER_CONTEXT_WORDS * sizeof(l4_word_t),",
          "               \"user context is words\");", "",
          "/* Word i of a user context, in message order (0 if i is out of range). */",
          "static inline l4_word_t l4_user_context_get_word(const struct l4_user_context *c, unsigned i)",
          "{", "    switch (i) {"]
    for i, n in enumerate(s.context_fields):
        o += [f"    case {i}:", f"        return c->{n};"]
    o += ["    default:", "        return 0;", "    }", "}", "",
          "/* Set word i of a user context, in message order (ignored if out of range). */",
          "static inline void l4_user_context_set_word(struct l4_user_context *c, unsigned i, l4_word_t v)",
          "{", "    switch (i) {"]
    for i, n in enumerate(s.context_fields):
        o += [f"    case {i}:", f"        c->{n} = v;", "        break;"]
    o += ["    default:", "        break;", "    }", "}"]

    o += ["", "#endif /* !__ASSEMBLER__ */", "", "#endif /* L4_ABI_GEN_H */"]
    return "\n".join(o) + "\n"


def emit_word(w):
    up = f"L4_{w.name.upper()}"
    t = f"l4_{w.name}_t"
    o = c_comment(f"{w.name}: {w.doc}")
    o.append(f"typedef l4_word_t {t};")
    for f in w.fields:
        fu = f"{up}_{f.name.upper()}"
        o.append(define(f"{fu}_SHIFT", f.lsb, f.doc))
        o.append(define(f"{fu}_WIDTH", f.width))
        o.append(define(f"{fu}_MASK", c_hex(f.mask)))
        if f.width == 1:
            o.append(define(fu, f"{fu}_MASK"))
    if all(f.width == 1 for f in w.fields):
        o.append(define(f"{up}_ALL", "(" + " | ".join(f"{up}_{f.name.upper()}" for f in w.fields) + ")"))
    for f in w.fields:
        fu = f"{up}_{f.name.upper()}"
        o.append(f"_Static_assert({fu}_SHIFT + {fu}_WIDTH <= L4_WORD_BITS, "
                 f"\"{w.name}.{f.name} fits the word\");")
        o.append(f"_Static_assert(({fu}_MASK >> {fu}_SHIFT) == (UINT64_C(1) << ({fu}_WIDTH - 1)) * 2 - 1,")
        o.append(f"               \"{w.name}.{f.name}: mask matches shift and width\");")
    for i, a in enumerate(w.fields):
        for b in w.fields[i + 1:]:
            o.append(f"_Static_assert(({up}_{a.name.upper()}_MASK & {up}_{b.name.upper()}_MASK) == 0,")
            o.append(f"               \"{w.name}: {a.name} and {b.name} do not overlap\");")
    for f in w.fields:
        fu = f"{up}_{f.name.upper()}"
        o += ["", f"static inline l4_word_t l4_{w.name}_get_{f.name}({t} w)", "{",
              f"    return (w & {fu}_MASK) >> {fu}_SHIFT;", "}", "",
              f"/* Returns w with {f.name} set to v (v is cut to {f.width} bit{'s' if f.width > 1 else ''}). */",
              f"static inline {t} l4_{w.name}_set_{f.name}({t} w, l4_word_t v)", "{",
              f"    return (w & ~{fu}_MASK) | ((v << {fu}_SHIFT) & {fu}_MASK);", "}"]
    params = ", ".join(f"l4_word_t {f.name}" for f in w.fields)
    o += ["", f"static inline {t} l4_{w.name}_new({params})", "{", f"    {t} w_ = 0;"]
    for f in w.fields:
        o.append(f"    w_ = l4_{w.name}_set_{f.name}(w_, {f.name});")
    o += ["    return w_;", "}", ""]
    return o
