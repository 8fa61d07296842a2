# SPDX-License-Identifier: MIT
"""User-level protocol headers and reference sections (libl4/spec/protocols/).

For a protocol <p>, emit_protocol_headers(spec, proto) returns the text of
three headers, written into <builddir>/libl4/include/l4/proto/:

  <p>_gen.h         labels, message shapes and argument positions, the
                    protocol's errors and their names and detail counts,
                    shared-page structs (client and server)
  <p>_client_gen.h  one inline stub per message: <p>_<message>(service,
                    args..., &outs...) Calls the endpoint and returns the
                    status (0, an l4_error_t, or a <P>_ERROR_*)
  <p>_server_gen.h  per-message argument and result structs, <p>_decode()
                    (label, length, capability and range checks, no side
                    effect but filling the request), the handler table
                    struct <p>_server_ops and <p>_dispatch(), which decodes,
                    calls the handler and builds the reply

reference_protocol(spec, proto) gives the protocol's reference section.
"""

from .cgen import c_comment, c_header, c_signature, define, section
from .model import CAP_TYPE, SCALAR_TYPES
from .spec_protocol import TYPE_MAX
from .structs import c_struct
from .util import md, one_line, paragraphs


def _ctype(a):
    return "l4_cptr_t" if a.type == CAP_TYPE else SCALAR_TYPES[a.type]


def _arg_field_type(a):
    """Type of an argument in the server's args struct."""
    if a.type == CAP_TYPE:
        return "l4_word_t" if a.cap_kind == "badge" else "l4_cptr_t"
    return SCALAR_TYPES[a.type]


def _mr(k, arr="mrs", ipc="ipc"):
    return f"{arr}[{k}]" if k < 4 else f"{ipc}->msg[{k}]"


def _all_errors(spec, proto):
    return [(e.name, e.c_name, e.value, e.detail) for e in spec.errors] + \
        [(e.name, e.c_name, e.value, e.detail) for e in proto.errors]


def max_detail(spec, proto):
    return max([1] + [len(d) for _, _, _, d in _all_errors(spec, proto)])


def emit_common(spec, p):
    up = p.name.upper()
    o = c_header(f"Protocol {p.name}: labels, message shapes, errors, shared-page layouts.",
                 f"Client and server of the {p.name} protocol (libl4/spec/protocols/{p.name}.toml; "
                 "docs/protocols.md). A status is 0 (NoError), an l4_error_t (below "
                 "256) or one of the protocol's errors (from 256).",
                 f"L4_PROTO_{up}_GEN_H")
    o += ["#include <stddef.h>", "#include <stdint.h>", "#include <l4/abi_gen.h>"]
    o += section("Labels and message shapes")
    o += c_comment(p.doc)
    o += [f"enum {p.name}_label {{", f"    {up}_LABEL_INVALID = 0,"]
    for m in p.messages:
        o.append(f"    {up}_LABEL_{m.c_name.upper()} = {m.label},")
    o += ["};", define(f"{up}_LABEL_COUNT", len(p.messages) + 1, "labels are 1..COUNT-1"), ""]
    for m in p.messages:
        mu = f"{up}_LABEL_{m.c_name.upper()}"
        o.append(f"/* {m.name}: {one_line(m.doc)} */")
        o.append(define(f"{mu}_WORDS", len(m.words)))
        o.append(define(f"{mu}_CAPS", len(m.caps)))
        o.append(define(f"{mu}_REPLY_WORDS", len(m.ret_words)))
        o.append(define(f"{mu}_REPLY_CAPS", len(m.ret_caps)))
        for a in m.args:
            an = f"{m.c_name.upper()}_{a.name.upper()}"
            o.append(define(f"{up}_ARG_{an}", a.pos))
            o.append(define(f"{up}_{'XCAP' if a.type == CAP_TYPE else 'MR'}_{an}", a.slot))
        for r in m.returns:
            o.append(define(f"{up}_RET_{m.c_name.upper()}_{r.name.upper()}", r.slot))
        o.append("")
    o += ["/* Name of a label (\"?\" if unknown). */",
          f"static inline const char *{p.name}_label_name(l4_word_t label)", "{",
          "    switch (label) {"]
    for m in p.messages:
        o += [f"    case {up}_LABEL_{m.c_name.upper()}:", f'        return "{m.name}";']
    o += ["    default:", '        return "?";', "    }", "}"]
    o += section("Errors")
    o.append(f"/* 0, an l4_error_t, or a {up}_ERROR_*. */")
    o.append(f"typedef l4_word_t {p.name}_status_t;")
    o.append("")
    if p.errors:
        o.append(f"enum {p.name}_error {{")
        for e in p.errors:
            o.append(f"    {e.c_name} = {e.value}, /* {one_line(e.doc)} */")
        o += ["};", ""]
    o.append(define(f"{up}_MAX_DETAIL", max_detail(spec, p), "detail words of any error"))
    o += ["", "/* Name of a status (the kernel's or the protocol's; \"?\" if unknown). */",
          f"static inline const char *{p.name}_error_name(l4_word_t e)", "{", "    switch (e) {"]
    for e in p.errors:
        o += [f"    case {e.c_name}:", f'        return "{e.name}";']
    o += ["    default:", "        return l4_error_name(e);", "    }", "}", "",
          "/* Detail words (MR0..) of an error reply with status e. */",
          f"static inline unsigned {p.name}_error_detail_words(l4_word_t e)", "{",
          "    switch (e) {"]
    for e in p.errors:
        if e.detail:
            o += [f"    case {e.c_name}:", f"        return {len(e.detail)};"]
    o += ["    default:", "        return l4_error_detail_words(e);", "    }", "}"]
    if p.structs:
        o += section("Shared-page layouts")
        for st in p.structs:
            o += c_struct(st)
    o += ["", f"#endif /* L4_PROTO_{up}_GEN_H */"]
    return "\n".join(o) + "\n"


