# SPDX-License-Identifier: MIT
"""C output helpers shared by the header, label and stub generators.

c_comment() and c_signature() format comment blocks and (wrapped) function
signatures; c_hex() and c_int() write integer constants; c_header(),
section() and define() give the file banner and include guard, section
rulers and aligned #define lines. Each returns a line or a list of lines.
"""

import textwrap

from .model import GENERATED
from .util import one_line, paragraphs


def c_comment(text, indent="", width=92):
    """A /* */ comment block (or a one-liner) holding `text`."""
    paras = paragraphs(text)
    if not paras:
        return []
    if len(paras) == 1 and len(indent) + len(paras[0]) + 6 <= width:
        return [f"{indent}/* {paras[0]} */"]
    out = [f"{indent}/*"]
    for i, p in enumerate(paras):
        if i:
            out.append(f"{indent} *")
        for line in textwrap.wrap(p, width - len(indent) - 3):
            out.append(f"{indent} * {line}")
    out.append(f"{indent} */")
    return out


def c_signature(head, params, width=100):
    """`head(params)` on one line, or wrapped with continuation lines aligned
    after the parenthesis when longer than `width`."""
    line = f"{head}({', '.join(params) or 'void'})"
    if len(line) <= width:
        return [line]
    pad = " " * (len(head) + 1)
    out, cur = [], f"{head}("
    for i, p in enumerate(params):
        piece = p + ("," if i < len(params) - 1 else ")")
        if cur.strip() and cur != f"{head}(" and len(cur) + 1 + len(piece) > width:
            out.append(cur.rstrip())
            cur = pad + piece
        else:
            cur += ("" if cur.endswith("(") else " ") + piece
    out.append(cur)
    return out


def c_hex(value):
    return f"UINT64_C(0x{value:x})"


def c_int(value):
    """A C integer constant: plain decimal if it fits an int, else UINT64_C."""
    return str(value) if 0 <= value < 2**31 else c_hex(value)


def c_header(title, paragraph, guard):
    out = [f"/* {GENERATED} */", "/* SPDX-License-Identifier: MIT */", "/*", f" * {title}", " *"]
    for line in textwrap.wrap(one_line(paragraph), 75):
        out.append(f" * {line}")
    out += [" */", f"#ifndef {guard}", f"#define {guard}", ""]
    return out


def section(title):
    return ["", f"/* --- {title} " + "-" * max(3, 70 - len(title)) + " */", ""]


def define(name, value, comment=None, width=48):
    line = f"#define {name} {value}"
    if comment:
        line = f"{line:<{width}} /* {one_line(comment)} */" if len(line) < width else f"{line} /* {one_line(comment)} */"
    return line
