# SPDX-License-Identifier: MIT
"""invocation_labels_gen.h: invocation labels and message shapes.

emit_labels(spec) returns the text of invocation_labels_gen.h: the label
enum, the message-register and extra-capability position of every argument
and out-value, and the per-label lookup functions (minimum length, extra
caps, name, the object types it applies to), for the kernel's decode and
for user code.
"""

from .cgen import c_comment, c_header, define, section
from .model import CAP_TYPE, CONTEXT_TYPE


def emit_labels(s):
    o = c_header(
        "Tessera ABI: invocation labels and the shape of each invocation's message.",
        "Shared by the kernel (decode: check the label applies to the invoked capability's "
        "type and the message is long enough, then read each argument at its position) and "
        "user code. L4_LABEL_<X> is the label; L4_LABEL_<X>_WORDS / _CAPS the fixed message "
        "words and extra caps it needs (_MAX_WORDS with a variable part), _REPLY_WORDS the "
        "reply's fixed words; L4_MR_<X>_<ARG> the message word of an argument, "
        "L4_XCAP_<X>_<ARG> the extra-cap index of a capability argument, L4_ARG_<X>_<ARG> "
        "its position in the argument list (the detail word of InvalidArgument and "
        "InvalidCapability), L4_RET_<X>_<OUT> the reply word of an out-value.",
        "L4_INVOCATION_LABELS_GEN_H")
    o += ["#include <l4/abi_gen.h>"]
    o += section("Labels")
    o += ["enum l4_invocation_label {", "    L4_LABEL_INVALID = 0,"]
    for inv in s.invocations:
        o.append(f"    L4_LABEL_{inv.c_name.upper()} = {inv.label}, /* {', '.join(inv.objects)} */")
    o += ["};", "", define("L4_LABEL_COUNT", len(s.invocations) + 1, "labels are 1..L4_LABEL_COUNT-1")]
    o += section("Message shape and argument positions")
    ctx = len(s.context_fields)
    for inv in s.invocations:
        up = inv.c_name.upper()
        o.append(f"/* {inv.name} */")
        o.append(define(f"L4_LABEL_{up}_WORDS", len(inv.words)))
        if inv.variable:
            o.append(define(f"L4_LABEL_{up}_MAX_WORDS", len(inv.words) + ctx))
        o.append(define(f"L4_LABEL_{up}_CAPS", len(inv.caps)))
        o.append(define(f"L4_LABEL_{up}_REPLY_WORDS", len(inv.fixed_returns)))
        if inv.variable_return:
            o.append(define(f"L4_LABEL_{up}_REPLY_MAX_WORDS", len(inv.fixed_returns) + ctx))
        for a in inv.args:
            an = a.name.upper()
            o.append(define(f"L4_ARG_{up}_{an}", a.pos))
            if a.type == CAP_TYPE:
                o.append(define(f"L4_XCAP_{up}_{an}", a.slot, "caps_or_badges index"))
            else:
                o.append(define(f"L4_MR_{up}_{an}", a.slot,
                                "first of count words" if a.type == CONTEXT_TYPE else None))
        for r in inv.returns:
            o.append(define(f"L4_RET_{up}_{r.name.upper()}", r.slot))
        o.append("")
    o += section("Per-label tables")

    def switch(fn, ret, doc, value, default):
        lines = c_comment(doc) + [f"static inline {ret} {fn}(l4_word_t label)", "{", "    switch (label) {"]
        for inv in s.invocations:
            lines += [f"    case L4_LABEL_{inv.c_name.upper()}:", f"        return {value(inv)};"]
        return lines + ["    default:", f"        return {default};", "    }", "}", ""]

    o += switch("l4_label_min_length", "unsigned",
                "Fixed message words of an invocation (the least length its message may have).",
                lambda i: f"L4_LABEL_{i.c_name.upper()}_WORDS", 0)
    o += switch("l4_label_extra_caps", "unsigned", "Extra capabilities an invocation needs.",
                lambda i: f"L4_LABEL_{i.c_name.upper()}_CAPS", 0)
    o += switch("l4_label_name", "const char *", "Name of a label (\"?\" if unknown).",
                lambda i: f'"{i.name}"', '"?"')
    o += c_comment("Non-zero if `label` is an invocation of capabilities of type `cap_type`.")
    o += ["static inline int l4_label_applies_to(l4_word_t label, l4_word_t cap_type)", "{",
          "    switch (label) {"]
    for inv in s.invocations:
        cond = " || ".join(f"cap_type == L4_CAP_{s.type(t).c_name.upper()}" for t in inv.objects)
        o += [f"    case L4_LABEL_{inv.c_name.upper()}:", f"        return {cond};"]
    o += ["    default:", "        return 0;", "    }", "}"]
    o += ["", "#endif /* L4_INVOCATION_LABELS_GEN_H */"]
    return "\n".join(o) + "\n"