def client_signature(p, m, head_prefix="static inline "):
    params = ["l4_cptr_t service"]
    params += [f"{_ctype(a)} {a.name}" for a in m.args]
    params += [f"l4_cptr_t {r.name}_cnode, l4_word_t {r.name}_slot" for r in m.ret_caps]
    params += [f"{_ctype(r)} *{r.name}" for r in m.ret_words]
    return c_signature(f"{head_prefix}{p.name}_status_t {p.name}_{m.c_name}", params)


def emit_client(spec, p):
    up = p.name.upper()
    o = c_header(f"Protocol {p.name}: client stubs.",
                 f"One stub per message of the {p.name} protocol: it puts the arguments in "
                 "message words and extra capabilities, Calls `service` (an endpoint "
                 "capability; capability arguments need one with Grant) and returns the "
                 "status: an l4_error_t of the Call itself, the server's error (the reply's "
                 "label), TruncatedMessage if the reply is shorter than the out-values, or 0 "
                 "with the out-values written (NULL: not wanted). After an error "
                 "l4_get_mr(0..) read its detail words.",
                 f"L4_PROTO_{up}_CLIENT_GEN_H")
    o += ["#include <stdbool.h>", "#include <l4/stubs_gen.h>", f"#include <l4/proto/{p.name}_gen.h>"]
    o += section("Stubs")
    for m in p.messages:
        mu = f"{up}_LABEL_{m.c_name.upper()}"
        o += c_comment(f"{m.name} (label {m.label}): {one_line(m.doc)}")
        o += client_signature(p, m) + ["{",
                                      "    struct l4_ipc_buffer *ipc_ = l4_ipc_buffer();",
                                      "    l4_word_t mrs_[L4_MSG_REGISTERS] = {0, 0, 0, 0};",
                                      "    l4_msginfo_t info_ = 0;",
                                      "    l4_error_t sys_;", "    l4_word_t i_;"]
        for r in m.ret_caps:
            # the reply's capability lands in (cnode, slot) at depth 64
            # (cptr = slot, the start-info convention); the caller's own
            # receive slot is restored after the Call
            o += ["    l4_word_t rcn_ = ipc_->receive_cnode, rix_ = ipc_->receive_index, "
                  "rdp_ = ipc_->receive_depth;",
                  f"    ipc_->receive_cnode = {r.name}_cnode;",
                  f"    ipc_->receive_index = {r.name}_slot;",
                  "    ipc_->receive_depth = 64;"]
        for a in m.args:
            if a.type == CAP_TYPE:
                o.append(f"    ipc_->caps_or_badges[{a.slot}] = {a.name};")
            else:
                o.append(f"    {_mr(a.slot, 'mrs_', 'ipc_')} = (l4_word_t){a.name};")
        o += [f"    sys_ = l4_call_mrs(service, l4_msginfo_new({mu}, 0, {mu}_CAPS, {mu}_WORDS), "
              "&info_, mrs_);"]
        if m.ret_caps:
            o += ["    ipc_->receive_cnode = rcn_;", "    ipc_->receive_index = rix_;",
                  "    ipc_->receive_depth = rdp_;"]
        o += ["    if (sys_ != L4_NO_ERROR)", "        return sys_;",
              "    for (i_ = 0; i_ < L4_MSG_REGISTERS; i_++)",
              "        ipc_->msg[i_] = mrs_[i_];",
              "    if (l4_msginfo_get_label(info_) != 0)",
              "        return l4_msginfo_get_label(info_);"]
        if m.ret_words:
            o += [f"    if (l4_msginfo_get_length(info_) < {mu}_REPLY_WORDS)",
                  "        return L4_TRUNCATED_MESSAGE;"]
        if m.ret_caps:
            # no capability arrived: the service capability lacks Grant, or
            # the receive slot was not empty
            o += [f"    if (l4_msginfo_get_extra_caps(info_) < {mu}_REPLY_CAPS)",
                  "        return L4_TRUNCATED_MESSAGE;"]
        for r in m.ret_words:
            o += [f"    if ({r.name})",
                  f"        *{r.name} = ({_ctype(r)}){_mr(r.slot, 'mrs_', 'ipc_')};"]
        o += ["    return L4_NO_ERROR;", "}", ""]
    o += [f"#endif /* L4_PROTO_{up}_CLIENT_GEN_H */"]
    return "\n".join(o) + "\n"


