# SPDX-License-Identifier: MIT
"""stubs_gen.h: user-level syscall wrappers and invocation stubs.

emit_stubs(spec) returns the text of stubs_gen.h: one inline wrapper per
syscall (and notification alias) and one stub per invocation, all on the
arch syscall primitive. stub_signature() is also used by the reference.
"""

from .cgen import c_comment, c_header, c_signature, section
from .model import CAP_TYPE, CONTEXT_TYPE, STRING_TYPE
from .util import one_line


def mr_ref(s, k):
    """C lvalue of message register k (a constant) in a generated function."""
    return f"mr_[{k}]" if k < s.conv.msg_registers else f"ipc_->msg[{k}]"


def mr_ref_dyn(s, expr):
    return f"({expr} < L4_MSG_REGISTERS ? mr_[{expr}] : ipc_->msg[{expr}])"


def zero_mrs(s):
    return "{" + ", ".join("0" for _ in range(s.conv.msg_registers)) + "}"


def wrapper(s, sc, c_name, doc, fixed, mrs_mode, keep, debug):
    """One syscall wrapper. mrs_mode: 'buffer' (MR0.. staged in ipc->msg),
    'array' (an mrs[] parameter) or 'none' (no message words)."""
    n = s.conv.msg_registers
    params = []
    status = sc.get("sysno", out=True)
    ret = s.ctype(status.type) if status else "void"
    ins = [p for p in sc.inputs if p.role != "mrs" and p.name not in fixed]
    outs = [p for p in sc.outputs if p.role not in ("mrs", "sysno") and (keep is None or p.name in keep)]
    for p in ins:
        params.append(f"const char *{p.name}" if p.type == STRING_TYPE else f"{s.ctype(p.type)} {p.name}")
    for p in outs:
        params.append(f"{s.ctype(p.type)} *{p.name}")
    mr_in, mr_out = sc.has("mrs"), sc.has("mrs", out=True)
    if mrs_mode == "array":
        params.append(f"{'' if mr_out else 'const '}l4_word_t mrs[L4_MSG_REGISTERS]")
    needs_ipc = (mrs_mode == "buffer" and (mr_in or mr_out)) or sc.has("ipc_buffer")

    def value(role):
        p = sc.get(role)
        if p is None:
            return "0"
        if p.name in fixed:
            return str(fixed[p.name])
        return p.name

    o = c_comment(doc + (" (Debug builds only.)" if debug else ""))
    o += c_signature(f"static inline {ret} l4_{c_name}", params) + ["{"]
    if needs_ipc:
        o.append("    struct l4_ipc_buffer *ipc_ = l4_ipc_buffer();")
    o.append(f"    l4_word_t cptr_ = {value('cptr')};")
    o.append(f"    l4_word_t info_ = {value('info')};")
    o.append(f"    l4_word_t mr_[L4_MSG_REGISTERS] = {zero_mrs(s)};")
    o.append("    l4_word_t sys_;")
    if mr_in and mrs_mode == "buffer":
        o += [f"    mr_[{k}] = ipc_->msg[{k}];" for k in range(n)]
    elif mr_in and mrs_mode == "array":
        o += [f"    mr_[{k}] = mrs[{k}];" for k in range(n)]
    for p in sc.inputs:
        if p.role == "ipc_buffer" and p.name not in fixed:
            o += ["    {",
                  "        char *dst_ = (char *)ipc_->msg;",
                  "        l4_word_t i_;",
                  f"        for (i_ = 0; i_ + 1 < sizeof(ipc_->msg) && {p.name}[i_] != '\\0'; i_++)",
                  f"            dst_[i_] = {p.name}[i_];",
                  "        dst_[i_] = '\\0';",
                  "    }"]
    o.append(f"    sys_ = l4_arch_syscall(L4_SYS_{sc.c_name.upper()}, &cptr_, &info_, mr_, "
             f"{value('reply') if sc.has('reply') else 'L4_CPTR_NULL'});")
    if mr_out and mrs_mode == "buffer":
        o += [f"    ipc_->msg[{k}] = mr_[{k}];" for k in range(n)]
    elif mr_out and mrs_mode == "array":
        o += [f"    mrs[{k}] = mr_[{k}];" for k in range(n)]
    for p in outs:
        src = {"cptr": "cptr_", "info": "info_"}[p.role]
        o += [f"    if ({p.name})", f"        *{p.name} = ({s.ctype(p.type)}){src};"]
    o.append(f"    return ({ret})sys_;" if status else "    (void)sys_;")
    o += ["}", ""]
    return o


