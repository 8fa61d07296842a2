# SPDX-License-Identifier: MIT
"""structs_gen.h: the [[struct]] layouts as C structs.

emit_structs_header(spec) returns the text of structs_gen.h (the structs of
libl4/spec/, e.g. struct l4_start_info); c_struct(st) gives one struct, its
constants and a _Static_assert on its size, alignment and every offset, so
a hand-edited or miscompiled header cannot disagree with the spec. The
protocol headers (protocols.py) use c_struct() for shared-page layouts.
"""

from .cgen import c_comment, c_header, c_int, define, section
from .spec_struct import STRUCT_SCALARS
from .util import one_line


def c_field_type(f):
    return f"struct {f.struct.c_name}" if f.struct else STRUCT_SCALARS[f.type][1]


def c_struct(st):
    up = st.c_name.upper()
    o = c_comment(st.doc)
    for c in st.constants:
        o.append(define(f"{up}_{c.name.upper()}", c_int(c.value), c.doc))
    o.append(define(f"{up}_SIZE", st.size, "bytes"))
    for f in st.fields:
        o.append(define(f"{up}_OFFSET_{f.name.upper()}", f.offset))
    o.append(f"struct {st.c_name} {{")
    for f in st.fields:
        dim = f"[{f.count_c}]" if f.count is not None else ""
        doc = f" /* {one_line(f.doc)} */" if f.doc else ""
        o.append(f"    {c_field_type(f)} {f.name}{dim};{doc}")
    o += ["};",
          f"_Static_assert(sizeof(struct {st.c_name}) == {up}_SIZE, \"{st.name}: size\");",
          f"_Static_assert(_Alignof(struct {st.c_name}) == {st.align}, \"{st.name}: alignment\");"]
    for f in st.fields:
        o.append(f"_Static_assert(offsetof(struct {st.c_name}, {f.name}) == {up}_OFFSET_{f.name.upper()}"
                 f" && sizeof(((struct {st.c_name} *)0)->{f.name}) == {f.size}, "
                 f"\"{st.name}: {f.name}\");")
    return o + [""]


def emit_structs_header(s):
    o = c_header(
        "Tessera ABI: binary layouts shared between programs ([[struct]] of libl4/spec/).",
        "User code (and the host tools, through tools/abigen_lib/pylayout.py, from the same "
        "definition). Every field is at its natural alignment with no hidden padding; the "
        "_Static_asserts repeat each offset and size the generator computed. See docs/abi.md "
        "(Structs).",
        "L4_STRUCTS_GEN_H")
    o += ["#include <stddef.h>", "#include <stdint.h>", "#include <l4/abi_gen.h>"]
    o += section("Structs")
    for st in s.structs:
        o += c_struct(st)
    o += ["#endif /* L4_STRUCTS_GEN_H */"]
    return "\n".join(o) + "\n"