def _handler_params(p, m):
    ps = ["void *ctx", "l4_word_t badge"]
    if m.args:
        ps.append(f"const struct {p.name}_{m.c_name}_args *args")
    if m.returns:
        ps.append(f"struct {p.name}_{m.c_name}_result *result")
    ps.append(f"l4_word_t detail[{p.name.upper()}_MAX_DETAIL]")
    return ps


def emit_server(spec, p):
    up = p.name.upper()
    o = c_header(f"Protocol {p.name}: server-side decoding and dispatch.",
                 f"{p.name}_decode() checks a received message (label known, enough words and "
                 "extra capabilities, each capability argument arrived as its kind says, "
                 "narrow arguments in range) and only then fills the request; on a problem it "
                 "returns the status with its detail words and changes nothing else. "
                 f"{p.name}_dispatch() decodes, calls the handler of struct {p.name}_server_ops "
                 "(NULL: IllegalOperation) and builds the reply (label = status; words = "
                 "out-values, or the error's detail words).",
                 f"L4_PROTO_{up}_SERVER_GEN_H")
    o += ["#include <stdbool.h>", "#include <l4/abi_gen.h>", f"#include <l4/proto/{p.name}_gen.h>"]
    o += section("Arguments and results")
    for m in p.messages:
        if m.args:
            o.append(f"struct {p.name}_{m.c_name}_args {{")
            for a in m.args:
                what = {"badge": " /* the badge of the unwrapped capability */",
                        "transfer": " /* the receive slot it arrived in */"}.get(a.cap_kind, "")
                o.append(f"    {_arg_field_type(a)} {a.name};{what}")
            o += ["};", ""]
        if m.returns:
            o.append(f"struct {p.name}_{m.c_name}_result {{")
            for r in m.returns:
                what = (" /* a capability of the server's, copied into the client's receive "
                        "slot */" if r.type == "cptr" else "")
                o.append(f"    {_ctype(r)} {r.name};{what}")
            o += ["};", ""]
    o += [f"/* A decoded request: label, badge and the arguments of that label. */",
          f"struct {p.name}_request {{", "    l4_word_t label;", "    l4_word_t badge;",
          "    union {", "        l4_word_t none_;"]
    for m in p.messages:
        if m.args:
            o.append(f"        struct {p.name}_{m.c_name}_args {m.c_name};")
    o += ["    } args;", "};", "",
          f"/* The out-values of a request being answered. */", f"union {p.name}_reply {{",
          "    l4_word_t none_;"]
    for m in p.messages:
        if m.returns:
            o.append(f"    struct {p.name}_{m.c_name}_result {m.c_name};")
    o += ["};"]

    o += section("Decode")
    o += c_comment(
        "Check the message (label, message-info word, badge, MR0..MR3 in mrs, MR4.. and the "
        "caps_or_badges of the receiver's IPC buffer; recv_slot: the receive slot it set) "
        f"and fill *req. Returns 0, or IllegalOperation (unknown label), TruncatedMessage "
        "(too few words or extra caps), InvalidCapability (a capability argument arrived as "
        "the wrong kind; detail[0] = its position), RangeError (a narrow argument too large; "
        "detail = 0 and its maximum); *req is then untouched.")
    o += c_signature(f"static inline {p.name}_status_t {p.name}_decode",
                     ["l4_word_t badge", "l4_msginfo_t info", "const l4_word_t mrs[L4_MSG_REGISTERS]",
                      "const struct l4_ipc_buffer *ipc", "l4_cptr_t recv_slot",
                      f"struct {p.name}_request *req", f"l4_word_t detail[{up}_MAX_DETAIL]"])
    o += ["{", "    l4_word_t label = l4_msginfo_get_label(info);",
          "    l4_word_t length = l4_msginfo_get_length(info);",
          "    l4_word_t caps = l4_msginfo_get_extra_caps(info);",
          "    l4_word_t unwrapped = l4_msginfo_get_caps_unwrapped(info);",
          "    (void)length;", "    (void)caps;", "    (void)unwrapped;", "    (void)mrs;",
          "    (void)ipc;", "    (void)recv_slot;", "    (void)detail;",
          "    switch (label) {"]
    for m in p.messages:
        mu = f"{up}_LABEL_{m.c_name.upper()}"
        o.append(f"    case {mu}:")
        short = ([f"length < {mu}_WORDS"] if m.words else []) + \
            ([f"caps < {mu}_CAPS"] if m.caps else [])
        if short:
            o += [f"        if ({' || '.join(short)})", "            return L4_TRUNCATED_MESSAGE;"]
        for a in m.args:
            if a.type == CAP_TYPE:
                bit = f"(unwrapped & ((l4_word_t)1 << {a.slot}))"
                cond = f"!{bit}" if a.cap_kind == "badge" else bit
                o += [f"        if ({cond}) {{", f"            detail[0] = {a.pos};",
                      "            return L4_INVALID_CAPABILITY;", "        }"]
            elif a.type in TYPE_MAX:
                o += [f"        if ({_mr(a.slot)} > {TYPE_MAX[a.type]}u) {{", "            detail[0] = 0;",
                      f"            detail[1] = {TYPE_MAX[a.type]}u;",
                      "            return L4_RANGE_ERROR;", "        }"]
        o += ["        req->label = label;", "        req->badge = badge;"]
        for a in m.args:
            dst = f"req->args.{m.c_name}.{a.name}"
            if a.type == CAP_TYPE:
                src = f"ipc->caps_or_badges[{a.slot}]" if a.cap_kind == "badge" else "recv_slot"
            else:
                src = f"({SCALAR_TYPES[a.type]}){_mr(a.slot)}"
            o.append(f"        {dst} = {src};")
        o += ["        return L4_NO_ERROR;"]
    o += ["    default:", "        return L4_ILLEGAL_OPERATION;", "    }", "}"]

    o += section("Dispatch")
    o += c_comment(f"One handler per message; a handler returns 0 with the result filled, or an "
                   f"error status with its detail words in detail[] ({p.name}_error_detail_words() "
                   "of them are sent).")
    o.append(f"struct {p.name}_server_ops {{")
    for m in p.messages:
        ps = _handler_params(p, m)
        o.append(f"    {p.name}_status_t (*{m.c_name})({', '.join(ps)});")
    o += ["};", ""]
    o += c_comment("Decode the message, call its handler, and build the reply: returns the reply's "
                   "message-info word, with its words in mrs (MR0..MR3) and ipc->msg (MR4..). "
                   "Pass them to ReplyRecv.")
    o += c_signature(f"static inline l4_msginfo_t {p.name}_dispatch",
                     [f"const struct {p.name}_server_ops *ops", "void *ctx", "l4_word_t badge",
                      "l4_msginfo_t info", "l4_word_t mrs[L4_MSG_REGISTERS]",
                      "struct l4_ipc_buffer *ipc", "l4_cptr_t recv_slot"])
    o += ["{", f"    struct {p.name}_request req_;", f"    union {p.name}_reply rep_;",
          f"    l4_word_t detail_[{up}_MAX_DETAIL] = {{0}};", "    l4_word_t n_ = 0, c_ = 0, i_;",
          f"    {p.name}_status_t st_ = {p.name}_decode(badge, info, mrs, ipc, recv_slot, &req_, "
          "detail_);",
          "    rep_.none_ = 0;", "    (void)rep_;",
          "    if (st_ == L4_NO_ERROR) {", "        switch (req_.label) {"]
    for m in p.messages:
        args = ["ctx", "badge"]
        if m.args:
            args.append(f"&req_.args.{m.c_name}")
        if m.returns:
            args.append(f"&rep_.{m.c_name}")
        args.append("detail_")
        o += [f"        case {up}_LABEL_{m.c_name.upper()}:",
              f"            st_ = ops->{m.c_name} ? ops->{m.c_name}({', '.join(args)}) : "
              "L4_ILLEGAL_OPERATION;",
              "            if (st_ == L4_NO_ERROR) {"]
        for r in m.ret_words:
            o.append(f"                {_mr(r.slot)} = (l4_word_t)rep_.{m.c_name}.{r.name};")
        for r in m.ret_caps:
            o.append(f"                ipc->caps_or_badges[{r.slot}] = rep_.{m.c_name}.{r.name};")
        o += [f"                n_ = {up}_LABEL_{m.c_name.upper()}_REPLY_WORDS;",
              f"                c_ = {up}_LABEL_{m.c_name.upper()}_REPLY_CAPS;", "            }",
              "            break;"]
    o += ["        default:", "            st_ = L4_ILLEGAL_OPERATION;", "        }", "    }",
          "    if (st_ != L4_NO_ERROR) {", "        c_ = 0;",
          f"        n_ = {p.name}_error_detail_words(st_);",
          f"        if (n_ > {up}_MAX_DETAIL)", f"            n_ = {up}_MAX_DETAIL;",
          "        for (i_ = 0; i_ < n_; i_++) {",
          "            if (i_ < L4_MSG_REGISTERS)", "                mrs[i_] = detail_[i_];",
          "            else", "                ipc->msg[i_] = detail_[i_];", "        }", "    }",
          "    return l4_msginfo_new(st_, 0, c_, n_);", "}", "",
          f"#endif /* L4_PROTO_{up}_SERVER_GEN_H */"]
    return "\n".join(o) + "\n"