def stub(s, inv):
    n = s.conv.msg_registers
    up = inv.c_name.upper()
    var, vret = inv.variable, inv.variable_return
    params = ["l4_cptr_t service"]
    for a in inv.args:
        if a.type == CONTEXT_TYPE:
            params.append(f"const struct l4_user_context *{a.name}")
        else:
            params.append(f"{s.ctype(a.type)} {a.name}")
    for r in inv.returns:
        params.append(f"struct l4_user_context *{r.name}" if r.type == CONTEXT_TYPE
                      else f"{s.ctype(r.type)} *{r.name}")
    nwords = len(inv.words)
    needs_ipc = (nwords > n or inv.caps or var is not None or vret is not None
                 or len(inv.fixed_returns) > n)
    o = c_comment(f"{inv.name} (label {inv.label}, on {', '.join(inv.objects)}): {one_line(inv.doc)}")
    o += c_signature(f"static inline l4_error_t l4_{inv.c_name}", params) + ["{"]
    if needs_ipc:
        o.append("    struct l4_ipc_buffer *ipc_ = l4_ipc_buffer();")
    o.append("    l4_word_t cptr_ = service;")
    o.append(f"    l4_word_t mr_[L4_MSG_REGISTERS] = {zero_mrs(s)};")
    o.append(f"    l4_word_t length_ = L4_LABEL_{up}_WORDS;")
    o.append("    l4_word_t info_;")
    o.append("    l4_word_t sys_;")
    for a in inv.args:
        if a.type == CAP_TYPE:
            o.append(f"    ipc_->caps_or_badges[L4_XCAP_{up}_{a.name.upper()}] = {a.name};")
        elif a.type != CONTEXT_TYPE:
            o.append(f"    {mr_ref(s, a.slot)} = {a.name};")
    if var is not None:
        o += ["    {",
              f"        l4_word_t n_ = {var.count} < L4_USER_CONTEXT_WORDS ? {var.count} : L4_USER_CONTEXT_WORDS;",
              "        l4_word_t i_;",
              "        for (i_ = 0; i_ < n_; i_++) {",
              f"            l4_word_t k_ = L4_MR_{up}_{var.name.upper()} + i_;",
              f"            l4_word_t v_ = l4_user_context_get_word({var.name}, (unsigned)i_);",
              "            if (k_ < L4_MSG_REGISTERS)",
              "                mr_[k_] = v_;",
              "            else",
              "                ipc_->msg[k_] = v_;",
              "        }",
              "        length_ += n_;",
              "    }"]
    o.append(f"    info_ = l4_msginfo_new(L4_LABEL_{up}, 0, L4_LABEL_{up}_CAPS, length_);")
    o.append("    sys_ = l4_arch_syscall(L4_SYS_CALL, &cptr_, &info_, mr_, L4_CPTR_NULL);")
    o.append("    if (sys_ != L4_NO_ERROR) {")
    if needs_ipc:
        o.append("        struct l4_ipc_buffer *err_ = ipc_;")
    else:
        o.append("        struct l4_ipc_buffer *err_ = l4_ipc_buffer();")
    o += [f"        err_->msg[{k}] = mr_[{k}];" for k in range(n)]
    o += ["        return (l4_error_t)sys_;", "    }"]
    for r in inv.fixed_returns:
        o += [f"    if ({r.name})", f"        *{r.name} = ({s.ctype(r.type)}){mr_ref(s, r.slot)};"]
    if vret is not None:
        first = len(inv.fixed_returns)
        k = f"{first} + i_" if first else "i_"
        o += [f"    if ({vret.name}) {{",
              "        l4_word_t len_ = l4_msginfo_get_length(info_);",
              (f"        l4_word_t n_ = len_ > {first} ? len_ - {first} : 0;" if first
               else "        l4_word_t n_ = len_;"),
              "        l4_word_t i_;",
              "        if (n_ > L4_USER_CONTEXT_WORDS)",
              "            n_ = L4_USER_CONTEXT_WORDS;",
              "        for (i_ = 0; i_ < n_; i_++)",
              f"            l4_user_context_set_word({vret.name}, (unsigned)i_,",
              f"                                     {mr_ref_dyn(s, k)});",
              "    }"]
    o += ["    (void)info_;", "    return L4_NO_ERROR;", "}", ""]
    return o


def emit_stubs(s):
    o = c_header(
        "Tessera ABI: user-level syscall wrappers and invocation stubs.",
        "User code only. For each syscall l4_<name>() stages MR0..MR3 in the IPC buffer's "
        "msg array (load before, store after) and l4_<name>_mrs() takes them as an array; "
        "outputs are returned through pointers (NULL: not wanted). For each invocation "
        "l4_<object>_<method>(service, args..., &outs...) packs the arguments into message "
        "words and extra caps, Calls the capability and returns the l4_error_t; out-values "
        "are written only on NoError, and after an error l4_get_mr(0..) read the error's "
        "detail words. All are "
        "built on l4_arch_syscall() of <l4/arch/syscall.h>. The user runtime must define "
        "l4_ipc_buffer(), which returns the calling thread's IPC buffer.",
        "L4_STUBS_GEN_H")
    o += ["#include <stdbool.h>", "#include <l4/abi_gen.h>", "#include <l4/invocation_labels_gen.h>",
          "#include <l4/arch/syscall.h>", ""]
    o += ["/* The calling thread's IPC buffer: defined by the user runtime. */",
          "struct l4_ipc_buffer *l4_ipc_buffer(void);", "",
          "/* Message register i (0 <= i < L4_MSG_MAX_LENGTH), as staged in the IPC buffer. */",
          "static inline l4_word_t l4_get_mr(unsigned i)", "{", "    return l4_ipc_buffer()->msg[i];",
          "}", "", "static inline void l4_set_mr(unsigned i, l4_word_t v)", "{",
          "    l4_ipc_buffer()->msg[i] = v;", "}"]
    o += section("Syscalls")
    for sc in s.syscalls:
        has_mrs = sc.has("mrs") or sc.has("mrs", out=True)
        o += wrapper(s, sc, sc.c_name, sc.doc, {}, "buffer" if has_mrs else "none", None, sc.debug)
        if has_mrs:
            o += wrapper(s, sc, sc.c_name + "_mrs",
                         f"{sc.name} with MR0..MR{s.conv.msg_registers - 1} in mrs[] instead of the IPC buffer.",
                         {}, "array", None, sc.debug)
    o += section("Notification aliases")
    for a in s.aliases:
        o += wrapper(s, a.syscall, a.c_name, f"{a.name}: {a.doc}", a.fixed,
                     "buffer" if a.mrs else "none", a.keep, a.syscall.debug)
    o += section("Invocations")
    for inv in s.invocations:
        o += stub(s, inv)
    o += ["#endif /* L4_STUBS_GEN_H */"]
    return "\n".join(o) + "\n"


def stub_signature(s, inv):
    params = ["l4_cptr_t service"]
    for a in inv.args:
        params.append(f"const struct l4_user_context *{a.name}" if a.type == CONTEXT_TYPE
                      else f"{s.ctype(a.type)} {a.name}")
    for r in inv.returns:
        params.append(f"struct l4_user_context *{r.name}" if r.type == CONTEXT_TYPE
                      else f"{s.ctype(r.type)} *{r.name}")
    sig = c_signature(f"l4_error_t l4_{inv.c_name}", params, width=90)
    sig[-1] += ";"
    return sig