def protocol_outputs(spec):
    """{file name: text} of every protocol header."""
    out = {}
    for p in spec.protocols:
        out[f"{p.name}_gen.h"] = emit_common(spec, p)
        out[f"{p.name}_client_gen.h"] = emit_client(spec, p)
        out[f"{p.name}_server_gen.h"] = emit_server(spec, p)
    return out


def reference_protocol(spec, p):
    from .reference import reference_struct
    up = p.name.upper()
    errs = {e.name: e for e in spec.errors}
    errs.update({e.name: e for e in p.errors})
    o = [f'<a id="proto-{p.name}"></a>', f"### Protocol {p.name}", ""]
    for para in paragraphs(p.doc):
        o += [para, ""]
    if p.badge_doc:
        o += ["**Badge:** " + " ".join(paragraphs(p.badge_doc)), ""]
    o += [f"Headers: `<l4/proto/{p.name}_gen.h>` (labels, errors, layouts), "
          f"`<l4/proto/{p.name}_client_gen.h>` (stubs), `<l4/proto/{p.name}_server_gen.h>` "
          f"(`{p.name}_decode()`, `struct {p.name}_server_ops`, `{p.name}_dispatch()`). "
          f"Spec: `libl4/spec/{p.file}`.", ""]
    if p.errors:
        o += ["| value | error | C name | detail | meaning |", "|---|---|---|---|---|"]
        for e in p.errors:
            det = "; ".join(f"MR{i}: {md(d)}" for i, d in enumerate(e.detail)) or "—"
            o.append(f"| {e.value} | {e.name} | `{e.c_name}` | {det} | {md(e.doc)} |")
        o.append("")
    o += ["Every message may also fail with IllegalOperation (unknown label, or no handler), "
          "TruncatedMessage (fewer words or extra capabilities than its arguments), "
          "InvalidCapability (a capability argument that arrived as the wrong kind; MR0: its "
          "position) and RangeError (an argument above its type's range; MR0, MR1: 0 and the "
          "maximum).", ""]
    for m in p.messages:
        o += [f"#### {p.name}.{m.name} (label {m.label})", "", md(m.doc), "",
              "```c"] + client_signature(p, m, "") + ["```", ""]
        if m.args:
            o += ["| # | argument | type | where | meaning |", "|---|---|---|---|---|"]
            for a in m.args:
                if a.type == CAP_TYPE:
                    where, typ = f"extra cap {a.slot}", f"cptr ({a.cap_kind})"
                else:
                    where, typ = f"MR{a.slot}", a.type
                o.append(f"| {a.pos} | `{a.name}` | {typ} | {where} | {md(a.doc)} |")
            o.append("")
        if m.returns:
            o += ["| reply word | out-value | type | meaning |", "|---|---|---|---|"]
            for r in m.ret_words:
                o.append(f"| MR{r.slot} | `{r.name}` | {r.type} | {md(r.doc)} |")
            for r in m.ret_caps:
                o.append(f"| extra cap {r.slot} | `{r.name}` | cptr (transfer: into "
                         f"`{r.name}_cnode`, `{r.name}_slot`) | {md(r.doc)} |")
            o.append("")
        if m.errors:
            o += ["| error | value | when |", "|---|---|---|"]
            for e, when in m.errors:
                o.append(f"| {e} | {errs[e].value} | {md(when)} |")
            o.append("")
    for st in p.structs:
        o += reference_struct(st, "####")
    return o
